import { useQueryClient } from '@tanstack/vue-query';
import { computed, reactive, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { useRouter } from 'vue-router';
import { trpc, type RouterInputs } from '@/api/trpc';
import type { ExportColumn } from '@/components/export-button/use-export';
import { useDebouncedText } from '@/composables/use-debounced-text';
import { useServerList } from '@/composables/use-server-list';
import { toast } from '@/utils/toast';
import { HOST_STATUSES, HOSTS_KEY, PLATFORMS, useBaseOptions, useLivestreamLabels, type HostListItem, type HostProfile } from './livestream-labels';

type ListInput = RouterInputs['livestream']['hosts']['list'];
type SortKey = NonNullable<ListInput['sort']>['key'];
type Filter = NonNullable<ListInput['filter']>;
type ExportColumns = RouterInputs['livestream']['hosts']['export']['columns'];

/** The host list: search, filters (base, platform, status, trained by us), paging and sort on the server; export; create. */
export function useHosts() {
  const { t } = useI18n();
  const router = useRouter();
  const queryClient = useQueryClient();
  const labels = useLivestreamLabels();
  const { baseOptions } = useBaseOptions();

  const list = useServerList({
    key: HOSTS_KEY,
    fetch: (input) => trpc.livestream.hosts.list.query(input),
    filter: { q: undefined, baseId: undefined, platform: undefined, status: undefined, trained: undefined, active: undefined } as Filter,
    sort: { key: 'createdAt' as SortKey, order: 'desc' },
    sortable: { name: 'name', joinedOn: 'joinedOn', lastStreamAt: 'lastStream', createdAt: 'createdAt' },
  });
  const { filter } = list;
  const { text: search, flush: searchNow } = useDebouncedText((text) => (filter.q = text || undefined));

  /** The "active now" filter (活跃主播 under the rule, this month's snapshot) as a select: '' all, 'yes', 'no'. */
  const active = computed({
    get: () => (filter.active === undefined ? '' : filter.active ? 'yes' : 'no'),
    set: (value: string) => (filter.active = value === 'yes' ? true : value === 'no' ? false : undefined),
  });
  /** The "trained by us" filter as a select: '' all, 'yes', 'no'. */
  const trained = computed({
    get: () => (filter.trained === undefined ? '' : filter.trained ? 'yes' : 'no'),
    set: (value: string) => (filter.trained = value === 'yes' ? true : value === 'no' ? false : undefined),
  });

  const creating = ref(false);
  async function created(profile: HostProfile) {
    toast('success', t('livestream.hosts.created', { name: profile.host.name }));
    await queryClient.invalidateQueries({ queryKey: [HOSTS_KEY] });
    await router.push({ name: 'livestream-host', params: { id: profile.host.id } });
  }

  const exportColumns = computed<ExportColumn[]>(() => [
    { key: 'name', header: t('livestream.hosts.columns.name') },
    { key: 'mobile', header: t('livestream.hosts.columns.mobile') },
    { key: 'baseName', header: t('livestream.hosts.columns.base') },
    { key: 'villageName', header: t('livestream.hosts.columns.village') },
    { key: 'status', header: t('livestream.hosts.columns.status'), labels: labels.labels('livestream.hostStatus', HOST_STATUSES) },
    { key: 'joinedOn', header: t('livestream.hosts.columns.joinedOn') },
    { key: 'platforms', header: t('livestream.hosts.columns.platforms'), labels: labels.labels('livestream.platforms', PLATFORMS) },
    { key: 'activeOn', header: t('livestream.hosts.columns.activeOn'), labels: labels.labels('livestream.platforms', PLATFORMS) },
    { key: 'trained', header: t('livestream.hosts.columns.trained'), labels: { true: t('livestream.yes'), false: t('livestream.no') } },
    { key: 'lastStreamAt', header: t('livestream.hosts.columns.lastStream') },
    { key: 'createdAt', header: t('livestream.hosts.columns.createdAt') },
  ]);
  const runExport = (columns: ExportColumn[]) =>
    trpc.livestream.hosts.export.mutate({ list: list.listInput.value, columns: columns as ExportColumns, sheetName: t('livestream.hosts.sheetName') });

  return {
    t,
    /** The server-side list (rows, pager, sort, error, export) for list-page's `:list`. */
    list: reactive({ ...list, exportColumns, exportRun: runExport }),
    filter: list.filter,
    ...labels,
    search,
    searchNow,
    trained,
    active,
    baseOptions,
    platformList: computed(() => labels.platformOptions()),
    statusList: computed(() => labels.hostStatusOptions()),
    creating,
    created,
    openHost: (host: Pick<HostListItem, 'id'>) => router.push({ name: 'livestream-host', params: { id: host.id } }),
  };
}
