import { sql, type Expression, type Insertable, type Kysely, type SqlBool, type Updateable } from 'kysely';
import type { z } from 'zod';
import type { Database } from '../../db/types';
import { likePattern, offsetOf } from '../../lib/list';
import { regionPrefix } from '../auth/scope';
import type { baseListInput } from './livestream.schemas';

/** The SQL of livestream bases; bases.service.ts keeps the rules, scope and transactions. */

type Db = Kysely<Database>;

/** Bases with their town, host count and managers (the base view's columns). */
export function baseRows(db: Db) {
  return db
    .selectFrom('livestream_bases as b')
    .innerJoin('regions as r', 'r.code', 'b.region_code')
    .select(['b.id', 'b.name', 'b.address', 'b.region_code', 'r.name as region_name', 'b.rooms', 'b.capacity', 'b.status', 'b.version', 'b.created_at'])
    .select((eb) => [
      eb.selectFrom('livestream_hosts as h').select((e) => e.fn.countAll<number>().as('n')).whereRef('h.base_id', '=', 'b.id').as('host_count'),
      sql<string[] | null>`(
        select array_agg(u.display_name order by u.display_name) from user_scopes us join users u on u.id = us.user_id
        where us.kind = 'base' and us.ref = b.id::text and u.role = 'livestream_manager' and u.disabled_at is null)`.as('managers'),
    ]);
}
export type BaseRow = Awaited<ReturnType<ReturnType<typeof baseRows>['executeTakeFirstOrThrow']>>;

/** A page of the list and the count: bases where `scope` holds (on `b.id`), by name, address, status, and region (a town, or everything under a county). */
export async function baseListPage(db: Db, scope: Expression<SqlBool>, input: z.output<typeof baseListInput>) {
  const f = input.filter ?? {};
  let query = baseRows(db).where(scope);
  if (f.q) query = query.where((eb) => eb.or([eb('b.name', 'ilike', likePattern(f.q!)), eb('b.address', 'ilike', likePattern(f.q!))]));
  if (f.status) query = query.where('b.status', '=', f.status);
  if (f.regionCode) query = query.where('b.region_code', 'like', `${regionPrefix(f.regionCode)}%`);
  const total = await query.clearSelect().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const sort = input.sort ?? { key: 'name' as const, order: 'asc' as const };
  const column = { name: sql`b.name`, createdAt: sql`b.created_at`, hostCount: sql`host_count` } as const;
  const rows = await query
    .orderBy(column[sort.key], sort.order)
    .orderBy('b.id')
    .limit(input.pageSize)
    .offset(offsetOf(input))
    .execute();
  return { rows, total: Number(total.n) };
}

/** Bases for pickers, by name, where `scope` holds (on `b.id`). */
export function baseOptionRows(db: Db, scope: Expression<SqlBool>) {
  return db.selectFrom('livestream_bases as b').select(['b.id', 'b.name', 'b.status']).where(scope).orderBy('b.name').execute();
}

/** The base row, locked for an update. */
export function lockBase(trx: Db, id: number) {
  return trx.selectFrom('livestream_bases').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** The id of the base, if it exists. */
export function baseIdRow(trx: Db, id: number) {
  return trx.selectFrom('livestream_bases').select('id').where('id', '=', id).executeTakeFirst();
}

/** The level of a division code ('town', 'village', ...), if the code exists. */
export async function regionLevel(trx: Db, code: string) {
  const row = await trx.selectFrom('regions').select('level').where('code', '=', code).executeTakeFirst();
  return row?.level;
}

export function insertBase(trx: Db, columns: Insertable<Database['livestream_bases']>) {
  return trx.insertInto('livestream_bases').values(columns).returningAll().executeTakeFirstOrThrow();
}

export function updateBaseRow(trx: Db, id: number, columns: Updateable<Database['livestream_bases']>) {
  return trx
    .updateTable('livestream_bases')
    .set({ updated_at: new Date(), ...columns })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
