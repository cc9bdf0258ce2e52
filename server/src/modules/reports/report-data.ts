import type { Db } from '../../db/create-db';
import { addDays, shanghaiToday } from '../../lib/dates';
import { regionPrefix } from '../auth/scope';
import { windowYearOf } from '../taobao/taobao.evaluation';
import type { IndicatorKey } from '../targets/indicators';
import { regionProgress, type IndicatorProgress } from '../targets/progress';

/** A month's report as built from the snapshots: what the workbook and the printable page show. */
export interface ReportData {
  period: string;
  /** The region reported on (the county; or a province, at province scale) and its name. */
  region: { code: string; name: string };
  /** The day the figures are judged on: the month's last day, or today for the month under way. */
  asOf: string;
  builtAt: string;
  /** Against the year's targets, as of asOf. */
  summary: IndicatorProgress[];
  /** Every town on every indicator (no months), in code order. */
  towns: { regionCode: string; regionName: string; cells: Partial<Record<IndicatorKey, Omit<IndicatorProgress, 'months' | 'regionCode' | 'year' | 'asOf' | 'indicator'>>> }[];
  training: { monthPersonTimes: number; yearPersonTimes: number; completedTrainees: number; convertedTrainees: number; conversion: number | null };
  livestream: { activeHosts: number; activeHostsAllPlatforms: number; streams: number; gmvFen: number; yearStreams: number; yearGmvFen: number };
  stations: {
    salesFen: number;
    purchaseFen: number;
    parcels: number;
    incomeFen: number;
    yearSalesFen: number;
    activeShare: number | null;
    reporting: number;
    villagesCovered: number;
    coverage: number | null;
    quiet: { code: string; name: string; townName: string; quietDays: number | null; lastActiveDate: string | null }[];
  };
  /**
   * 淘宝村培育: the AliResearch year whose window holds asOf, its villages and towns qualifying or
   * recognised (the cockpit's figures), and the ten villages nearest the line. Absent from reports built before it existed.
   */
  taobao?: { year: number; villages: number | null; towns: number | null; nearest: { code: string; name: string; townName: string; closeness: number; salesGapFen: number; shopsGap: number }[] };
  /** 快递进村: coverage on the month's judged day, villages served and reached, parcels. Absent from reports built before it existed. */
  courier?: { coverage: number | null; served: number; reached: number; parcels: number; villages: number };
}

/** The month's last day ('2026-02' → '2026-02-28'). */
export function monthEnd(period: string): string {
  const [y, m] = period.split('-').map(Number);
  return addDays(m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`, -1);
}

/** The towns under a region (a county's, or every town of a province), in code order. */
export function townsUnder(db: Db, code: string) {
  return db
    .selectFrom('regions')
    .select(['code', 'name'])
    .where('level', '=', 'town')
    .where('code', 'like', `${regionPrefix(code)}%`)
    .orderBy('code')
    .execute();
}

/**
 * Build a month's report from the snapshots (metric_values through the one progress computation,
 * station_activity for the quiet list). Reads only: the caller stores it as a version.
 */
export async function buildReportData(db: Db, input: { period: string; regionCode: string }): Promise<ReportData> {
  const today = shanghaiToday();
  const year = Number(input.period.slice(0, 4));
  const asOf = input.period === today.slice(0, 7) ? today : monthEnd(input.period);
  const region = await db.selectFrom('regions').select(['code', 'name']).where('code', '=', input.regionCode).executeTakeFirstOrThrow();
  const towns = await townsUnder(db, input.regionCode);
  const progress = await regionProgress(db, { year, regionCodes: [region.code, ...towns.map((t) => t.code)], asOf });
  const summary = progress.filter((p) => p.regionCode === region.code);
  const cells = new Map<string, ReportData['towns'][number]['cells']>();
  for (const { months: _m, regionCode, year: _y, asOf: _a, indicator, ...rest } of progress) {
    if (regionCode === region.code) continue;
    const row = cells.get(regionCode) ?? {};
    row[indicator] = rest;
    cells.set(regionCode, row);
  }

  const figures = await db
    .selectFrom('metric_values')
    .select(['metric_key', 'period', 'value'])
    .where('region_code', '=', region.code)
    .where((eb) => eb.or([eb('period', '=', String(year)), eb.and([eb('period', '>=', `${year}-01`), eb('period', '<=', input.period)])]))
    .execute();
  const month = (key: string) => Number(figures.find((f) => f.metric_key === key && f.period === input.period)?.value ?? 0);
  const yearToDate = (key: string) => figures.filter((f) => f.metric_key === key && f.period.length === 7).reduce((s, f) => s + Number(f.value), 0);
  const ofYear = (key: string) => {
    const f = figures.find((x) => x.metric_key === key && x.period === String(year));
    return f ? Number(f.value) : null;
  };
  const share = (key: string) => {
    const f = figures.find((x) => x.metric_key === key && x.period === input.period);
    return f ? Number(f.value) : null;
  };

  const townName = new Map(towns.map((t) => [t.code, t.name]));
  const quiet = await db
    .selectFrom('station_activity as a')
    .innerJoin('stations as s', 's.id', 'a.station_id')
    .select(['s.code', 's.name', 's.region_code', 'a.quiet_days', 'a.last_active_date'])
    .where('a.quiet', '=', true)
    .where('s.region_code', 'like', `${regionPrefix(region.code)}%`)
    .orderBy('a.quiet_days', 'desc')
    .orderBy('s.code')
    .limit(500)
    .execute();

  return {
    period: input.period,
    region,
    asOf,
    builtAt: new Date().toISOString(),
    summary,
    towns: towns.map((t) => ({ regionCode: t.code, regionName: t.name, cells: cells.get(t.code) ?? {} })),
    training: {
      monthPersonTimes: month('training.person_times'),
      yearPersonTimes: yearToDate('training.person_times'),
      completedTrainees: ofYear('training.completed_trainees') ?? 0,
      convertedTrainees: ofYear('training.converted_trainees') ?? 0,
      conversion: ofYear('training.conversion'),
    },
    livestream: {
      activeHosts: month('livestream.active_hosts'),
      activeHostsAllPlatforms: month('livestream.active_hosts.all'),
      streams: month('livestream.streams'),
      gmvFen: month('livestream.gmv_fen'),
      yearStreams: yearToDate('livestream.streams'),
      yearGmvFen: yearToDate('livestream.gmv_fen'),
    },
    stations: {
      salesFen: month('stations.sales_amount_fen'),
      purchaseFen: month('stations.purchase_amount_fen'),
      parcels: month('stations.parcels'),
      incomeFen: month('stations.income_fen'),
      yearSalesFen: yearToDate('stations.sales_amount_fen'),
      activeShare: share('stations.active_share'),
      reporting: month('stations.reporting'),
      villagesCovered: month('stations.villages_covered'),
      coverage: share('stations.coverage'),
      quiet: quiet.map((q) => ({ code: q.code, name: q.name, townName: townName.get(`${q.region_code.slice(0, 9)}000`) ?? '', quietDays: q.quiet_days, lastActiveDate: q.last_active_date })),
    },
    taobao: await taobaoPart(db, region.code, asOf),
    courier: {
      coverage: share('courier.coverage'),
      served: month('courier.villages_served'),
      reached: month('courier.villages_reached'),
      parcels: month('courier.parcels'),
      villages: (await db.selectFrom('region_rollups').select('administrative_village_count').where('region_code', '=', region.code).executeTakeFirst())?.administrative_village_count ?? 0,
    },
  };
}

/** The Taobao part: the window year of asOf (its figures filed under Y-06) and the villages nearest the line. */
async function taobaoPart(db: Db, regionCode: string, asOf: string): Promise<NonNullable<ReportData['taobao']>> {
  const year = windowYearOf(asOf);
  const figures = await db
    .selectFrom('metric_values')
    .select(['metric_key', 'value'])
    .where('region_code', '=', regionCode)
    .where('period', '=', `${year}-06`)
    .where('metric_key', 'in', ['taobao.villages', 'taobao.towns'])
    .execute();
  const of = (key: string) => {
    const f = figures.find((x) => x.metric_key === key);
    return f ? Number(f.value) : null;
  };
  const nearest = await db
    .selectFrom('taobao_evaluations as e')
    .innerJoin('regions as v', 'v.code', 'e.region_code')
    .innerJoin('regions as t', 't.code', 'e.town_code')
    .select(['e.region_code', 'v.name', 't.name as town_name', 'e.closeness', 'e.sales_gap_fen', 'e.shops_gap'])
    .where('e.year', '=', year)
    .where('e.level', '=', 'village')
    .where('e.eligible', '=', true)
    .where('e.qualifies', '=', false)
    .where('e.region_code', 'like', `${regionPrefix(regionCode)}%`)
    .orderBy('e.closeness', 'desc')
    .orderBy('e.region_code')
    .limit(10)
    .execute();
  return {
    year,
    villages: of('taobao.villages'),
    towns: of('taobao.towns'),
    nearest: nearest.map((n) => ({ code: n.region_code, name: n.name, townName: n.town_name, closeness: Number(n.closeness), salesGapFen: Number(n.sales_gap_fen ?? 0), shopsGap: Number(n.shops_gap ?? 0) })),
  };
}
