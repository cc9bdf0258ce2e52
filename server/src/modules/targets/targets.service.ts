import type { Db } from '../../db/create-db';
import { badRequest, forbidden, notFound } from '../../lib/app-error';
import { recordAudit } from '../audit/audit.service';
import type { ServiceContext, ServiceDeps, WriteContext } from '../service-context';
import { INDICATORS, INDICATOR_KEYS, isIndicatorKey, type IndicatorKey, type TargetLevel } from './indicators';
import { baseProgress, regionProgress, type IndicatorProgress } from './progress';
import { splitTotal } from './split';
import {
  findBaseTargetValue,
  findTargetValue,
  regionLevelOf,
  saveBaseTarget,
  saveTarget,
  selectBaseTargets,
  selectTargets,
  townBasis,
  type TargetKey,
} from './targets.repository';
import { countyTowns, targetView } from './targets.scope';

/** The catalogue as the client reads it: which indicators, their unit and where targets are set. */
export function indicatorCatalogue() {
  return INDICATOR_KEYS.map((key) => ({ key, kind: INDICATORS[key].kind, unit: INDICATORS[key].unit, levels: [...INDICATORS[key].levels] }));
}

export interface TargetRowView {
  year: number;
  regionCode: string;
  regionName: string;
  metricKey: string;
  value: number;
  updatedAt: string;
  updatedBy: string | null;
}

type HomeContext = Pick<ServiceContext, 'db' | 'actor'> & { countyCode: string };

/** The region targets the caller may see (targets.scope.ts), newest year first. */
export async function listTargets(ctx: HomeContext, filter: { year?: number; regionCode?: string }): Promise<TargetRowView[]> {
  const view = await targetView(ctx.db, ctx.actor, ctx.countyCode);
  if (filter.regionCode && !view.regionCodes.includes(filter.regionCode)) return [];
  const rows = await selectTargets(ctx.db, { ...filter, regionCodes: view.regionCodes, metricKeys: view.indicators });
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

/** The target for one region, indicator and year, or null when none is set. */
export function targetValue(db: Db, year: number, regionCode: string, metricKey: IndicatorKey): Promise<number | null> {
  return findTargetValue(db, { year, regionCode, metricKey });
}

/** A value fits its indicator: whole person-times, hosts and fen; a ratio between 0 and 1. */
function checkValue(metricKey: string, value: number): IndicatorKey {
  if (!isIndicatorKey(metricKey)) throw badRequest('TARGET_METRIC_UNKNOWN', { metricKey });
  const { unit } = INDICATORS[metricKey];
  if (unit === 'ratio' ? value > 1 : !Number.isInteger(value)) throw badRequest('TARGET_VALUE_INVALID', { metricKey, value });
  return metricKey;
}

function checkLevel(metricKey: IndicatorKey, level: TargetLevel): void {
  if (!(INDICATORS[metricKey].levels as readonly TargetLevel[]).includes(level)) throw badRequest('TARGET_LEVEL_INVALID', { metricKey, level });
}

/** Set one region's (county's or town's) target, audited. */
export async function upsertTarget(ctx: WriteContext, input: TargetKey & { value: number }): Promise<void> {
  const metricKey = checkValue(input.metricKey, input.value);
  await ctx.db.transaction().execute(async (trx) => {
    const level = await regionLevelOf(trx, input.regionCode);
    if (!level) throw notFound('REGION_NOT_FOUND', { code: input.regionCode });
    if (level !== 'county' && level !== 'town') throw badRequest('TARGET_LEVEL_INVALID', { metricKey, level });
    checkLevel(metricKey, level);
    await writeTarget(trx, ctx.who, input, input.value);
  });
}

async function writeTarget(trx: Db, who: WriteContext['who'], key: TargetKey, value: number): Promise<boolean> {
  const before = await findTargetValue(trx, key);
  if (before === value) return false;
  await saveTarget(trx, key, value, who.id);
  await recordAudit(trx, who, {
    entity: 'target',
    entityId: `${key.year}:${key.regionCode}:${key.metricKey}`,
    action: before !== null ? 'update' : 'create',
    before: before !== null ? { value: before } : null,
    after: { value },
  });
  return true;
}

export type SplitBasis = 'last_year' | 'villages' | 'even';

export interface SplitPreview {
  year: number;
  metricKey: IndicatorKey;
  basis: SplitBasis;
  countyCode: string;
  countyName: string;
  /** The county target being split (null: none set yet). */
  countyValue: number | null;
  towns: { regionCode: string; regionName: string; basisValue: number; proposed: number; current: number | null }[];
  /** The proposed towns' sum (equal to the county's figure for a summable indicator). */
  proposedSum: number;
  /** The towns' targets as they stand, and their sum (null when no town has one). */
  currentSum: number | null;
}

/**
 * The county's target shared out to its towns in proportion to a basis — last year's figure of the
 * indicator, the towns' administrative villages, or evenly — rounded so the towns add up to the
 * county (split.ts). Writes nothing: the bureau sees it, adjusts it, then applies it.
 */
export async function previewSplit(ctx: Pick<ServiceDeps, 'db'> & { countyCode: string }, input: { year: number; metricKey: string; basis: SplitBasis }): Promise<SplitPreview> {
  if (!isIndicatorKey(input.metricKey)) throw badRequest('TARGET_METRIC_UNKNOWN', { metricKey: input.metricKey });
  const metricKey = input.metricKey;
  checkLevel(metricKey, 'town');
  const county = await ctx.db.selectFrom('regions').select(['code', 'name']).where('code', '=', ctx.countyCode).executeTakeFirst();
  if (!county) throw notFound('REGION_NOT_FOUND', { code: ctx.countyCode });
  const towns = await countyTowns(ctx.db, ctx.countyCode);
  const codes = towns.map((t) => t.code);
  const countyValue = await findTargetValue(ctx.db, { year: input.year, regionCode: ctx.countyCode, metricKey });
  let basis: number[];
  if (input.basis === 'villages') {
    const counts = await townBasis(ctx.db, ctx.countyCode);
    basis = codes.map((c) => counts.get(c) ?? 0);
  } else if (input.basis === 'last_year') {
    const last = await regionProgress(ctx.db, { year: input.year - 1, regionCodes: codes, indicators: [metricKey], asOf: `${input.year - 1}-12-31` });
    const byCode = new Map(last.map((p) => [p.regionCode, p.actual]));
    basis = codes.map((c) => byCode.get(c) ?? 0);
  } else {
    basis = codes.map(() => 1);
  }
  const proposed = countyValue === null ? codes.map(() => 0) : splitTotal(countyValue, basis, INDICATORS[metricKey].unit);
  const current = await selectTargets(ctx.db, { year: input.year, regionCodes: codes, metricKeys: [metricKey] });
  const currentBy = new Map(current.map((r) => [r.region_code, Number(r.value)]));
  return {
    year: input.year,
    metricKey,
    basis: input.basis,
    countyCode: county.code,
    countyName: county.name,
    countyValue,
    towns: towns.map((t, i) => ({ regionCode: t.code, regionName: t.name, basisValue: basis[i], proposed: proposed[i], current: currentBy.get(t.code) ?? null })),
    proposedSum: proposed.reduce((a, b) => a + b, 0),
    currentSum: current.length ? current.reduce((a, r) => a + Number(r.value), 0) : null,
  };
}

/**
 * Set the towns' targets of one indicator and year in one transaction — by hand, or as previewed —
 * each changed town audited; a town outside the county refuses the whole set. Returns how many
 * changed and the towns' sum beside the county's figure (they may differ when set by hand).
 */
export async function setTownTargets(
  ctx: WriteContext & { countyCode: string },
  input: { year: number; metricKey: string; towns: { regionCode: string; value: number }[] },
): Promise<{ changed: number; townSum: number; countyValue: number | null }> {
  if (!isIndicatorKey(input.metricKey)) throw badRequest('TARGET_METRIC_UNKNOWN', { metricKey: input.metricKey });
  const metricKey = input.metricKey;
  checkLevel(metricKey, 'town');
  for (const t of input.towns) checkValue(metricKey, t.value);
  return ctx.db.transaction().execute(async (trx) => {
    const towns = new Set((await countyTowns(trx, ctx.countyCode)).map((t) => t.code));
    const stranger = input.towns.find((t) => !towns.has(t.regionCode));
    if (stranger) throw badRequest('TARGET_TOWN_OUTSIDE_COUNTY', { code: stranger.regionCode });
    let changed = 0;
    for (const t of input.towns) {
      if (await writeTarget(trx, ctx.who, { year: input.year, regionCode: t.regionCode, metricKey }, t.value)) changed++;
    }
    const all = await selectTargets(trx, { year: input.year, regionCodes: [...towns], metricKeys: [metricKey] });
    const countyValue = await findTargetValue(trx, { year: input.year, regionCode: ctx.countyCode, metricKey });
    return { changed, townSum: all.reduce((a, r) => a + Number(r.value), 0), countyValue };
  });
}

export interface BaseTargetView {
  year: number;
  baseId: number;
  baseName: string;
  metricKey: string;
  value: number;
  updatedAt: string;
  updatedBy: string | null;
}

/** The base targets the caller may see: every base for the bureau, their own for a base manager. */
export async function listBaseTargets(ctx: HomeContext, filter: { year?: number }): Promise<BaseTargetView[]> {
  const view = await targetView(ctx.db, ctx.actor, ctx.countyCode);
  const rows = await selectBaseTargets(ctx.db, { year: filter.year, baseIds: view.baseIds });
  return rows.map((r) => ({
    year: r.year,
    baseId: r.base_id,
    baseName: r.base_name,
    metricKey: r.metric_key,
    value: Number(r.value),
    updatedAt: new Date(r.updated_at).toISOString(),
    updatedBy: r.login_name,
  }));
}

/** Set a livestream base's yearly target (active hosts), audited. */
export async function upsertBaseTarget(ctx: WriteContext, input: { year: number; baseId: number; metricKey: string; value: number }): Promise<void> {
  const metricKey = checkValue(input.metricKey, input.value);
  checkLevel(metricKey, 'base');
  await ctx.db.transaction().execute(async (trx) => {
    const base = await trx.selectFrom('livestream_bases').select('id').where('id', '=', input.baseId).executeTakeFirst();
    if (!base) throw notFound('LIVESTREAM_BASE_NOT_FOUND');
    const key = { year: input.year, baseId: input.baseId, metricKey };
    const before = await findBaseTargetValue(trx, key);
    if (before === input.value) return;
    await saveBaseTarget(trx, key, input.value, ctx.who.id);
    await recordAudit(trx, ctx.who, {
      entity: 'base_target',
      entityId: `${input.year}:${input.baseId}:${metricKey}`,
      action: before !== null ? 'update' : 'create',
      before: before !== null ? { value: before } : null,
      after: { value: input.value },
    });
  });
}

export type RegionProgressView = IndicatorProgress & { regionName: string; level: 'county' | 'town' };
export type BaseProgressView = IndicatorProgress & { baseId: number; baseName: string };

/** Progress against the targets of the caller's own scope (targets.scope.ts): regions, then bases. */
export async function scopedProgress(ctx: HomeContext, input: { year: number; regionCode?: string }): Promise<{ regions: RegionProgressView[]; bases: BaseProgressView[] }> {
  const view = await targetView(ctx.db, ctx.actor, ctx.countyCode);
  if (input.regionCode && !view.regionCodes.includes(input.regionCode)) throw forbidden('FORBIDDEN_SCOPE', { kind: 'region' });
  const regionCodes = input.regionCode ? [input.regionCode] : view.regionCodes;
  const names = regionCodes.length
    ? new Map((await ctx.db.selectFrom('regions').select(['code', 'name']).where('code', 'in', regionCodes).execute()).map((r) => [r.code, r.name]))
    : new Map<string, string>();
  const regions = (await regionProgress(ctx.db, { year: input.year, regionCodes, indicators: view.indicators })).map((p) => ({
    ...p,
    regionName: names.get(p.regionCode) ?? p.regionCode,
    level: p.regionCode === ctx.countyCode ? ('county' as const) : ('town' as const),
  }));
  let bases: BaseProgressView[] = [];
  if (view.indicators.includes('active_hosts') && !input.regionCode) {
    const baseRows = await ctx.db
      .selectFrom('livestream_bases')
      .select(['id', 'name'])
      .$if(view.baseIds !== null, (q) => q.where('id', 'in', view.baseIds!.length ? view.baseIds! : [0]))
      .orderBy('id')
      .execute();
    const baseNames = new Map(baseRows.map((b) => [b.id, b.name]));
    bases = (await baseProgress(ctx.db, { year: input.year, baseIds: baseRows.map((b) => b.id) })).map((p) => ({ ...p, baseName: baseNames.get(p.baseId) ?? '' }));
  }
  return { regions, bases };
}
