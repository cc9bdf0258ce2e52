import { keepPreviousData, useQuery } from '@tanstack/vue-query';
import { storeToRefs } from 'pinia';
import { useRoute } from 'vue-router';
import { computed, ref, watch } from 'vue';
import { trpc } from '@/api/trpc';
import { useAuthStore } from '@/stores/use-auth-store';

export interface StationOption {
  value: number;
  label: string;
  status: string;
}

const lastKey = (userId: number) => `cuntong.ledger.station.${userId}`;

/**
 * Which station the ledger is for. An operator's own stations are few: all listed at once, the one
 * used last (or the only one) chosen already. Bureau staff reach hundreds: the picker searches the
 * server as they type (name or code).
 */
export function useStationPicker() {
  const { actor } = storeToRefs(useAuthStore());
  const isOperator = computed(() => actor.value?.role === 'station_operator');
  const q = ref('');
  const stationId = ref<number | null>(null);
  /** The chosen station's option, kept while a search shows others. */
  const chosen = ref<StationOption | null>(null);

  const list = useQuery({
    queryKey: computed(() => ['stations.list', 'ledger-picker', isOperator.value ? '' : q.value]),
    queryFn: () =>
      trpc.stations.list.query({
        page: 1,
        pageSize: isOperator.value ? 200 : 20,
        sort: { key: 'code', order: 'asc' },
        filter: !isOperator.value && q.value ? { q: q.value } : {},
      }),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });

  const found = computed<StationOption[]>(() =>
    (list.data.value?.items ?? []).map((s) => ({ value: s.id, label: `${s.name}（${s.code}）`, status: s.status })),
  );
  const options = computed(() => {
    const extra = chosen.value && !found.value.some((o) => o.value === chosen.value!.value) ? [chosen.value] : [];
    // an operator's active stations first: only those take a ledger
    return [...extra, ...found.value].sort((a, b) => Number(b.status === 'active') - Number(a.status === 'active'));
  });

  function remembered(): StationOption | null {
    try {
      const raw = actor.value ? localStorage.getItem(lastKey(actor.value.id)) : null;
      return raw ? (JSON.parse(raw) as StationOption) : null;
    } catch {
      return null;
    }
  }

  function choose(id: number | null): void {
    stationId.value = id;
    chosen.value = options.value.find((o) => o.value === id) ?? null;
    try {
      if (actor.value && chosen.value) localStorage.setItem(lastKey(actor.value.id), JSON.stringify(chosen.value));
    } catch {
      // storage disabled: nothing remembered
    }
  }

  // First answer: the station a link names (the home page's "file today's ledger"), else the one
  // used last on this device, else an operator's only active station.
  const linked = Number(useRoute().query.station);
  const last = remembered();
  if (Number.isInteger(linked) && linked > 0) {
    stationId.value = linked;
  } else if (last) {
    stationId.value = last.value;
    chosen.value = last;
  }
  watch(found, (items) => {
    if (stationId.value !== null) {
      // an operator's station that is no longer theirs is not offered
      if (isOperator.value && list.isSuccess.value && !items.some((o) => o.value === stationId.value)) stationId.value = chosen.value = null;
      else return;
    }
    const active = items.filter((o) => o.status === 'active');
    if (isOperator.value && active.length === 1) choose(active[0].value);
  });

  return {
    isOperator,
    stationId,
    options,
    choose,
    searching: computed(() => list.isFetching.value),
    search: (text: string) => {
      q.value = text.trim();
    },
    stationLabel: (id: number) => options.value.find((o) => o.value === id)?.label ?? `#${id}`,
  };
}
