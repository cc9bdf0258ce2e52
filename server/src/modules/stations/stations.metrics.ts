import { sql } from 'kysely';
import type { Db } from '../../db/create-db';
import { addDays, shanghaiToday } from '../../lib/dates';
import { ruleAt } from '../../rules/rules.service';
import { activityRule, quietRule } from './stations.rules';

/** A day counts as active when any figure in its ledger entry is above zero. */
const ACTIVE_DAY = sql`(le.parcels_in + le.parcels_out + le.purchase_orders + le.sales_orders + le.villagers_served
  + le.purchase_amount_fen + le.sales_amount_fen + le.income_parcel_fen + le.income_commission_fen + le.income_bill_fen + le.income_other_fen) > 0`;

/** How far back monthly headline figures are rewritten on each run. */
const MONTHS_KEPT = 24;

export interface StationMetricsScope {
  /** A town (12 digits), a county (12 digits), or nothing for every station. */
  townCode?: string;
  countyCode?: string;
  /** The day activity is judged on (default: today in Asia/Shanghai). */
  asOf?: string;
}

export interface StationMetricsResult {
  /** Stations, station-months and headline metric rows computed for the scope. */
  stations: number;
  monthRows: number;
  metricRows: number;
  /** Of those, rows that changed and were written (added, updated or removed). */
  written: { months: number; activity: number; metrics: number };
  ruleVersion: number;
}

/** The per-month figures of station_month_stats, in table order. */
const MONTH_FIGURES = [
  'days_with_entry',
  'active_days',
  'parcels_in',
  'parcels_out',
  'purchase_orders',
  'purchase_amount_fen',
  'sales_orders',
  'sales_amount_fen',
  'income_parcel_fen',
  'income_commission_fen',
  'income_bill_fen',
  'income_other_fen',
  'income_total_fen',
  'villagers_served',
  'income_per_open_day_fen',
] as const;
const ACTIVITY_FIGURES = ['as_of', 'last_entry_date', 'last_active_date', 'active_days_30', 'entry_days_window', 'quiet', 'quiet_days', 'rule_version'] as const;

/**
 * `insert … on conflict (key) do update` that rewrites a row only when one of `columns` differs, so
 * a nightly run writes what changed since the last one rather than every row again.
 */
function upsertChanged(table: string, key: string[], columns: readonly string[]) {
  const set = sql.join(columns.map((c) => sql`${sql.ref(c)} = excluded.${sql.ref(c)}`).concat(sql`computed_at = excluded.computed_at`));
  const mine = sql.join(columns.map((c) => sql`${sql.ref(`${table}.${c}`)}`));
  const theirs = sql.join(columns.map((c) => sql`excluded.${sql.ref(c)}`));
  return sql`on conflict (${sql.join(key.map((k) => sql.ref(k)))}) do update set ${set} where (${mine}) is distinct from (${theirs})`;
}

const rowsOf = (result: { numAffectedRows?: bigint }) => Number(result.numAffectedRows ?? 0);

/**
 * The station metrics, for one town, one county or everything, in one transaction (a crash halfway
 * leaves the previous figures; a second run gives the same rows and writes nothing):
 * - station_month_stats: per station and month, days with an entry, active days, the totals, and
 *   income per day with an entry;
 * - station_activity: last entry, last active day, active days in the trailing 30, and whether an
 *   active station is quiet under the quiet rule in force (its version recorded);
 * - metric_values for every town and county around the scope: monthly 上行/下行 amounts, parcels and
 *   income, and this month's active village points, covered villages, coverage and quiet stations.
 * The ledger is read once: one grouped pass per station and month that also carries what activity
 * needs (last days, trailing active days), kept in a temporary table; each snapshot is then brought
 * to it by rewriting only the rows that differ.
 */
export async function computeStationMetrics(db: Db, scope: StationMetricsScope = {}): Promise<StationMetricsResult> {
  const asOf = scope.asOf ?? shanghaiToday();
  const stationPrefix = scope.townCode ? scope.townCode.slice(0, 9) : scope.countyCode ? scope.countyCode.slice(0, 6) : '';
  // Headline figures are rewritten for the whole county around the scope, whose totals depend on every town.
  const countyPrefix = stationPrefix.slice(0, 6);
  const rule = await ruleAt(db, quietRule, asOf);
  const activity = await ruleAt(db, activityRule, asOf);
  const fromMonth = `${addDays(asOf, -31 * MONTHS_KEPT).slice(0, 7)}-01`;
  const period = asOf.slice(0, 7);

  return db.transaction().execute(async (trx) => {
    const inScope = sql`(select id from stations where region_code like ${`${stationPrefix}%`})`;
    // Everything: no filter at all, so the planner scans the ledger once (in parallel where it can).
    const ledgerInScope = stationPrefix ? sql`and le.station_id in ${inScope}` : sql``;

    await sql`
      create temporary table station_months_computed on commit drop as
      select le.station_id, date_trunc('month', le.entry_date)::date as month,
        count(*)::int as days_with_entry,
        count(*) filter (where ${ACTIVE_DAY})::int as active_days,
        sum(le.parcels_in)::int as parcels_in, sum(le.parcels_out)::int as parcels_out,
        sum(le.purchase_orders)::int as purchase_orders, sum(le.purchase_amount_fen)::bigint as purchase_amount_fen,
        sum(le.sales_orders)::int as sales_orders, sum(le.sales_amount_fen)::bigint as sales_amount_fen,
        sum(le.income_parcel_fen)::bigint as income_parcel_fen, sum(le.income_commission_fen)::bigint as income_commission_fen,
        sum(le.income_bill_fen)::bigint as income_bill_fen, sum(le.income_other_fen)::bigint as income_other_fen,
        sum(le.income_parcel_fen + le.income_commission_fen + le.income_bill_fen + le.income_other_fen)::bigint as income_total_fen,
        sum(le.villagers_served)::int as villagers_served,
        max(le.entry_date) as last_entry_date,
        max(le.entry_date) filter (where ${ACTIVE_DAY}) as last_active_date,
        count(*) filter (where ${ACTIVE_DAY} and le.entry_date > ${asOf}::date - 30)::int as active_days_30,
        count(*) filter (where le.entry_date > ${asOf}::date - ${activity.params.windowDays}::int)::int as entry_days_window
      from ledger_entries le
      where le.entry_date <= ${asOf} ${ledgerInScope}
      group by le.station_id, date_trunc('month', le.entry_date)`.execute(trx);

    const gone = await sql`
      delete from station_month_stats m
      where m.station_id in ${inScope}
        and not exists (select 1 from station_months_computed c where c.station_id = m.station_id and c.month = m.month)`.execute(trx);
    const months = await sql`
      insert into station_month_stats (station_id, month, ${sql.join(MONTH_FIGURES.map((c) => sql.ref(c)))}, computed_at)
      select station_id, month, ${sql.join(MONTH_FIGURES.slice(0, -1).map((c) => sql.ref(c)))},
        round(income_total_fen::numeric / days_with_entry), now()
      from station_months_computed
      ${upsertChanged('station_month_stats', ['station_id', 'month'], MONTH_FIGURES)}`.execute(trx);

    const activityRows = await sql`
      insert into station_activity (station_id, ${sql.join(ACTIVITY_FIGURES.map((c) => sql.ref(c)))}, computed_at)
      select s.id, ${asOf}::date, agg.last_entry, agg.last_active, coalesce(agg.active_30, 0), coalesce(agg.entry_window, 0),
        s.status = 'active' and (${asOf}::date - greatest(agg.last_active, s.status_since)) >= ${rule.params.days},
        case when s.status = 'active' then ${asOf}::date - greatest(agg.last_active, s.status_since) end,
        ${rule.version}, now()
      from stations s
      left join (
        select station_id, max(last_entry_date) as last_entry, max(last_active_date) as last_active, sum(active_days_30)::int as active_30,
          sum(entry_days_window)::int as entry_window
        from station_months_computed group by station_id
      ) agg on agg.station_id = s.id
      where s.region_code like ${`${stationPrefix}%`}
      ${upsertChanged('station_activity', ['station_id'], ACTIVITY_FIGURES)}`.execute(trx);

    await sql`
      create temporary table station_metric_values_computed on commit drop as
      with st as (
        select s.id, s.tier, s.status, s.region_code,
          case s.tier when 'village_point' then substr(s.region_code, 1, 9) || '000' when 'town_station' then s.region_code end as town_code,
          substr(s.region_code, 1, 6) || '000000' as county_code
        from stations s where s.region_code like ${`${countyPrefix}%`}
      ),
      monthly as (
        select st.town_code, st.county_code, to_char(m.month, 'YYYY-MM') as period, v.key, v.value
        from station_month_stats m
        join st on st.id = m.station_id
        cross join lateral (values
          ('stations.sales_amount_fen', m.sales_amount_fen),
          ('stations.purchase_amount_fen', m.purchase_amount_fen),
          ('stations.parcels', (m.parcels_in + m.parcels_out)::bigint),
          ('stations.income_fen', m.income_total_fen)
        ) as v(key, value)
        where m.month >= ${fromMonth}
      ),
      villages as (
        select substr(code, 1, 9) || '000' as town_code, substr(code, 1, 6) || '000000' as county_code
        from regions where level = 'village' and village_kind = 'villagers_committee' and code like ${`${countyPrefix}%`}
      ),
      points as (
        select st.town_code, st.county_code, st.region_code, (a.quiet is true) as quiet, st.tier, st.status
        from st left join station_activity a on a.station_id = st.id
      ),
      snapshot as (
        select 'town' as level, town_code as region_code,
          count(*) filter (where tier = 'village_point' and status = 'active') as active_points,
          count(distinct region_code) filter (where tier = 'village_point' and status = 'active') as covered,
          count(*) filter (where quiet) as quiet
        from points where town_code is not null group by town_code
        union all
        select 'county', county_code,
          count(*) filter (where tier = 'village_point' and status = 'active'),
          count(distinct region_code) filter (where tier = 'village_point' and status = 'active'),
          count(*) filter (where quiet)
        from points group by county_code
      ),
      admin_villages as (
        select town_code as region_code, count(*) as n from villages group by town_code
        union all
        select county_code, count(*) from villages group by county_code
      ),
      -- 站点活跃率: of the active town stations and village points, the share that reported (had
      -- entries on ≥ minDays days): in the trailing window for this month, within the month for
      -- earlier ones (an approximation: the month, not a trailing window, of the stations active now).
      active_base as (
        select st.id, st.town_code, st.county_code from st where st.status = 'active' and st.tier <> 'county_center'
      ),
      denominators as (
        select town_code as region_code, count(*) as n from active_base where town_code is not null group by town_code
        union all
        select county_code, count(*) from active_base group by county_code
      ),
      reporting as (
        select ab.town_code, ab.county_code, to_char(m.month, 'YYYY-MM') as period
        from station_month_stats m join active_base ab on ab.id = m.station_id
        where m.month >= ${fromMonth} and to_char(m.month, 'YYYY-MM') < ${period} and m.days_with_entry >= ${activity.params.minDays}
        union all
        select ab.town_code, ab.county_code, ${period}
        from active_base ab join station_activity a on a.station_id = ab.id
        where a.entry_days_window >= ${activity.params.minDays}
      ),
      reporting_counts as (
        select town_code as region_code, period, count(*) as n from reporting where town_code is not null group by town_code, period
        union all
        select county_code, period, count(*) from reporting group by county_code, period
      ),
      activity_periods as (
        select distinct to_char(m.month, 'YYYY-MM') as period
        from station_month_stats m join active_base ab on ab.id = m.station_id
        where m.month >= ${fromMonth} and to_char(m.month, 'YYYY-MM') < ${period}
        union
        select ${period}
      ),
      share_rows as (
        select v.key, d.region_code, p.period, v.value, ${activity.version}::int as rule_version
        from denominators d
        cross join activity_periods p
        left join reporting_counts rc on rc.region_code = d.region_code and rc.period = p.period
        cross join lateral (values
          ('stations.active_share', round(coalesce(rc.n, 0)::numeric / d.n, 4)),
          ('stations.reporting', coalesce(rc.n, 0)::numeric)
        ) as v(key, value)
      ),
      rows as (
        select key, region_code, period, value, rule_version from share_rows
        union all
        select key, town_code as region_code, period, sum(value) as value, 0 as rule_version from monthly where town_code is not null group by key, town_code, period
        union all
        select key, county_code, period, sum(value), 0 from monthly group by key, county_code, period
        union all
        select v.key, s.region_code, ${period}, v.value, v.rule_version
        from snapshot s
        left join admin_villages av on av.region_code = s.region_code
        cross join lateral (values
          ('stations.village_points_active', s.active_points::numeric, 0),
          ('stations.villages_covered', s.covered::numeric, 0),
          ('stations.administrative_villages', coalesce(av.n, 0)::numeric, 0),
          ('stations.coverage', case when coalesce(av.n, 0) > 0 then round(s.covered::numeric / av.n, 4) else 0 end, 0),
          ('stations.quiet', s.quiet::numeric, ${rule.version})
        ) as v(key, value, rule_version)
      )
      select rows.key as metric_key, rows.region_code, rows.period, rows.value, rows.rule_version
      from rows join regions r on r.code = rows.region_code`.execute(trx);

    const staleMetrics = await sql`
      delete from metric_values mv
      where mv.metric_key like 'stations.%' and mv.region_code like ${`${countyPrefix}%`}
        and not exists (
          select 1 from station_metric_values_computed c
          where c.metric_key = mv.metric_key and c.region_code = mv.region_code and c.period = mv.period)`.execute(trx);
    const metrics = await sql`
      insert into metric_values (metric_key, region_code, period, value, rule_version, computed_at)
      select metric_key, region_code, period, value, rule_version, now() from station_metric_values_computed
      ${upsertChanged('metric_values', ['metric_key', 'region_code', 'period'], ['value', 'rule_version'])}`.execute(trx);

    const counted = await sql<{ stations: number; months: number; metrics: number }>`
      select (select count(*)::int from stations where region_code like ${`${stationPrefix}%`}) as stations,
        (select count(*)::int from station_months_computed) as months,
        (select count(*)::int from station_metric_values_computed) as metrics`.execute(trx);
    return {
      stations: counted.rows[0].stations,
      monthRows: counted.rows[0].months,
      metricRows: counted.rows[0].metrics,
      written: { months: rowsOf(gone) + rowsOf(months), activity: rowsOf(activityRows), metrics: rowsOf(staleMetrics) + rowsOf(metrics) },
      ruleVersion: rule.version,
    };
  });
}
