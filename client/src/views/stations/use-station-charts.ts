import { computed, type Ref } from 'vue';
import { useI18n } from 'vue-i18n';
import type { ChartOption } from '@/components/base-chart/base-chart.vue';
import { fillMonths, monthRange } from '@/components/base-chart/chart-months';
import { shanghaiToday } from '@/utils/shanghai-time';
import { formatYuan, yuanShort } from '@/utils/format';
import type { MonthStats } from './use-station-detail';

/** Amounts stay in fen in the chart's data; axes show them as yuan (万 when large), tooltips to the fen. */
// The chart titles give the units, so the axes carry no names to collide with the legend.
const GRID = { left: 8, right: 12, top: 36, bottom: 8, containLabel: true };
const LEGEND = { top: 0, left: 0, itemWidth: 14, itemHeight: 10 };

/** The station's monthly charts: money in and out, days with an entry (bars) against active days (line), parcels. */
export function useStationCharts(months: Ref<MonthStats[]>) {
  const { t } = useI18n();

  const thisMonth = shanghaiToday().slice(0, 7);
  /** Every month from the first with data to the last (this one at most): months without an entry are gaps. */
  const source = computed(() => {
    const sorted = [...months.value].sort((a, b) => a.month.localeCompare(b.month));
    if (sorted.length === 0) return [];
    const last = sorted[sorted.length - 1].month > thisMonth ? sorted[sorted.length - 1].month : thisMonth;
    return fillMonths(sorted, monthRange(sorted[0].month, last));
  });
  const partialMonth = computed(() => (source.value.some((m) => m.month === thisMonth) ? thisMonth : null));

  const amounts = computed<ChartOption>(() => ({
    dataset: { source: source.value },
    legend: LEGEND,
    grid: GRID,
    tooltip: { trigger: 'axis', valueFormatter: (value) => `¥${formatYuan(Number(value))}` },
    xAxis: { type: 'category' },
    yAxis: { type: 'value', axisLabel: { formatter: (value: number) => yuanShort(value) } },
    series: [
      { type: 'bar', name: t('stations.charts.sales'), encode: { x: 'month', y: 'salesAmountFen' } },
      { type: 'bar', name: t('stations.charts.purchase'), encode: { x: 'month', y: 'purchaseAmountFen' } },
    ],
  }));

  const days = computed<ChartOption>(() => ({
    dataset: { source: source.value },
    legend: LEGEND,
    grid: GRID,
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category' },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { type: 'bar', name: t('stations.charts.daysWithEntry'), encode: { x: 'month', y: 'daysWithEntry' } },
      { type: 'line', name: t('stations.charts.activeDays'), encode: { x: 'month', y: 'activeDays' } },
    ],
  }));

  const parcels = computed<ChartOption>(() => ({
    dataset: { source: source.value },
    legend: LEGEND,
    grid: GRID,
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category' },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { type: 'bar', name: t('stations.charts.parcelsIn'), encode: { x: 'month', y: 'parcelsIn' } },
      { type: 'bar', name: t('stations.charts.parcelsOut'), encode: { x: 'month', y: 'parcelsOut' } },
    ],
  }));

  return { t, amounts, days, parcels, partialMonth, empty: computed(() => months.value.length === 0) };
}
