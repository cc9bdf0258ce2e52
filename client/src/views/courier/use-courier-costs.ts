import { keepPreviousData, useQuery } from '@tanstack/vue-query';
import { computed, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { trpc, type RouterInputs, type RouterOutputs } from '@/api/trpc';
import { monthsSpanned, monthValues, partialMonth } from '@/components/base-chart/chart-months';
import { bars, categoryChart, countAxis, line, tooltipValue, type ChartOption } from '@/components/base-chart/chart-options';
import type { ExportColumn } from '@/components/export-button/use-export';
import { useListModel } from '@/composables/use-server-list';
import { yuan } from '@/utils/format';
import { shanghaiToday } from '@/utils/shanghai-time';
import { COURIER_KEY, courierKeys } from './courier-setup';

type MonthStat = RouterOutputs['courier']['stats']['months'][number];
type StatsExportKey = RouterInputs['courier']['stats']['export']['columns'][number]['key'];

/** One line of the table: a hub's month over all carriers (`total`), or one carrier's parcels there. */
export interface CostRow {
  key: string;
  hubName: string;
  carrierName: string | null;
  total: boolean;
  runs: number | null;
  deliveredPerDay: number | null;
  collectedPerDay: number | null;
  delivered: number;
  collected: number;
  costPerParcelFen: number | null;
  subsidyPerParcelFen: number | null;
  onTimeShare: number | null;
  missed: number | null;
}

/** The figures of several hubs' months (their all-carrier rows) taken together. */
interface Totals {
  month: string;
  costFen: number;
  subsidyFen: number;
  parcels: number;
  /** Parcels a day: each hub's parcels over the days it ran, added up. */
  parcelsPerDay: number;
  missed: number;
  /** The missed stops by reason, added up over the hubs. */
  missedReasons: Map<string, number>;
  onTimeShare: number | null;
}

const perParcel = (fen: number, parcels: number) => (parcels ? Math.round(fen / parcels) : null);
const perDay = (n: number, days: number) => (days ? Math.round((n / days) * 10) / 10 : null);

function totalsOf(month: string, rows: readonly MonthStat[]): Totals {
  const all = rows.filter((r) => r.month === month && r.carrierId === 0);
  const sum = (figure: (r: MonthStat) => number) => all.reduce((n, r) => n + figure(r), 0);
  // the month stats give each hub's on-time share, not its count of timed stops: the shares are
  // weighed by the stops reached, which are the timed ones whenever each reached stop has its time
  const reached = all.filter((r) => r.onTimeShare !== null).map((r) => ({ share: r.onTimeShare!, weight: r.stops - r.missed }));
  const weight = reached.reduce((n, r) => n + r.weight, 0);
  return {
    month,
    costFen: sum((r) => r.costFen),
    subsidyFen: sum((r) => r.subsidyFen),
    parcels: sum((r) => r.delivered + r.collected),
    parcelsPerDay: sum((r) => (r.days ? (r.delivered + r.collected) / r.days : 0)),
    missed: sum((r) => r.missed),
    missedReasons: all.reduce((m, r) => {
      for (const [reason, n] of Object.entries(r.missedReasons)) m.set(reason, (m.get(reason) ?? 0) + (n ?? 0));
      return m;
    }, new Map<string, number>()),
    onTimeShare: weight ? reached.reduce((n, r) => n + r.share * r.weight, 0) / weight : null,
  };
}

/**
 * 成本与时效: cost and subsidy per parcel month by month (a line each), and for a chosen month the
 * parcels a day by carrier, the on-time share and the stops missed, by hub and carrier as a table
 * exported to Excel (every month kept). Hub staff see their hub only: the server narrows the figures.
 */
export function useCourierCosts() {
  const { t } = useI18n();
  const thisMonth = shanghaiToday().slice(0, 7);

  const hubs = useQuery({ queryKey: courierKeys.hubs, queryFn: () => trpc.courier.hubs.list.query() });
  const hubOptions = computed(() => (hubs.data.value ?? []).map((h) => ({ value: h.id, label: h.name })));
  /** null: every hub the user sees. */
  const hubId = ref<number | null>(null);

  const query = useQuery({
    queryKey: computed(() => [COURIER_KEY, 'stats', 'months', hubId.value]),
    queryFn: () => trpc.courier.stats.months.query(hubId.value ? { hubId: hubId.value } : {}),
    placeholderData: keepPreviousData,
  });
  const rows = computed(() => query.data.value ?? []);
  /** The months with figures, latest first: the month picker's options. */
  const months = computed(() => [...new Set(rows.value.map((r) => r.month))].sort().reverse());
  const chosenMonth = ref<string | null>(null);
  const month = computed(() => (chosenMonth.value && months.value.includes(chosenMonth.value) ? chosenMonth.value : (months.value[0] ?? null)));

  const axis = computed(() => monthsSpanned(rows.value, thisMonth));
  const byMonth = computed(() => axis.value.map((m) => totalsOf(m, rows.value)));
  const current = computed(() => (month.value ? totalsOf(month.value, rows.value) : null));

  const costChart = computed<ChartOption>(() => {
    const data = byMonth.value.filter((m) => m.parcels > 0);
    return categoryChart({
      categories: axis.value,
      series: [
        line(t('courierRuns.costs.costPerParcel'), monthValues(data, axis.value, (m) => perParcel(m.costFen, m.parcels)), '#c0392b'),
        line(t('courierRuns.costs.subsidyPerParcel'), monthValues(data, axis.value, (m) => perParcel(m.subsidyFen, m.parcels)), '#2f7d4f'),
      ],
      // tens of fen a parcel: the axis reads yuan to the fen ("0.52"), not whole yuan as amounts do
      yAxis: { type: 'value', axisLabel: { formatter: (value: number) => yuan(value) } },
      valueFormatter: tooltipValue.money,
    });
  });
  const partial = computed(() => partialMonth(axis.value, thisMonth));

  /** Parcels a day in the chosen month, by carrier: each hub's over the days it ran, added up. */
  const carrierDays = computed(() => {
    const m = month.value;
    const days = new Map(rows.value.filter((r) => r.month === m && r.carrierId === 0).map((r) => [r.hubId, r.days]));
    const carriers = new Map<number, { name: string; delivered: number; collected: number }>();
    for (const r of rows.value.filter((x) => x.month === m && x.carrierId !== 0)) {
      const d = days.get(r.hubId) ?? 0;
      const c = carriers.get(r.carrierId) ?? { name: r.carrierName ?? `#${r.carrierId}`, delivered: 0, collected: 0 };
      if (d) {
        c.delivered += r.delivered / d;
        c.collected += r.collected / d;
      }
      carriers.set(r.carrierId, c);
    }
    return [...carriers.values()].sort((a, b) => b.delivered + b.collected - (a.delivered + a.collected));
  });
  // Horizontal stacked bars, the busiest carrier at the top (ECharts draws categories bottom up).
  const parcelsChart = computed<ChartOption>(() => {
    const ordered = [...carrierDays.value].reverse();
    const tenth = (n: number) => Math.round(n * 10) / 10;
    return {
      grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: tooltipValue.count },
      legend: { top: 0, left: 0, itemWidth: 14, itemHeight: 10 },
      xAxis: countAxis(),
      yAxis: { type: 'category', data: ordered.map((c) => c.name), axisLabel: { fontSize: 11 } },
      series: [
        bars(t('courierRuns.costs.delivered'), ordered.map((c) => tenth(c.delivered)), '#2f7d4f', { stack: 'parcels' }),
        bars(t('courierRuns.costs.collected'), ordered.map((c) => tenth(c.collected)), '#e6a23c', { stack: 'parcels' }),
      ],
    };
  });
  const parcelsChartHeight = computed(() => `${Math.max(200, carrierDays.value.length * 28 + 60)}px`);

  /** The chosen month by hub: the hub's line over all carriers first, then each carrier's parcels. */
  const tableRows = computed<CostRow[]>(() => {
    const m = month.value;
    const inMonth = rows.value.filter((r) => r.month === m);
    const out: CostRow[] = [];
    for (const hub of inMonth.filter((r) => r.carrierId === 0)) {
      out.push({
        key: `${hub.hubId}:0`,
        hubName: hub.hubName,
        carrierName: null,
        total: true,
        runs: hub.runs,
        deliveredPerDay: perDay(hub.delivered, hub.days),
        collectedPerDay: perDay(hub.collected, hub.days),
        delivered: hub.delivered,
        collected: hub.collected,
        costPerParcelFen: hub.costPerParcelFen,
        subsidyPerParcelFen: hub.subsidyPerParcelFen,
        onTimeShare: hub.onTimeShare,
        missed: hub.missed,
      });
      for (const c of inMonth.filter((r) => r.hubId === hub.hubId && r.carrierId !== 0)) {
        out.push({
          key: `${c.hubId}:${c.carrierId}`,
          hubName: c.hubName,
          carrierName: c.carrierName,
          total: false,
          runs: null,
          deliveredPerDay: perDay(c.delivered, hub.days),
          collectedPerDay: perDay(c.collected, hub.days),
          delivered: c.delivered,
          collected: c.collected,
          costPerParcelFen: null,
          subsidyPerParcelFen: null,
          onTimeShare: null,
          missed: null,
        });
      }
    }
    return out;
  });

  const exportColumns = computed<ExportColumn[]>(() => {
    const col = (key: StatsExportKey, header: string, extra: Partial<ExportColumn> = {}) => ({ key, header, ...extra });
    const c = (key: string) => t(`courierRuns.costs.columns.${key}`);
    return [
      col('month', c('month')),
      col('hubName', c('hub')),
      // the server names a hub's line over all carriers so; it reads in the user's language
      col('carrierName', c('carrier'), { labels: { 全部: t('courierRuns.costs.allCarriers') } }),
      col('runs', c('runs')),
      col('delivered', c('delivered')),
      col('collected', c('collected')),
      col('costYuan', c('costYuan')),
      col('subsidyYuan', c('subsidyYuan')),
      col('costPerParcelYuan', c('costPerParcel')),
      col('subsidyPerParcelYuan', c('subsidyPerParcel')),
      col('onTimeShare', c('onTime')),
      col('missed', c('missed')),
    ];
  });
  const list = useListModel({
    items: () => tableRows.value,
    loading: () => query.isFetching.value,
    error: () => query.error.value ?? hubs.error.value,
    reload: () => Promise.all([query.refetch(), hubs.refetch()]),
    export: {
      columns: () => exportColumns.value,
      run: (columns) =>
        trpc.courier.stats.export.mutate({
          list: hubId.value ? { hubId: hubId.value } : {},
          columns: columns as RouterInputs['courier']['stats']['export']['columns'],
          sheetName: t('courierRuns.costs.sheetName'),
        }),
      shown: () => rows.value.length > 0,
    },
  });

  return {
    t,
    hubOptions,
    hubId,
    months,
    month,
    chooseMonth: (m: string) => (chosenMonth.value = m),
    current,
    perParcel,
    costChart,
    partial,
    hasFigures: computed(() => rows.value.length > 0),
    parcelsChart,
    parcelsChartHeight,
    carrierDays,
    list,
  };
}
