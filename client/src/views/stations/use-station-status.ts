import { useMutation, useQueryClient } from '@tanstack/vue-query';
import { shanghaiToday } from '@/utils/shanghai-time';
import { computed, reactive, watch } from 'vue';
import { useI18n } from 'vue-i18n';
import { errorMessage } from '@/api/errors';
import { isApiError, trpc } from '@/api/trpc';
import { STATION_STATUSES, useStationLabels, type Station, type StationStatus } from './station-labels';

/** Statuses that need a reason (the server says so too, in the user's language). */
const REASON_NEEDED: StationStatus[] = ['suspended', 'closed'];

/**
 * Change a station's status (planned → active → suspended → closed, and back to active), from a
 * date and with a reason. The station's version goes with it: a change made meanwhile by someone
 * else is refused, not overwritten, and the page reloads the station so the next try is current.
 */
export function useStationStatus(station: () => Station, onSaved: (station: Station) => void) {
  const { t, locale } = useI18n();
  const queryClient = useQueryClient();
  const { statusLabel } = useStationLabels();

  const form = reactive<{ status: StationStatus | ''; since: string; reason: string }>({ status: '', since: shanghaiToday(), reason: '' });
  const options = computed(() =>
    STATION_STATUSES.filter((s) => s !== station().status).map((status) => ({ value: status, label: statusLabel(status) })),
  );
  const reasonNeeded = computed(() => form.status !== '' && REASON_NEEDED.includes(form.status));

  const save = useMutation({
    mutationFn: () =>
      trpc.stations.setStatus.mutate({
        id: station().id,
        version: station().version,
        status: form.status as StationStatus,
        since: form.since,
        reason: form.reason.trim() || null,
      }),
    onSuccess: onSaved,
    onError: (error) => {
      if (isApiError(error) && error.data?.code === 'CONFLICT') void queryClient.invalidateQueries({ queryKey: ['stations.get'] });
    },
  });
  watch(locale, () => save.reset());

  function submit(): void {
    if (save.isPending.value || !form.status || !form.since) return;
    save.mutate();
  }

  return {
    t,
    form,
    options,
    reasonNeeded,
    canSubmit: computed(() => form.status !== '' && form.since !== '' && (!reasonNeeded.value || form.reason.trim().length > 0)),
    submit,
    saving: save.isPending,
    error: computed(() => (save.error.value ? errorMessage(save.error.value) : null)),
  };
}
