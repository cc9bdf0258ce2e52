import { keepPreviousData, useQuery } from '@tanstack/vue-query';
import { computed, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { trpc, type RouterInputs, type RouterOutputs } from '@/api/trpc';
import { bars, ratioAxis, tooltipValue, type ChartOption } from '@/components/base-chart/chart-options';
import type { ExportColumn } from '@/components/export-button/use-export';
import { useEnumLabel } from '@/composables/use-enum-label';
import { useListModel } from '@/composables/use-server-list';
import { shanghaiToday } from '@/utils/shanghai-time';
import { COURIER_KEY } from './courier-setup';

type Coverage = RouterOutputs['courier']['coverage']['get'];
export type CoverageTown = Coverage['towns'][number];
export type UnservedVillage = Coverage['unserved'][number];
type UnservedExportKey = RouterInputs['courier']['coverage']['unservedExport']['columns'][number]['key'];

/** Why a village is not served (courier.service.ts unservedVillages), in the order the legend reads. */
export const UNSERVED_REASONS = ['no_point', 'no_route', 'too_few_days'] as const satisfies readonly UnservedVillage['reason'][];

/**
 * 快递进村覆盖 (the bureau): for a month, the share of administrative villages whose village point
 * is served at least K days a week (K from the coverage rule then in force), the villages reached by
 * a run, coverage by town as bars and a table (best first), and the villages not served with why,
 * exported to Excel. The figures are the snapshot's: the nightly job (or "recompute now") brings them up to date.
 */
export function useCoverage() {
  const { t } = useI18n();
  const { label, labels } = useEnumLabel();
  const thisMonth = shanghaiToday().slice(0, 7);
  const month = ref(thisMonth);
  const disabledMonth = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}` > thisMonth;

  const query = useQuery({
    queryKey: computed(() => [COURIER_KEY, 'coverage', month.value]),
    queryFn: () => trpc.courier.coverage.get.query({ month: month.value }),
    placeholderData: keepPreviousData,
  });
  const rule = useQuery({ queryKey: [COURIER_KEY, 'coverage-rule'], queryFn: () => trpc.courier.rule.list.query(), staleTime: 60_000 });
  /** K: the days a week a village's point must be served on, from the rule version the month was judged under. */
  const minDays = computed(() => {
    const versions = rule.data.value ?? [];
    const used = query.data.value?.ruleVersion;
    return (versions.find((v) => v.version === used) ?? versions.find((v) => v.inForce))?.params.minDaysPerWeek ?? null;
  });

  const county = computed(() => query.data.value?.county ?? null);
  /** Towns best covered first; a town without a figure yet last. */
  const towns = computed(() =>
    [...(query.data.value?.towns ?? [])].sort((a, b) => (b.coverage ?? -1) - (a.coverage ?? -1) || a.code.localeCompare(b.code)),
  );
  const hasFigures = computed(() => county.value?.coverage !== null && county.value?.coverage !== undefined);

  // Horizontal bars, the best-covered town at the top (ECharts draws categories bottom up).
  const chartOption = computed<ChartOption>(() => {
    const ordered = [...towns.value].reverse();
    return {
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: tooltipValue.ratio },
      xAxis: ratioAxis(),
      yAxis: { type: 'category', data: ordered.map((town) => town.name), axisLabel: { fontSize: 11 } },
      series: [bars(t('courierRuns.coverage.coverage'), ordered.map((town) => town.coverage), '#2f7d4f')],
    };
  });
  const chartHeight = computed(() => `${Math.max(240, towns.value.length * 24 + 40)}px`);

  const townList = useListModel({
    items: () => towns.value,
    loading: () => query.isFetching.value,
    error: () => query.error.value ?? rule.error.value,
    reload: () => Promise.all([query.refetch(), rule.refetch()]),
  });

  const reasonLabel = (reason: string) => label('courierRuns.coverage.reasons', reason);
  const exportColumns = computed<ExportColumn[]>(() => {
    const col = (key: UnservedExportKey, header: string, extra: Partial<ExportColumn> = {}) => ({ key, header, ...extra });
    const c = (key: string) => t(`courierRuns.coverage.unservedColumns.${key}`);
    return [
      col('townName', c('town')),
      col('villageCode', c('villageCode')),
      col('villageName', c('village')),
      col('pointName', c('point')),
      col('reason', c('reason'), { labels: labels('courierRuns.coverage.reasons', UNSERVED_REASONS) }),
    ];
  });
  const unserved = useListModel({
    items: () => query.data.value?.unserved ?? [],
    loading: () => query.isFetching.value,
    error: () => query.error.value,
    reload: () => query.refetch(),
    export: {
      columns: () => exportColumns.value,
      run: (columns) =>
        trpc.courier.coverage.unservedExport.mutate({
          list: { month: month.value },
          columns: columns as RouterInputs['courier']['coverage']['unservedExport']['columns'],
          sheetName: t('courierRuns.coverage.sheetName', { month: month.value }),
        }),
    },
  });

  return {
    t,
    month,
    disabledMonth,
    thisMonth,
    minDays,
    county,
    hasFigures,
    towns,
    chartOption,
    chartHeight,
    townList,
    unserved,
    reasonLabel,
  };
}
