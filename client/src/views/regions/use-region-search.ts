import { computed, ref, watch, type Ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { trpc, type RouterInputs, type RouterOutputs } from '@/api/trpc';
import type { ExportColumn } from '@/components/export-button/use-export';
import { useServerList } from '@/composables/use-server-list';
import { useDebouncedText } from '@/composables/use-debounced-text';
import { useRegionLabels } from './region-labels';

type SearchInput = RouterInputs['regions']['search'];
type ExportColumns = RouterInputs['regions']['export']['columns'];
export type SearchRow = RouterOutputs['regions']['search']['items'][number];

/**
 * Search regions by name, or by code prefix when the text is digits: a server-side list with
 * pagination and export. Within the home county by default; nothing is asked while the box is empty.
 */
export function useRegionSearch(homeCode: Ref<string | null>) {
  const { t } = useI18n();
  const { levelLabel, kindTag, exportLabels } = useRegionLabels();

  const onlyHome = ref(true);

  const list = useServerList({
    key: 'regions.search',
    filter: { q: '', underCode: '' },
    pageSize: 10,
    fetch: (input) => (input.filter.q ? trpc.regions.search.query(searchInput(input)) : Promise.resolve({ items: [], total: 0 })),
  });

  function searchInput(input: { page: number; pageSize: number; filter: { q?: string; underCode?: string } }): SearchInput {
    return { page: input.page, pageSize: input.pageSize, filter: { q: input.filter.q ?? '', underCode: input.filter.underCode || undefined } };
  }

  watch(
    [onlyHome, homeCode],
    () => {
      list.filter.underCode = onlyHome.value && homeCode.value ? homeCode.value : '';
    },
    { immediate: true },
  );

  const { text, flush: searchNow } = useDebouncedText((q) => {
    list.filter.q = q;
  });

  const searching = computed(() => list.filter.q !== '');

  const exportColumns = computed<ExportColumn[]>(() => {
    const labels = exportLabels();
    return [
      { key: 'code', header: t('regions.columns.code') },
      { key: 'name', header: t('regions.columns.name') },
      { key: 'level', header: t('regions.columns.level'), labels: labels.level },
      { key: 'townshipKind', header: t('regions.columns.townshipKind'), labels: labels.townshipKind },
      { key: 'villageKind', header: t('regions.columns.villageKind'), labels: labels.villageKind },
      { key: 'parentName', header: t('regions.columns.parentName') },
      { key: 'grandparentName', header: t('regions.columns.grandparentName') },
    ];
  });

  // The button hands back the columns above, whose keys are the export's own.
  const runExport = (columns: ExportColumn[]) =>
    trpc.regions.export.mutate({
      list: searchInput(list.listInput.value),
      columns: columns as ExportColumns,
      sheetName: t('regions.exportSheet'),
    });

  /** "枣庄市 / 滕州市": where a result lies. */
  const parentsOf = (row: { parentName: string | null; grandparentName: string | null }) =>
    [row.grandparentName, row.parentName].filter(Boolean).join(' / ');

  return {
    text,
    onlyHome,
    searchNow,
    searching,
    page: list.page,
    pageSize: list.pageSize,
    items: list.items,
    total: list.total,
    loading: list.loading,
    error: list.error,
    exportColumns,
    runExport,
    parentsOf,
    levelLabel,
    kindTag,
  };
}
