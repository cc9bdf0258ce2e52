import { sql, type Kysely } from 'kysely';
import type { z } from 'zod';
import type { Db } from '../../db/create-db';
import type { Database } from '../../db/types';
import { badRequest, conflict } from '../../lib/app-error';
import { likePattern, offsetOf } from '../../lib/list';
import { recordAudit, type AuditWho } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { regionPrefix } from '../auth/scope';
import { isUniqueViolation } from '../training/training.service';
import type { baseListInput, baseOptionsOutput, baseView, createBaseInput, updateBaseInput } from './livestream.schemas';
import { inActorBases, rowInActorBases } from './livestream.scope';

type BaseView = z.infer<typeof baseView>;

/** What a service needs besides the database: the county the deployment serves. */
export interface BaseDeps {
  db: Db;
  config: { HOME_COUNTY_CODE: string };
}

function baseRows(db: Kysely<Database>) {
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
type BaseRow = Awaited<ReturnType<ReturnType<typeof baseRows>['executeTakeFirstOrThrow']>>;

function toView(row: BaseRow): BaseView {
  return {
    id: row.id,
    name: row.name,
    address: row.address,
    regionCode: row.region_code,
    regionName: row.region_name,
    rooms: row.rooms,
    capacity: row.capacity,
    status: row.status,
    version: row.version,
    hostCount: Number(row.host_count ?? 0),
    managers: row.managers ?? [],
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export async function listBases(db: Db, actor: Actor, input: z.output<typeof baseListInput>) {
  const f = input.filter ?? {};
  let query = baseRows(db).where(inActorBases(actor, 'b.id'));
  if (f.q) query = query.where((eb) => eb.or([eb('b.name', 'ilike', likePattern(f.q!)), eb('b.address', 'ilike', likePattern(f.q!))]));
  if (f.status) query = query.where('b.status', '=', f.status);
  if (f.regionCode) query = query.where('b.region_code', 'like', `${regionPrefix(f.regionCode)}%`);
  const total = await query.clearSelect().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const sort = input.sort ?? { key: 'name' as const, order: 'asc' as const };
  const column = { name: 'b.name', createdAt: 'b.created_at', hostCount: sql`host_count` } as const;
  const rows = await query
    .orderBy(column[sort.key] as any, sort.order)
    .orderBy('b.id')
    .limit(input.pageSize)
    .offset(offsetOf(input))
    .execute();
  return { items: rows.map(toView), total: Number(total.n) };
}

/** Every base the actor may see, by name: for pickers (an admin sees all, for the users form too). */
export async function baseOptions(db: Db, actor: Actor): Promise<z.infer<typeof baseOptionsOutput>> {
  return db.selectFrom('livestream_bases as b').select(['b.id', 'b.name', 'b.status']).where(inActorBases(actor, 'b.id')).orderBy('b.name').execute();
}

export async function getBase(db: Db, actor: Actor, id: number): Promise<BaseView> {
  const row = rowInActorBases(actor, await baseRows(db).where('b.id', '=', id).executeTakeFirst(), (b) => b.id, 'LIVESTREAM_BASE_NOT_FOUND');
  return toView(row);
}

/** The base's town must be a town of the home county. */
async function assertBaseRegion(trx: Kysely<Database>, homeCounty: string, regionCode: string): Promise<void> {
  const region = await trx.selectFrom('regions').select('level').where('code', '=', regionCode).executeTakeFirst();
  if (region?.level !== 'town' || !regionCode.startsWith(regionPrefix(homeCounty))) throw badRequest('LIVESTREAM_BASE_REGION_INVALID', { code: regionCode });
}

function baseColumns(input: z.output<typeof createBaseInput>) {
  return { name: input.name, address: input.address, region_code: input.regionCode, rooms: input.rooms, capacity: input.capacity, status: input.status };
}

const nameTaken = (name: string) => (error: unknown) => {
  if (isUniqueViolation(error, 'livestream_bases_name_key')) throw conflict('LIVESTREAM_BASE_NAME_TAKEN', { name });
  throw error;
};

export async function createBase(deps: BaseDeps, actor: Actor, who: AuditWho, input: z.output<typeof createBaseInput>): Promise<BaseView> {
  const id = await deps.db.transaction().execute(async (trx) => {
    await assertBaseRegion(trx, deps.config.HOME_COUNTY_CODE, input.regionCode);
    const row = await trx.insertInto('livestream_bases').values({ ...baseColumns(input), created_by: who.id }).returningAll().executeTakeFirstOrThrow().catch(nameTaken(input.name));
    await recordAudit(trx, who, { entity: 'livestream_base', entityId: row.id, action: 'create', after: row });
    return row.id;
  });
  return getBase(deps.db, actor, id);
}

export async function updateBase(deps: BaseDeps, actor: Actor, who: AuditWho, input: z.output<typeof updateBaseInput>): Promise<BaseView> {
  await deps.db.transaction().execute(async (trx) => {
    const before = rowInActorBases(actor, await trx.selectFrom('livestream_bases').selectAll().where('id', '=', input.id).forUpdate().executeTakeFirst(), (b) => b.id, 'LIVESTREAM_BASE_NOT_FOUND');
    if (before.version !== input.version) throw conflict('LIVESTREAM_BASE_VERSION_CONFLICT');
    if (input.regionCode !== before.region_code) await assertBaseRegion(trx, deps.config.HOME_COUNTY_CODE, input.regionCode);
    const after = await trx
      .updateTable('livestream_bases')
      .set({ ...baseColumns(input), version: before.version + 1, updated_at: new Date() })
      .where('id', '=', input.id)
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch(nameTaken(input.name));
    await recordAudit(trx, who, { entity: 'livestream_base', entityId: input.id, action: 'update', before, after });
  });
  return getBase(deps.db, actor, input.id);
}
