import { sql } from 'kysely';
import type { z } from 'zod';
import type { Db } from '../../db/create-db';
import { LIVESTREAM_PLATFORMS, type LivestreamPlatform } from '../../db/types';
import type { JobQueue } from '../../jobs/queue';
import { shanghaiToday } from '../../lib/dates';
import type { Logger } from '../../lib/logger';
import { recordAudit, type AuditWho } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { makeRoomForRuleVersion, parseRuleParams, ruleAt } from '../rules/rules.service';
import { activeHostRule } from './livestream.rules';
import { TARGET_METRICS, targetValue } from '../targets/targets.service';
import { yearClock } from '../training/conversion.service';
import { ACTIVE_HOST_RULE } from './livestream.metrics';
import { assertBaseFilter, inActorBases, rowInActorBases, visibleBaseIds } from './livestream.scope';
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
async function activeTotals(db: Db, actor: Actor, from: string, to: string, only: { baseId?: number; platform?: LivestreamPlatform | 'all' } = {}) {
  const rows = await db
    .selectFrom('livestream_active_stats as a')
    .select((eb) => [
      'a.month',
      'a.platform',
      eb.fn.max('a.as_of').as('as_of'),
      eb.fn.max('a.rule_version').as('rule_version'),
      eb.fn.max('a.computed_at').as('computed_at'),
      eb.fn.sum<number>('a.active_hosts').as('active_hosts'),
      eb.fn.sum<number>('a.streaming_hosts').as('streaming_hosts'),
      eb.fn.sum<number>('a.streams').as('streams'),
      eb.fn.sum<number>('a.duration_seconds').as('duration_seconds'),
      eb.fn.sum<number>('a.gmv_fen').as('gmv_fen'),
    ])
    .where('a.month', '>=', from)
    .where('a.month', '<=', to)
    .where(inActorBases(actor, 'a.base_id'))
    .$if(only.baseId !== undefined, (q) => q.where('a.base_id', '=', only.baseId!))
    .$if(only.platform !== undefined, (q) => q.where('a.platform', '=', only.platform!))
    .groupBy(['a.month', 'a.platform'])
    .orderBy('a.month')
    .orderBy('a.platform')
    .execute();
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

export async function livestreamProgress(
  deps: { db: Db; config: { HOME_COUNTY_CODE: string } },
  actor: Actor,
  year: number,
  today = shanghaiToday(),
): Promise<z.infer<typeof progressOutput>> {
  const { db } = deps;
  const clock = yearClock(year, today);
  const scoped = visibleBaseIds(actor) !== null;
  const rows = await activeTotals(db, actor, `${year - 1}-12-01`, `${year}-12-01`);
  const inYear = rows.filter((r) => r.month.startsWith(String(year)));
  // "now": the latest month of the year with a snapshot, up to this month
  const latestMonth = inYear.filter((r) => monthKey(r.month) <= monthKey(today)).reduce<string | null>((m, r) => (!m || r.month > m ? r.month : m), null);
  const now = rows.filter((r) => r.month === latestMonth);
  const activeOf = (list: typeof rows, platform: string) => list.find((r) => r.platform === platform)?.activeHosts ?? 0;

  const setTarget = scoped ? null : await targetValue(db, year, deps.config.HOME_COUNTY_CODE, 'active_hosts');
  const target = scoped ? null : (setTarget ?? TARGET_METRICS.active_hosts.default);
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

export async function activeByMonth(db: Db, actor: Actor, input: z.output<typeof activeByMonthInput>): Promise<z.infer<typeof activeByMonthOutput>> {
  assertBaseFilter(actor, input.baseId);
  const rows = await activeTotals(db, actor, `${input.year}-01-01`, `${input.year}-12-01`, input);
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

export async function activeByBase(db: Db, actor: Actor, input: z.output<typeof byBaseInput>): Promise<z.infer<typeof byBaseOutput>> {
  const month = `${input.month ?? monthKey(shanghaiToday())}-01`;
  const rows = await db
    .selectFrom('livestream_bases as b')
    .innerJoin('regions as r', 'r.code', 'b.region_code')
    .leftJoin('livestream_active_stats as a', (join) => join.onRef('a.base_id', '=', 'b.id').on('a.month', '=', month))
    .select((eb) => [
      'b.id',
      'b.name',
      'r.name as region_name',
      eb.fn.max('a.as_of').as('as_of'),
      sql<number>`coalesce(sum(a.active_hosts) filter (where a.platform = 'taobao'), 0)`.as('active_taobao'),
      sql<number>`coalesce(sum(a.active_hosts) filter (where a.platform = 'all'), 0)`.as('active_all'),
      sql<number>`coalesce(sum(a.streaming_hosts) filter (where a.platform = 'all'), 0)`.as('streaming_hosts'),
      sql<number>`coalesce(sum(a.streams) filter (where a.platform = 'all'), 0)`.as('streams'),
      sql<number>`coalesce(sum(a.duration_seconds) filter (where a.platform = 'all'), 0)`.as('duration_seconds'),
      sql<number>`coalesce(sum(a.gmv_fen) filter (where a.platform = 'all'), 0)`.as('gmv_fen'),
    ])
    .where(inActorBases(actor, 'b.id'))
    .groupBy(['b.id', 'b.name', 'r.name'])
    .orderBy(sql`coalesce(sum(a.active_hosts) filter (where a.platform = 'taobao'), 0)`, 'desc')
    .orderBy('b.name')
    .execute();
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

const LEADERBOARD_ORDER = {
  gmv: sql`sum(h.gmv_fen) desc, sum(h.duration_seconds) desc`,
  hours: sql`sum(h.duration_seconds) desc, sum(h.gmv_fen) desc`,
  streams: sql`sum(h.streams) desc, sum(h.duration_seconds) desc`,
  // a host who did not stream has no rate: last
  gmvPerHour: sql`case when sum(h.duration_seconds) > 0 then sum(h.gmv_fen)::numeric / sum(h.duration_seconds) end desc nulls last, sum(h.gmv_fen) desc`,
} as const;

export async function leaderboard(db: Db, actor: Actor, input: z.output<typeof leaderboardInput>): Promise<z.infer<typeof leaderboardOutput>> {
  assertBaseFilter(actor, input.baseId);
  const ids = visibleBaseIds(actor);
  const scope = ids === null ? sql`true` : ids.length ? sql`h.base_id in (${sql.join(ids)})` : sql`false`;
  const baseFilter = input.baseId !== undefined ? sql`and h.base_id = ${input.baseId}` : sql``;
  const platformFilter = input.platform ? sql`and h.platform = ${input.platform}` : sql``;
  const offset = (input.page - 1) * input.pageSize;
  const result = await sql<{
    rank: number;
    host_id: number;
    host_name: string;
    base_id: number;
    base_name: string;
    streams: number;
    duration_seconds: number;
    gmv_fen: number;
    viewers: number;
    buyers: number;
    active: boolean;
    total: number;
  }>`
    with ranked as (
      select h.host_id, h.base_id, sum(h.streams)::int as streams, sum(h.duration_seconds)::bigint as duration_seconds,
        sum(h.gmv_fen)::bigint as gmv_fen, sum(h.viewers)::bigint as viewers, sum(h.buyers)::bigint as buyers,
        bool_or(h.active_at_month_end) as active,
        row_number() over (order by ${LEADERBOARD_ORDER[input.by]}, h.host_id) as rank,
        count(*) over () as total
      from host_month_stats h
      where h.month = ${`${input.month}-01`}::date and h.streams > 0 and ${scope} ${baseFilter} ${platformFilter}
      group by h.host_id, h.base_id
    )
    select k.*, ho.name as host_name, b.name as base_name
    from ranked k join livestream_hosts ho on ho.id = k.host_id join livestream_bases b on b.id = k.base_id
    order by k.rank
    limit ${input.pageSize} offset ${offset}`.execute(db);
  return {
    total: Number(result.rows[0]?.total ?? 0),
    items: result.rows.map((r) => {
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

export async function hostMonths(db: Db, actor: Actor, hostId: number): Promise<z.infer<typeof hostMonthsOutput>> {
  const found = await db.selectFrom('livestream_hosts').select(['id', 'name', 'base_id']).where('id', '=', hostId).executeTakeFirst();
  const host = rowInActorBases(actor, found, (h) => h.base_id, 'LIVESTREAM_METRICS_HOST_NOT_FOUND');
  const rows = await db
    .selectFrom('host_month_stats')
    .select(['month', 'platform', 'streams', 'duration_seconds', 'gmv_fen', 'viewers', 'buyers', 'active_at_month_end', 'rule_version'])
    .where('host_id', '=', hostId)
    .orderBy('month')
    .orderBy('platform')
    .execute();
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

export async function listRuleVersions(db: Db, today = shanghaiToday()): Promise<RuleView[]> {
  const rows = await db
    .selectFrom('rule_versions as v')
    .leftJoin('users as u', 'u.id', 'v.created_by')
    .select(['v.version', 'v.params', 'v.effective_from', 'v.created_at', 'u.display_name'])
    .where('v.rule_key', '=', ACTIVE_HOST_RULE)
    .orderBy('v.version', 'desc')
    .execute();
  const inForce = await ruleAt(db, activeHostRule, today).catch(() => null);
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
export async function createRuleVersion(
  deps: { db: Db; queue: JobQueue; log: Logger },
  who: AuditWho,
  input: z.output<typeof ruleCreateInput>,
  today = shanghaiToday(),
): Promise<z.infer<typeof ruleCreateOutput>> {
  const { version, withdrawn } = await deps.db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${`rule_versions:${ACTIVE_HOST_RULE}`}))`.execute(trx);
    const room = await makeRoomForRuleVersion(trx, who, {
      key: ACTIVE_HOST_RULE,
      effectiveFrom: input.effectiveFrom,
      today,
      tooEarly: 'LIVESTREAM_RULE_EFFECTIVE_TOO_EARLY',
    });
    const next = room.version;
    const params = activeHostRule.params.parse({ windowDays: input.windowDays, minStreams: input.minStreams, minMinutes: input.minMinutes });
    const row = await trx
      .insertInto('rule_versions')
      .values({ rule_key: ACTIVE_HOST_RULE, version: next, params: JSON.stringify(params), effective_from: input.effectiveFrom, created_by: who.id })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, who, { entity: 'rule_version', entityId: `${ACTIVE_HOST_RULE}:${next}`, action: 'create', after: row });
    return { version: next, withdrawn: room.withdrawn };
  });

  const months: string[] = [];
  for (let m = input.effectiveFrom.slice(0, 7); m <= today.slice(0, 7); ) {
    months.push(m);
    const [y, mo] = m.split('-').map(Number);
    m = mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
  }
  try {
    if (months.length > MAX_MONTH_JOBS) await deps.queue.enqueue('livestream.recompute', {});
    else for (const month of months) await deps.queue.enqueue('livestream.recompute', { month });
  } catch (err) {
    deps.log.error({ err }, 'could not enqueue livestream.recompute after a new rule version; the nightly run will catch up');
  }
  const views = await listRuleVersions(deps.db, today);
  return { rule: views.find((v) => v.version === version)!, recomputeMonths: months, withdrawn };
}
