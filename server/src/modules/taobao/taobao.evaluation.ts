import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../db/create-db';
import { shanghaiToday } from '../../lib/dates';
import { ruleAt, type RuleAt } from '../../rules/rules.service';
import { regionPrefix } from '../auth/scope';
import { criteriaRule, FIRST_TAOBAO_YEAR, yearOfPeriod, type Criteria } from './taobao.rules';

/**
 * The evaluation of 淘宝村/淘宝镇 candidates, in SQL over every village and town of the scope at once
 * (the province-scale benchmark runs these very statements, bench:taobao).
 *
 * An AliResearch year Y is the window (Y−1)-07-01 … Y-06-30. A village's figures for Y: the yearly
 * figure where one was entered or imported, else the sum of its months in the window (`derived`);
 * active shops and households the yearly figure, else the latest month's. The judgement is the
 * criteria version in force on Y-06-30 (taobao.rules.ts), and the row records which.
 *
 * The projection reads the monthly trend: a line s(m) = a + b·m fitted to monthly sales over the 12
 * months up to the last month with figures (L). Within the window the sales still to come add up as
 * Σ s(L+j), so the sales gap closes after the smallest k with k·s(L) + b·k(k+1)/2 ≥ gap; the shops
 * gap closes after ⌈gap / slope⌉ months of the active-shop trend. The later of the two is the month
 * it would qualify; past the window's last month (30 June) it does not qualify this year: "not at
 * current growth". Fewer than three months of figures give no trend. A town's projected month is
 * the month its n-th village (n = the villages it needs) qualifies or is projected to.
 */

export interface TaobaoEvaluationScope {
  /** A region code (county, city or province) whose villages and towns are evaluated; none: all. */
  regionCode?: string;
  /** The day that decides which years are open (default: today in Asia/Shanghai). */
  asOf?: string;
}

export interface TaobaoEvaluationResult {
  years: { year: number; ruleVersion: number; villages: number; towns: number; qualifying: { villages: number; towns: number } }[];
  /** Closed years left as they were. */
  closed: number[];
}

/** The AliResearch year whose window holds `day` (July starts the next year's window). */
export function windowYearOf(day: string): number {
  return yearOfPeriod(day.slice(0, 7));
}

/** The window's first and last month ('2024-07', '2025-06' for 2025). */
export function windowMonths(year: number): { from: string; to: string } {
  return { from: `${year - 1}-07`, to: `${year}-06` };
}

/** The LIKE pattern of the codes under `regionCode` (a county 370481000000 → '370481%'), or every code. */
export function codePrefix(regionCode?: string): string {
  return regionCode ? `${regionPrefix(regionCode)}%` : '%';
}

/** The judgement's parameters as SQL values (money in fen). */
function criteriaValues(c: Criteria) {
  return {
    minSalesFen: sql.lit(Math.round(c.villageMinSalesYuan * 100)),
    minShops: sql.lit(c.villageMinShops),
    percent: sql.lit(c.villageMinShopPercent),
    ruralOnly: sql.lit(c.ruralOnly),
    townMinVillages: sql.lit(c.townMinVillages),
    townSalesPath: sql.lit(c.townSalesPath),
    townSalesAboveFen: sql.lit(Math.round(c.townSalesAboveYuan * 100)),
    townShopsAbove: sql.lit(c.townShopsAbove),
    subdistrictsCount: sql.lit(c.subdistrictsCount),
  };
}

/** A 'YYYY-MM' month as a month number (year × 12 + month), to regress on and to add to. */
const monthIndex = (column: RawBuilder<unknown>) => sql`(substr(${column}, 1, 4)::int * 12 + substr(${column}, 6, 2)::int)`;
const monthOfIndex = (index: RawBuilder<unknown>) => sql`(((${index}) - 1) / 12)::text || '-' || lpad((((${index}) - 1) % 12 + 1)::text, 2, '0')`;

/**
 * Months to go, as an int: a projection beyond ten years is as good as never (it is past the window
 * anyway), a negative answer is -1 (never), and a tiny trend under a huge gap cannot overflow the cast.
 */
const monthsCap = (months: RawBuilder<unknown>) => sql`greatest(-1, least(${months}, 120))::int`;

/** Every column an evaluation row has (but computed_at), in the order both statements select them. */
const COLUMNS = [
  'region_code', 'year', 'level', 'town_code', 'rule_version', 'qualifies', 'eligible', 'sales_fen', 'sales_source', 'active_shops', 'households',
  'villages_qualifying', 'sales_gap_fen', 'shops_gap', 'share_gap_points', 'villages_gap', 'path', 'closeness', 'last_month', 'projected_month',
  'projection', 'evidence_shops_opened', 'evidence_live_gmv_fen', 'evidence_station_sales_fen',
] as const;
const COLUMN_LIST = sql.raw(COLUMNS.join(', '));
const CHANGING = COLUMNS.filter((c) => c !== 'region_code' && c !== 'year');
/**
 * A row is rewritten only when its answer changed: a night when nothing moved writes nothing (no
 * dead rows, no index churn), and computed_at says when the answer last changed. Every village and
 * town of the scope gets a row each time (a region evaluated cannot be deleted: the foreign key), so
 * nothing is left over to delete.
 */
const UPSERT = sql.raw(`on conflict (region_code, year) do update set ${CHANGING.map((c) => `${c} = excluded.${c}`).join(', ')}, computed_at = now()
    where (${CHANGING.map((c) => `taobao_evaluations.${c}`).join(', ')}) is distinct from (${CHANGING.map((c) => `excluded.${c}`).join(', ')})`);

/** The statement that writes the villages' evaluation of `year` (after deleting the scope's rows). */
export function villageStatement(year: number, rule: RuleAt<Criteria>, prefix: string): RawBuilder<unknown> {
  const p = criteriaValues(rule.params);
  const { from, to } = windowMonths(year);
  const trendFrom = `${year - 2}-07`;
  const fromDay = `${from}-01`;
  const toDay = `${year}-06-30`;
  return sql`
    with v as (
      select r.code, r.parent_code as town_code,
        case when not ${p.ruralOnly} then true
             when r.urban_rural_class is not null then r.urban_rural_class like '2%'
             else r.village_kind = 'villagers_committee' end as eligible
      from regions r
      where r.level = 'village' and r.code like ${prefix}
    ),
    mm as (
      select f.region_code, f.period, f.sales_fen, f.active_shops, f.households, ${monthIndex(sql`f.period`)} as mi
      from taobao_figures f
      where length(f.period) = 7 and f.period between ${trendFrom} and ${to} and f.region_code like ${prefix}
    ),
    last as (
      select region_code, max(mi) as last_mi from mm where period >= ${from} and (sales_fen is not null or active_shops is not null) group by region_code
    ),
    m as (
      select mm.region_code, l.last_mi,
        sum(mm.sales_fen) filter (where mm.period >= ${from}) as sales,
        regr_slope(mm.sales_fen, mm.mi) filter (where mm.mi > l.last_mi - 12) as sales_slope,
        regr_intercept(mm.sales_fen, mm.mi) filter (where mm.mi > l.last_mi - 12) as sales_intercept,
        regr_slope(mm.active_shops, mm.mi) filter (where mm.mi > l.last_mi - 12) as shops_slope,
        count(mm.sales_fen) filter (where mm.mi > l.last_mi - 12) as trend_months,
        (array_agg(mm.active_shops order by mm.mi desc) filter (where mm.active_shops is not null and mm.period >= ${from}))[1] as shops,
        (array_agg(mm.households order by mm.mi desc) filter (where mm.households is not null))[1] as households
      from mm join last l on l.region_code = mm.region_code
      group by mm.region_code, l.last_mi
    ),
    y as (
      select region_code, sales_fen, active_shops, households, source from taobao_figures where period = ${String(year)} and region_code like ${prefix}
    ),
    fig as (
      select v.code, v.town_code, v.eligible,
        coalesce(y.sales_fen, m.sales) as sales,
        case when y.sales_fen is not null then y.source when m.sales is not null then 'derived' end as sales_source,
        coalesce(y.active_shops, m.shops) as shops,
        coalesce(y.households, m.households) as households,
        m.last_mi, m.sales_slope, m.sales_intercept + m.sales_slope * m.last_mi as sales_level, m.shops_slope, coalesce(m.trend_months, 0) as trend_months
      from v left join m on m.region_code = v.code left join y on y.region_code = v.code
    ),
    j as (
      select fig.*,
        coalesce(fig.sales >= ${p.minSalesFen}, false) as sales_ok,
        coalesce(fig.shops >= ${p.minShops} or fig.shops::numeric * 100 >= fig.households::numeric * ${p.percent}, false) as shops_ok,
        case when fig.households is null then ${p.minShops}
             else least(${p.minShops}, ceil(fig.households::numeric * ${p.percent} / 100)::int) end as shops_needed
      from fig
    ),
    g as (
      select j.*,
        j.eligible and j.sales_ok and j.shops_ok as qualifies,
        greatest(0, ${p.minSalesFen} - coalesce(j.sales, 0)) as sales_gap,
        greatest(0, j.shops_needed - coalesce(j.shops, 0)) as shops_gap,
        case when j.households is null then null else greatest(0, ${p.percent} - coalesce(j.shops, 0)::numeric * 100 / j.households) end as share_gap,
        case when j.sales_ok then 0
             when coalesce(j.sales_slope, 0) = 0 then case when j.sales_level > 0 then ${monthsCap(sql`ceil((${p.minSalesFen} - coalesce(j.sales, 0)) / j.sales_level)`)} end
             when power(j.sales_level + j.sales_slope / 2, 2) + 2 * j.sales_slope * (${p.minSalesFen} - coalesce(j.sales, 0)) >= 0
               and (j.sales_slope > 0 or j.sales_level > 0)
             then ${monthsCap(sql`ceil((-(j.sales_level + j.sales_slope / 2)
                        + sqrt(power(j.sales_level + j.sales_slope / 2, 2) + 2 * j.sales_slope * (${p.minSalesFen} - coalesce(j.sales, 0)))) / j.sales_slope)`)} end as sales_months,
        case when j.shops_ok then 0
             when j.shops_slope > 0 then ${monthsCap(sql`ceil((j.shops_needed - coalesce(j.shops, 0)) / j.shops_slope)`)} end as shops_months
      from j
    ),
    ev as (
      select g.*,
        case when not g.eligible then 'not_eligible'
             when g.qualifies then 'qualifies'
             when g.trend_months < 3 then 'no_trend'
             when g.sales_months is null or g.shops_months is null or g.sales_months < 0
               or g.last_mi + greatest(g.sales_months, g.shops_months) > ${monthIndex(sql.lit(to))} then 'not_at_current_growth'
             else 'month' end as projection
      from g
    ),
    shops_opened as (
      select t.village_code as code, count(*)::int as n
      from training_outcomes o join trainees t on t.id = o.trainee_id
      where o.kind = 'shop_opened' and o.occurred_on between ${fromDay} and ${toDay} and t.village_code like ${prefix}
      group by t.village_code
    ),
    live as (
      select h.village_code as code, sum(s.gmv_fen)::bigint as fen
      from host_month_stats s join livestream_hosts h on h.id = s.host_id
      where s.month between ${fromDay}::date and ${toDay}::date and h.village_code like ${prefix}
      group by h.village_code
    ),
    station as (
      select st.region_code as code, sum(ms.sales_amount_fen)::bigint as fen
      from station_month_stats ms join stations st on st.id = ms.station_id
      where ms.month between ${fromDay}::date and ${toDay}::date and st.tier = 'village_point' and st.region_code like ${prefix}
      group by st.region_code
    )
    insert into taobao_evaluations (${COLUMN_LIST})
    select ev.code, ${year}, 'village', ev.town_code, ${rule.version}, ev.qualifies, ev.eligible, ev.sales, ev.sales_source, ev.shops, ev.households,
      null, ev.sales_gap, ev.shops_gap, round(ev.share_gap, 2), null, null,
      round(((least(1, coalesce(ev.sales, 0)::numeric / ${p.minSalesFen}) + least(1, coalesce(ev.shops, 0)::numeric / greatest(1, ev.shops_needed))) / 2), 4),
      case when ev.last_mi is not null then ${monthOfIndex(sql`ev.last_mi`)} end,
      case when ev.projection = 'month' then ${monthOfIndex(sql`ev.last_mi + greatest(ev.sales_months, ev.shops_months, 1)`)} end,
      ev.projection,
      coalesce(so.n, 0), coalesce(live.fen, 0), coalesce(station.fen, 0)
    from ev
    left join shops_opened so on so.code = ev.code
    left join live on live.code = ev.code
    left join station on station.code = ev.code
    ${UPSERT}`;
}

/** The statement that writes the towns' evaluation of `year`, from their villages' rows just written. */
export function townStatement(year: number, rule: RuleAt<Criteria>, prefix: string): RawBuilder<unknown> {
  const p = criteriaValues(rule.params);
  const { from, to } = windowMonths(year);
  return sql`
    with t as (
      select r.code, r.parent_code,
        r.township_kind in ('town', 'township') or (${p.subdistrictsCount} and r.township_kind = 'subdistrict') as eligible
      from regions r
      where r.level = 'town' and r.code like ${prefix}
    ),
    vq as (
      select e.town_code,
        count(*) filter (where e.qualifies or rec.region_code is not null)::int as villages,
        sum(e.sales_fen) as sales, sum(e.active_shops) as shops, max(e.last_month) as last_month,
        (array_agg(case when e.qualifies or rec.region_code is not null then coalesce(e.last_month, ${to}) else e.projected_month end
           order by case when e.qualifies or rec.region_code is not null then coalesce(e.last_month, ${to}) else e.projected_month end)
           filter (where e.qualifies or rec.region_code is not null or e.projection = 'month'))[${p.townMinVillages}] as nth_month,
        sum(e.evidence_shops_opened)::int as shops_opened, sum(e.evidence_live_gmv_fen)::bigint as live, sum(e.evidence_station_sales_fen)::bigint as station
      from taobao_evaluations e
      left join taobao_recognitions rec on rec.region_code = e.region_code and rec.year = e.year
      where e.year = ${year} and e.level = 'village' and e.region_code like ${prefix}
      group by e.town_code
    ),
    tm as (
      select region_code, sum(sales_fen) as sales,
        (array_agg(active_shops order by period desc) filter (where active_shops is not null))[1] as shops, max(period) as last_month
      from taobao_figures
      where length(period) = 7 and period between ${from} and ${to} and region_code like ${prefix}
      group by region_code
    ),
    ty as (
      select region_code, sales_fen, active_shops, source from taobao_figures where period = ${String(year)} and region_code like ${prefix}
    ),
    fig as (
      select t.code, t.parent_code, t.eligible, coalesce(vq.villages, 0) as villages,
        coalesce(ty.sales_fen, tm.sales, vq.sales) as sales,
        case when ty.sales_fen is not null then ty.source when coalesce(tm.sales, vq.sales) is not null then 'derived' end as sales_source,
        coalesce(ty.active_shops, tm.shops, vq.shops) as shops,
        coalesce(tm.last_month, vq.last_month) as last_month, vq.nth_month,
        coalesce(vq.shops_opened, 0) as shops_opened, coalesce(vq.live, 0) as live, coalesce(vq.station, 0) as station
      from t left join vq on vq.town_code = t.code left join tm on tm.region_code = t.code left join ty on ty.region_code = t.code
    ),
    j as (
      select fig.*,
        fig.villages >= ${p.townMinVillages} as by_villages,
        ${p.townSalesPath} and coalesce(fig.sales > ${p.townSalesAboveFen} and fig.shops > ${p.townShopsAbove}, false) as by_sales
      from fig
    )
    insert into taobao_evaluations (${COLUMN_LIST})
    select j.code, ${year}, 'town', j.code, ${rule.version}, j.eligible and (j.by_villages or j.by_sales), j.eligible, j.sales, j.sales_source, j.shops, null, j.villages,
      case when ${p.townSalesPath} then greatest(0, ${p.townSalesAboveFen} + 1 - coalesce(j.sales, 0)) end,
      case when ${p.townSalesPath} then greatest(0, ${p.townShopsAbove} + 1 - coalesce(j.shops, 0)) end,
      null,
      greatest(0, ${p.townMinVillages} - j.villages),
      case when j.by_villages then 'villages' when j.by_sales then 'sales_shops' end,
      round(greatest(
        least(1, j.villages::numeric / ${p.townMinVillages}),
        case when ${p.townSalesPath} then (least(1, coalesce(j.sales, 0)::numeric / (${p.townSalesAboveFen} + 1)) + least(1, coalesce(j.shops, 0)::numeric / (${p.townShopsAbove} + 1))) / 2 else 0 end
      ), 4),
      j.last_month,
      case when j.eligible and not (j.by_villages or j.by_sales) then j.nth_month end,
      case when not j.eligible then 'not_eligible'
           when j.by_villages or j.by_sales then 'qualifies'
           when j.nth_month is not null then 'month'
           else 'not_at_current_growth' end,
      j.shops_opened, j.live, j.station
    from j
    ${UPSERT}`;
}

/** The headline figures for the cockpit: Taobao villages and towns (qualifying or recognised) by town and county, filed under Y-06. */
function metricsStatement(year: number, prefix: string): RawBuilder<unknown> {
  const period = `${year}-06`;
  return sql`
    with e as (
      select e.region_code, e.level, e.town_code, e.rule_version,
        (e.qualifies or exists (select 1 from taobao_recognitions rec where rec.region_code = e.region_code and rec.year = e.year)) as counts
      from taobao_evaluations e
      where e.year = ${year} and e.region_code like ${prefix}
    ),
    towns as (
      select r.code as town_code, r.parent_code as county_code from regions r where r.level = 'town' and r.code like ${prefix}
    ),
    per_place as (
      select key, code, sum(n)::numeric as value, max(rule_version) as rule_version from (
        select 'taobao.villages' as key, towns.town_code as code, count(*) filter (where e.counts and e.level = 'village') as n, max(e.rule_version) as rule_version
          from towns left join e on e.town_code = towns.town_code group by towns.town_code
        union all
        select 'taobao.villages', towns.county_code, count(*) filter (where e.counts and e.level = 'village'), max(e.rule_version)
          from towns left join e on e.town_code = towns.town_code group by towns.county_code
        union all
        select 'taobao.towns', towns.town_code, count(*) filter (where e.counts and e.level = 'town'), max(e.rule_version)
          from towns left join e on e.region_code = towns.town_code group by towns.town_code
        union all
        select 'taobao.towns', towns.county_code, count(*) filter (where e.counts and e.level = 'town'), max(e.rule_version)
          from towns left join e on e.region_code = towns.town_code group by towns.county_code
      ) x group by key, code
    )
    insert into metric_values (metric_key, region_code, period, value, rule_version, computed_at)
    select key, code, ${period}, value, coalesce(rule_version, 0), now() from per_place
    on conflict (metric_key, region_code, period) do update
      set value = excluded.value, rule_version = excluded.rule_version, computed_at = excluded.computed_at
      where metric_values.value is distinct from excluded.value or metric_values.rule_version is distinct from excluded.rule_version`;
}

/** Years to evaluate: every year with figures, and the one open now; closed years are kept as they are. */
async function yearsToEvaluate(db: Db, prefix: string, asOf: string): Promise<{ open: number[]; closed: number[] }> {
  const { rows } = await sql<{ year: number }>`
    select distinct case when length(period) = 4 then period::int
                         when substr(period, 6, 2)::int >= 7 then substr(period, 1, 4)::int + 1
                         else substr(period, 1, 4)::int end as year
    from taobao_figures where region_code like ${prefix}`.execute(db);
  const closed = new Set((await db.selectFrom('taobao_years').select('year').execute()).map((r) => r.year));
  const current = windowYearOf(asOf);
  const all = [...new Set([...rows.map((r) => Number(r.year)), current])].filter((y) => y >= FIRST_TAOBAO_YEAR && y <= current).sort((a, b) => a - b);
  return { open: all.filter((y) => !closed.has(y)), closed: all.filter((y) => closed.has(y)) };
}

/**
 * Every statement here reads the whole scope, so hash joins are always the right plan; a planner
 * without fresh statistics (figures just imported, a fresh database) takes the aggregated CTEs for
 * one row and nests loops over them, re-sorting thousands of rows per village. Scoped to the
 * evaluation's transaction.
 */
async function setWholeScopePlans(trx: Db): Promise<void> {
  await sql`set local enable_nestloop = off`.execute(trx);
}

/** One year's villages, towns and headline figures, in one transaction (a closed year is left as it is). */
export async function evaluateYear(db: Db, year: number, scope: { prefix: string; rule?: RuleAt<Criteria> }) {
  const rule = scope.rule ?? (await ruleAt(db, criteriaRule, `${year}-06-30`));
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${`taobao.evaluate:${year}`}))`.execute(trx);
    await setWholeScopePlans(trx);
    if (await trx.selectFrom('taobao_years').select('year').where('year', '=', year).executeTakeFirst()) return null;
    await villageStatement(year, rule, scope.prefix).execute(trx);
    await townStatement(year, rule, scope.prefix).execute(trx);
    await metricsStatement(year, scope.prefix).execute(trx);
    const { rows } = await sql<{ level: string; n: number; q: number }>`
      select level, count(*)::int as n, (count(*) filter (where qualifies))::int as q
      from taobao_evaluations where year = ${year} and region_code like ${scope.prefix} group by level`.execute(trx);
    const of = (level: string) => rows.find((r) => r.level === level) ?? { n: 0, q: 0 };
    return { year, ruleVersion: rule.version, villages: of('village').n, towns: of('town').n, qualifying: { villages: of('village').q, towns: of('town').q } };
  });
}

/** Every open year of the scope: the nightly job, the recompute after figures change, the demo's snapshots. */
export async function evaluateTaobao(db: Db, scope: TaobaoEvaluationScope = {}): Promise<TaobaoEvaluationResult> {
  const prefix = codePrefix(scope.regionCode);
  const asOf = scope.asOf ?? shanghaiToday();
  const { open, closed } = await yearsToEvaluate(db, prefix, asOf);
  const years: TaobaoEvaluationResult['years'] = [];
  for (const year of open) {
    const result = await evaluateYear(db, year, { prefix });
    if (result) years.push(result);
  }
  return { years, closed };
}
