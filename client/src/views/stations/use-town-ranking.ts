import { keepPreviousData, useQuery } from '@tanstack/vue-query';
import { lastCompleteMonth, shanghaiToday } from '@/utils/shanghai-time';
import { computed, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { trpc, type RouterInputs } from '@/api/trpc';
import { bars, countAxis, moneyAxis, tooltipValue, type ChartOption } from '@/components/base-chart/chart-options';
import type { ExportColumn } from '@/components/export-button/use-export';
import { useListModel } from '@/composables/use-server-list';
import { formatCount, formatYuan, percent } from '@/utils/format';

type Metric = NonNullable<RouterInputs['stations']['ranking']['towns']['by']>;
type ExportKey = RouterInputs['stations']['ranking']['export']['columns'][number]['key'];

/** The figures of one town (or the county) as the server sends them. */
export interface RankingRow {
  regionCode: string;
  name: string;
  rank?: number;
  salesAmountFen: number;
  purchaseAmountFen: number;
  parcels: number;
  incomeFen: number;
  activePoints: number;
  villagesCovered: number;
  administrativeVillages: number;
  coverage: number;
  quiet: number;
}

/** The metrics a ranking sorts by (stations.reports.ts RANKING_METRICS) and the row figure each is. */
export const METRICS: { key: Metric; field: keyof RankingRow; money: boolean }[] = [
  { key: 'stations.sales_amount_fen', field: 'salesAmountFen', money: true },
  { key: 'stations.purchase_amount_fen', field: 'purchaseAmountFen', money: true },
  { key: 'stations.parcels', field: 'parcels', money: false },
  { key: 'stations.income_fen', field: 'incomeFen', money: true },
];

export { percent };

/** The towns of the county for one month, ranked by a chosen figure, as a bar chart and a table. */
export function useTownRanking() {
  const { t } = useI18n();
  const period = ref(lastCompleteMonth(shanghaiToday()));
  const by = ref<Metric>('stations.sales_amount_fen');
  const metric = computed(() => METRICS.find((m) => m.key === by.value)!);

  const query = useQuery({
    queryKey: computed(() => ['stations.ranking.towns', period.value, by.value]),
    queryFn: () => trpc.stations.ranking.towns.query({ period: period.value, by: by.value }),
    placeholderData: keepPreviousData,
  });
  const towns = computed(() => (query.data.value?.towns ?? []) as unknown as RankingRow[]);
  const county = computed(() => (query.data.value?.county ?? null) as unknown as RankingRow | null);
  /** The table: the county's total first, then the towns in rank order. */
  const tableRows = computed(() => (county.value ? [{ ...county.value, rank: undefined, total: true }, ...towns.value] : towns.value));

  const metricLabel = (key: Metric) => t(`stationReports.ranking.metrics.${key.replace('stations.', '')}`);
  const value = (row: RankingRow, field: keyof RankingRow) => Number(row[field] ?? 0);
  const display = (row: RankingRow, field: keyof RankingRow, money: boolean) => (money ? formatYuan(value(row, field)) : formatCount(value(row, field)));

  // Horizontal bars, the first-ranked at the top; amounts stay in fen and read as yuan (万 when large).
  const chartOption = computed<ChartOption>(() => {
    const m = metric.value;
    const ordered = [...towns.value].reverse();
    return {
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: m.money ? tooltipValue.money : tooltipValue.count },
      xAxis: m.money ? moneyAxis() : countAxis(),
      yAxis: { type: 'category', data: ordered.map((r) => r.name), axisLabel: { fontSize: 11 } },
      series: [bars(metricLabel(m.key), ordered.map((r) => value(r, m.field)), '#2f7d4f')],
    };
  });
  const chartHeight = computed(() => `${Math.max(240, towns.value.length * 24 + 40)}px`);

  const exportColumns = computed<ExportColumn[]>(() => {
    const col = (key: ExportKey, header: string) => ({ key, header });
    return [
      col('rank', t('stationReports.ranking.columns.rank')),
      col('name', t('stationReports.ranking.columns.town')),
      col('salesAmountYuan', t('stationReports.ranking.columns.salesYuan')),
      col('purchaseAmountYuan', t('stationReports.ranking.columns.purchaseYuan')),
      col('parcels', t('stationReports.ranking.columns.parcels')),
      col('incomeYuan', t('stationReports.ranking.columns.incomeYuan')),
      col('activePoints', t('stationReports.ranking.columns.activePoints')),
      col('villagesCovered', t('stationReports.ranking.columns.villagesCovered')),
      col('administrativeVillages', t('stationReports.ranking.columns.administrativeVillages')),
      col('coveragePercent', t('stationReports.ranking.columns.coveragePercent')),
      col('quiet', t('stationReports.ranking.columns.quiet')),
    ];
  });
  const runExport = (columns: ExportColumn[]) =>
    trpc.stations.ranking.export.mutate({
      list: { period: period.value, by: by.value },
      columns: columns as RouterInputs['stations']['ranking']['export']['columns'],
      sheetName: t('stationReports.ranking.sheetName', { period: period.value }),
    });

  const disabledMonth = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}` > shanghaiToday().slice(0, 7);

  return {
    t,
    period,
    by,
    metrics: METRICS,
    metricLabel,
    towns,
    display,
    percent,
    chartOption,
    chartHeight,
    /** The table rows (county total first) for list-page's `:list`; the chart shows the same towns. */
    list: useListModel({
      items: () => tableRows.value,
      loading: () => query.isFetching.value,
      error: () => query.error.value,
      reload: () => query.refetch(),
      export: { columns: () => exportColumns.value, run: runExport },
    }),
    disabledMonth,
  };
}
