import type { z } from 'zod';
import type { Db } from '../../db/create-db';
import { OUTCOME_KINDS } from '../../db/types';
import { badRequest } from '../../lib/app-error';
import { addDays, daysBetween, shanghaiToday } from '../../lib/dates';
import { maskMobile, offsetOf } from '../../lib/list';
import type { Actor } from '../auth/actor';
import { isUnscoped } from '../auth/scope';
import type { ServiceContext } from '../service-context';
import { ruleAt } from '../../rules/rules.service';
import { conversionRule } from './training.rules';
import { courseScope, traineeOwned } from './training.scope';
import {
  conversionStatsByCut,
  countiesWithTrainingFigures,
  dueForFollowUp,
  funnelTotals,
  latestCompletions,
  personTimesOfYear,
  personTimesTargets,
  regionsAndTheirTowns,
  sampleOrder,
} from './conversion.repository';
import {
  FOLLOW_UP_STAGES,
  SUMMARY_CUTS,
  type cutRow,
  type followUpInput,
  type followUpItem,
  type progressOutput,
  type progressRow,
  type spotCheckInput,
  type spotCheckOutput,
  type summaryInput,
  type summaryOutput,
} from './conversion.schemas';

type ProgressRow = z.infer<typeof progressRow>;
type CutRow = z.infer<typeof cutRow>;

/**
 * 培训转化 for the dashboard: everything here reads the snapshots written by training.recompute
 * (metric_values, training_conversion_stats, training_funnel_stats), except the follow-up list and
 * the spot-check sample, which are lists of people read from course_completions.
 *
 * Scope: admin and staff see every county; a coordinator sees their own towns (or county) and never
 * a figure of another town — their headline is the sum of their towns' own rows (so a trainee who
 * completed courses in two of their towns counts in each; the county's rows count them once).
 */

/** The regions whose figures make up the user's view: their scope, or every county for the bureau. */
async function viewRegions(db: Db, actor: Actor, year: number, region?: string): Promise<string[]> {
  if (region) {
    courseScope.assert(actor, region);
    return [region];
  }
  if (!isUnscoped(actor)) return [...actor.scopes.regions];
return countiesWithTrainingFigures(db, year);
}

// ---- progress --------------------------------------------------------------------------------------

export function yearClock(year: number, today: string) {
  const first = `${year}-01-01`;
  const daysInYear = daysBetween(first, `${year + 1}-01-01`);
  const elapsedDays = Math.min(daysInYear, Math.max(0, daysBetween(first, today) + 1));
  return { daysInYear, elapsedDays };
}

/** Pace, run-rate projection and whether the figure is on pace, for one region's year so far. */
export function paceOf(personTimes: number, target: number | null, clock: { daysInYear: number; elapsedDays: number }) {
  const pace = target === null ? null : Math.round((target * clock.elapsedDays) / clock.daysInYear);
  const projection = clock.elapsedDays === 0 ? 0 : Math.round((personTimes * clock.daysInYear) / clock.elapsedDays);
  const status = pace === null ? ('no_target' as const) : personTimes >= pace ? ('on_pace' as const) : ('behind' as const);
  return { pace, projection, status };
}

export async function trainingProgress(ctx: ServiceContext, year: number, today = shanghaiToday()): Promise<z.infer<typeof progressOutput>> {
  const { db, actor } = ctx;
  const clock = yearClock(year, today);
  const tops = await viewRegions(db, actor, year);
  const empty = { year, today, ...clock, projectionMethod: 'run_rate' as const, headline: null, rows: [], months: [], computedAt: null };
  if (!tops.length) return empty;

  // the tops, and each town under a county among them
  const regions = await regionsAndTheirTowns(db, tops);
  const codes = regions.map((r) => r.code);
  if (!codes.length) return empty;
  const values = await personTimesOfYear(db, codes, year);
  const targets = await personTimesTargets(db, codes, year);
  const yearValue = new Map(values.filter((v) => v.period === String(year)).map((v) => [v.region_code, Number(v.value)]));
  const targetOf = new Map(targets.map((t) => [t.region_code, Number(t.value)]));
  const rowOf = (code: string, name: string, level: ProgressRow['level'], personTimes: number, target: number | null): ProgressRow => ({
    regionCode: code,
    regionName: name,
    level,
    personTimes,
    target,
    ...paceOf(personTimes, target, clock),
  });
  const rows = regions
    .filter((r) => r.level === 'county' || r.level === 'town')
    .map((r) => rowOf(r.code, r.name, r.level as 'county' | 'town', yearValue.get(r.code) ?? 0, targetOf.get(r.code) ?? null));
  const topRows = rows.filter((r) => tops.includes(r.regionCode));
  let headline: ProgressRow | null = topRows[0] ?? null;
  if (topRows.length > 1) {
    const sum = (f: (r: ProgressRow) => number) => topRows.reduce((n, r) => n + f(r), 0);
    const target = topRows.every((r) => r.target !== null) ? sum((r) => r.target ?? 0) : null;
    headline = rowOf('', '', 'scope', sum((r) => r.personTimes), target);
  }
  let cumulative = 0;
  const months = Array.from({ length: 12 }, (_, i) => {
    const month = `${year}-${String(i + 1).padStart(2, '0')}`;
    const personTimes = values.filter((v) => v.period === month && tops.includes(v.region_code)).reduce((n, v) => n + Number(v.value), 0);
    cumulative += personTimes;
    return { month, personTimes, cumulative };
  });
  const computedAt = values.reduce<Date | null>((latest, v) => (!latest || v.computed_at > latest ? v.computed_at : latest), null);
  return { ...empty, headline, rows, months, computedAt: computedAt ? new Date(computedAt).toISOString() : null };
}

// ---- conversion by cut and the funnel ------------------------------------------------------------------

const rateOf = (converted: number, completed: number) => (completed ? Math.round((converted / completed) * 10_000) / 10_000 : null);

export async function conversionSummary(ctx: ServiceContext, input: z.output<typeof summaryInput>): Promise<z.infer<typeof summaryOutput>> {
  const { db, actor } = ctx;
  const rule = await ruleAt(db, conversionRule, shanghaiToday());
  const codes = await viewRegions(db, actor, input.year, input.region);
  const stats = codes.length ? await conversionStatsByCut(db, codes, input.year) : [];
  const funnel = codes.length ? await funnelTotals(db, codes, input.year) : undefined;

  const toRow = (s: (typeof stats)[number]): CutRow => {
    const completed = Number(s.completed);
    const converted = Number(s.converted);
    return {
      key: s.cut_key,
      label: String(s.label ?? s.cut_key),
      completed,
      converted,
      rate: rateOf(converted, completed),
      byKind: Object.fromEntries(OUTCOME_KINDS.map((k) => [k, Number(s[k])])) as CutRow['byKind'],
    };
  };
  const order = (cut: string) => (a: CutRow, b: CutRow) =>
    cut === 'cohort_month' ? a.key.localeCompare(b.key) : b.completed - a.completed || a.label.localeCompare(b.label, 'zh-CN');
  const total = stats.find((s) => s.cut === 'total');
  const emptyRow: CutRow = { key: 'all', label: '', completed: 0, converted: 0, rate: null, byKind: Object.fromEntries(OUTCOME_KINDS.map((k) => [k, 0])) as CutRow['byKind'] };
  const computedAt = stats.reduce<Date | null>((latest, s) => (s.computed_at && (!latest || new Date(s.computed_at) > latest) ? new Date(s.computed_at) : latest), null);
  const versions = stats.map((s) => Number(s.rule_version));
  return {
    year: input.year,
    windowDays: rule.params.windowDays,
    ruleVersion: versions.length ? Math.max(...versions) : null,
    computedAt: computedAt ? computedAt.toISOString() : null,
    overall: total ? toRow(total) : emptyRow,
    cuts: Object.fromEntries(SUMMARY_CUTS.map((cut) => [cut, stats.filter((s) => s.cut === cut).map(toRow).sort(order(cut))])) as z.infer<typeof summaryOutput>['cuts'],
    funnel: {
      registered: Number(funnel?.registered ?? 0),
      attended: Number(funnel?.attended ?? 0),
      completed: Number(funnel?.completed ?? 0),
      converted: Number(funnel?.converted ?? 0),
      firstSale: Number(funnel?.first_sale ?? 0),
    },
  };
}

// ---- completions in scope: the follow-up list and the spot check -----------------------------------


/** Mobiles in full only to a training coordinator (the list holds only their own trainees); masked to all others. */
const showsFullMobile = (actor: Actor) => actor.role === 'training_coordinator';

/**
 * 回访: trainees whose latest completed course ended `stage` days ago or more (stages in
 * FOLLOW_UP_STAGES) with no outcome since that course began. A coordinator calls the trainees whose
 * home is in their towns (training.scope.ts), whichever town's course they completed; `region`
 * narrows by the course's region.
 */
export async function listFollowUps(ctx: ServiceContext, input: z.output<typeof followUpInput>, today = shanghaiToday()) {
  const { db, actor } = ctx;
  const f = input.filter ?? { stage: 30 as const };
  if (f.region) courseScope.assert(actor, f.region);
  const [lo, hi] = FOLLOW_UP_STAGES[f.stage];
  const base = dueForFollowUp(db, actor, f.region, { after: addDays(today, -hi), upTo: addDays(today, -lo) });
  const counted = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const sort = input.sort ?? { key: 'completedOn' as const, order: 'asc' as const };
  const column = { completedOn: 'l.completed_on', name: 't.name', village: 'v.name' } as const;
  const rows = await base
    .select(['t.id', 't.name', 't.mobile', 'v.name as village_name', 'l.course_id', 'c.title', 'cr.name as region_name', 'l.completed_on'])
    .orderBy(column[sort.key], sort.order)
    .orderBy('t.id')
    .limit(input.pageSize)
    .offset(offsetOf(input))
    .execute();
  const full = showsFullMobile(actor);
  const items: z.infer<typeof followUpItem>[] = rows.map((r) => ({
    traineeId: r.id,
    name: r.name,
    mobile: full ? r.mobile : (maskMobile(r.mobile) ?? ''),
    mobileMasked: !full,
    villageName: r.village_name ?? null,
    courseId: r.course_id,
    courseTitle: r.title,
    regionName: r.region_name,
    completedOn: r.completed_on,
    daysSince: daysBetween(r.completed_on, today),
  }));
  return { items, total: Number(counted.n) };
}

// ---- spot check ----------------------------------------------------------------------------------------

/**
 * A random sample of N trainees who completed a course in the period, reproducible from its seed:
 * trainees are ordered by md5(seed || ':' || id), which any PostgreSQL (and PGlite) computes alike.
 * Each trainee is listed with their latest course of the period, and belongs to that course's town.
 */
export async function spotCheck(ctx: ServiceContext, input: z.output<typeof spotCheckInput>): Promise<z.infer<typeof spotCheckOutput>> {
  const { db, actor } = ctx;
  if (input.to < input.from || daysBetween(input.from, input.to) > 366 * 3) throw badRequest('TRAINING_PERIOD_INVALID', { from: input.from, to: input.to });
  if (input.region) courseScope.assert(actor, input.region);
  const base = latestCompletions(db, actor, 'course', input.region, input);
  const counted = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await base
    .select(['t.id', 't.name', 't.mobile', 'v.name as village_name', 'c.title', 'cr.name as region_name', 'l.completed_on'])
    .select(traineeOwned(actor, { merged: true }).as('owned'))
    .orderBy(sampleOrder(input.seed))
    .orderBy('t.id')
    .limit(input.n)
    .execute();
  return {
    seed: input.seed,
    from: input.from,
    to: input.to,
    population: Number(counted.n),
    items: rows.map((r) => ({
      traineeId: r.id,
      name: r.name,
      mobile: maskMobile(r.mobile) ?? '',
      villageName: r.owned ? (r.village_name ?? null) : null,
      courseTitle: r.title,
      regionName: r.region_name,
      completedOn: r.completed_on,
    })),
  };
}
