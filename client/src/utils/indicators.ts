import { formatCount, percent, yuanShort } from './format';

/** The indicators the server's catalogue knows (server/src/modules/targets/indicators.ts). */
export type IndicatorUnit = 'count' | 'ratio' | 'fen';
export type PaceStatus = 'ahead' | 'on_pace' | 'behind' | 'far_behind' | 'no_target';

/** The units, by indicator key, for formatting figures without asking the server first. */
export const INDICATOR_UNITS: Record<string, IndicatorUnit> = {
  training_person_times: 'count',
  active_hosts: 'count',
  station_activity: 'ratio',
  online_sales: 'fen',
};

/** An indicator's figure as people read it: person-times and hosts as counts, sales in 元/万元, a share as a percentage. */
export function formatIndicator(indicator: string, value: number | null | undefined): string {
  const unit = INDICATOR_UNITS[indicator] ?? 'count';
  if (unit === 'fen') return yuanShort(value);
  if (unit === 'ratio') return percent(value);
  return formatCount(value === null || value === undefined ? value : Math.round(value));
}

/** The colour of a pace status, the same on every page, chart and the big screen. */
export const PACE_COLORS: Record<PaceStatus, string> = {
  ahead: '#1f7a45',
  on_pace: '#2f9d5f',
  behind: '#d9822b',
  far_behind: '#c0392b',
  no_target: '#8a8f98',
};
