import { sql, type Expression, type Insertable, type Kysely, type SqlBool, type Updateable } from 'kysely';
import type { z } from 'zod';
import type { Database, LivestreamPlatform } from '../../db/types';
import { addDays, shanghaiInstant } from '../../lib/dates';
import type { streamListInput } from './livestream.schemas';

/** The SQL of streams; streams.service.ts keeps the rules, scope and transactions. */

type Db = Kysely<Database>;
type StreamFilter = NonNullable<z.output<typeof streamListInput>['filter']>;

const streams = (db: Db) => db.selectFrom('livestream_streams as s');
type Streams = ReturnType<typeof streams>;

/** Streams (`s`) with their host's and base's names: the stream view's columns. */
export function withStreamColumns(query: Streams) {
  return query
    .innerJoin('livestream_hosts as h', 'h.id', 's.host_id')
    .innerJoin('livestream_bases as b', 'b.id', 's.base_id')
    .select([
      's.id',
      's.host_id',
      'h.name as host_name',
      's.base_id',
      'b.name as base_name',
      's.platform',
      's.started_at',
      's.duration_seconds',
      's.viewers',
      's.peak_viewers',
      's.new_followers',
      's.orders',
      's.buyers',
      's.gmv_fen',
      's.farm_products',
      's.main_products',
      's.conversion_rate',
      's.click_rate',
      's.click_conversion_rate',
      's.interaction_rate',
      's.follow_rate',
      's.source',
      's.created_at',
    ]);
}
export type StreamRow = Awaited<ReturnType<ReturnType<typeof withStreamColumns>['executeTakeFirstOrThrow']>>;

/** One stream with its view's columns (scope is the caller's). */
export function streamById(db: Db, id: number) {
  return withStreamColumns(streams(db)).where('s.id', '=', id).executeTakeFirst();
}

/** A host's latest streams where `scope` holds (on `s.base_id`). */
export function recentStreamRows(db: Db, scope: Expression<SqlBool>, hostId: number, limit: number) {
  return withStreamColumns(streams(db)).where('s.host_id', '=', hostId).where(scope).orderBy('s.started_at', 'desc').limit(limit).execute();
}

/** The streams of the list: `scope` (on `s.base_id`) and the filter. Count them, or page them through withStreamColumns. */
export function matchingStreams(db: Db, scope: Expression<SqlBool>, f: StreamFilter) {
  return streams(db)
    .where(scope)
    .where((eb) => {
      const c: Expression<SqlBool>[] = [];
      if (f.baseId !== undefined) c.push(eb('s.base_id', '=', f.baseId));
      if (f.hostId !== undefined) c.push(eb('s.host_id', '=', f.hostId));
      if (f.platform) c.push(eb('s.platform', '=', f.platform));
      if (f.from) c.push(eb('s.started_at', '>=', shanghaiInstant(f.from, '00:00')));
      if (f.to) c.push(eb('s.started_at', '<', shanghaiInstant(addDays(f.to, 1), '00:00')));
      if (f.farmProducts !== undefined) c.push(eb('s.farm_products', '=', f.farmProducts));
      return eb.and(c);
    });
}

export async function countStreams(query: Streams): Promise<number> {
  const row = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The list's sort keys, as columns. */
export const STREAM_SORT = { startedAt: sql`s.started_at`, gmv: sql`s.gmv_fen`, viewers: sql`s.viewers`, duration: sql`s.duration_seconds` } as const;

/** A new stream, unless the same host, platform and start is there already (then undefined). */
export function insertStreamOnce(trx: Db, values: Insertable<Database['livestream_streams']>) {
  return trx
    .insertInto('livestream_streams')
    .values(values)
    .onConflict((oc) => oc.columns(['host_id', 'platform', 'started_at']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** The id of the stream of this host, platform and start. */
export function streamIdAt(trx: Db, hostId: number, platform: LivestreamPlatform, startedAt: Date) {
  return trx
    .selectFrom('livestream_streams')
    .select('id')
    .where('host_id', '=', hostId)
    .where('platform', '=', platform)
    .where('started_at', '=', startedAt)
    .executeTakeFirstOrThrow();
}

/** The stream row, locked for an update or delete. */
export function lockStream(trx: Db, id: number) {
  return trx.selectFrom('livestream_streams').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export function updateStreamRow(trx: Db, id: number, values: Updateable<Database['livestream_streams']>) {
  return trx
    .updateTable('livestream_streams')
    .set({ updated_at: new Date(), ...values })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteStreamRow(trx: Db, id: number): Promise<void> {
  await trx.deleteFrom('livestream_streams').where('id', '=', id).execute();
}
