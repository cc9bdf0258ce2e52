import type { BarSeriesOption, FunnelSeriesOption, LineSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';
import type { ComposeOption } from 'echarts/core';
// relative, so the unit tests (which know no '@' alias) can import it
import { formatCount, percent, yuan, yuanShort } from '../../utils/format';

/**
 * The option code every chart shares, so dashboards state only what they draw: the frame (legend on
 * one scrolling line, a grid that holds its labels, an axis tooltip), the value axes by kind (counts,
 * money in fen shown in yuan and 万, ratios shown as percentages), series by kind, and what base-chart
 * adds to every option. Month series come from chart-months.ts.
 */
export type ChartOption = ComposeOption<
  BarSeriesOption | LineSeriesOption | FunnelSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption
>;

export type SeriesOption = BarSeriesOption | LineSeriesOption;
type Figure = unknown;

/** How a tooltip reads a figure of each kind: counts with separators (hours to one decimal), money to the fen, ratios with one decimal. */
export const tooltipValue = {
  count: (value: Figure) => (typeof value === 'number' ? formatCount(value, Number.isInteger(value) ? 0 : 1) : formatCount(null)),
  money: (value: Figure) => (typeof value === 'number' ? `¥${yuan(value)}` : yuan(null)),
  ratio: (value: Figure) => percent(typeof value === 'number' ? value : null),
};

/** A value axis, fit for either side (x for horizontal bars, y otherwise). */
interface ValueAxis {
  type: 'value';
  minInterval?: number;
  min?: number;
  max?: number;
  axisLabel?: { formatter: (value: number) => string };
  splitLine?: { show: boolean };
}
type AxisExtra = Omit<ValueAxis, 'type' | 'axisLabel'>;

/** A value axis of whole counts (people, streams, parcels). */
export const countAxis = (extra: AxisExtra = {}): ValueAxis => ({ type: 'value', minInterval: 1, ...extra });

/** A value axis of amounts in fen, labelled in yuan (万 from ten thousand yuan). */
export const moneyAxis = (extra: AxisExtra = {}): ValueAxis => ({ type: 'value', axisLabel: { formatter: (value) => yuanShort(value) }, ...extra });

/** A value axis of ratios (0–1), labelled as percentages. */
export const ratioAxis = (extra: AxisExtra = {}): ValueAxis => ({ type: 'value', min: 0, max: 1, axisLabel: { formatter: (value) => percent(value) }, ...extra });

/** Bars in a colour, never wider than `width` (a year of months stays readable on a phone). */
export const bars = (name: string, data: (number | null)[], color: string, extra: Partial<BarSeriesOption> = {}): BarSeriesOption => ({
  type: 'bar',
  name,
  data,
  itemStyle: { color },
  barMaxWidth: 18,
  ...extra,
});

/** A line in a colour; a null figure breaks it (a gap, not a fall to zero). */
export const line = (name: string, data: (number | null)[], color: string, extra: Partial<LineSeriesOption> = {}): LineSeriesOption => ({
  type: 'line',
  name,
  data,
  itemStyle: { color },
  ...extra,
});

/** The frame of a chart over categories: legend, grid, axis tooltip, the category axis and the value axes. */
export function categoryChart(options: {
  categories: readonly string[];
  series: SeriesOption[];
  /** One value axis, or two (left and right); counts by default. */
  yAxis?: ValueAxis | ValueAxis[];
  /** How the tooltip reads the figures (series may set their own); counts by default. */
  valueFormatter?: (value: Figure) => string;
}): ChartOption {
  return {
    grid: { left: 8, right: 8, top: 32, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', valueFormatter: options.valueFormatter ?? tooltipValue.count },
    legend: { top: 0, left: 0, type: 'scroll', itemWidth: 14, itemHeight: 10 },
    xAxis: { type: 'category', data: [...options.categories] },
    yAxis: options.yAxis ?? countAxis(),
    series: options.series,
  };
}

/** Axis labels never overlap, even at 360 px: category labels skip as needed, value labels hide on collision. */
const tidy = <A extends { type?: string; axisLabel?: object }>(axis: A): A => ({
  ...axis,
  axisLabel: { hideOverlap: true, ...(axis.type === 'category' ? { interval: 'auto' } : {}), ...axis.axisLabel },
});
const tidyAll = <A extends { type?: string; axisLabel?: object }>(axes: A | A[] | undefined) => (Array.isArray(axes) ? axes.map(tidy) : axes && tidy(axes));

/**
 * Where the partial month's label sits: over its band, but kept inside the chart when the band is
 * the first or last category (a 360 px chart has no room beside its edge bands for "本月至今").
 */
function labelPosition(axis: ChartOption['xAxis'], category: string): 'insideTop' | 'insideTopLeft' | 'insideTopRight' {
  const data = axis && !Array.isArray(axis) && 'data' in axis && Array.isArray(axis.data) ? axis.data : [];
  if (data.length > 1 && data[data.length - 1] === category) return 'insideTopRight';
  if (data.length > 1 && data[0] === category) return 'insideTopLeft';
  return 'insideTop';
}

/**
 * What base-chart draws: the option with its axes tidied and, when the current month is on the axis,
 * that month shaded and labelled (`label`, "本月至今") on the first series: its figures are partial.
 */
export function withConventions(option: ChartOption, partial: { category: string; label: string } | null): ChartOption {
  const shown: ChartOption = { ...option, xAxis: tidyAll(option.xAxis), yAxis: tidyAll(option.yAxis) };
  const series = Array.isArray(option.series) ? [...option.series] : option.series ? [option.series] : [];
  const first = series[0];
  if (!partial || !first || first.type === 'funnel') return shown;
  series[0] = {
    ...first,
    markArea: {
      silent: true,
      itemStyle: { color: 'rgba(144, 147, 153, 0.12)' },
      label: { show: true, position: labelPosition(option.xAxis, partial.category), color: '#909399', fontSize: 11, formatter: partial.label },
      data: [[{ xAxis: partial.category }, { xAxis: partial.category }]],
    },
  };
  return { ...shown, series };
}
