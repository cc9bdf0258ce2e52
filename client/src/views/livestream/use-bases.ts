import { useQueryClient } from '@tanstack/vue-query';
import { computed, reactive, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { trpc, type RouterInputs } from '@/api/trpc';
import { useDebouncedText } from '@/composables/use-debounced-text';
import { useServerList } from '@/composables/use-server-list';
import { toast } from '@/utils/toast';
import { BASE_OPTIONS_KEY, BASE_STATUSES, BASES_KEY, useIsBureau, useLivestreamLabels, type Base } from './livestream-labels';

type ListInput = RouterInputs['livestream']['bases']['list'];
type SortKey = NonNullable<ListInput['sort']>['key'];
type Filter = NonNullable<ListInput['filter']>;
type ExportColumns = RouterInputs['livestream']['bases']['export']['columns'];

/** The bases list: search and status filter, export; the bureau creates and edits bases. */
export function useBases() {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const labels = useLivestreamLabels();
  const canEdit = useIsBureau();

  const list = useServerList({
    key: BASES_KEY,
    fetch: (input) => trpc.livestream.bases.list.query(input),
    filter: { q: undefined, status: undefined, regionCode: undefined } as Filter,
    sort: { key: 'name' as SortKey, order: 'asc' },
    sortable: { name: 'name', hostCount: 'hostCount', createdAt: 'createdAt' },
    export: {
      columns: () => [
        { key: 'name', header: t('livestream.bases.columns.name') },
        { key: 'regionName', header: t('livestream.bases.columns.town') },
        { key: 'address', header: t('livestream.bases.columns.address') },
        { key: 'rooms', header: t('livestream.bases.columns.rooms') },
        { key: 'capacity', header: t('livestream.bases.columns.capacity') },
        { key: 'status', header: t('livestream.bases.columns.status'), labels: labels.labels('livestream.baseStatus', BASE_STATUSES) },
        { key: 'hostCount', header: t('livestream.bases.columns.hosts') },
        { key: 'managers', header: t('livestream.bases.columns.managers') },
        { key: 'createdAt', header: t('livestream.bases.columns.createdAt') },
      ],
      run: (input, columns) => trpc.livestream.bases.export.mutate({ list: input, columns: columns as ExportColumns, sheetName: t('livestream.bases.sheetName') }),
    },
  });
  const { text: search, flush: searchNow } = useDebouncedText((text) => (list.filter.q = text || undefined));

  const dialog = ref<{ open: boolean; base: Base | null }>({ open: false, base: null });
  const openCreate = () => (dialog.value = { open: true, base: null });
  const openEdit = (base: Base) => (dialog.value = { open: true, base });
  async function saved(base: Base, created: boolean) {
    toast('success', t(created ? 'livestream.bases.created' : 'livestream.bases.saved', { name: base.name }));
    await queryClient.invalidateQueries({ queryKey: [BASES_KEY] });
    await queryClient.invalidateQueries({ queryKey: [BASE_OPTIONS_KEY] });
  }

  return {
    t,
    /** The server-side list (rows, pager, sort, error, export) for list-page's `:list`. */
    list: reactive(list),
    filter: list.filter,
    ...labels,
    canEdit,
    search,
    searchNow,
    statusOptions: computed(() => labels.baseStatusOptions()),
    dialog,
    openCreate,
    openEdit,
    saved,
  };
}
