import { useMutation, useQuery, useQueryClient } from '@tanstack/vue-query';
import { computed, reactive, ref, watch } from 'vue';
import { useI18n } from 'vue-i18n';
import { useRoute } from 'vue-router';
import { errorMessage } from '@/api/errors';
import { trpc } from '@/api/trpc';
import { shanghaiToday } from '@/utils/shanghai-time';
import { toast } from '@/utils/toast';
import { COURIER_KEY, courierKeys, useCourierAccess, useCourierLabels, type RouteVersion, type StopOption } from './courier-setup';

/** A stop as the editor holds it: the village point, its planned time, and what the list and the plot show. */
export interface DraftStop {
  stationId: number;
  plannedAt: string | null;
  name: string;
  villageName: string;
  lat: number | null;
  lng: number | null;
}

/** Where a version stands today: the one in force, one still to come, or one replaced. */
export type VersionState = 'inForce' | 'scheduled' | 'past';

/** Roads wind: the straight line between two points times this is the distance driven, for planning. */
const ROAD_FACTOR = 1.3;
const DEFAULT_SPEED_KMH = 40;

const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
const timeOf = (minutes: number) => `${String(Math.floor(minutes / 60) % 24).padStart(2, '0')}:${String(Math.round(minutes) % 60).padStart(2, '0')}`;

/** Great-circle distance in km between two points given in degrees. */
function kmBetween(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

/**
 * 线路编辑: a route's stops in order, its days, departure, vehicle and service minutes, saved as a new
 * version from a day (today at the earliest: days already run keep the version they ran). The editor
 * starts from the latest version; any version of the history can be taken as the starting point.
 * Hub staff read it; only the bureau changes it.
 */
export function useRouteEditor() {
  const labels = useCourierLabels();
  const { t } = labels;
  const { locale } = useI18n();
  const route = useRoute();
  const queryClient = useQueryClient();
  const { canEdit } = useCourierAccess();
  const id = computed(() => Number(route.params.id));
  const today = shanghaiToday();

  const routeQuery = useQuery({ queryKey: computed(() => courierKeys.route(id.value)), queryFn: () => trpc.courier.routes.get.query({ id: id.value }) });
  const detail = computed(() => routeQuery.data.value ?? null);
  const hubId = computed(() => detail.value?.hubId ?? null);
  const hubQuery = useQuery({
    queryKey: computed(() => courierKeys.hub(hubId.value ?? 0)),
    queryFn: () => trpc.courier.hubs.get.query({ id: hubId.value! }),
    enabled: computed(() => hubId.value !== null),
  });
  const vehiclesQuery = useQuery({
    queryKey: computed(() => courierKeys.vehicles(hubId.value ?? 0)),
    queryFn: () => trpc.courier.vehicles.list.query({ hubId: hubId.value! }),
    enabled: computed(() => hubId.value !== null),
  });
  // the village points a stop may be added from: only the bureau adds stops
  const stopsQuery = useQuery({
    queryKey: computed(() => courierKeys.stops(hubId.value ?? 0)),
    queryFn: () => trpc.courier.hubs.stops.query({ hubId: hubId.value! }),
    enabled: computed(() => hubId.value !== null && canEdit.value),
    staleTime: 5 * 60_000,
  });

  // ---- the history, newest first (the server's order), each version with where it stands today
  const inForce = computed(() => detail.value?.versions.find((v) => v.effectiveFrom <= today)?.version ?? null);
  const versions = computed(() =>
    (detail.value?.versions ?? []).map((v) => ({ ...v, state: (v.effectiveFrom > today ? 'scheduled' : v.version === inForce.value ? 'inForce' : 'past') as VersionState })),
  );
  const plateOf = (vehicleId: number | null) => (vehicleId === null ? null : (vehiclesQuery.data.value?.find((v) => v.id === vehicleId)?.plate ?? `#${vehicleId}`));

  // ---- the draft: what will be saved
  const draft = reactive({
    vehicleId: null as number | null,
    days: [1, 2, 3, 4, 5, 6, 7] as number[],
    departAt: '07:30',
    serviceMinutes: 5,
    effectiveFrom: today,
    stops: [] as DraftStop[],
  });
  /** The version the draft started from (null: a new route, or none chosen yet). */
  const base = ref<number | null>(null);
  const shape = () => JSON.stringify({ v: draft.vehicleId, d: [...draft.days].sort(), a: draft.departAt, s: draft.serviceMinutes, stops: draft.stops.map((s) => [s.stationId, s.plannedAt]) });
  /** The draft as it was started, to tell whether it has been changed since. */
  const snapshot = ref(shape());

  function startFrom(version: RouteVersion | null) {
    base.value = version?.version ?? null;
    Object.assign(draft, {
      vehicleId: version?.vehicleId ?? null,
      days: version ? [...version.days] : [1, 2, 3, 4, 5, 6, 7],
      departAt: version?.departAt ?? '07:30',
      serviceMinutes: version?.serviceMinutes ?? 5,
      stops: (version?.stops ?? []).map((s) => ({ stationId: s.stationId, plannedAt: s.plannedAt, name: s.name, villageName: s.villageName, lat: s.lat, lng: s.lng })),
    });
    snapshot.value = shape();
  }
  const dirty = computed(() => snapshot.value !== shape());
  // First load, and whenever the history changes (after a save, or someone else's): start again from
  // the version chosen (the one just saved), else the latest; a draft with changes is left alone.
  watch(
    () => detail.value?.versions,
    (list) => {
      if (!list || dirty.value) return;
      startFrom(list.find((v) => v.version === base.value) ?? list[0] ?? null);
    },
    { immediate: true },
  );

  // ---- the stops
  const move = (from: number, to: number) => {
    if (to < 0 || to >= draft.stops.length || from === to) return;
    const [stop] = draft.stops.splice(from, 1);
    draft.stops.splice(to, 0, stop!);
  };
  const remove = (index: number) => void draft.stops.splice(index, 1);
  const stopOptions = computed(() => {
    const taken = new Set(draft.stops.map((s) => s.stationId));
    return (stopsQuery.data.value ?? [])
      .filter((s) => !taken.has(s.id))
      .map((s) => ({ value: s.id, label: `${s.villageName} · ${s.name} · ${s.townName}`, option: s }));
  });
  const adding = ref<number | null>(null);
  function add(stationId: number | null) {
    const option: StopOption | undefined = stopsQuery.data.value?.find((s) => s.id === stationId);
    if (!option) return;
    draft.stops.push({ stationId: option.id, plannedAt: null, name: option.name, villageName: option.villageName, lat: option.lat, lng: option.lng });
    adding.value = null;
  }

  // ---- planned times estimated from the departure: straight-line legs × ROAD_FACTOR at the vehicle's speed, plus the service minutes at each stop
  const hub = computed(() => hubQuery.data.value ?? null);
  const speed = computed(() => vehiclesQuery.data.value?.find((v) => v.id === draft.vehicleId)?.speedKmh ?? DEFAULT_SPEED_KMH);
  const canEstimate = computed(() => hub.value?.lat != null && hub.value.lng != null && draft.stops.some((s) => s.lat !== null && s.lng !== null));
  function estimate() {
    if (!hub.value || hub.value.lat === null || hub.value.lng === null) return;
    let at = minutesOf(draft.departAt);
    let from = { lat: hub.value.lat, lng: hub.value.lng };
    for (const stop of draft.stops) {
      // a stop without coordinates keeps its time; the next leg is measured from the last point known
      if (stop.lat === null || stop.lng === null) continue;
      const to = { lat: stop.lat, lng: stop.lng };
      at += (kmBetween(from, to) * ROAD_FACTOR * 60) / speed.value;
      stop.plannedAt = timeOf(Math.round(at));
      at += draft.serviceMinutes;
      from = to;
    }
  }

  /** Stops planned before the stop ahead of them (after a move, say): marked, so the times are looked at again. */
  const timesOutOfOrder = computed(() => {
    const marked = new Set<number>();
    let last = '';
    for (const stop of draft.stops) {
      if (!stop.plannedAt) continue;
      if (stop.plannedAt < last) marked.add(stop.stationId);
      else last = stop.plannedAt;
    }
    return marked;
  });

  // ---- save as a new version
  const save = useMutation({
    mutationFn: () =>
      trpc.courier.routes.saveVersion.mutate({
        routeId: id.value,
        effectiveFrom: draft.effectiveFrom,
        vehicleId: draft.vehicleId,
        days: draft.days,
        departAt: draft.departAt,
        serviceMinutes: draft.serviceMinutes,
        stops: draft.stops.map((s) => ({ stationId: s.stationId, plannedAt: s.plannedAt || null })),
      }),
    onSuccess: async ({ version }) => {
      toast('success', t('courier.routeEditor.saved', { version, from: draft.effectiveFrom }));
      base.value = version;
      snapshot.value = shape();
      await queryClient.invalidateQueries({ queryKey: [COURIER_KEY] });
    },
  });
  watch(locale, () => save.reset());
  const problem = computed(() => {
    if (!draft.stops.length) return t('courier.routeEditor.needStops');
    if (!/^\d{2}:\d{2}$/.test(draft.departAt)) return t('courier.routeEditor.needDepart');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(draft.effectiveFrom)) return t('courier.routeEditor.needDate');
    return null;
  });

  const firstError = () => routeQuery.error.value ?? hubQuery.error.value ?? vehiclesQuery.error.value;

  return {
    ...labels,
    id,
    today,
    canEdit,
    routeQuery,
    detail,
    hub,
    loadError: computed(() => (firstError() ? errorMessage(firstError()) : null)),
    reload: () => Promise.all([routeQuery.refetch(), hubQuery.refetch(), vehiclesQuery.refetch()]),
    versions,
    base,
    startFrom,
    plateOf,
    draft,
    dirty,
    vehicleOptions: computed(() => (vehiclesQuery.data.value ?? []).filter((v) => v.active || v.id === draft.vehicleId).map((v) => ({ value: v.id, label: `${v.plate} · ${labels.kindLabel(v.kind)}` }))),
    stops: reactive({ move, remove, add, adding, options: stopOptions, loading: computed(() => stopsQuery.isFetching.value) }),
    times: reactive({ estimate, canEstimate, speed, outOfOrder: timesOutOfOrder }),
    saving: reactive({
      run: () => {
        if (!save.isPending.value && !problem.value) save.mutate();
      },
      busy: save.isPending,
      problem,
      error: computed(() => (save.error.value ? errorMessage(save.error.value) : null)),
    }),
  };
}
