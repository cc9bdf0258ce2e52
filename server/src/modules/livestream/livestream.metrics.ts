import { sql, type Kysely } from 'kysely';
import type { Db } from '../../db/create-db';
import type { Database } from '../../db/types';
import { addDays, shanghaiToday } from '../../lib/dates';
import { ruleAt, type RuleAt } from '../../rules/rules.service';
import { activeHostRule } from './livestream.rules';

/**
 * 活跃主播, a versioned rule (rule_versions 'livestream.active_host'): a host is active on platform P
 * on day D when at least `minStreams` of their streams on P, each lasting at least `minMinutes`
 * minutes, started in the `windowDays` days ending with D. Days are Asia/Shanghai days: the window
 * is started_at ≥ (D − (windowDays − 1)) 00:00 +08:00 and started_at < (D + 1) 00:00 +08:00 — with
 * the default 30 days and D = 2026-11-30, streams started from 2026-11-01 00:00 to 2026-11-30
 * 23:59:59.999 Shanghai time count; one started on 2026-10-31 does not.
 */
export const ACTIVE_HOST_RULE = activeHostRule.key;
export interface ActiveHostRule {
  windowDays: number;
  minStreams: number;
  minMinutes: number;
}

/** The platforms' names in outcome evidence (the trainee's record is read in Chinese). */
const PLATFORM_NAMES: Record<string, string> = {
  taobao: '淘宝直播',
  douyin: '抖音',
  kuaishou: '快手',
  wechat_channels: '视频号',
  pinduoduo: '拼多多',
  other: '其他平台',
};

export interface LivestreamMetricsResult {
  /** The months recomputed ('YYYY-MM'), each as of its last day or the run's day. */
  months: string[];
  /** host_month_stats rows for those months, and of them the rows written (added, changed, removed). */
  hostMonths: number;
  written: number;
  activeRows: number;
  metricRows: number;
  /** The rule version of each month, in month order. */
  ruleVersions: number[];
  /** "Started livestreaming" outcomes added to trainees in this run. */
  outcomesAdded: number;
}

/** What a run recomputes: see the 'livestream.recompute' job contract. */
export interface RecomputeScope {
  asOf?: string;
  month?: string;
  since?: string;
}

interface MonthPlan {
  month: string; // 'YYYY-MM-01'
  asOf: string;
  rule: RuleAt<ActiveHostRule>;
}

const monthEnd = (month: string) => addDays(`${addMonths(month, 1).slice(0, 7)}-01`, -1);

function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 + n, 1));
  return d.toISOString().slice(0, 10);
}

/** The months a run covers: one month, every month from `since`, or every month from the first stream (or snapshot), to asOf's. */
async function planMonths(db: Db, payload: RecomputeScope): Promise<MonthPlan[]> {
  const asOf = payload.asOf ?? shanghaiToday();
  const lastMonth = `${asOf.slice(0, 7)}-01`;
  let months: string[];
  if (payload.month) {
    const month = `${payload.month}-01`;
    months = month <= lastMonth ? [month] : [];
  } else if (payload.since) {
    months = [];
    for (let m = `${payload.since}-01`; m <= lastMonth; m = addMonths(m, 1)) months.push(m);
  } else {
    const first = await sql<{ first: string | null }>`
      select least(
        (select to_char(min(started_at) at time zone 'Asia/Shanghai', 'YYYY-MM-01') from livestream_streams),
        (select to_char(min(month), 'YYYY-MM-DD') from host_month_stats)) as first`.execute(db);
    const from = first.rows[0]?.first ?? lastMonth;
    months = [];
    for (let m = from < lastMonth ? from : lastMonth; m <= lastMonth; m = addMonths(m, 1)) months.push(m);
  }
  const plans: MonthPlan[] = [];
  for (const month of months) {
    const end = monthEnd(month);
    const day = end < asOf ? end : asOf;
    plans.push({ month, asOf: day, rule: await ruleAt(db, activeHostRule, day) });
  }
  return plans;
}

const rowsOf = (result: { numAffectedRows?: bigint }) => Number(result.numAffectedRows ?? 0);

const HOST_MONTH_FIGURES = [
  'base_id',
  'as_of',
  'streams',
  'qualifying_streams',
  'duration_seconds',
  'gmv_fen',
  'viewers',
  'buyers',
  'orders',
  'new_followers',
  'window_streams',
  'active_at_month_end',
  'rule_version',
] as const;

/**
 * The livestream snapshots, in one transaction (a second run gives the same rows and rewrites none;
 * a crash halfway leaves the previous figures; two runs at once wait for each other):
 * - host_month_stats: per host, platform and month, the month's streams and totals, and whether the
 *   host was active at the month's end (as of `asOf` for asOf's month) under the rule version in
 *   force on that day — a past month recomputed after a new version keeps its own version;
 * - livestream_active_stats: per month, base and platform (and 'all'), active and streaming hosts;
 * - metric_values for each base's town and county: 'livestream.active_hosts' (Taobao Live, the
 *   target's figure), 'livestream.active_hosts.all' (any platform), 'livestream.streams',
 *   'livestream.gmv_fen', by month ('YYYY-MM') and year ('YYYY': active at the year's last computed
 *   month, streams and GMV summed);
 * - 开始直播 outcomes for trainees linked to hosts (see addStartedLivestreamingOutcomes).
 * `{}` recomputes every month from the first stream to today; `{ month }` that month alone, as of
 * its last day (today for the current month); `{ since }` every month from that one to today (after
 * a write: a stream counts in its month and in the trailing windows after it); `{ asOf }` judges
 * asOf's month as of that day.
 * Set-based throughout (no per-host work): the streams are read by two grouped passes (the months'
 * totals, the windows' qualifying streams), then a few INSERT … SELECT statements write the snapshots.
 */
export async function computeLivestreamMetrics(
  db: Db,
  payload: RecomputeScope = {},
  progress?: (percent: number) => Promise<void>,
): Promise<LivestreamMetricsResult> {
  const report = async (percent: number) => {
    if (progress) await progress(percent);
  };
  const plans = await planMonths(db, payload);
  const asOf = payload.asOf ?? shanghaiToday();
  await report(5);

  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext('livestream.recompute'))`.execute(trx);
    let hostMonths = 0;
    let written = 0;
    let activeRows = 0;
    let metricRows = 0;
    if (plans.length) {
      // The months as literal rows: the big aggregate below reads no temporary table, so PostgreSQL
      // may run it in parallel; the small statements after it use ls_months.
      const monthRows = sql.join(
        plans.map(
          (p) =>
            sql`(${p.month}::date, ${p.asOf}::date, ${p.rule.params.windowDays}::int, ${Math.round(p.rule.params.minMinutes * 60)}::int, ${p.rule.params.minStreams}::int, ${p.rule.version}::int)`,
        ),
      );
      // Shanghai midnights as instants: the month's first day, the window's first day, the day after as_of.
      const monthsSql = sql`(
        select month, as_of, min_seconds, min_streams, rule_version,
          month::timestamp at time zone 'Asia/Shanghai' as month_from,
          (as_of - (window_days - 1))::timestamp at time zone 'Asia/Shanghai' as window_from,
          (as_of + 1)::timestamp at time zone 'Asia/Shanghai' as window_to
        from (values ${monthRows}) as v(month, as_of, window_days, min_seconds, min_streams, rule_version))`;
      await sql`create temporary table ls_months on commit drop as select * from ${monthsSql} as m`.execute(trx);
      const bounds = await sql<{ lo: Date; hi: Date; month_from: Date }>`
        select min(window_from) as lo, max(window_to) as hi, min(month_from) as month_from from ls_months`.execute(trx);
      const { lo, hi, month_from: monthFrom } = bounds.rows[0];
      // a province's year of streams groups into ~10⁶ host-months: keep the hash aggregate in memory
      await sql`set local work_mem = '256MB'`.execute(trx);

      // Two grouped passes over the streams, as lean as the bare aggregates: the month's totals (one
      // sequential scan, hash-joined to its month for the rule and the as-of cut-off), and the
      // qualifying streams in each month's window (an index range per month). base_id is a grouping
      // key, so a host who moved mid-month has a row per base, collapsed below onto the latest one.
      const monthOf = sql`(date_trunc('month', s.started_at at time zone 'Asia/Shanghai'))::date`;
      await sql`
        create temporary table ls_month_agg on commit drop as
        select s.host_id, s.platform, m.month, s.base_id,
          count(*) as streams, count(*) filter (where s.duration_seconds >= m.min_seconds) as qualifying_streams,
          sum(s.duration_seconds) as duration_seconds, sum(s.gmv_fen) as gmv_fen, sum(s.viewers) as viewers, sum(s.buyers) as buyers,
          sum(s.orders) as orders, sum(s.new_followers) as new_followers
        from livestream_streams s
        join ${monthsSql} as m on m.month = ${monthOf} and s.started_at < m.window_to
        where s.started_at >= ${monthFrom} and s.started_at < ${hi}
        group by s.host_id, s.platform, m.month, s.base_id`.execute(trx);
      await report(40);
      await sql`
        create temporary table ls_window_agg on commit drop as
        select s.host_id, s.platform, m.month, count(*) as window_streams
        from ${monthsSql} as m
        join livestream_streams s on s.started_at >= m.window_from and s.started_at < m.window_to and s.duration_seconds >= m.min_seconds
        where s.started_at >= ${lo} and s.started_at < ${hi}
        group by s.host_id, s.platform, m.month`.execute(trx);
      // temporary tables get no autovacuum: give the planner their sizes for the joins below
      await sql`analyze ls_month_agg, ls_window_agg`.execute(trx);
      await report(55);
      // Rows of the recomputed months that no longer have streams nor activity go; then one row per
      // host, platform and month is written where it changed: the month's totals on the base of its
      // latest stream (a host who moved mid-month has several base rows above), and the activity at
      // the month's end (a host active with no stream in the month keeps their current base).
      const gone = await sql`
        delete from host_month_stats h
        where h.month in (select month from ls_months)
          and not exists (select 1 from ls_month_agg c where c.host_id = h.host_id and c.platform = h.platform and c.month = h.month)
          and not exists (
            select 1 from ls_window_agg w join ls_months m on m.month = w.month
            where w.host_id = h.host_id and w.platform = h.platform and w.month = h.month and w.window_streams >= m.min_streams)`.execute(trx);
      await report(60);
      const figures = (alias: string) => sql.join(HOST_MONTH_FIGURES.map((col) => sql.ref(`${alias}.${col}`)));
      const upserted = await sql`
        with months_ as (
          select host_id, platform, month, min(base_id) as base_id, count(*) as bases,
            sum(streams)::int as streams, sum(qualifying_streams)::int as qualifying_streams,
            sum(duration_seconds)::bigint as duration_seconds, coalesce(sum(gmv_fen), 0)::bigint as gmv_fen,
            coalesce(sum(viewers), 0)::bigint as viewers, coalesce(sum(buyers), 0)::bigint as buyers,
            coalesce(sum(orders), 0)::bigint as orders, coalesce(sum(new_followers), 0)::bigint as new_followers
          from ls_month_agg group by host_id, platform, month
        ),
        -- the rare host-months on two bases: the base of the month's latest stream, read by the (host, platform, started_at) key
        movers as (
          select distinct on (s.host_id, s.platform, g.month) s.host_id, s.platform, g.month, s.base_id
          from (select host_id, platform, month from ls_month_agg group by host_id, platform, month having count(*) > 1) g
          join ls_months m on m.month = g.month
          join livestream_streams s on s.host_id = g.host_id and s.platform = g.platform and s.started_at >= m.month_from and s.started_at < m.window_to
          order by s.host_id, s.platform, g.month, s.started_at desc
        ),
        computed as (
          select coalesce(a.host_id, w.host_id) as host_id, coalesce(a.platform, w.platform) as platform, coalesce(a.month, w.month) as month,
            coalesce(mv.base_id, a.base_id, h.base_id) as base_id, m.as_of,
            coalesce(a.streams, 0) as streams, coalesce(a.qualifying_streams, 0) as qualifying_streams,
            coalesce(a.duration_seconds, 0) as duration_seconds, coalesce(a.gmv_fen, 0) as gmv_fen,
            coalesce(a.viewers, 0) as viewers, coalesce(a.buyers, 0) as buyers, coalesce(a.orders, 0) as orders,
            coalesce(a.new_followers, 0) as new_followers, coalesce(w.window_streams, 0)::int as window_streams,
            coalesce(w.window_streams >= m.min_streams, false) as active_at_month_end, m.rule_version
          from months_ a
          full join ls_window_agg w on w.host_id = a.host_id and w.platform = a.platform and w.month = a.month
          join ls_months m on m.month = coalesce(a.month, w.month)
          join livestream_hosts h on h.id = coalesce(a.host_id, w.host_id)
          left join movers mv on a.bases > 1 and mv.host_id = a.host_id and mv.platform = a.platform and mv.month = a.month
          where a.host_id is not null or w.window_streams >= m.min_streams
        ),
        -- only rows that differ are written (an unchanged row is neither written nor locked); new rows
        -- are plain inserts: runs hold the advisory lock, so no other writer races for the keys
        changed as (
          update host_month_stats h set (${sql.join(HOST_MONTH_FIGURES.map((c) => sql.ref(c)))}, computed_at) = (${figures('c')}, now())
          from computed c
          where h.host_id = c.host_id and h.platform = c.platform and h.month = c.month and (${figures('h')}) is distinct from (${figures('c')})
          returning 1
        ),
        added as (
          insert into host_month_stats (host_id, platform, month, ${sql.join(HOST_MONTH_FIGURES.map((c) => sql.ref(c)))}, computed_at)
          select c.host_id, c.platform, c.month, ${figures('c')}, now()
          from computed c
          where not exists (select 1 from host_month_stats h where h.host_id = c.host_id and h.platform = c.platform and h.month = c.month)
          returning 1
        )
        select (select count(*) from changed) + (select count(*) from added) as n`.execute(trx);
      written = rowsOf(gone) + Number((upserted.rows[0] as { n: number }).n);
      const counted = await sql<{ n: number }>`select count(*)::int as n from host_month_stats where month in (select month from ls_months)`.execute(trx);
      hostMonths = counted.rows[0].n;
      await report(80);

      activeRows = await writeActiveStats(trx);
      metricRows = await writeMetricValues(trx);
      await report(90);
    }
    const outcomesAdded = await addStartedLivestreamingOutcomes(trx, asOf);
    await report(100);
    return {
      months: plans.map((p) => p.month.slice(0, 7)),
      hostMonths,
      written,
      activeRows,
      metricRows,
      ruleVersions: plans.map((p) => p.rule.version),
      outcomesAdded,
    };
  });
}

/**
 * livestream_active_stats for the months of ls_months, from host_month_stats: per base and platform,
 * and per base over every platform ('all', each host once).
 */
async function writeActiveStats(trx: Kysely<Database>): Promise<number> {
  await sql`delete from livestream_active_stats where month in (select month from ls_months)`.execute(trx);
  const result = await sql`
    insert into livestream_active_stats (month, base_id, platform, as_of, active_hosts, streaming_hosts, streams, duration_seconds, gmv_fen, rule_version, computed_at)
    select h.month, h.base_id, h.platform, m.as_of,
      count(*) filter (where h.active_at_month_end)::int, count(*) filter (where h.streams > 0)::int,
      sum(h.streams)::int, sum(h.duration_seconds)::bigint, sum(h.gmv_fen)::bigint, m.rule_version, now()
    from host_month_stats h join ls_months m on m.month = h.month
    group by h.month, m.as_of, m.rule_version, h.base_id, h.platform
    union all
    select h.month, h.base_id, 'all', m.as_of,
      count(distinct h.host_id) filter (where h.active_at_month_end)::int, count(distinct h.host_id) filter (where h.streams > 0)::int,
      sum(h.streams)::int, sum(h.duration_seconds)::bigint, sum(h.gmv_fen)::bigint, m.rule_version, now()
    from host_month_stats h join ls_months m on m.month = h.month
    group by h.month, m.as_of, m.rule_version, h.base_id`.execute(trx);
  return rowsOf(result);
}

/**
 * Headline figures by the bases' towns and counties, summed from livestream_active_stats (a host
 * active at two bases in one month — one who moved — counts at each). Monthly rows of the
 * recomputed months are rewritten; each touched year's row is then derived from its monthly rows.
 */
async function writeMetricValues(trx: Kysely<Database>): Promise<number> {
  await sql`
    delete from metric_values
    where metric_key like 'livestream.%' and period in (select to_char(month, 'YYYY-MM') from ls_months)`.execute(trx);
  const monthly = await sql`
    with stats as (
      select a.*, case when r.level in ('town', 'village') then substr(r.code, 1, 9) || '000' end as town_code,
        substr(r.code, 1, 6) || '000000' as county_code
      from livestream_active_stats a
      join ls_months m on m.month = a.month
      join livestream_bases b on b.id = a.base_id
      join regions r on r.code = b.region_code
    ),
    scoped as (
      select town_code as region_code, stats.* from stats where town_code is not null
      union all
      select county_code, stats.* from stats
    ),
    figures as (
      select region_code, to_char(month, 'YYYY-MM') as period, max(rule_version) as rule_version,
        coalesce(sum(active_hosts) filter (where platform = 'taobao'), 0) as taobao,
        coalesce(sum(active_hosts) filter (where platform = 'all'), 0) as all_platforms,
        coalesce(sum(streams) filter (where platform = 'all'), 0) as streams,
        coalesce(sum(gmv_fen) filter (where platform = 'all'), 0) as gmv_fen
      from scoped group by region_code, month
    )
    insert into metric_values (metric_key, region_code, period, value, rule_version, computed_at)
    select v.key, f.region_code, f.period, v.value, v.rule_version, now()
    from figures f
    join regions r on r.code = f.region_code
    cross join lateral (values
      ('livestream.active_hosts', f.taobao::numeric, f.rule_version),
      ('livestream.active_hosts.all', f.all_platforms::numeric, f.rule_version),
      ('livestream.streams', f.streams::numeric, 0),
      ('livestream.gmv_fen', f.gmv_fen::numeric, 0)
    ) as v(key, value, rule_version)`.execute(trx);

  const years = sql`(select distinct to_char(month, 'YYYY') from ls_months)`;
  await sql`delete from metric_values where metric_key like 'livestream.%' and period in ${years}`.execute(trx);
  const yearly = await sql`
    with monthly as (
      select metric_key, region_code, substr(period, 1, 4) as year, period, value, rule_version
      from metric_values
      where metric_key like 'livestream.%' and length(period) = 7 and substr(period, 1, 4) in ${years}
    ),
    latest as (
      select distinct on (metric_key, region_code, year) metric_key, region_code, year, value, rule_version
      from monthly where metric_key like 'livestream.active_hosts%'
      order by metric_key, region_code, year, period desc
    )
    insert into metric_values (metric_key, region_code, period, value, rule_version, computed_at)
    select metric_key, region_code, year, value, rule_version, now() from latest
    union all
    select metric_key, region_code, year, sum(value), 0, now() from monthly
    where metric_key not like 'livestream.active_hosts%'
    group by metric_key, region_code, year`.execute(trx);
  return rowsOf(monthly) + rowsOf(yearly);
}

/**
 * 开始直播: a trainee linked to a host (livestream_hosts.trainee_id) whose first stream — over all
 * their hosts and platforms, started by the end of `asOf` — began on a Shanghai day after the last
 * day of a course they completed (course_completions) gains one training_outcomes row of kind
 * 'livestream_started', dated that day, evidence "首场直播 <platform> <date>". A trainee who was
 * already streaming before any completed course gains nothing (training did not start it); one who
 * already has a livestream_started outcome (recorded by hand or by an earlier run) gains nothing
 * more, so a re-run never adds a second row. Audited as the system. Runs under the recompute's
 * advisory lock, so two runs cannot both add the row.
 */
async function addStartedLivestreamingOutcomes(trx: Kysely<Database>, asOf: string): Promise<number> {
  const platformName = sql.raw(
    `case f.platform ${Object.entries(PLATFORM_NAMES)
      .map(([k, v]) => `when '${k}' then '${v}'`)
      .join(' ')} else f.platform end`,
  );
  const result = await sql<{ id: number }>`
    with first_streams as (
      select distinct on (h.trainee_id) h.trainee_id, s.platform, (s.started_at at time zone 'Asia/Shanghai')::date as day
      from livestream_hosts h
      join livestream_streams s on s.host_id = h.id
      where h.trainee_id is not null and s.started_at < (${asOf}::date + 1)::timestamp at time zone 'Asia/Shanghai'
      order by h.trainee_id, s.started_at, s.id
    ),
    added as (
      insert into training_outcomes (trainee_id, kind, occurred_on, platform, evidence, recorded_by)
      select f.trainee_id, 'livestream_started', f.day, ${platformName}, '首场直播 ' || ${platformName} || ' ' || to_char(f.day, 'YYYY-MM-DD'), null
      from first_streams f
      where exists (select 1 from course_completions cc where cc.trainee_id = f.trainee_id and cc.completed_on < f.day)
        and not exists (select 1 from training_outcomes o where o.trainee_id = f.trainee_id and o.kind = 'livestream_started')
      returning *
    ),
    audited as (
      insert into audit_log (actor_user_id, actor_login, entity, entity_id, action, after)
      select null, 'system', 'training_outcome', a.id::text, 'create', to_jsonb(a) from added a
    )
    select id from added`.execute(trx);
  return result.rows.length;
}
