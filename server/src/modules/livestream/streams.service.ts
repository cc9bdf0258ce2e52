import { sql, type Kysely } from 'kysely';
import type { z } from 'zod';
import type { Db } from '../../db/create-db';
import type { Database } from '../../db/types';
import { addDays, shanghaiInstant } from '../../lib/dates';
import { badRequest, conflict, notFound } from '../../lib/app-error';
import { onceByClientKey } from '../../lib/client-key';
import { offsetOf } from '../../lib/list';
import { recordAudit, type AuditWho } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { isUniqueViolation } from '../training/training.service';
import { hostForWrite, type HostDeps } from './hosts.service';
import { enqueueLivestreamRecompute, firstMonthOf } from './livestream.jobs';
import type { createStreamInput, createStreamOutput, deleteStreamInput, streamFields, streamListInput, streamView, updateStreamInput } from './livestream.schemas';
import { assertBaseFilter, inActorBases, rowInActorBases } from './livestream.scope';
import { EARLIEST_STREAM_DAY, shanghaiMinute, startOutOfRange } from './stream-values';

type StreamView = z.infer<typeof streamView>;


function streamRows(db: Kysely<Database>) {
  return db
    .selectFrom('livestream_streams as s')
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
      's.source',
      's.created_at',
    ]);
}
type StreamRow = Awaited<ReturnType<ReturnType<typeof streamRows>['executeTakeFirstOrThrow']>>;

const num = (v: number | string | null) => (v === null ? null : Number(v));

function toView(row: StreamRow): StreamView {
  return {
    id: Number(row.id),
    hostId: row.host_id,
    hostName: row.host_name,
    baseId: row.base_id,
    baseName: row.base_name,
    platform: row.platform,
    startedAt: new Date(row.started_at).toISOString(),
    durationSeconds: row.duration_seconds,
    viewers: row.viewers,
    peakViewers: row.peak_viewers,
    newFollowers: row.new_followers,
    orders: row.orders,
    buyers: row.buyers,
    gmvFen: num(row.gmv_fen),
    farmProducts: row.farm_products,
    mainProducts: row.main_products,
    source: row.source,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/** The latest streams of a host that the actor may see (a host's streams at another base stay there). */
export async function recentStreamsOf(db: Kysely<Database>, actor: Actor, hostId: number, limit: number): Promise<StreamView[]> {
  const rows = await streamRows(db).where('s.host_id', '=', hostId).where(inActorBases(actor, 's.base_id')).orderBy('s.started_at', 'desc').limit(limit).execute();
  return rows.map(toView);
}

export async function listStreams(db: Db, actor: Actor, input: z.output<typeof streamListInput>) {
  const f = input.filter ?? {};
  assertBaseFilter(actor, f.baseId);
  const where = (eb: any) => {
    const c = [inActorBases(actor, 's.base_id')(eb)];
    if (f.baseId !== undefined) c.push(eb('s.base_id', '=', f.baseId));
    if (f.hostId !== undefined) c.push(eb('s.host_id', '=', f.hostId));
    if (f.platform) c.push(eb('s.platform', '=', f.platform));
    if (f.from) c.push(eb('s.started_at', '>=', shanghaiInstant(f.from, '00:00')));
    if (f.to) c.push(eb('s.started_at', '<', shanghaiInstant(addDays(f.to, 1), '00:00')));
    if (f.farmProducts !== undefined) c.push(eb('s.farm_products', '=', f.farmProducts));
    return eb.and(c);
  };
  const total = await db.selectFrom('livestream_streams as s').select((eb) => eb.fn.countAll<number>().as('n')).where(where).executeTakeFirstOrThrow();
  const sort = input.sort ?? { key: 'startedAt' as const, order: 'desc' as const };
  const column = { startedAt: sql`s.started_at`, gmv: sql`s.gmv_fen`, viewers: sql`s.viewers`, duration: sql`s.duration_seconds` } as const;
  const rows = await streamRows(db)
    .where(where)
    .orderBy(sql`${column[sort.key]} ${sql.raw(sort.order === 'asc' ? 'asc' : 'desc')} nulls last`)
    .orderBy('s.id', 'desc')
    .limit(input.pageSize)
    .offset(offsetOf(input))
    .execute();
  return { items: rows.map(toView), total: Number(total.n) };
}

/** A stream as its export rows show it: minutes and yuan, as people read them. */
export function toExportRow(stream: StreamView) {
  return { ...stream, durationMinutes: Math.round(stream.durationSeconds / 60), gmvYuan: stream.gmvFen === null ? null : stream.gmvFen / 100 };
}

async function getStream(db: Kysely<Database>, id: number): Promise<StreamView> {
  const row = await streamRows(db).where('s.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('LIVESTREAM_STREAM_NOT_FOUND');
  return toView(row);
}

/** One stream, if it is at one of the actor's bases (livestream.scope.ts: rowInActorBases). */
export async function getStreamFor(db: Db, actor: Actor, id: number): Promise<StreamView> {
  const row = await streamRows(db).where('s.id', '=', id).executeTakeFirst();
  return toView(rowInActorBases(actor, row, (s) => s.base_id, 'LIVESTREAM_STREAM_NOT_FOUND'));
}

/**
 * The start of a typed stream, in Beijing time: refused when it is later than now (beyond a phone
 * clock's slack: a stream is entered after it happened) or before any platform streamed. The
 * import applies the same rule row by row (stream-values.ts: startOutOfRange).
 */
function startOf(input: z.output<typeof streamFields>): Date {
  const start = shanghaiInstant(input.startDate, input.startTime);
  const out = startOutOfRange(start);
  if (out === 'future') throw badRequest('LIVESTREAM_STREAM_IN_FUTURE', { start: `${input.startDate} ${input.startTime}`, now: shanghaiMinute(Date.now()) });
  if (out === 'too_early') throw badRequest('LIVESTREAM_STREAM_TOO_EARLY', { start: `${input.startDate} ${input.startTime}`, earliest: EARLIEST_STREAM_DAY });
  return start;
}

function streamColumns(input: z.output<typeof streamFields>) {
  return {
    host_id: input.hostId,
    platform: input.platform,
    started_at: startOf(input),
    duration_seconds: input.durationMinutes * 60,
    viewers: input.viewers,
    peak_viewers: input.peakViewers,
    new_followers: input.newFollowers,
    orders: input.orders,
    buyers: input.buyers,
    gmv_fen: input.gmvFen,
    farm_products: input.farmProducts,
    main_products: input.mainProducts,
  };
}

/**
 * Manual entry of one stream. The same host, platform and start sent again (a double tap, a retry
 * after a dropped signal) writes nothing and answers `exists` with the row already there. The
 * stream belongs to the host's base at the time. A new row is audited with it; a repeat, which
 * writes nothing, is not.
 */
export async function createStream(deps: HostDeps, actor: Actor, who: AuditWho, input: z.output<typeof createStreamInput>): Promise<z.infer<typeof createStreamOutput>> {
  const columns = streamColumns(input);
  // A replay of the outbox's key answers what the first send did, and enqueues nothing again.
  const { value: result, replay } = await deps.db.transaction().execute((trx) =>
    onceByClientKey(trx, actor, 'livestream.streams.create', input.clientKey, () => insertStream(trx, actor, who, input, columns)),
  );
  if (result.status === 'created' && !replay) await enqueueLivestreamRecompute(deps, firstMonthOf(columns.started_at));
  return { status: result.status, stream: await getStream(deps.db, result.id) };
}

async function insertStream(
  trx: Kysely<Database>,
  actor: Actor,
  who: AuditWho,
  input: z.output<typeof createStreamInput>,
  columns: ReturnType<typeof streamColumns>,
): Promise<{ status: 'created' | 'exists'; id: number }> {
  const host = await hostForWrite(trx, actor, input.hostId);
  const inserted = await trx
    .insertInto('livestream_streams')
    .values({ ...columns, base_id: host.base_id, source: 'manual', recorded_by: who.id })
    .onConflict((oc) => oc.columns(['host_id', 'platform', 'started_at']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) {
    await recordAudit(trx, who, { entity: 'livestream_stream', entityId: Number(inserted.id), action: 'create', after: inserted });
    return { status: 'created' as const, id: Number(inserted.id) };
  }
  const existing = await trx
    .selectFrom('livestream_streams')
    .select('id')
    .where('host_id', '=', input.hostId)
    .where('platform', '=', input.platform)
    .where('started_at', '=', columns.started_at)
    .executeTakeFirstOrThrow();
  return { status: 'exists' as const, id: Number(existing.id) };
}

/** The stream row, locked, if it is at one of the actor's bases. */
async function streamForWrite(trx: Kysely<Database>, actor: Actor, id: number) {
  const row = await trx.selectFrom('livestream_streams').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  return rowInActorBases(actor, row, (s) => s.base_id, 'LIVESTREAM_STREAM_NOT_FOUND');
}

const duplicate = (error: unknown) => {
  if (isUniqueViolation(error, 'livestream_streams_host_id_platform_started_at_key')) throw conflict('LIVESTREAM_STREAM_EXISTS');
  throw error;
};

export async function updateStream(deps: HostDeps, actor: Actor, who: AuditWho, input: z.output<typeof updateStreamInput>): Promise<StreamView> {
  const columns = streamColumns(input);
  const moved = await deps.db.transaction().execute(async (trx) => {
    const before = await streamForWrite(trx, actor, input.id);
    // another host: checked like a new entry, and the stream goes to that host's base
    const baseId = input.hostId === before.host_id ? before.base_id : (await hostForWrite(trx, actor, input.hostId)).base_id;
    const after = await trx
      .updateTable('livestream_streams')
      .set({ ...columns, base_id: baseId, updated_at: new Date() })
      .where('id', '=', input.id)
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch(duplicate);
    await recordAudit(trx, who, { entity: 'livestream_stream', entityId: input.id, action: 'update', before, after });
    return firstMonthOf(before.started_at, after.started_at);
  });
  await enqueueLivestreamRecompute(deps, moved);
  return getStream(deps.db, input.id);
}

export async function deleteStream(deps: HostDeps, actor: Actor, who: AuditWho, input: z.output<typeof deleteStreamInput>): Promise<{ id: number }> {
  const since = await deps.db.transaction().execute(async (trx) => {
    const before = await streamForWrite(trx, actor, input.id);
    await trx.deleteFrom('livestream_streams').where('id', '=', input.id).execute();
    await recordAudit(trx, who, { entity: 'livestream_stream', entityId: input.id, action: 'delete', before });
    return firstMonthOf(before.started_at);
  });
  await enqueueLivestreamRecompute(deps, since);
  return { id: input.id };
}
