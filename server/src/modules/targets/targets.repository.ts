import type { Kysely } from 'kysely';
import type { Database, RegionLevel } from '../../db/types';

type Executor = Kysely<Database>;

/** One target's key: the year, the region and the metric. */
export interface TargetKey {
  year: number;
  regionCode: string;
  metricKey: string;
}

/** Targets with their region's name and who set them last, newest year first; only the regions and metrics given. */
export function selectTargets(db: Executor, filter: { year?: number; regionCode?: string; regionCodes: readonly string[]; metricKeys: readonly string[] }) {
  return db
    .selectFrom('targets as t')
    .innerJoin('regions as r', 'r.code', 't.region_code')
    .leftJoin('users as u', 'u.id', 't.updated_by')
    .select(['t.year', 't.region_code', 'r.name as region_name', 't.metric_key', 't.value', 't.updated_at', 'u.login_name'])
    .where('t.region_code', 'in', filter.regionCodes.length ? [...filter.regionCodes] : [''])
    .where('t.metric_key', 'in', filter.metricKeys.length ? [...filter.metricKeys] : [''])
    .$if(filter.year !== undefined, (q) => q.where('t.year', '=', filter.year!))
    .$if(!!filter.regionCode, (q) => q.where('t.region_code', '=', filter.regionCode!))
    .orderBy('t.year', 'desc')
    .orderBy('t.region_code')
    .orderBy('t.metric_key')
    .execute();
}

/** The target's value, or null when none is set. */
export async function findTargetValue(db: Executor, key: TargetKey): Promise<number | null> {
  const row = await db
    .selectFrom('targets')
    .select('value')
    .where('year', '=', key.year)
    .where('region_code', '=', key.regionCode)
    .where('metric_key', '=', key.metricKey)
    .executeTakeFirst();
  return row ? Number(row.value) : null;
}

export async function regionLevelOf(db: Executor, code: string): Promise<RegionLevel | null> {
  return (await db.selectFrom('regions').select('level').where('code', '=', code).executeTakeFirst())?.level ?? null;
}

export async function saveTarget(db: Executor, key: TargetKey, value: number, updatedBy: number | null): Promise<void> {
  await db
    .insertInto('targets')
    .values({ year: key.year, region_code: key.regionCode, metric_key: key.metricKey, value, updated_by: updatedBy })
    .onConflict((oc) => oc.columns(['year', 'region_code', 'metric_key']).doUpdateSet({ value, updated_by: updatedBy, updated_at: new Date() }))
    .execute();
}

/** Administrative villages (村民委员会) per town of the county: the "number of villages" basis of a split. */
export async function townBasis(db: Executor, countyCode: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('regions')
    .select(['parent_code', (eb) => eb.fn.countAll<number>().as('n')])
    .where('level', '=', 'village')
    .where('village_kind', '=', 'villagers_committee')
    .where('code', 'like', `${countyCode.slice(0, 6)}%`)
    .groupBy('parent_code')
    .execute();
  return new Map(rows.map((r) => [r.parent_code!, Number(r.n)]));
}

export interface BaseTargetKey {
  year: number;
  baseId: number;
  metricKey: string;
}

export function selectBaseTargets(db: Executor, filter: { year?: number; baseIds: readonly number[] | null }) {
  return db
    .selectFrom('base_targets as t')
    .innerJoin('livestream_bases as b', 'b.id', 't.base_id')
    .leftJoin('users as u', 'u.id', 't.updated_by')
    .select(['t.year', 't.base_id', 'b.name as base_name', 't.metric_key', 't.value', 't.updated_at', 'u.login_name'])
    .$if(filter.baseIds !== null, (q) => q.where('t.base_id', 'in', filter.baseIds!.length ? [...filter.baseIds!] : [0]))
    .$if(filter.year !== undefined, (q) => q.where('t.year', '=', filter.year!))
    .orderBy('t.year', 'desc')
    .orderBy('t.base_id')
    .execute();
}

export async function findBaseTargetValue(db: Executor, key: BaseTargetKey): Promise<number | null> {
  const row = await db
    .selectFrom('base_targets')
    .select('value')
    .where('year', '=', key.year)
    .where('base_id', '=', key.baseId)
    .where('metric_key', '=', key.metricKey)
    .executeTakeFirst();
  return row ? Number(row.value) : null;
}

export async function saveBaseTarget(db: Executor, key: BaseTargetKey, value: number, updatedBy: number | null): Promise<void> {
  await db
    .insertInto('base_targets')
    .values({ year: key.year, base_id: key.baseId, metric_key: key.metricKey, value, updated_by: updatedBy })
    .onConflict((oc) => oc.columns(['year', 'base_id', 'metric_key']).doUpdateSet({ value, updated_by: updatedBy, updated_at: new Date() }))
    .execute();
}
