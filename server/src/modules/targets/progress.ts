import { sql } from 'kysely';
import type { Db } from '../../db/create-db';
import { daysBetween, shanghaiToday } from '../../lib/dates';
import { INDICATORS, INDICATOR_KEYS, type IndicatorKey, type IndicatorKind, type IndicatorUnit } from './indicators';

/**
 * Where an indicator stands against its yearly target: the actual figure so far, where the year
 * should be today (the pace), and where it will end on 31 December at the current rate. One
 * computation for every scope (county, town, base) and every reader (targets page, cockpit, role
 * homes, big screen, notifications, monthly report): they differ only in which figures they pass in.
 */
export type PaceStatus = 'ahead' | 'on_pace' | 'behind' | 'far_behind' | 'no_target';

export interface IndicatorProgress {
  indicator: IndicatorKey;
  regionCode: string;
  year: number;
  /** The day the progress is judged on ('YYYY-MM-DD'): today, or 31 December of a past year. */
  asOf: string;
  actual: number;
  target: number | null;
  /** Where the year should be on asOf to reach the target (null without a target). */
  expected: number | null;
  /** The figure on 31 December at the current rate (null before the year has begun). */
  projection: number | null;
  /** actual ÷ expected (null without a target, or when nothing is expected yet). */
  paceRatio: number | null;
  status: PaceStatus;
  /** The year's months up to asOf's, oldest first; null where no figure was computed. */
  months: { period: string; value: number | null }[];
}

/** actual ÷ expected at or above `ahead` is ahead of pace; below `behind`, far behind. */
export const PACE_BANDS = { ahead: 1.05, onPace: 0.95, behind: 0.8 } as const;

export function paceStatus(target: number | null, paceRatio: number | null): PaceStatus {
  if (target === null) return 'no_target';
  if (paceRatio === null) return 'on_pace';
  if (paceRatio >= PACE_BANDS.ahead) return 'ahead';
  if (paceRatio >= PACE_BANDS.onPace) return 'on_pace';
  if (paceRatio >= PACE_BANDS.behind) return 'behind';
  return 'far_behind';
}

/** The day a year is judged on: asOf within the year, its last day once it is over, the day before it begins before. */
export function judgedOn(year: number, asOf: string): string {
  if (asOf > `${year}-12-31`) return `${year}-12-31`;
  if (asOf < `${year}-01-01`) return `${year - 1}-12-31`;
  return asOf;
}

/** The share of the year gone by at the end of `asOf` (0 before 1 January, 1 from 31 December). */
export function yearFraction(year: number, asOf: string): number {
  const days = daysBetween(`${year}-01-01`, `${year + 1}-01-01`);
  const gone = daysBetween(`${year}-01-01`, judgedOn(year, asOf)) + 1;
  return Math.min(1, Math.max(0, gone / days));
}

/** The months of `year` from January up to asOf's month ('YYYY-MM'). */
export function monthsUpTo(year: number, asOf: string): string[] {
  const day = judgedOn(year, asOf);
  if (day < `${year}-01-01`) return [];
  const last = Number(day.slice(5, 7));
  return Array.from({ length: last }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);
}

export interface PaceInput {
  kind: IndicatorKind;
  unit: IndicatorUnit;
  target: number | null;
  /** The year's monthly figures, January first, up to the judged month (null: not computed). */
  months: (number | null)[];
  /** A level indicator's figure when the year began (last December's), if known. */
  start: number | null;
  /** yearFraction of the judged day. */
  fraction: number;
}

export interface Pace {
  actual: number;
  expected: number | null;
  projection: number | null;
  paceRatio: number | null;
  status: PaceStatus;
}

/**
 * The pace arithmetic. Cumulative: actual = the months' sum, expected = target × the share of the
 * year gone by, projection = actual ÷ that share. Level: actual = the latest month's figure,
 * expected ramps straight from where the year began (last December, else the first month computed)
 * to the target on 31 December, projection extends the least-squares line through the year's
 * months to December (the latest figure while fewer than two months are known). Ratios stay in 0..1.
 */
export function paceOf(input: PaceInput): Pace {
  const known = input.months.map((value, i) => ({ x: i + 1, value })).filter((p): p is { x: number; value: number } => p.value !== null);
  const clamp = (v: number) => (input.unit === 'ratio' ? Math.min(1, Math.max(0, v)) : Math.max(0, v));
  let actual: number;
  let expected: number | null = null;
  let projection: number | null = null;
  if (input.kind === 'cumulative') {
    actual = known.reduce((sum, p) => sum + p.value, 0);
    if (input.fraction > 0) projection = actual / input.fraction;
    if (input.target !== null) expected = input.target * input.fraction;
  } else {
    actual = known.at(-1)?.value ?? 0;
    if (known.length >= 2) projection = clamp(trendAt(known, 12));
    else if (known.length === 1 || input.fraction > 0) projection = actual;
    const start = input.start ?? known[0]?.value ?? 0;
    if (input.target !== null) expected = start + (input.target - start) * input.fraction;
  }
  if (input.unit !== 'ratio' && projection !== null) projection = Math.round(projection);
  const paceRatio = expected !== null && expected > 0 ? actual / expected : null;
  return { actual, expected, projection, paceRatio, status: paceStatus(input.target, paceRatio) };
}

/** The least-squares line through the points, read at x. */
function trendAt(points: { x: number; value: number }[], x: number): number {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.value, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  const slope = sxx === 0 ? 0 : points.reduce((s, p) => s + (p.x - mx) * (p.value - my), 0) / sxx;
  return my + slope * (x - mx);
}

/** One monthly figure of one scope ('YYYY-MM'), as read from metric_values or a frozen copy of it. */
export interface Figure {
  scope: string;
  indicator: IndicatorKey;
  period: string;
  value: number;
}

/**
 * Progress from figures already read: every scope × indicator asked for, with the targets given
 * (`targets.get(\`${scope}:${indicator}\`)`). The monthly report passes a closed month's frozen
 * figures; regionProgress and baseProgress pass the live ones.
 */
export function progressFrom(input: {
  year: number;
  asOf: string;
  scopes: readonly string[];
  indicators: readonly IndicatorKey[];
  targets: ReadonlyMap<string, number>;
  figures: readonly Figure[];
}): IndicatorProgress[] {
  const asOf = judgedOn(input.year, input.asOf);
  const months = monthsUpTo(input.year, input.asOf);
  const fraction = yearFraction(input.year, input.asOf);
  const byKey = new Map<string, number>();
  for (const f of input.figures) byKey.set(`${f.scope}:${f.indicator}:${f.period}`, f.value);
  const out: IndicatorProgress[] = [];
  for (const scope of input.scopes) {
    for (const indicator of input.indicators) {
      const { kind, unit } = INDICATORS[indicator];
      const values = months.map((period) => byKey.get(`${scope}:${indicator}:${period}`) ?? null);
      const target = input.targets.get(`${scope}:${indicator}`) ?? null;
      const start = byKey.get(`${scope}:${indicator}:${input.year - 1}-12`) ?? null;
      const pace = paceOf({ kind, unit, target, months: values, start, fraction });
      out.push({
        indicator,
        regionCode: scope,
        year: input.year,
        asOf,
        target,
        ...pace,
        months: months.map((period, i) => ({ period, value: kind === 'cumulative' ? (values[i] ?? 0) : values[i] })),
      });
    }
  }
  return out;
}

/** The monthly periods a year's progress reads: last December (where a level began) to December. */
function periodRange(year: number) {
  return { from: `${year - 1}-12`, to: `${year}-12` };
}

/**
 * Progress of the given regions (county or towns) for a year, from the live snapshots and the
 * targets table: one indexed read, however many regions — the targets and the year's monthly rows
 * of the indicators' metrics in one statement, so a request holds one connection at a time.
 */
export async function regionProgress(
  db: Db,
  opts: { year: number; regionCodes: readonly string[]; indicators?: readonly IndicatorKey[]; asOf?: string },
): Promise<IndicatorProgress[]> {
  const indicators = opts.indicators ?? INDICATOR_KEYS;
  if (!opts.regionCodes.length || !indicators.length) return [];
  const byMetric = new Map(indicators.map((k) => [INDICATORS[k].metricKey as string, k]));
  const { from, to } = periodRange(opts.year);
  const regions = [...opts.regionCodes];
  const rows = await db
    .selectFrom('targets')
    .select([sql<'target' | 'figure'>`'target'`.as('kind'), 'region_code', 'metric_key', sql<string>`''`.as('period'), 'value'])
    .where('year', '=', opts.year)
    .where('region_code', 'in', regions)
    .where('metric_key', 'in', [...indicators])
    .unionAll(
      db
        .selectFrom('metric_values')
        .select([sql<'target' | 'figure'>`'figure'`.as('kind'), 'region_code', 'metric_key', 'period', 'value'])
        .where('metric_key', 'in', [...byMetric.keys()])
        .where('region_code', 'in', regions)
        .where('period', '>=', from)
        .where('period', '<=', to)
        .where(sql<boolean>`length(period) = 7`),
    )
    .execute();
  return progressFrom({
    year: opts.year,
    asOf: opts.asOf ?? shanghaiToday(),
    scopes: opts.regionCodes,
    indicators,
    targets: new Map(rows.filter((r) => r.kind === 'target').map((t) => [`${t.region_code}:${t.metric_key}`, Number(t.value)])),
    figures: rows
      .filter((r) => r.kind === 'figure')
      .map((v) => ({ scope: v.region_code, indicator: byMetric.get(v.metric_key)!, period: v.period, value: Number(v.value) })),
  });
}

/** Active Taobao Live hosts per livestream base against the base's target, from livestream_active_stats. */
export async function baseProgress(
  db: Db,
  opts: { year: number; baseIds: readonly number[]; asOf?: string },
): Promise<(IndicatorProgress & { baseId: number })[]> {
  if (!opts.baseIds.length) return [];
  const { from, to } = periodRange(opts.year);
  const [targetRows, statRows] = await Promise.all([
    db
      .selectFrom('base_targets')
      .select(['base_id', 'value'])
      .where('year', '=', opts.year)
      .where('base_id', 'in', [...opts.baseIds])
      .where('metric_key', '=', 'active_hosts')
      .execute(),
    db
      .selectFrom('livestream_active_stats')
      .select(['base_id', sql<string>`to_char(month, 'YYYY-MM')`.as('period'), 'active_hosts'])
      .where('platform', '=', 'taobao')
      .where('base_id', 'in', [...opts.baseIds])
      .where('month', '>=', `${from}-01`)
      .where('month', '<=', `${to}-01`)
      .execute(),
  ]);
  const scope = (id: number) => `base:${id}`;
  return progressFrom({
    year: opts.year,
    asOf: opts.asOf ?? shanghaiToday(),
    scopes: opts.baseIds.map(scope),
    indicators: ['active_hosts'],
    targets: new Map(targetRows.map((t) => [`${scope(t.base_id)}:active_hosts`, Number(t.value)])),
    figures: statRows.map((s) => ({ scope: scope(s.base_id), indicator: 'active_hosts' as const, period: s.period, value: Number(s.active_hosts) })),
  }).map((p) => ({ ...p, baseId: Number(p.regionCode.slice(5)) }));
}
