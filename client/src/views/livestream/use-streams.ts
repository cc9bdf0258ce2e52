import { useMutation, useQuery, useQueryClient } from '@tanstack/vue-query';
import { computed, reactive, watch } from 'vue';
import { useI18n } from 'vue-i18n';
import { useRoute, useRouter } from 'vue-router';
import { errorMessage } from '@/api/errors';
import { trpc, type RouterInputs } from '@/api/trpc';
import type { ExportColumn } from '@/components/export-button/use-export';
import { useServerList } from '@/composables/use-server-list';
import { toast } from '@/utils/toast';
import { HOST_KEY, PLATFORMS, STREAMS_KEY, useBaseOptions, useLivestreamLabels, type Stream } from './livestream-labels';

type ListInput = RouterInputs['livestream']['streams']['list'];
type SortKey = NonNullable<ListInput['sort']>['key'];
type Filter = NonNullable<ListInput['filter']>;
type ExportColumns = RouterInputs['livestream']['streams']['export']['columns'];

/** The stream list: filters (base, host, platform, days, farm products), newest first; export; delete. */
export function useStreams() {
  const { t } = useI18n();
  const route = useRoute();
  const router = useRouter();
  const queryClient = useQueryClient();
  const labels = useLivestreamLabels();
  const { baseOptions } = useBaseOptions();

  const hostFromRoute = () => (typeof route.query.hostId === 'string' && /^\d+$/.test(route.query.hostId) ? Number(route.query.hostId) : undefined);
  const list = useServerList({
    key: STREAMS_KEY,
    fetch: (input) => trpc.livestream.streams.list.query(input),
    filter: { baseId: undefined, hostId: hostFromRoute(), platform: undefined, from: undefined, to: undefined, farmProducts: undefined } as Filter,
    sort: { key: 'startedAt' as SortKey, order: 'desc' },
    sortable: { startedAt: 'startedAt', gmvFen: 'gmv', viewers: 'viewers', durationSeconds: 'duration' },
  });
  const { filter } = list;
  watch(
    () => route.query.hostId,
    () => (filter.hostId = hostFromRoute()),
  );

  // the host a list is narrowed to, by name
  const host = useQuery({
    queryKey: computed(() => [HOST_KEY, filter.hostId]),
    queryFn: () => trpc.livestream.hosts.get.query({ id: filter.hostId! }),
    enabled: computed(() => filter.hostId !== undefined),
    staleTime: 60_000,
  });
  const hostName = computed(() => (filter.hostId !== undefined ? (host.data.value?.host.name ?? '…') : null));
  const clearHost = () => router.replace({ query: { ...route.query, hostId: undefined } });

  /** The day range as the date picker wants it. */
  const days = computed<[string, string] | null>({
    get: () => (filter.from && filter.to ? ([filter.from, filter.to] as [string, string]) : null),
    set: (value: [string, string] | null) => {
      filter.from = value?.[0] ?? undefined;
      filter.to = value?.[1] ?? undefined;
    },
  });
  const farm = computed({
    get: () => (filter.farmProducts === undefined ? '' : filter.farmProducts ? 'yes' : 'no'),
    set: (value: string) => (filter.farmProducts = value === 'yes' ? true : value === 'no' ? false : undefined),
  });

  const remove = useMutation({
    mutationFn: (stream: Stream) => trpc.livestream.streams.delete.mutate({ id: stream.id }),
    onSuccess: async () => {
      toast('success', t('livestream.streams.deleted'));
      await queryClient.invalidateQueries({ queryKey: [STREAMS_KEY] });
      await queryClient.invalidateQueries({ queryKey: [HOST_KEY] });
    },
    onError: (error) => toast('error', errorMessage(error)),
  });

  const exportColumns = computed<ExportColumn[]>(() => [
    { key: 'startedAt', header: t('livestream.streams.columns.startedAt') },
    { key: 'hostName', header: t('livestream.streams.columns.host') },
    { key: 'baseName', header: t('livestream.streams.columns.base') },
    { key: 'platform', header: t('livestream.streams.columns.platform'), labels: labels.labels('livestream.platforms', PLATFORMS) },
    { key: 'durationMinutes', header: t('livestream.streams.columns.durationMinutes') },
    { key: 'viewers', header: t('livestream.streams.columns.viewers') },
    { key: 'peakViewers', header: t('livestream.streams.columns.peakViewers') },
    { key: 'newFollowers', header: t('livestream.streams.columns.newFollowers') },
    { key: 'orders', header: t('livestream.streams.columns.orders') },
    { key: 'buyers', header: t('livestream.streams.columns.buyers') },
    { key: 'gmvYuan', header: t('livestream.streams.columns.gmvYuan') },
    { key: 'farmProducts', header: t('livestream.streams.columns.farmProducts'), labels: { true: t('livestream.yes'), false: t('livestream.no') } },
    { key: 'mainProducts', header: t('livestream.streams.columns.mainProducts') },
    { key: 'source', header: t('livestream.streams.columns.source'), labels: labels.labels('livestream.sources', ['manual', 'import']) },
  ]);
  const runExport = (columns: ExportColumn[]) =>
    trpc.livestream.streams.export.mutate({ list: list.listInput.value, columns: columns as ExportColumns, sheetName: t('livestream.streams.sheetName') });

  return {
    t,
    /** The server-side list (rows, pager, sort, error, export) for list-page's `:list`. */
    list: reactive({ ...list, exportColumns, exportRun: runExport }),
    filter: list.filter,
    ...labels,
    baseOptions,
    platformList: computed(() => labels.platformOptions()),
    hostName,
    clearHost,
    days,
    farm,
    removeStream: (stream: Stream) => remove.mutate(stream),
  };
}
