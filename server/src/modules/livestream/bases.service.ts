import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Config } from '../../config';
import type { Database } from '../../db/types';
import { badRequest, conflict } from '../../lib/app-error';
import { isUniqueViolation } from '../../lib/pg-error';
import { recordAudit } from '../audit/audit.service';
import { regionPrefix } from '../auth/scope';
import type { ServiceContext } from '../service-context';
import { baseIdRow, baseListPage, baseOptionRows, baseRows, insertBase, lockBase, regionLevel, updateBaseRow, type BaseRow } from './bases.repository';
import type { baseListInput, baseOptionsOutput, baseView, createBaseInput, updateBaseInput } from './livestream.schemas';
import { livestreamScope } from './livestream.scope';

type BaseView = z.infer<typeof baseView>;

/** What bases and the progress card need besides the service context: the county the deployment serves (the request's ctx has it). */
export interface HomeCounty {
  config: Pick<Config, 'HOME_COUNTY_CODE'>;
}

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

export async function listBases(ctx: ServiceContext, input: z.output<typeof baseListInput>) {
  const { rows, total } = await baseListPage(ctx.db, livestreamScope.where(ctx.actor, 'b.id'), input);
  return { items: rows.map(toView), total };
}

/** Every base the actor may see, by name: for pickers (an admin sees all, for the users form too). */
export async function baseOptions(ctx: ServiceContext): Promise<z.infer<typeof baseOptionsOutput>> {
  return baseOptionRows(ctx.db, livestreamScope.where(ctx.actor, 'b.id'));
}

export async function getBase(ctx: ServiceContext, id: number): Promise<BaseView> {
  return toView(livestreamScope.base(ctx.actor, await baseRows(ctx.db).where('b.id', '=', id).executeTakeFirst()));
}

/** The base exists and is one of the actor's (a host's base: hosts.service.ts). */
export async function assertBaseInScope(trx: Kysely<Database>, ctx: ServiceContext, baseId: number): Promise<void> {
  livestreamScope.base(ctx.actor, await baseIdRow(trx, baseId));
}

/** The base's town must be a town of the home county. */
async function assertBaseRegion(trx: Kysely<Database>, homeCounty: string, regionCode: string): Promise<void> {
  const level = await regionLevel(trx, regionCode);
  if (level !== 'town' || !regionCode.startsWith(regionPrefix(homeCounty))) throw badRequest('LIVESTREAM_BASE_REGION_INVALID', { code: regionCode });
}

function baseColumns(input: z.output<typeof createBaseInput>) {
  return { name: input.name, address: input.address, region_code: input.regionCode, rooms: input.rooms, capacity: input.capacity, status: input.status };
}

const nameTaken = (name: string) => (error: unknown) => {
  if (isUniqueViolation(error, 'livestream_bases_name_key')) throw conflict('LIVESTREAM_BASE_NAME_TAKEN', { name });
  throw error;
};

export async function createBase(ctx: ServiceContext & HomeCounty, input: z.output<typeof createBaseInput>): Promise<BaseView> {
  const id = await ctx.db.transaction().execute(async (trx) => {
    await assertBaseRegion(trx, ctx.config.HOME_COUNTY_CODE, input.regionCode);
    const row = await insertBase(trx, { ...baseColumns(input), created_by: ctx.who.id }).catch(nameTaken(input.name));
    await recordAudit(trx, ctx.who, { entity: 'livestream_base', entityId: row.id, action: 'create', after: row });
    return row.id;
  });
  return getBase(ctx, id);
}

export async function updateBase(ctx: ServiceContext & HomeCounty, input: z.output<typeof updateBaseInput>): Promise<BaseView> {
  await ctx.db.transaction().execute(async (trx) => {
    const before = livestreamScope.base(ctx.actor, await lockBase(trx, input.id));
    if (before.version !== input.version) throw conflict('LIVESTREAM_BASE_VERSION_CONFLICT');
    if (input.regionCode !== before.region_code) await assertBaseRegion(trx, ctx.config.HOME_COUNTY_CODE, input.regionCode);
    const after = await updateBaseRow(trx, input.id, { ...baseColumns(input), version: before.version + 1 }).catch(nameTaken(input.name));
    await recordAudit(trx, ctx.who, { entity: 'livestream_base', entityId: input.id, action: 'update', before, after });
  });
  return getBase(ctx, input.id);
}
