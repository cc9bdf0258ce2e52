import { useQuery } from '@tanstack/vue-query';
import { computed, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { errorMessage } from '@/api/errors';
import { trpc, type RouterInputs, type RouterOutputs } from '@/api/trpc';
import { bars, categoryChart, countAxis, line, moneyAxis, ratioAxis, tooltipValue, type ChartOption } from '@/components/base-chart/chart-options';
import { monthOfYear } from '@/components/base-chart/chart-months';
import type { ExportColumn } from '@/components/export-button/use-export';
import { formatIndicator, INDICATOR_UNITS, PACE_COLORS, type PaceStatus } from '@/utils/indicators';
import { useYearPicker } from '@/composables/use-year-picker';
import { shanghaiToday } from '@/utils/shanghai-time';

export type Overview = RouterOutputs['cockpit']['overview'];
export type RankingRow = Overview['towns'][number];
type ExportColumns = RouterInputs['cockpit']['ranking']['export']['columns'];

/** Which figure of a ranking cell the table sorts by. */
export type RankingField = 'actual' | 'paceRatio';

/**
 * 驾驶舱: the county's indicators against their targets (cards with pace and projection), one trend
 * per indicator over the year's months, and every town on every indicator, sortable, coloured by
 * pace, exported to Excel. A town opens its drill-down (cockpit-town-page.vue).
 */
export function useCockpit() {
  const { t } = useI18n();
  const { year, yearText, disabledYear } = useYearPicker();

  const overview = useQuery({
    queryKey: computed(() => ['cockpit.overview', year.value] as const),
    queryFn: ({ queryKey }) => trpc.cockpit.overview.query({ year: queryKey[1] }),
  });
  const loadError = computed(() => (overview.error.value ? t('cockpit.loadFailed', { message: errorMessage(overview.error.value) }) : null));
  const indicators = computed(() => overview.data.value?.indicators ?? []);
  const county = computed(() => overview.data.value?.county ?? []);

  /** One chart per indicator: the year's months (bars for a sum, a line for a level) beside the pace to the target. */
  const trends = computed(() =>
    county.value.map((p) => {
      const unit = INDICATOR_UNITS[p.indicator] ?? 'count';
      const name = t(`indicators.names.${p.indicator}`);
      const values = p.months.map((m) => m.value);
      const series =
        unit === 'ratio' || p.indicator === 'active_hosts'
          ? [line(name, values, '#2f6fd6', { connectNulls: false })]
          : [bars(name, values, '#2f6fd6')];
      const option: ChartOption = categoryChart({
        categories: p.months.map((m) => monthOfYear(m.period)),
        series,
        yAxis: unit === 'fen' ? moneyAxis() : unit === 'ratio' ? ratioAxis() : countAxis(),
        valueFormatter: unit === 'fen' ? tooltipValue.money : unit === 'ratio' ? tooltipValue.ratio : tooltipValue.count,
      });
      const thisMonth = shanghaiToday().slice(0, 7);
      const partial = p.months.some((m) => m.period === thisMonth) ? monthOfYear(thisMonth) : null;
      return { indicator: p.indicator, option, partial };
    }),
  );

  const rankingSort = ref<{ indicator: string; field: RankingField; order: 'ascending' | 'descending' }>({ indicator: 'training_person_times', field: 'paceRatio', order: 'ascending' });
  const ranking = computed(() => {
    const rows = [...(overview.data.value?.towns ?? [])];
    const { indicator, field, order } = rankingSort.value;
    const key = (r: RankingRow) => (r.cells as Record<string, { actual: number; paceRatio: number | null } | undefined>)[indicator]?.[field] ?? -Infinity;
    rows.sort((a, b) => (order === 'ascending' ? key(a) - key(b) : key(b) - key(a)) || a.regionCode.localeCompare(b.regionCode));
    return rows;
  });
  function sortBy(indicator: string, field: RankingField) {
    const same = rankingSort.value.indicator === indicator && rankingSort.value.field === field;
    rankingSort.value = { indicator, field, order: same && rankingSort.value.order === 'ascending' ? 'descending' : 'ascending' };
  }
  const cellOf = (row: RankingRow, indicator: string) =>
    (row.cells as Record<string, { actual: number; target: number | null; paceRatio: number | null; status: PaceStatus } | undefined>)[indicator];

  const exportColumns = computed<ExportColumn[]>(() => {
    const statusLabels = Object.fromEntries(Object.keys(PACE_COLORS).map((s) => [s, t(`indicators.status.${s}`)]));
    return [
      { key: 'regionName', header: t('cockpit.ranking.town') },
      { key: 'regionCode', header: t('cockpit.ranking.code') },
      ...indicators.value.flatMap((i) => {
        const name = t(`indicators.names.${i}`);
        return [
          { key: `${i}.actual`, header: `${name}·${t('cockpit.ranking.actual')}` },
          { key: `${i}.target`, header: `${name}·${t('cockpit.ranking.target')}` },
          { key: `${i}.paceRatio`, header: `${name}·${t('cockpit.ranking.pace')}` },
          { key: `${i}.status`, header: `${name}·${t('cockpit.ranking.status')}`, labels: statusLabels },
        ];
      }),
    ];
  });
  const runExport = (columns: ExportColumn[]) =>
    trpc.cockpit.ranking.export.mutate({ list: { year: year.value }, columns: columns as ExportColumns, sheetName: t('cockpit.ranking.sheet') });

  return {
    t,
    year,
    yearText,
    disabledYear,
    overview,
    loadError,
    indicators,
    county,
    trends,
    ranking,
    rankingSort,
    sortBy,
    cellOf,
    fmt: formatIndicator,
    paceColor: (status: PaceStatus | undefined) => PACE_COLORS[status ?? 'no_target'],
    exportColumns,
    runExport,
  };
}
