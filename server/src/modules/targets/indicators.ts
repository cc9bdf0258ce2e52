/**
 * The programme's indicators: the figures the bureau sets yearly targets for and is measured on.
 * Each reads one headline metric from metric_values (written by its domain's job), by month:
 * - `cumulative` figures add up over the year (person-times, sales): the year's figure is the sum of
 *   its months, and the pace is the target's share of the year gone by;
 * - `level` figures are a state (hosts active now, share of stations reporting): the year's figure
 *   is its latest month, and the pace ramps from where the year began to the target on 31 December.
 * `levels` says where a target may be set: the county, its towns, or (active hosts) a livestream base.
 * A later domain (Taobao villages, courier coverage) adds its entry here and gets targets, progress,
 * the cockpit, the big screen and the monthly report with no further plumbing.
 */
export type IndicatorKind = 'cumulative' | 'level';
export type IndicatorUnit = 'count' | 'ratio' | 'fen';
export type TargetLevel = 'county' | 'town' | 'base';

export interface Indicator {
  /** Its name in the bureau's documents (the monthly report's workbook); the client has its own in every language. */
  name: string;
  /** The metric_values key the indicator's actual figure is read from. */
  metricKey: string;
  kind: IndicatorKind;
  unit: IndicatorUnit;
  levels: readonly TargetLevel[];
  /** The county's target when none is set by hand (the work plan's figure). */
  default: number;
}

export const INDICATORS = {
  /** 培训人次: one trainee completing one course (the 1,500 a year of the work plan). */
  training_person_times: { name: '电商培训人次', metricKey: 'training.person_times', kind: 'cumulative', unit: 'count', levels: ['county', 'town'], default: 1500 },
  /** 活跃主播: hosts active on Taobao Live under the active-host rule (300 of the work plan). */
  active_hosts: { name: '活跃主播数', metricKey: 'livestream.active_hosts', kind: 'level', unit: 'count', levels: ['county', 'town', 'base'], default: 300 },
  /** 站点活跃率: share of active stations with ledger entries on enough of the last 30 days (rule 'station.activity'). */
  station_activity: { name: '站点活跃率', metricKey: 'stations.active_share', kind: 'level', unit: 'ratio', levels: ['county', 'town'], default: 0.8 },
  /** 农产品上行: farm products sold online through the stations, in fen. */
  online_sales: { name: '农产品上行额', metricKey: 'stations.sales_amount_fen', kind: 'cumulative', unit: 'fen', levels: ['county', 'town'], default: 3_000_000_000 },
  /**
   * 淘宝村/淘宝镇: places meeting the criteria, or on AliResearch's list, for the year (window to 30
   * June of it, taobao.evaluation.ts), filed under that June. A level: the latest count is the year's.
   */
  taobao_villages: { name: '淘宝村数', metricKey: 'taobao.villages', kind: 'level', unit: 'count', levels: ['county'], default: 3 },
  taobao_towns: { name: '淘宝镇数', metricKey: 'taobao.towns', kind: 'level', unit: 'count', levels: ['county'], default: 1 },
  /** 快递进村覆盖率: villages whose village point is on a route running ≥ K days a week, of all administrative villages (courier.metrics.ts). */
  courier_coverage: { name: '快递进村覆盖率', metricKey: 'courier.coverage', kind: 'level', unit: 'ratio', levels: ['county', 'town'], default: 1 },
} as const satisfies Record<string, Indicator>;

export type IndicatorKey = keyof typeof INDICATORS;
export const INDICATOR_KEYS = Object.keys(INDICATORS) as [IndicatorKey, ...IndicatorKey[]];

export function isIndicatorKey(key: string): key is IndicatorKey {
  return Object.hasOwn(INDICATORS, key);
}
