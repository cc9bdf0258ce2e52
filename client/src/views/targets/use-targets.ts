import { useQuery, useQueryClient } from '@tanstack/vue-query';
import { storeToRefs } from 'pinia';
import { computed, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { errorMessage } from '@/api/errors';
import { trpc, type RouterInputs, type RouterOutputs } from '@/api/trpc';
import type { ExportColumn } from '@/components/export-button/use-export';
import { useNarrowScreen } from '@/layouts/basic-layout/use-narrow-screen';
import { useAuthStore } from '@/stores/use-auth-store';
import { formatIndicator } from '@/utils/indicators';
import { useYearPicker } from '@/composables/use-year-picker';

type Progress = RouterOutputs['targets']['progress'];
export type RegionProgress = Progress['regions'][number];
export type BaseProgress = Progress['bases'][number];
export type Indicator = RouterOutputs['targets']['metrics'][number];
type ExportColumns = RouterInputs['targets']['export']['columns'];

/** One region of the targets table: its progress on every indicator, by key. */
export interface TargetRegionRow {
  regionCode: string;
  regionName: string;
  level: 'county' | 'town';
  cells: Record<string, RegionProgress | undefined>;
}

/** What is being edited: a region's or a base's target of one indicator. */
export interface TargetEdit {
  kind: 'region' | 'base';
  id: string;
  name: string;
  indicator: Indicator;
  current: number | null;
}

/**
 * The targets of the user's own scope for a year (targets.progress: the county and every town for
 * the bureau, a coordinator's towns, an operator's stations' towns, a manager's bases), as a table
 * of regions × indicators with the towns' sum against the county figure, and the bases' targets.
 * The admin edits a cell, or splits the county figure to the towns (target-split-dialog.vue).
 */
export function useTargets() {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const { actor } = storeToRefs(useAuthStore());
  const isAdmin = computed(() => actor.value?.role === 'admin');

  const { year, yearText, disabledYear } = useYearPicker();

  const catalogue = useQuery({ queryKey: ['targets.metrics'], queryFn: () => trpc.targets.metrics.query(), staleTime: Infinity });
  const progress = useQuery({
    queryKey: computed(() => ['targets.progress', year.value] as const),
    queryFn: ({ queryKey }) => trpc.targets.progress.query({ year: queryKey[1] }),
  });
  const loadError = computed(() => {
    const error = catalogue.error.value ?? progress.error.value;
    return error ? t('targets.loadFailed', { message: errorMessage(error) }) : null;
  });

  /** The indicators set by region (county, towns) that the user's scope shows. */
  const regionIndicators = computed(() => {
    const shown = new Set((progress.data.value?.regions ?? []).map((p) => p.indicator));
    return (catalogue.data.value ?? []).filter((i) => shown.has(i.key) && (i.levels.includes('county') || i.levels.includes('town')));
  });
  const indicatorOf = (key: string) => catalogue.data.value?.find((i) => i.key === key);

  const rows = computed<TargetRegionRow[]>(() => {
    const byRegion = new Map<string, TargetRegionRow>();
    for (const p of progress.data.value?.regions ?? []) {
      const row = byRegion.get(p.regionCode) ?? { regionCode: p.regionCode, regionName: p.regionName, level: p.level, cells: {} };
      row.cells[p.indicator] = p;
      byRegion.set(p.regionCode, row);
    }
    return [...byRegion.values()];
  });
  const county = computed(() => rows.value.find((r) => r.level === 'county'));

  /**
   * The towns' targets added up, beside the county's, per summable indicator (a share is not a
   * sum): shown under the table, flagged where the towns do not add up to the county.
   */
  const townSums = computed(() =>
    regionIndicators.value
      .filter((i) => i.unit !== 'ratio' && county.value)
      .map((i) => {
        const towns = rows.value.filter((r) => r.level === 'town').map((r) => r.cells[i.key]?.target ?? null);
        const set = towns.filter((v): v is number => v !== null);
        const sum = set.reduce((a, b) => a + b, 0);
        const countyValue = county.value?.cells[i.key]?.target ?? null;
        return { indicator: i.key, sum, set: set.length, towns: towns.length, countyValue, matches: countyValue !== null && sum === countyValue };
      }),
  );

  const bases = computed(() => progress.data.value?.bases ?? []);
  const activeHosts = computed(() => catalogue.data.value?.find((i) => i.key === 'active_hosts'));

  const editing = ref<TargetEdit | null>(null);
  function editRegion(row: TargetRegionRow, indicatorKey: string) {
    const indicator = indicatorOf(indicatorKey);
    if (!isAdmin.value || !indicator || !indicator.levels.includes(row.level)) return;
    editing.value = { kind: 'region', id: row.regionCode, name: row.regionName, indicator, current: row.cells[indicatorKey]?.target ?? null };
  }
  function editBase(base: BaseProgress) {
    if (!isAdmin.value || !activeHosts.value) return;
    editing.value = { kind: 'base', id: String(base.baseId), name: base.baseName, indicator: activeHosts.value, current: base.target };
  }
  const splitting = ref(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['targets.progress'] });

  const exportColumns = computed<ExportColumn[]>(() => [
    { key: 'year', header: t('targets.columns.year') },
    { key: 'regionCode', header: t('targets.columns.regionCode') },
    { key: 'regionName', header: t('targets.columns.regionName') },
    { key: 'metricKey', header: t('targets.columns.metric'), labels: Object.fromEntries((catalogue.data.value ?? []).map((i) => [i.key, t(`indicators.names.${i.key}`)])) },
    { key: 'value', header: t('targets.columns.value') },
    { key: 'updatedAt', header: t('targets.columns.updatedAt') },
    { key: 'updatedBy', header: t('targets.columns.updatedBy') },
  ]);
  const runExport = (columns: ExportColumn[]) =>
    trpc.targets.export.mutate({ list: { year: year.value }, columns: columns as ExportColumns, sheetName: t('targets.exportSheet') });

  return {
    t,
    year,
    yearText,
    disabledYear,
    isAdmin,
    loading: computed(() => catalogue.isFetching.value || progress.isFetching.value),
    loadError,
    regionIndicators,
    rows,
    county,
    townSums,
    bases,
    editing,
    editRegion,
    editBase,
    splitting,
    refresh,
    fmt: formatIndicator,
    narrow: useNarrowScreen(),
    exportColumns,
    runExport,
  };
}
