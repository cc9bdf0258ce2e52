import type { Kysely } from 'kysely';
import type { Database } from '../../db/types';

type Executor = Kysely<Database>;

/** One target's key: the year, the region and the metric. */
export interface TargetKey {
  year: number;
  regionCode: string;
  metricKey: string;
}

/** Targets with their region's name and who set them last, newest year first. */
export function selectTargets(db: Executor, filter: { year?: number; regionCode?: string }) {
  return db
    .selectFrom('targets as t')
    .innerJoin('regions as r', 'r.code', 't.region_code')
    .leftJoin('users as u', 'u.id', 't.updated_by')
    .select(['t.year', 't.region_code', 'r.name as region_name', 't.metric_key', 't.value', 't.updated_at', 'u.login_name'])
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

export async function regionExists(db: Executor, code: string): Promise<boolean> {
  return !!(await db.selectFrom('regions').select('code').where('code', '=', code).executeTakeFirst());
}

export async function saveTarget(db: Executor, key: TargetKey, value: number, updatedBy: number | null): Promise<void> {
  await db
    .insertInto('targets')
    .values({ year: key.year, region_code: key.regionCode, metric_key: key.metricKey, value, updated_by: updatedBy })
    .onConflict((oc) => oc.columns(['year', 'region_code', 'metric_key']).doUpdateSet({ value, updated_by: updatedBy, updated_at: new Date() }))
    .execute();
}
