import { useQuery, useQueryClient } from '@tanstack/vue-query';
import { storeToRefs } from 'pinia';
import { computed, reactive } from 'vue';
import { useI18n } from 'vue-i18n';
import { useRoute } from 'vue-router';
import { errorMessage } from '@/api/errors';
import { trpc, type RouterOutputs } from '@/api/trpc';
import { useAuthStore } from '@/stores/use-auth-store';
import { toast } from '@/utils/toast';
import { useStationLabels, type Station } from './station-labels';
import { STATIONS_LIST_KEY } from './use-stations';

export type StationDetail = RouterOutputs['stations']['get'];
export type MonthStats = StationDetail['months'][number];

export const STATION_GET_KEY = 'stations.get';

/** One station: its register entry, activity and monthly figures; managers edit it and change its status. */
export function useStationDetail() {
  const { t } = useI18n();
  const route = useRoute();
  const queryClient = useQueryClient();
  const { role } = storeToRefs(useAuthStore());
  const { tierLabel, statusLabel, statusTag, serviceLabel } = useStationLabels();

  const id = computed(() => Number(route.params.id));
  const detail = useQuery({
    queryKey: computed(() => [STATION_GET_KEY, id.value]),
    queryFn: ({ queryKey }) => trpc.stations.get.query({ id: queryKey[1] as number }),
    enabled: computed(() => Number.isInteger(id.value)),
  });
  const station = computed(() => detail.data.value?.station ?? null);
  const months = computed(() => [...(detail.data.value?.months ?? [])].sort((a, b) => a.month.localeCompare(b.month)));

  const canManage = computed(() => role.value === 'admin' || role.value === 'staff');
  const error = computed(() => (detail.error.value ? errorMessage(detail.error.value) : null));

  const coordinates = computed(() => (station.value && station.value.lat !== null && station.value.lng !== null ? `${station.value.lat}, ${station.value.lng}` : null));
  const operatorsText = computed(() => station.value?.operators.map((o) => o.displayName).join('、') || '—');
  const townText = computed(() => {
    const s = station.value;
    if (!s) return '';
    return s.tier === 'village_point' && s.townName ? `${s.townName} / ${s.regionName}` : s.regionName;
  });

  const dialogs = reactive({ edit: false, status: false });

  /** After a change: this station and every list holding it are stale. */
  async function changed(station: Station, messageKey: string) {
    toast('success', t(messageKey, { name: station.name }));
    queryClient.setQueryData([STATION_GET_KEY, station.id], (old: StationDetail | undefined) => (old ? { ...old, station } : old));
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: [STATION_GET_KEY] }),
      queryClient.invalidateQueries({ queryKey: [STATIONS_LIST_KEY] }),
    ]);
  }

  return {
    t,
    id,
    station,
    months,
    loading: computed(() => detail.isFetching.value),
    error,
    canManage,
    tierLabel,
    statusLabel,
    statusTag,
    serviceLabel,
    coordinates,
    operatorsText,
    townText,
    dialogs,
    onUpdated: (s: Station) => changed(s, 'stations.done.updated'),
    onStatusChanged: (s: Station) => changed(s, 'stations.done.statusChanged'),
  };
}
