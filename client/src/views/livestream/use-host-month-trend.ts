import { useQuery } from '@tanstack/vue-query';
import { computed, type Ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { errorMessage } from '@/api/errors';
import { trpc, type RouterInputs } from '@/api/trpc';
import type { ChartOption } from '@/components/base-chart/base-chart.vue';
import type { ExportColumn } from '@/components/export-button/use-export';
import { yuanShort } from '@/utils/format';
import { PLATFORMS } from './livestream-labels';
import { percentOf, yuan } from './use-livestream-dashboard';

type ExportKey = RouterInputs['livestream']['metrics']['hostMonthsExport']['columns'][number]['key'];

/** One host's months: streams, hours, GMV and GMV per hour (from host_month_stats). */
export function useHostMonthTrend(hostId: Ref<number>) {
  const { t, locale } = useI18n();
  const query = useQuery({
    queryKey: computed(() => ['livestream.metrics.hostMonths', hostId.value]),
    queryFn: () => trpc.livestream.metrics.hostMonths.query({ hostId: hostId.value }),
  });
  const items = computed(() => query.data.value?.items ?? []);

  const option = computed<ChartOption>(() => {
    const rows = items.value;
    return {
      grid: { left: 8, right: 8, top: 40, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis' },
      legend: { top: 0, type: 'scroll' },
      xAxis: { type: 'category', data: rows.map((r) => r.month) },
      yAxis: [
        { type: 'value', minInterval: 1 },
        { type: 'value', splitLine: { show: false }, axisLabel: { formatter: (v: number) => yuanShort(v * 100), hideOverlap: true } },
      ],
      series: [
        { type: 'bar', name: t('livestreamMetrics.trend.streams'), data: rows.map((r) => r.streams), itemStyle: { color: '#9cc3a8' }, barMaxWidth: 16 },
        { type: 'bar', name: t('livestreamMetrics.trend.hours'), data: rows.map((r) => r.hours), itemStyle: { color: '#2f7d4f' }, barMaxWidth: 16 },
        { type: 'line', name: t('livestreamMetrics.trend.gmv'), yAxisIndex: 1, data: rows.map((r) => r.gmvFen / 100), itemStyle: { color: '#d9822b' }, smooth: true },
        {
          type: 'line',
          name: t('livestreamMetrics.trend.gmvPerHour'),
          yAxisIndex: 1,
          data: rows.map((r) => (r.gmvPerHourFen === null ? null : r.gmvPerHourFen / 100)),
          itemStyle: { color: '#b85c00' },
          lineStyle: { type: 'dashed' },
        },
      ],
    };
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
    loading: computed(() => query.isFetching.value),
    error: computed(() => (query.error.value ? errorMessage(query.error.value) : null)),
    yuan,
    percent: percentOf,
    platformNames: (list: string[]) => list.map((p) => t(`livestream.platforms.${p}`)).join(t('livestream.separator')),
    exportColumns,
    runExport,
  };
}
