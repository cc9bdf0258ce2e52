import { computed, type Ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { monthValues, monthsSpanned, partialMonth as partialOf } from '@/components/base-chart/chart-months';
import { bars, categoryChart, line, moneyAxis, tooltipValue, type ChartOption } from '@/components/base-chart/chart-options';
import { shanghaiToday } from '@/utils/shanghai-time';
import type { MonthStats } from './use-station-detail';

// Amounts stay in fen in the chart's data; axes show them as yuan (万 when large), tooltips to the fen.
// The chart titles give the units, so the axes carry no names to collide with the legend.
const GREEN = '#2f7d4f';
const ORANGE = '#d9822b';

/** The station's monthly charts: money in and out, days with an entry (bars) against active days (line), parcels. */
export function useStationCharts(months: Ref<MonthStats[]>) {
  const { t } = useI18n();

  const thisMonth = shanghaiToday().slice(0, 7);
  /** Every month from the first with data to this one (or the last, if later): months without an entry are gaps. */
  const axis = computed(() => monthsSpanned(months.value, thisMonth));
  const partialMonth = computed(() => partialOf(axis.value, thisMonth));
  const figures = (figure: (m: MonthStats) => number) => monthValues(months.value, axis.value, figure);

  const amounts = computed<ChartOption>(() =>
    categoryChart({
      categories: axis.value,
      yAxis: moneyAxis(),
      valueFormatter: tooltipValue.money,
      series: [bars(t('stations.charts.sales'), figures((m) => m.salesAmountFen), GREEN), bars(t('stations.charts.purchase'), figures((m) => m.purchaseAmountFen), ORANGE)],
    }),
  );

  const days = computed<ChartOption>(() =>
    categoryChart({
      categories: axis.value,
      series: [bars(t('stations.charts.daysWithEntry'), figures((m) => m.daysWithEntry), GREEN), line(t('stations.charts.activeDays'), figures((m) => m.activeDays), ORANGE)],
    }),
  );

  const parcels = computed<ChartOption>(() =>
    categoryChart({
      categories: axis.value,
      series: [bars(t('stations.charts.parcelsIn'), figures((m) => m.parcelsIn), GREEN), bars(t('stations.charts.parcelsOut'), figures((m) => m.parcelsOut), ORANGE)],
    }),
  );

  return { t, amounts, days, parcels, partialMonth, empty: computed(() => months.value.length === 0) };
}
