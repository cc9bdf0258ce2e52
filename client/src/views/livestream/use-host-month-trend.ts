import { useQuery } from '@tanstack/vue-query';
import { computed, type Ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { errorMessage } from '@/api/errors';
import { trpc, type RouterInputs, type RouterOutputs } from '@/api/trpc';
import { monthValues, monthsSpanned, partialMonth as partialOf } from '@/components/base-chart/chart-months';
import { bars, categoryChart, countAxis, line, moneyAxis, tooltipValue, type ChartOption } from '@/components/base-chart/chart-options';
import type { ExportColumn } from '@/components/export-button/use-export';
import { shanghaiToday } from '@/utils/shanghai-time';
import { PLATFORMS } from './livestream-labels';

type HostMonth = RouterOutputs['livestream']['metrics']['hostMonths']['items'][number];
type ExportKey = RouterInputs['livestream']['metrics']['hostMonthsExport']['columns'][number]['key'];

/** One host's months: streams, hours, GMV and GMV per hour (from host_month_stats). */
export function useHostMonthTrend(hostId: Ref<number>) {
  const { t, locale } = useI18n();
  const query = useQuery({
    queryKey: computed(() => ['livestream.metrics.hostMonths', hostId.value]),
    queryFn: () => trpc.livestream.metrics.hostMonths.query({ hostId: hostId.value }),
  });
  const items = computed(() => query.data.value?.items ?? []);

  /** Every month from the host's first to this one: months without streams are gaps, this month is marked as partial. */
  const thisMonth = shanghaiToday().slice(0, 7);
  const axis = computed(() => monthsSpanned(items.value, thisMonth));
  const partialMonth = computed(() => partialOf(axis.value, thisMonth));
  const option = computed<ChartOption>(() => {
    const figures = (figure: (r: HostMonth) => number | null) => monthValues(items.value, axis.value, figure);
    const money = { yAxisIndex: 1, smooth: true, tooltip: { valueFormatter: tooltipValue.money } };
    return categoryChart({
      categories: axis.value,
      yAxis: [countAxis(), moneyAxis({ splitLine: { show: false } })],
      series: [
        bars(t('livestreamMetrics.trend.streams'), figures((r) => r.streams), '#9cc3a8', { barMaxWidth: 16 }),
        bars(t('livestreamMetrics.trend.hours'), figures((r) => r.hours), '#2f7d4f', { barMaxWidth: 16 }),
        line(t('livestreamMetrics.trend.gmv'), figures((r) => r.gmvFen), '#d9822b', money),
        line(t('livestreamMetrics.trend.gmvPerHour'), figures((r) => r.gmvPerHourFen), '#b85c00', { ...money, smooth: false, lineStyle: { type: 'dashed' } }),
      ],
    });
  });

  const exportColumns = computed<ExportColumn[]>(() => {
    const keys: ExportKey[] = ['month', 'streams', 'hours', 'gmvYuan', 'gmvPerHourYuan', 'viewers', 'buyers', 'buyerRate', 'activePlatforms'];
    const platformLabels = Object.fromEntries(PLATFORMS.map((p) => [p, t(`livestream.platforms.${p}`)]));
    return keys.map((key) => ({ key, header: t(`livestreamMetrics.trend.columns.${key}`), ...(key === 'activePlatforms' ? { labels: platformLabels } : {}) }));
  });
  const runExport = (columns: ExportColumn[]) =>
    trpc.livestream.metrics.hostMonthsExport.mutate({
      list: { hostId: hostId.value },
      columns: columns as RouterInputs['livestream']['metrics']['hostMonthsExport']['columns'],
      sheetName: `${t('livestreamMetrics.trend.sheetName')} ${query.data.value?.hostName ?? ''}`.trim().slice(0, 31),
    });

  return {
    t,
    items,
    rows: computed(() => [...items.value].reverse()),
    option,
    partialMonth,
    loading: computed(() => query.isFetching.value),
    error: computed(() => (query.error.value ? errorMessage(query.error.value) : null)),
    platformNames: (list: string[]) => list.map((p) => t(`livestream.platforms.${p}`)).join(t('livestream.separator')),
    exportColumns,
    runExport,
  };
}
