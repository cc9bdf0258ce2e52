import type { Db } from '../../db/create-db';
import { badRequest, notFound } from '../../lib/app-error';
import { recordAudit, type AuditWho } from '../audit/audit.service';

/**
 * The yearly figures the bureau is measured against. Later domains read them by key; a key not in
 * this catalogue is refused, so a typo cannot create a target nobody reads.
 */
export const TARGET_METRICS = {
  training_person_times: { unit: 'person_times', default: 1500 },
  active_hosts: { unit: 'hosts', default: 300 },
} as const;
export type TargetMetricKey = keyof typeof TARGET_METRICS;
export const TARGET_METRIC_KEYS = Object.keys(TARGET_METRICS) as [TargetMetricKey, ...TargetMetricKey[]];

export interface TargetView {
  year: number;
  regionCode: string;
  regionName: string;
  metricKey: string;
  value: number;
  updatedAt: string;
  updatedBy: string | null;
}

export async function listTargets(db: Db, filter: { year?: number; regionCode?: string }): Promise<TargetView[]> {
  const rows = await db
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
  return rows.map((r) => ({
    year: r.year,
    regionCode: r.region_code,
    regionName: r.region_name,
    metricKey: r.metric_key,
    value: Number(r.value),
    updatedAt: new Date(r.updated_at).toISOString(),
    updatedBy: r.login_name,
  }));
}

/** The target for one region, metric and year, or null when none is set. */
export async function targetValue(db: Db, year: number, regionCode: string, metricKey: TargetMetricKey): Promise<number | null> {
  const row = await db
    .selectFrom('targets')
    .select('value')
    .where('year', '=', year)
    .where('region_code', '=', regionCode)
    .where('metric_key', '=', metricKey)
    .executeTakeFirst();
  return row ? Number(row.value) : null;
}

export async function upsertTarget(
  db: Db,
  who: AuditWho,
  input: { year: number; regionCode: string; metricKey: string; value: number },
): Promise<void> {
  if (!(input.metricKey in TARGET_METRICS)) throw badRequest('TARGET_METRIC_UNKNOWN', { metricKey: input.metricKey });
  await db.transaction().execute(async (trx) => {
    const region = await trx.selectFrom('regions').select('code').where('code', '=', input.regionCode).executeTakeFirst();
    if (!region) throw notFound('REGION_NOT_FOUND', { code: input.regionCode });
    const before = await trx
      .selectFrom('targets')
      .select('value')
      .where('year', '=', input.year)
      .where('region_code', '=', input.regionCode)
      .where('metric_key', '=', input.metricKey)
      .executeTakeFirst();
    await trx
      .insertInto('targets')
      .values({ year: input.year, region_code: input.regionCode, metric_key: input.metricKey, value: input.value, updated_by: who.id })
      .onConflict((oc) =>
        oc.columns(['year', 'region_code', 'metric_key']).doUpdateSet({ value: input.value, updated_by: who.id, updated_at: new Date() }),
      )
      .execute();
    await recordAudit(trx, who, {
      entity: 'target',
      entityId: `${input.year}:${input.regionCode}:${input.metricKey}`,
      action: before ? 'update' : 'create',
      before: before ? { value: Number(before.value) } : null,
      after: { value: input.value },
    });
  });
}
