import { useQueryClient } from '@tanstack/vue-query';
import { storeToRefs } from 'pinia';
import { computed, reactive } from 'vue';
import { useI18n } from 'vue-i18n';
import { useRouter } from 'vue-router';
import { trpc, type RouterInputs } from '@/api/trpc';
import type { ExportColumn } from '@/components/export-button/use-export';
import { useDebouncedText } from '@/composables/use-debounced-text';
import { useServerList } from '@/composables/use-server-list';
import { useAuthStore } from '@/stores/use-auth-store';
import { toast } from '@/utils/toast';
import { useTownNames } from '@/views/auth/use-towns';
import { STATION_STATUSES, STATION_TIERS, useStationLabels, type Station } from './station-labels';

type ListInput = RouterInputs['stations']['list'];
type SortKey = NonNullable<ListInput['sort']>['key'];
type Filter = NonNullable<ListInput['filter']>;
type ExportColumns = RouterInputs['stations']['export']['columns'];

export const STATIONS_LIST_KEY = 'stations.list';

/** The station register: the server-side list with its filters and export, and the manager's dialogs. */
export function useStations() {
  const { t } = useI18n();
  const router = useRouter();
  const queryClient = useQueryClient();
  const { role } = storeToRefs(useAuthStore());
  const { names: townNames } = useTownNames();
  const { tierLabel, statusLabel, statusTag, exportLabels } = useStationLabels();

  const canManage = computed(() => role.value === 'admin' || role.value === 'staff');

  const list = useServerList({
    key: STATIONS_LIST_KEY,
    fetch: (input) => trpc.stations.list.query(input),
    filter: { tier: undefined, townCode: undefined, status: undefined, quiet: undefined, q: undefined } as Filter,
    sort: { key: 'code' as SortKey, order: 'asc' },
    sortable: { code: 'code', name: 'name', tier: 'tier', status: 'status', lastEntryDate: 'lastEntryDate' },
  });
  const { filter } = list;

  const { text: search, flush: searchNow } = useDebouncedText((text) => (filter.q = text || undefined));

  /** The quiet filter as a select: '' any, 'yes' quiet only, 'no' not quiet. */
  const quiet = computed<'' | 'yes' | 'no'>({
    get: () => (filter.quiet === undefined ? '' : filter.quiet ? 'yes' : 'no'),
    set: (value) => (filter.quiet = value ? value === 'yes' : undefined),
  });

  const tierOptions = computed(() => STATION_TIERS.map((tier) => ({ value: tier, label: tierLabel(tier) })));
  const statusOptions = computed(() => STATION_STATUSES.map((status) => ({ value: status, label: statusLabel(status) })));
  const quietOptions = computed(() => [
    { value: 'yes', label: t('stations.quiet.yes') },
    { value: 'no', label: t('stations.quiet.no') },
  ]);
  const townOptions = computed(() => [...townNames.value].map(([code, name]) => ({ value: code, label: name })));

  const operatorsText = (station: Station) => station.operators.map((o) => o.displayName).join('、') || '—';

  // Export: the columns the table shows, headed in the user's language; codes become words.
  const exportColumns = computed<ExportColumn[]>(() => {
    const labels = exportLabels();
    const yesNo = { true: t('stations.quiet.yes'), false: t('stations.quiet.no') };
    return [
      { key: 'code', header: t('stations.columns.code') },
      { key: 'name', header: t('stations.columns.name') },
      { key: 'tier', header: t('stations.columns.tier'), labels: labels.tier },
      { key: 'regionName', header: t('stations.columns.region') },
      { key: 'townName', header: t('stations.columns.town') },
      { key: 'parentName', header: t('stations.columns.parent') },
      { key: 'status', header: t('stations.columns.status'), labels: labels.status },
      { key: 'statusSince', header: t('stations.columns.statusSince') },
      { key: 'openedOn', header: t('stations.columns.openedOn') },
      { key: 'phone', header: t('stations.columns.phone') },
      { key: 'services', header: t('stations.columns.services'), labels: labels.services },
      { key: 'activity.lastEntryDate', header: t('stations.columns.lastEntryDate') },
      { key: 'activity.activeDays30', header: t('stations.columns.activeDays30') },
      { key: 'activity.quiet', header: t('stations.columns.quiet'), labels: yesNo },
      { key: 'activity.quietDays', header: t('stations.columns.quietDays') },
    ];
  });
  const runExport = (columns: ExportColumn[]) =>
    trpc.stations.export.mutate({ list: list.listInput.value, columns: columns as ExportColumns, sheetName: t('stations.sheetName') });

  /** After a change: every cached page of the list (and the tree) is stale. */
  const refresh = () => queryClient.invalidateQueries({ queryKey: [STATIONS_LIST_KEY] });

  // The dialogs are mounted while open, so each opening starts fresh.
  const dialogs = reactive({ create: false, import: false });

  function onCreated(station: Station) {
    toast('success', t('stations.done.created', { name: station.name, code: station.code }));
    void refresh();
    void router.push({ name: 'station-detail', params: { id: station.id } });
  }

  function onImported(created: number) {
    toast('success', t('stations.import.done', { n: created }));
    void refresh();
  }

  const openStation = (station: Pick<Station, 'id'>) => router.push({ name: 'station-detail', params: { id: station.id } });

  return {
    t,
    /** The server-side list (rows, pager, sort, error, export) for list-page's `:list`. */
    list: reactive({ ...list, exportColumns, exportRun: runExport }),
    /** The filter bar: the list's filter, the debounced search, the quiet select and their options. */
    filters: reactive({ filter, search, searchNow, quiet, options: { tier: tierOptions, status: statusOptions, quiet: quietOptions, town: townOptions } }),
    labels: { tierLabel, statusLabel, statusTag, operatorsText },
    manage: reactive({ canManage, dialogs, onCreated, onImported }),
    openStation,
  };
}
