import type { Db } from '../../db/create-db';
import { badRequest, notFound } from '../../lib/app-error';
import { recordAudit } from '../audit/audit.service';
import type { ServiceDeps, WriteContext } from '../service-context';
import { findTargetValue, regionExists, saveTarget, selectTargets, type TargetKey } from './targets.repository';

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

export async function listTargets(ctx: Pick<ServiceDeps, 'db'>, filter: { year?: number; regionCode?: string }): Promise<TargetView[]> {
  const rows = await selectTargets(ctx.db, filter);
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
export function targetValue(db: Db, year: number, regionCode: string, metricKey: TargetMetricKey): Promise<number | null> {
  return findTargetValue(db, { year, regionCode, metricKey });
}

export async function upsertTarget(ctx: WriteContext, input: TargetKey & { value: number }): Promise<void> {
  if (!(input.metricKey in TARGET_METRICS)) throw badRequest('TARGET_METRIC_UNKNOWN', { metricKey: input.metricKey });
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await regionExists(trx, input.regionCode))) throw notFound('REGION_NOT_FOUND', { code: input.regionCode });
    const before = await findTargetValue(trx, input);
    await saveTarget(trx, input, input.value, ctx.who.id);
    await recordAudit(trx, ctx.who, {
      entity: 'target',
      entityId: `${input.year}:${input.regionCode}:${input.metricKey}`,
      action: before !== null ? 'update' : 'create',
      before: before !== null ? { value: before } : null,
      after: { value: input.value },
    });
  });
}
