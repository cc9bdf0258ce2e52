import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../db/create-db';
import { shanghaiToday } from '../../lib/dates';
import { ruleAt } from '../../rules/rules.service';
import { regionPrefix } from '../auth/scope';
import { coverageRule } from './courier.rules';

/**
 * The courier snapshots (快递共配), as of a day, for the last MONTHS months:
 * - courier_month_stats: per hub, month and carrier (0: all) — runs, days run, parcels delivered and
 *   collected, km, cost and subsidy, stops planned, missed, timed and on time;
 * - courier_day_stats: per hub, day and carrier — parcels delivered and collected, runs and missed stops;
 * - metric_values by town and county, per month: `courier.coverage` (villages whose village point is on
 *   routes running on ≥ K weekdays between them, on the month's last day — or `asOf` for this month — under the
 *   route versions and the coverage rule then in force, ÷ all administrative villages),
 *   `courier.villages_served`, `courier.villages_reached` (a stop not missed in the month) and
 *   `courier.parcels` (delivered + collected, by the hub's town).
 * Set-based SQL; the province benchmark (bench:courier) runs these very statements.
 */
export const MONTHS = 12;

export interface CourierMetricsScope {
  /** A county or province code: its hubs and villages; none: every one. */
  regionCode?: string;
  asOf?: string;
}

/** The months recomputed: MONTHS up to `asOf`'s, each with the day it is judged on (its last day, or asOf). */
export function monthsJudged(asOf: string): { month: string; day: string }[] {
  const [y, m] = asOf.split('-').map(Number) as [number, number];
  return Array.from({ length: MONTHS }, (_, i) => {
    const index = y * 12 + (m - 1) - (MONTHS - 1 - i);
    const month = `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
    const last = new Date(Date.UTC(Math.floor(index / 12), (index % 12) + 1, 0)).toISOString().slice(0, 10);
    return { month, day: last < asOf ? last : asOf };
  });
}

/** Each judged day with the coverage rule then in force, as a VALUES list (month, day, min days, on-time minutes). */
async function judgedDays(db: Db, asOf: string): Promise<RawBuilder<unknown>> {
  const rows = [];
  for (const { month, day } of monthsJudged(asOf)) {
    const rule = await ruleAt(db, coverageRule, day);
    rows.push(sql`(${`${month}-01`}::date, ${day}::date, ${rule.params.minDaysPerWeek}::int, ${rule.params.onTimeMinutes}::int, ${rule.version}::int)`);
  }
  return sql`(values ${sql.join(rows)}) as jd (month, day, min_days, on_time_minutes, rule_version)`;
}

/** Clears the scope's month stats from `from` on, for monthStatsStatement to write again. */
export function clearMonthStatsStatement(prefix: string, from: string): RawBuilder<unknown> {
  return sql`delete from courier_month_stats where month >= ${from}::date
    and hub_id in (select h.id from courier_hubs h join stations s on s.id = h.station_id where s.region_code like ${prefix})`;
}

/** Clears the scope's day stats from `from` on, for dayStatsStatement to write again. */
export function clearDayStatsStatement(prefix: string, from: string): RawBuilder<unknown> {
  return sql`delete from courier_day_stats where day >= ${from}::date
    and hub_id in (select h.id from courier_hubs h join stations s on s.id = h.station_id where s.region_code like ${prefix})`;
}

/** Parcels a day per hub and carrier (carrier 0: all, with the day's runs and missed stops), for the months judged. */
export function dayStatsStatement(prefix: string, from: string): RawBuilder<unknown> {
  return sql`
    with runs as (
      select r.id, r.run_date, rt.hub_id
      from courier_runs r join courier_routes rt on rt.id = r.route_id
      join courier_hubs h on h.id = rt.hub_id join stations s on s.id = h.station_id
      where r.run_date >= ${from}::date and s.region_code like ${prefix}
    ),
    totals as (
      select runs.hub_id, runs.run_date as day, count(*) as runs,
        sum((select count(*) from courier_run_stops rs where rs.run_id = runs.id and rs.missed)) as missed
      from runs group by 1, 2
    ),
    parcels as (
      select runs.hub_id, runs.run_date as day, coalesce(p.carrier_id, 0) as carrier_id, sum(p.delivered) as delivered, sum(p.collected) as collected
      from runs join courier_run_parcels p on p.run_id = runs.id
      group by grouping sets ((runs.hub_id, runs.run_date, p.carrier_id), (runs.hub_id, runs.run_date))
    )
    insert into courier_day_stats (hub_id, day, carrier_id, runs, delivered, collected, stops_missed)
    select t.hub_id, t.day, coalesce(p.carrier_id, 0),
      case when coalesce(p.carrier_id, 0) = 0 then t.runs else 0 end,
      coalesce(p.delivered, 0), coalesce(p.collected, 0),
      case when coalesce(p.carrier_id, 0) = 0 then t.missed else 0 end
    from totals t left join parcels p on p.hub_id = t.hub_id and p.day = t.day`;
}

/** The month stats of every hub in the scope, for the months judged (after clearMonthStatsStatement). */
export function monthStatsStatement(days: RawBuilder<unknown>, prefix: string, from: string): RawBuilder<unknown> {
  return sql`
    with jd as (select * from ${days}),
    hubs as (
      select h.id from courier_hubs h join stations s on s.id = h.station_id where s.region_code like ${prefix}
    ),
    runs as (
      select r.id, r.route_id, r.route_version, r.run_date, v.hub_id, date_trunc('month', r.run_date)::date as month, r.km, r.cost_fen, r.subsidy_fen
      from courier_runs r join courier_routes v on v.id = r.route_id
      where r.run_date >= ${from}::date and v.hub_id in (select id from hubs)
    ),
    stops as (
      select runs.hub_id, runs.month, count(*) as stops, count(*) filter (where rs.missed) as missed,
        count(*) filter (where not rs.missed and rs.arrived_at is not null and st.planned_at is not null) as timed,
        count(*) filter (where not rs.missed and rs.arrived_at is not null and st.planned_at is not null
          and rs.arrived_at::time <= st.planned_at::time + make_interval(mins => jd.on_time_minutes)) as on_time
      from runs
      join courier_run_stops rs on rs.run_id = runs.id
      join jd on jd.month = runs.month
      left join courier_route_stops st on st.route_id = runs.route_id and st.version = runs.route_version and st.station_id = rs.station_id
      group by runs.hub_id, runs.month
    ),
    reasons as (
      select hub_id, month, jsonb_object_agg(reason, n) as missed_reasons
      from (
        select runs.hub_id, runs.month, rs.missed_reason as reason, count(*) as n
        from runs join courier_run_stops rs on rs.run_id = runs.id
        where rs.missed
        group by runs.hub_id, runs.month, rs.missed_reason
      ) r
      group by hub_id, month
    ),
    parcels as (
      select runs.hub_id, runs.month, coalesce(p.carrier_id, 0) as carrier_id, sum(p.delivered) as delivered, sum(p.collected) as collected
      from runs join courier_run_parcels p on p.run_id = runs.id
      group by grouping sets ((runs.hub_id, runs.month, p.carrier_id), (runs.hub_id, runs.month))
    ),
    totals as (
      select hub_id, month, count(*) as runs, count(distinct run_date) as days, coalesce(sum(km), 0) as km, sum(cost_fen) as cost_fen, sum(subsidy_fen) as subsidy_fen
      from runs group by hub_id, month
    )
    insert into courier_month_stats (hub_id, month, carrier_id, runs, days, delivered, collected, km, cost_fen, subsidy_fen, stops, stops_missed, stops_timed, stops_on_time, missed_reasons)
    select t.hub_id, t.month, coalesce(p.carrier_id, 0),
      case when coalesce(p.carrier_id, 0) = 0 then t.runs else 0 end, case when coalesce(p.carrier_id, 0) = 0 then t.days else 0 end,
      coalesce(p.delivered, 0), coalesce(p.collected, 0),
      case when coalesce(p.carrier_id, 0) = 0 then t.km else 0 end,
      case when coalesce(p.carrier_id, 0) = 0 then t.cost_fen else 0 end, case when coalesce(p.carrier_id, 0) = 0 then t.subsidy_fen else 0 end,
      case when coalesce(p.carrier_id, 0) = 0 then coalesce(s.stops, 0) else 0 end, case when coalesce(p.carrier_id, 0) = 0 then coalesce(s.missed, 0) else 0 end,
      case when coalesce(p.carrier_id, 0) = 0 then coalesce(s.timed, 0) else 0 end, case when coalesce(p.carrier_id, 0) = 0 then coalesce(s.on_time, 0) else 0 end,
      case when coalesce(p.carrier_id, 0) = 0 then coalesce(rn.missed_reasons, '{}') else '{}' end
    from totals t
    left join parcels p on p.hub_id = t.hub_id and p.month = t.month
    left join stops s on s.hub_id = t.hub_id and s.month = t.month
    left join reasons rn on rn.hub_id = t.hub_id and rn.month = t.month`;
}

/**
 * For each judged day (`jd`: month, day) and administrative village of the scope, the distinct
 * weekdays on which the route versions then in force stop at its village point — a route that ended
 * has a version with no days. One reading for the coverage figures and the unserved list.
 */
export function villageWeekdays(jd: RawBuilder<unknown>, prefix: string): RawBuilder<unknown> {
  return sql`(
    select v.month, s.region_code as village, count(distinct d.weekday)::int as weekdays
    from (
      select distinct on (jd.month, rv.route_id) jd.month, rv.route_id, rv.version, rv.days
      from ${jd} join courier_route_versions rv on rv.effective_from <= jd.day
      order by jd.month, rv.route_id, rv.effective_from desc, rv.version desc
    ) v
    join courier_route_stops st on st.route_id = v.route_id and st.version = v.version
    join stations s on s.id = st.station_id and s.tier = 'village_point' and s.region_code like ${prefix}
    join regions vr on vr.code = s.region_code and vr.village_kind = 'villagers_committee'
    cross join lateral unnest(v.days) as d(weekday)
    group by v.month, s.region_code
  )`;
}

/**
 * The headline figures by town and county for the months judged (rows of the scope's towns and
 * counties replaced). A village is served when the routes in force on the judged day stop at its
 * village point on at least K distinct weekdays between them (two routes of three days each can
 * serve it six days a week); only administrative villages (村委会) count, as in the denominator.
 */
export function coverageStatement(days: RawBuilder<unknown>, prefix: string, from: string): RawBuilder<unknown> {
  return sql`
    with jd as (select * from ${days}),
    served as (
      select w.month, w.village from ${villageWeekdays(sql`jd`, prefix)} w join jd on jd.month = w.month where w.weekdays >= jd.min_days
    ),
    villages as (
      select s.id as station_id, s.region_code as village
      from stations s join regions v on v.code = s.region_code and v.village_kind = 'villagers_committee'
      where s.tier = 'village_point' and s.region_code like ${prefix}
    ),
    reached as (
      select distinct date_trunc('month', r.run_date)::date as month, vi.village
      from courier_runs r
      join courier_run_stops rs on rs.run_id = r.id and not rs.missed
      join villages vi on vi.station_id = rs.station_id
      where r.run_date >= ${from}::date
    ),
    parcels as (
      select date_trunc('month', r.run_date)::date as month, s.region_code as hub_region, sum(p.delivered + p.collected) as n
      from courier_runs r
      join courier_routes rt on rt.id = r.route_id
      join courier_hubs h on h.id = rt.hub_id
      join stations s on s.id = h.station_id and s.region_code like ${prefix}
      join courier_run_parcels p on p.run_id = r.id
      where r.run_date >= ${from}::date
      group by 1, 2
    ),
    -- each figure keyed by its town's 9 digits and its county's 6 (a hub at the county centre counts for the county alone)
    by_town as (
      select month, substr(village, 1, 9) as town, count(*) as served, 0::bigint as reached, 0::numeric as parcels from served group by 1, 2
      union all select month, substr(village, 1, 9), 0, count(*), 0 from reached group by 1, 2
      union all select month, substr(hub_region, 1, 9), 0, 0, sum(n) from parcels where hub_region not like '%000000' group by 1, 2
    ),
    keyed as (
      select month, town as key, served, reached, parcels from by_town
      union all select month, substr(town, 1, 6), served, reached, parcels from by_town
      union all select month, substr(hub_region, 1, 6), 0, 0, n from parcels where hub_region like '%000000'
    ),
    totals as (
      select month, key, sum(served) as served, sum(reached) as reached, sum(parcels) as parcels from keyed group by 1, 2
    ),
    places as (
      select rr.region_code as code, rr.administrative_village_count as villages,
        case when rr.level = 'town' then substr(rr.region_code, 1, 9) else substr(rr.region_code, 1, 6) end as key
      from region_rollups rr where rr.region_code like ${prefix} and rr.level in ('town', 'county')
    ),
    figures as (
      select p.code, jd.month, jd.rule_version, p.villages,
        coalesce(t.served, 0) as served, coalesce(t.reached, 0) as reached, coalesce(t.parcels, 0) as parcels
      from places p cross join jd
      left join totals t on t.month = jd.month and t.key = p.key
    ),
    metric_rows as (
      select 'courier.villages_served' as key, code, month, served::numeric as value, rule_version from figures
      union all select 'courier.villages_reached', code, month, reached, rule_version from figures
      union all select 'courier.parcels', code, month, parcels, 0 from figures
      union all select 'courier.coverage', code, month, case when villages > 0 then round(served::numeric / villages, 4) else 0 end, rule_version from figures
    )
    insert into metric_values (metric_key, region_code, period, value, rule_version, computed_at)
    select key, code, to_char(month, 'YYYY-MM'), value, rule_version, now() from metric_rows
    on conflict (metric_key, region_code, period) do update
      set value = excluded.value, rule_version = excluded.rule_version, computed_at = excluded.computed_at
      where metric_values.value is distinct from excluded.value or metric_values.rule_version is distinct from excluded.rule_version`;
}

export async function computeCourierMetrics(db: Db, scope: CourierMetricsScope = {}) {
  const asOf = scope.asOf ?? shanghaiToday();
  const prefix = scope.regionCode ? `${regionPrefix(scope.regionCode)}%` : '%';
  const from = `${monthsJudged(asOf)[0]!.month}-01`;
  const days = await judgedDays(db, asOf);
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext('courier.recompute'))`.execute(trx);
    await clearMonthStatsStatement(prefix, from).execute(trx);
    const stats = await monthStatsStatement(days, prefix, from).execute(trx);
    await clearDayStatsStatement(prefix, from).execute(trx);
    await dayStatsStatement(prefix, from).execute(trx);
    const metrics = await coverageStatement(days, prefix, from).execute(trx);
    return { asOf, monthRows: Number(stats.numAffectedRows ?? 0), metricRows: Number(metrics.numAffectedRows ?? 0) };
  });
}
