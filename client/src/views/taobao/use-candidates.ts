import { computed, reactive, ref, watch } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import type { ExportColumn } from '@/components/export-button/use-export';
import { trpc, type RouterInputs } from '@/api/trpc';
import { useDebouncedText } from '@/composables/use-debounced-text';
import { useServerList } from '@/composables/use-server-list';
import { useTrainingTowns } from '@/views/training/use-training-towns';
import { TAOBAO_KEY, STAGES, useTaobaoLabels, useTaobaoYears, type Candidate } from './taobao-labels';

type ListInput = RouterInputs['taobao']['candidates']['list'];
type ExportColumns = RouterInputs['taobao']['candidates']['export']['columns'];
type SortKey = NonNullable<ListInput['sort']>['key'];
type Filter = NonNullable<ListInput['filter']>;

/**
 * 淘宝村培育: every village (or town) of the year, the nearest to the line first, with a bar per
 * criterion, the monthly trend and the platform's own evidence; the server-side list, its filters
 * and its Excel export. A coordinator's list holds their towns only (the server's scope).
 */
export function useCandidates() {
  const labels = useTaobaoLabels();
  const { t } = labels;
  const route = useRoute();
  const router = useRouter();
  const { townOptions } = useTrainingTowns();
  const chosenYear = ref<number | null>(route.query.year ? Number(route.query.year) : null);
  const years = useTaobaoYears(chosenYear);

  const list = useServerList({
    key: `${TAOBAO_KEY}.candidates`,
    fetch: (input) => trpc.taobao.candidates.list.query(input),
    filter: { year: 0, level: (route.query.level === 'town' ? 'town' : 'village') as Filter['level'], townCode: undefined, stage: undefined, status: undefined, search: undefined } as Filter,
    sort: { key: 'closeness' as SortKey, order: 'desc' },
    sortable: { closeness: 'closeness', salesFen: 'sales', activeShops: 'shops', code: 'code' },
  });
  const { filter } = list;
  watch(years.year, (year) => {
    if (year !== null) filter.year = year;
  }, { immediate: true });
  const setYear = (year: number) => {
    chosenYear.value = year;
    void router.replace({ query: { ...route.query, year } });
  };
  const { text: search, flush: searchNow } = useDebouncedText((text) => (filter.search = text || undefined));

  const exportColumns = computed<ExportColumn[]>(() => {
    const stages = labels.labels('taobao.stages', STAGES);
    const projections = labels.labels('taobao.projection', ['qualifies', 'month', 'not_at_current_growth', 'no_trend', 'not_eligible']);
    return [
      { key: 'code', header: t('taobao.columns.code') },
      { key: 'name', header: t('taobao.columns.name') },
      { key: 'townName', header: t('taobao.columns.town') },
      { key: 'qualifies', header: t('taobao.columns.qualifies'), labels: { yes: t('taobao.yes'), no: t('taobao.no') } },
      { key: 'salesYuan', header: t('taobao.columns.salesYuan') },
      { key: 'salesSource', header: t('taobao.columns.salesSource'), labels: labels.labels('taobao.sources', ['entered', 'imported', 'derived']) },
      { key: 'activeShops', header: t('taobao.columns.activeShops') },
      { key: 'households', header: t('taobao.columns.households') },
      ...(filter.level === 'town' ? [{ key: 'villagesQualifying', header: t('taobao.columns.villagesQualifying') }, { key: 'villagesGap', header: t('taobao.columns.villagesGap') }] : []),
      { key: 'salesGapYuan', header: t('taobao.columns.salesGapYuan') },
      { key: 'shopsGap', header: t('taobao.columns.shopsGap') },
      ...(filter.level === 'village' ? [{ key: 'shareGapPoints', header: t('taobao.columns.shareGapPoints') }] : []),
      { key: 'closeness', header: t('taobao.columns.closeness') },
      { key: 'projection', header: t('taobao.columns.projection'), labels: projections },
      { key: 'projectedMonth', header: t('taobao.columns.projectedMonth') },
      { key: 'shopsOpened', header: t('taobao.columns.shopsOpened') },
      { key: 'liveGmvYuan', header: t('taobao.columns.liveGmvYuan') },
      { key: 'stationSalesYuan', header: t('taobao.columns.stationSalesYuan') },
      { key: 'stage', header: t('taobao.columns.stage'), labels: stages },
    ];
  });
  const runExport = (columns: ExportColumn[]) =>
    trpc.taobao.candidates.export.mutate({ list: list.listInput.value.filter, columns: columns as ExportColumns, sheetName: t('taobao.candidates.sheetName') });

  const open = (row: Pick<Candidate, 'code'>) => router.push({ name: 'taobao-place', params: { code: row.code }, query: { year: filter.year } });

  return {
    ...labels,
    list: reactive({ ...list, exportColumns, exportRun: runExport }),
    filter,
    years,
    setYear,
    search,
    searchNow,
    townOptions,
    stageFilterOptions: computed(() => [{ value: 'none', label: t('taobao.stages.none') }, ...labels.stageOptions()]),
    statusOptions: computed(() => (['qualifies', 'not_yet'] as const).map((value) => ({ value, label: t(`taobao.status.${value}`) }))),
    open,
  };
}
