import type { z } from 'zod';
import { LIVESTREAM_PLATFORMS, type LivestreamPlatform } from '../../db/types';
import { enqueueBestEffort } from '../../jobs/enqueue';
import { shanghaiToday } from '../../lib/dates';
import { recordAudit } from '../audit/audit.service';
import { makeRoomForRuleVersion, parseRuleParams, ruleAt } from '../../rules/rules.service';
import type { ServiceContext } from '../service-context';
import { INDICATORS } from '../targets/indicators';
import { targetValue } from '../targets/targets.service';
import { yearClock } from '../training/conversion.service';
import type { HomeCounty } from './bases.service';
import { activeHostRule } from './livestream.rules';
import { livestreamScope } from './livestream.scope';
import {
  activeByBaseRows,
  activeTotalRows,
  hostMonthRows,
  hostNameRow,
  insertRuleVersion,
  leaderboardRows,
  lockRuleVersions,
  ruleVersionRows,
} from './metrics.repository';
import type {
  activeByMonthInput,
  activeByMonthOutput,
  byBaseInput,
  byBaseOutput,
  hostMonthsOutput,
  leaderboardInput,
  leaderboardOutput,
  progressOutput,
  ruleCreateInput,
  ruleCreateOutput,
  ruleVersionView,
} from './metrics.schemas';

/**
 * 直播指标 for the pages: everything reads the snapshots written by livestream.recompute
 * (livestream_active_stats, host_month_stats), narrowed to the actor's bases — a base manager sees
 * only the bases in their scope; admin and staff see every base. Mobiles are never read here.
 */

const hoursOf = (seconds: number) => Math.round((seconds / 3600) * 100) / 100;
const perHour = (fen: number, seconds: number) => (seconds > 0 ? Math.round(fen / (seconds / 3600)) : null);
const rate = (buyers: number, viewers: number) => (viewers > 0 ? Math.round((buyers / viewers) * 10_000) / 10_000 : null);
const monthKey = (date: string) => date.slice(0, 7);

// ---- progress ----------------------------------------------------------------------------------------

/** The active-host snapshot rows of the actor's bases (or one base, one platform) for some months, summed over bases per month and platform. */
async function activeTotals(ctx: ServiceContext, from: string, to: string, only: { baseId?: number; platform?: LivestreamPlatform | 'all' } = {}) {
  const rows = await activeTotalRows(ctx.db, livestreamScope.where(ctx.actor, 'a.base_id'), from, to, only);
  return rows.map((r) => ({
    month: r.month,
    platform: r.platform,
    asOf: r.as_of as string,
    ruleVersion: Number(r.rule_version),
    computedAt: r.computed_at as Date,
    activeHosts: Number(r.active_hosts),
    streamingHosts: Number(r.streaming_hosts),
    streams: Number(r.streams),
    durationSeconds: Number(r.duration_seconds),
    gmvFen: Number(r.gmv_fen),
  }));
}

export async function livestreamProgress(ctx: ServiceContext & HomeCounty, year: number, today = shanghaiToday()): Promise<z.infer<typeof progressOutput>> {
  const { db } = ctx;
  const clock = yearClock(year, today);
  const scoped = !livestreamScope.countyWide(ctx.actor);
  const rows = await activeTotals(ctx, `${year - 1}-12-01`, `${year}-12-01`);
  const inYear = rows.filter((r) => r.month.startsWith(String(year)));
  // "now": the latest month of the year with a snapshot, up to this month
  const latestMonth = inYear.filter((r) => monthKey(r.month) <= monthKey(today)).reduce<string | null>((m, r) => (!m || r.month > m ? r.month : m), null);
  const now = rows.filter((r) => r.month === latestMonth);
  const activeOf = (list: typeof rows, platform: string) => list.find((r) => r.platform === platform)?.activeHosts ?? 0;

  const setTarget = scoped ? null : await targetValue(db, year, ctx.config.HOME_COUNTY_CODE, 'active_hosts');
  const target = scoped ? null : (setTarget ?? INDICATORS.active_hosts.default);
  const active = activeOf(now, 'taobao');
  const start = activeOf(
    rows.filter((r) => r.month === `${year - 1}-12-01`),
    'taobao',
  );
  // Active hosts are a stock, not a flow like person-times: the pace ramps from last year's end to the target.
  let pace: number | null = null;
  let status: 'on_pace' | 'behind' | 'no_target' = 'no_target';
  if (target !== null) {
    pace = start >= target ? target : Math.round(start + ((target - start) * clock.elapsedDays) / clock.daysInYear);
    status = active >= pace ? 'on_pace' : 'behind';
  }
  const months = Array.from({ length: 12 }, (_, i) => {
    const m = `${year}-${String(i + 1).padStart(2, '0')}-01`;
    const of = inYear.filter((r) => r.month === m);
    const known = of.length > 0 || m <= (latestMonth ?? '');
    return { month: monthKey(m), taobao: known ? activeOf(of, 'taobao') : null, all: known ? activeOf(of, 'all') : null };
  });
  const latest = now[0];
  let rule: z.infer<typeof progressOutput>['rule'] = null;
  if (latest) {
    const r = await ruleAt(db, activeHostRule, latest.asOf);
    rule = { version: r.version, ...r.params };
  }
  const computedAt = now.reduce<Date | null>((at, r) => (!at || r.computedAt > at ? r.computedAt : at), null);
  return {
    year,
    today,
    ...clock,
    scope: scoped ? 'bases' : 'county',
    month: latestMonth ? monthKey(latestMonth) : null,
    asOf: latest?.asOf ?? null,
    taobao: { active, target, targetIsDefault: !scoped && setTarget === null, start, pace, status },
    allPlatforms: activeOf(now, 'all'),
    byPlatform: LIVESTREAM_PLATFORMS.map((p) => ({
      platform: p,
      active: activeOf(now, p),
      streamingHosts: now.find((r) => r.platform === p)?.streamingHosts ?? 0,
    })),
    months,
    rule,
    computedAt: computedAt ? new Date(computedAt).toISOString() : null,
  };
}

// ---- active hosts by month, by base ------------------------------------------------------------------------

export async function activeByMonth(ctx: ServiceContext, input: z.output<typeof activeByMonthInput>): Promise<z.infer<typeof activeByMonthOutput>> {
  livestreamScope.assertFilter(ctx.actor, input.baseId);
  const rows = await activeTotals(ctx, `${input.year}-01-01`, `${input.year}-12-01`, input);
  const items = rows.map((r) => ({
    month: monthKey(r.month),
    platform: r.platform,
    activeHosts: r.activeHosts,
    streamingHosts: r.streamingHosts,
    streams: r.streams,
    hours: hoursOf(r.durationSeconds),
    gmvFen: r.gmvFen,
    asOf: String(r.asOf),
    ruleVersion: r.ruleVersion,
  }));
  return { items, total: items.length };
}

export async function activeByBase(ctx: ServiceContext, input: z.output<typeof byBaseInput>): Promise<z.infer<typeof byBaseOutput>> {
  const month = `${input.month ?? monthKey(shanghaiToday())}-01`;
  const rows = await activeByBaseRows(ctx.db, livestreamScope.where(ctx.actor, 'b.id'), month);
  const items = rows.map((r) => {
    const seconds = Number(r.duration_seconds);
    const gmv = Number(r.gmv_fen);
    return {
      baseId: r.id,
      baseName: r.name,
      regionName: r.region_name,
      activeTaobao: Number(r.active_taobao),
      activeAll: Number(r.active_all),
      streamingHosts: Number(r.streaming_hosts),
      streams: Number(r.streams),
      hours: hoursOf(seconds),
      gmvFen: gmv,
      gmvPerHourFen: perHour(gmv, seconds),
    };
  });
  const asOf = rows.reduce<string | null>((at, r) => (r.as_of && (!at || String(r.as_of) > at) ? String(r.as_of) : at), null);
  return { month: monthKey(month), asOf, items, total: items.length };
}

// ---- leaderboard ---------------------------------------------------------------------------------------

export async function leaderboard(ctx: ServiceContext, input: z.output<typeof leaderboardInput>): Promise<z.infer<typeof leaderboardOutput>> {
  livestreamScope.assertFilter(ctx.actor, input.baseId);
  const rows = await leaderboardRows(ctx.db, { ...input, scope: livestreamScope.where(ctx.actor, 'h.base_id') });
  return {
    total: Number(rows[0]?.total ?? 0),
    items: rows.map((r) => {
      const seconds = Number(r.duration_seconds);
      const gmv = Number(r.gmv_fen);
      return {
        rank: Number(r.rank),
        hostId: r.host_id,
        hostName: r.host_name,
        baseId: r.base_id,
        baseName: r.base_name,
        streams: Number(r.streams),
        hours: hoursOf(seconds),
        gmvFen: gmv,
        gmvPerHourFen: perHour(gmv, seconds),
        buyerRate: rate(Number(r.buyers), Number(r.viewers)),
        active: r.active,
      };
    }),
  };
}

// ---- one host ------------------------------------------------------------------------------------------

export async function hostMonths(ctx: ServiceContext, hostId: number): Promise<z.infer<typeof hostMonthsOutput>> {
  const host = livestreamScope.host(ctx.actor, await hostNameRow(ctx.db, hostId), 'LIVESTREAM_METRICS_HOST_NOT_FOUND');
  const rows = await hostMonthRows(ctx.db, hostId);
  const byMonth = new Map<string, { streams: number; seconds: number; gmv: number; viewers: number; buyers: number; active: LivestreamPlatform[] }>();
  for (const r of rows) {
    const m = byMonth.get(r.month) ?? { streams: 0, seconds: 0, gmv: 0, viewers: 0, buyers: 0, active: [] };
    m.streams += Number(r.streams);
    m.seconds += Number(r.duration_seconds);
    m.gmv += Number(r.gmv_fen);
    m.viewers += Number(r.viewers);
    m.buyers += Number(r.buyers);
    if (r.active_at_month_end) m.active.push(r.platform);
    byMonth.set(r.month, m);
  }
  const items = [...byMonth.entries()].map(([month, m]) => ({
    month: monthKey(month),
    streams: m.streams,
    hours: hoursOf(m.seconds),
    gmvFen: m.gmv,
    gmvPerHourFen: perHour(m.gmv, m.seconds),
    viewers: m.viewers,
    buyers: m.buyers,
    buyerRate: rate(m.buyers, m.viewers),
    activePlatforms: m.active,
  }));
  return {
    hostId: host.id,
    hostName: host.name,
    items,
    total: items.length,
    byPlatform: rows.map((r) => ({
      month: monthKey(r.month),
      platform: r.platform,
      streams: Number(r.streams),
      hours: hoursOf(Number(r.duration_seconds)),
      gmvFen: Number(r.gmv_fen),
      active: r.active_at_month_end,
      ruleVersion: r.rule_version,
    })),
  };
}

// ---- the active-host rule --------------------------------------------------------------------------------

type RuleView = z.infer<typeof ruleVersionView>;

export async function listRuleVersions(ctx: ServiceContext, today = shanghaiToday()): Promise<RuleView[]> {
  const rows = await ruleVersionRows(ctx.db);
  const inForce = await ruleAt(ctx.db, activeHostRule, today).catch(() => null);
  return rows.map((r) => {
    const p = parseRuleParams(activeHostRule, r.params, r.version);
    return {
      version: r.version,
      windowDays: p.windowDays,
      minStreams: p.minStreams,
      minMinutes: p.minMinutes,
      effectiveFrom: r.effective_from,
      inForce: inForce?.version === r.version,
      createdBy: r.display_name ?? null,
      createdAt: new Date(r.created_at).toISOString(),
    };
  });
}

/** At most this many months are queued one by one after a new version; further back, one full recompute. */
const MAX_MONTH_JOBS = 36;

/**
 * A new version of the active-host rule from a date (admin only): the next version number, audited,
 * then a recompute of every month whose end falls on or after that date, up to this month. A version
 * may not take effect before the one in force, nor more than a year ahead; it replaces versions still
 * to come from its date on (makeRoomForRuleVersion).
 */
export async function createRuleVersion(ctx: ServiceContext, input: z.output<typeof ruleCreateInput>, today = shanghaiToday()): Promise<z.infer<typeof ruleCreateOutput>> {
  const { who } = ctx;
  const { version, withdrawn } = await ctx.db.transaction().execute(async (trx) => {
    await lockRuleVersions(trx);
    const room = await makeRoomForRuleVersion(trx, who, {
      key: activeHostRule.key,
      effectiveFrom: input.effectiveFrom,
      today,
      tooEarly: 'LIVESTREAM_RULE_EFFECTIVE_TOO_EARLY',
    });
    const next = room.version;
    const params = activeHostRule.params.parse({ windowDays: input.windowDays, minStreams: input.minStreams, minMinutes: input.minMinutes });
    const row = await insertRuleVersion(trx, who, next, params, input.effectiveFrom);
    await recordAudit(trx, who, { entity: 'rule_version', entityId: `${activeHostRule.key}:${next}`, action: 'create', after: row });
    return { version: next, withdrawn: room.withdrawn };
  });

  const months: string[] = [];
  for (let m = input.effectiveFrom.slice(0, 7); m <= today.slice(0, 7); ) {
    months.push(m);
    const [y, mo] = m.split('-').map(Number);
    m = mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
  }
  if (months.length > MAX_MONTH_JOBS) await enqueueBestEffort(ctx, 'livestream.recompute', {});
  else for (const month of months) await enqueueBestEffort(ctx, 'livestream.recompute', { month });
  const views = await listRuleVersions(ctx, today);
  return { rule: views.find((v) => v.version === version)!, recomputeMonths: months, withdrawn };
}
