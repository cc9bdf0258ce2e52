import { sql } from 'kysely';
import type { Db } from '../../db/create-db';
import { addDays, shanghaiToday } from '../../lib/dates';
import { QUIET_RULE, ruleAt, type QuietRule } from '../rules/rules.service';

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
  stations: number;
  monthRows: number;
  metricRows: number;
  ruleVersion: number;
}

/**
 * The station metrics, for one town, one county or everything, in one transaction that replaces the
 * scope's rows (a second run gives the same rows; a crash halfway leaves the old ones):
 * - station_month_stats: per station and month, days with an entry, active days, the totals, and
 *   income per day with an entry;
 * - station_activity: last entry, last active day, active days in the trailing 30, and whether an
 *   active station is quiet under the quiet rule in force (its version recorded);
 * - metric_values for every town and county around the scope: monthly 上行/下行 amounts, parcels and
 *   income, and this month's active village points, covered villages, coverage and quiet stations.
 */
export async function computeStationMetrics(db: Db, scope: StationMetricsScope = {}): Promise<StationMetricsResult> {
  const asOf = scope.asOf ?? shanghaiToday();
  const stationPrefix = scope.townCode ? scope.townCode.slice(0, 9) : scope.countyCode ? scope.countyCode.slice(0, 6) : '';
  // Headline figures are rewritten for the whole county around the scope, whose totals depend on every town.
  const countyPrefix = stationPrefix.slice(0, 6);
  const rule = await ruleAt<QuietRule>(db, QUIET_RULE, asOf);
  const fromMonth = `${addDays(asOf, -31 * MONTHS_KEPT).slice(0, 7)}-01`;
  const period = asOf.slice(0, 7);

  return db.transaction().execute(async (trx) => {
    const inScope = sql`(select id from stations where region_code like ${`${stationPrefix}%`})`;

    await sql`delete from station_month_stats where station_id in ${inScope}`.execute(trx);
    const months = await sql`
      insert into station_month_stats (station_id, month, days_with_entry, active_days, parcels_in, parcels_out,
        purchase_orders, purchase_amount_fen, sales_orders, sales_amount_fen, income_parcel_fen, income_commission_fen,
        income_bill_fen, income_other_fen, income_total_fen, villagers_served, income_per_open_day_fen, computed_at)
      select le.station_id, date_trunc('month', le.entry_date)::date, count(*), count(*) filter (where ${ACTIVE_DAY}),
        sum(le.parcels_in), sum(le.parcels_out), sum(le.purchase_orders), sum(le.purchase_amount_fen),
        sum(le.sales_orders), sum(le.sales_amount_fen), sum(le.income_parcel_fen), sum(le.income_commission_fen),
        sum(le.income_bill_fen), sum(le.income_other_fen),
        sum(le.income_parcel_fen + le.income_commission_fen + le.income_bill_fen + le.income_other_fen),
        sum(le.villagers_served),
        round(sum(le.income_parcel_fen + le.income_commission_fen + le.income_bill_fen + le.income_other_fen)::numeric / count(*)),
        now()
      from ledger_entries le
      where le.station_id in ${inScope} and le.entry_date <= ${asOf}
      group by le.station_id, date_trunc('month', le.entry_date)`.execute(trx);

    await sql`delete from station_activity where station_id in ${inScope}`.execute(trx);
    const activity = await sql`
      insert into station_activity (station_id, as_of, last_entry_date, last_active_date, active_days_30, quiet, quiet_days, rule_version, computed_at)
      select s.id, ${asOf}::date, agg.last_entry, agg.last_active, coalesce(agg.active_30, 0),
        s.status = 'active' and (${asOf}::date - greatest(agg.last_active, s.status_since)) >= ${rule.params.days},
        case when s.status = 'active' then ${asOf}::date - greatest(agg.last_active, s.status_since) end,
        ${rule.version}, now()
      from stations s
      left join lateral (
        select max(le.entry_date) as last_entry,
               max(le.entry_date) filter (where ${ACTIVE_DAY}) as last_active,
               count(*) filter (where ${ACTIVE_DAY} and le.entry_date > ${asOf}::date - 30) as active_30
        from ledger_entries le
        where le.station_id = s.id and le.entry_date <= ${asOf}
      ) agg on true
      where s.region_code like ${`${stationPrefix}%`}`.execute(trx);

    await sql`delete from metric_values where metric_key like 'stations.%' and region_code like ${`${countyPrefix}%`}`.execute(trx);
    const metrics = await sql`
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
      rows as (
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
      insert into metric_values (metric_key, region_code, period, value, rule_version, computed_at)
      select rows.key, rows.region_code, rows.period, rows.value, rows.rule_version, now()
      from rows join regions r on r.code = rows.region_code`.execute(trx);

    return {
      stations: Number(activity.numAffectedRows ?? 0),
      monthRows: Number(months.numAffectedRows ?? 0),
      metricRows: Number(metrics.numAffectedRows ?? 0),
      ruleVersion: rule.version,
    };
  });
}
