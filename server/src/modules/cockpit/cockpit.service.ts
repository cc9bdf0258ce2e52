import { forbidden } from '../../lib/app-error';
import { shanghaiToday } from '../../lib/dates';
import { ruleAt } from '../../rules/rules.service';
import { actorScopeIds, isUnscoped, regionScope } from '../auth/scope';
import { activeHostRule } from '../livestream/livestream.rules';
import type { ServiceContext } from '../service-context';
import { INDICATORS, INDICATOR_KEYS, type IndicatorKey } from '../targets/indicators';
import { yuanCell, type ColumnFormat } from '../../lib/excel';
import { regionProgress, type IndicatorProgress } from '../targets/progress';
import { scopedProgress } from '../targets/targets.service';
import { countyTowns } from '../targets/targets.scope';
import { hostsAboutToDrop, sessionsOn, stationsFiling, townCourses, townHosts, townStations } from './cockpit.repository';

/**
 * The cockpit (驾驶舱) and the role homes. Every figure comes from the snapshots through the one
 * progress computation (targets/progress.ts) or from indexed point reads of today (who filed, who
 * checked in); nothing aggregates the ledger, attendance or streams on a page load.
 */
type CockpitContext = Pick<ServiceContext, 'db' | 'actor'> & { countyCode: string };

/** A progress row without its months: what a ranking cell needs. */
export type ProgressCell = Omit<IndicatorProgress, 'months'>;
const cell = ({ months: _months, ...rest }: IndicatorProgress): ProgressCell => rest;

export interface TownRankingRow {
  regionCode: string;
  regionName: string;
  cells: Partial<Record<IndicatorKey, ProgressCell>>;
}

/** The county's cards and trends, and every town on every indicator (the ranking), for a year. */
export async function cockpitOverview(ctx: CockpitContext, input: { year: number }) {
  const towns = await countyTowns(ctx.db, ctx.countyCode);
  const progress = await regionProgress(ctx.db, { year: input.year, regionCodes: [ctx.countyCode, ...towns.map((t) => t.code)] });
  const county = progress.filter((p) => p.regionCode === ctx.countyCode);
  return { year: input.year, asOf: county[0]?.asOf ?? shanghaiToday(), indicators: [...INDICATOR_KEYS], county, towns: rankingRows(towns, progress) };
}

function rankingRows(towns: { code: string; name: string }[], progress: IndicatorProgress[]): TownRankingRow[] {
  const byTown = new Map<string, TownRankingRow>(towns.map((t) => [t.code, { regionCode: t.code, regionName: t.name, cells: {} }]));
  for (const p of progress) {
    const row = byTown.get(p.regionCode);
    if (row) row.cells[p.indicator] = cell(p);
  }
  return [...byTown.values()];
}

/** The ranking as export rows: per indicator its figure, target (money in yuan), pace ratio and status. */
export async function rankingExportRows(ctx: CockpitContext, input: { year: number }) {
  const { towns } = await cockpitOverview(ctx, input);
  return towns.map((t) => {
    const row: Record<string, unknown> = { regionName: t.regionName, regionCode: t.regionCode };
    for (const key of INDICATOR_KEYS) {
      const c = t.cells[key];
      const amount = (v: number | null | undefined) => (v === null || v === undefined ? null : INDICATORS[key].unit === 'fen' ? yuanCell(v) : v);
      row[key] = { actual: amount(c?.actual), target: amount(c?.target), paceRatio: c?.paceRatio ?? null, status: c?.status ?? null };
    }
    return row;
  });
}

/** How each ranking column reads in Excel. */
export const RANKING_FORMATS = Object.fromEntries([
  ['regionName', 'text'],
  ['regionCode', 'text'],
  ...INDICATOR_KEYS.flatMap((key) => {
    const figure: ColumnFormat = INDICATORS[key].unit === 'fen' ? 'money' : INDICATORS[key].unit === 'ratio' ? 'percent' : 'count';
    return [
      [`${key}.actual`, figure],
      [`${key}.target`, figure],
      [`${key}.paceRatio`, 'percent'],
      [`${key}.status`, 'text'],
    ];
  }),
]) as Record<string, ColumnFormat>;

/**
 * One town, drilled into: its cards against its own targets, its stations (activity, this month's
 * 上行), its courses of the year (person-times) and its hosts (active or not). A coordinator may
 * open their own towns; an operator's and a manager's scopes have no town view.
 */
export async function cockpitTown(ctx: CockpitContext, input: { year: number; regionCode: string }) {
  const town = await ctx.db.selectFrom('regions').select(['code', 'name', 'level', 'parent_code']).where('code', '=', input.regionCode).executeTakeFirst();
  const mayOpen = isUnscoped(ctx.actor) || (ctx.actor.role === 'training_coordinator' && regionScope.covers(ctx.actor, input.regionCode));
  if (!town || town.level !== 'town' || town.parent_code !== ctx.countyCode || !mayOpen) throw forbidden('FORBIDDEN_SCOPE', { kind: 'region' });
  const today = shanghaiToday();
  const month = input.year === Number(today.slice(0, 4)) ? today.slice(0, 7) : `${input.year}-12`;
  const [progress, stations, courses, hosts] = await Promise.all([
    regionProgress(ctx.db, { year: input.year, regionCodes: [town.code] }),
    townStations(ctx.db, ctx.actor, town.code, month),
    townCourses(ctx.db, town.code, input.year),
    townHosts(ctx.db, town.code, month),
  ]);
  return {
    regionCode: town.code,
    regionName: town.name,
    month,
    progress,
    stations: stations.map((s) => ({
      id: s.id,
      code: s.code,
      name: s.name,
      tier: s.tier,
      status: s.status,
      lastEntryDate: s.last_entry_date,
      quiet: s.quiet ?? false,
      quietDays: s.quiet_days,
      entryDaysWindow: s.entry_days_window ?? 0,
      salesAmountFen: Number(s.sales_amount_fen),
      daysWithEntry: Number(s.days_with_entry),
    })),
    courses: courses.map((c) => ({ id: c.id, title: c.title, status: c.status, plannedStart: c.planned_start, plannedEnd: c.planned_end, personTimes: Number(c.person_times) })),
    hosts: hosts.map((h) => ({ id: h.id, name: h.name, baseName: h.base_name, status: h.status, active: h.active, streams: Number(h.streams), gmvFen: Number(h.gmv_fen) })),
  };
}

/** A station operator's day: each of their stations, filed today or not (those not filed first), and this month's figures. */
export async function operatorHome(ctx: CockpitContext) {
  const today = shanghaiToday();
  const ids = actorScopeIds(ctx.actor, 'station') ?? [];
  const rows = await stationsFiling(ctx.db, ids, today);
  const stations = rows
    .map((s) => ({
      id: s.id,
      code: s.code,
      name: s.name,
      tier: s.tier,
      status: s.status,
      filedToday: Boolean(s.filed_today),
      lastEntryDate: (s.last_entry_date as string | null) ?? null,
      quiet: s.quiet ?? false,
      daysWithEntry: Number(s.days_with_entry),
      salesAmountFen: Number(s.sales_amount_fen),
      purchaseAmountFen: Number(s.purchase_amount_fen),
      parcels: Number(s.parcels),
    }))
    .sort((a, b) => Number(a.filedToday) - Number(b.filedToday) || Number(b.status === 'active') - Number(a.status === 'active'));
  const active = stations.filter((s) => s.status === 'active');
  return { today, stations, filed: active.filter((s) => s.filedToday).length, toFile: active.filter((s) => !s.filedToday).length };
}

/** A training coordinator's day: today's classes in their towns (with check-ins so far) and their towns' progress. */
export async function coordinatorHome(ctx: CockpitContext) {
  const today = shanghaiToday();
  const [sessions, progress] = await Promise.all([sessionsOn(ctx.db, ctx.actor, today), scopedProgress(ctx, { year: Number(today.slice(0, 4)) })]);
  return {
    today,
    sessions: sessions.map((s) => ({ id: s.id, courseId: s.course_id, title: s.title, regionName: s.region_name, startsAt: s.starts_at.slice(0, 5), endsAt: s.ends_at.slice(0, 5), venue: s.venue, checkedIn: Number(s.checked_in ?? 0) })),
    towns: progress.regions,
  };
}

/** How far ahead the base manager is warned of hosts about to stop being active. */
export const DROP_HORIZON_DAYS = 7;

/** A base manager's day: their bases' active hosts against the base targets, and who is about to drop out of "active". */
export async function managerHome(ctx: CockpitContext) {
  const today = shanghaiToday();
  const rule = await ruleAt(ctx.db, activeHostRule, today);
  const [progress, dropping] = await Promise.all([
    scopedProgress(ctx, { year: Number(today.slice(0, 4)) }),
    hostsAboutToDrop(ctx.db, ctx.actor, { today, ...rule.params, horizonDays: DROP_HORIZON_DAYS }),
  ]);
  return { today, rule: { version: rule.version, ...rule.params }, horizonDays: DROP_HORIZON_DAYS, bases: progress.bases, dropping };
}
