import { useMutation, useQuery, useQueryClient } from '@tanstack/vue-query';
import { ElMessageBox, type UploadFile } from 'element-plus';
import { computed, reactive, ref, watch } from 'vue';
import { useI18n } from 'vue-i18n';
import { useRoute, useRouter } from 'vue-router';
import { errorMessage } from '@/api/errors';
import { trpc, type RouterOutputs } from '@/api/trpc';
import { readBase64 } from '@/utils/file-base64';
import { addDays, shanghaiToday } from '@/utils/shanghai-time';
import { toast } from '@/utils/toast';
import { COURIER_KEY, courierKeys } from './courier-setup';

export type Plan = RouterOutputs['planner']['plans']['get'];
export type PlanRoute = NonNullable<Plan['proposal']>['routes'][number];

/** How often a running plan is asked for its progress: the job writes it about twice a second. */
const POLL_MS = 500;

/**
 * 线路规划: the bureau picks a hub, its village points (all on its routes by default) and vehicles,
 * runs the planner, follows its progress, compares the proposal with today's routes, pins a village
 * to a vehicle and runs again, and accepts — which writes the routes from the day named and opens them.
 */
export function usePlanner() {
  const { t } = useI18n();
  const route = useRoute();
  const router = useRouter();
  const queryClient = useQueryClient();

  const hubs = useQuery({ queryKey: courierKeys.hubs, queryFn: () => trpc.courier.hubs.list.query() });
  const hubOptions = computed(() => (hubs.data.value ?? []).filter((h) => h.active).map((h) => ({ value: h.id, label: h.name })));
  const hubId = ref<number | null>(route.query.hub ? Number(route.query.hub) : null);
  watch(hubOptions, (options) => {
    if (hubId.value === null && options.length > 0) hubId.value = options[0]!.value;
  }, { immediate: true });

  const stops = useQuery({
    queryKey: computed(() => courierKeys.stops(hubId.value ?? 0)),
    queryFn: () => trpc.courier.hubs.stops.query({ hubId: hubId.value! }),
    enabled: computed(() => hubId.value !== null),
  });
  const vehicles = useQuery({
    queryKey: computed(() => courierKeys.vehicles(hubId.value ?? 0)),
    queryFn: () => trpc.courier.vehicles.list.query({ hubId: hubId.value! }),
    enabled: computed(() => hubId.value !== null),
  });
  const routes = useQuery({
    queryKey: computed(() => courierKeys.routes(hubId.value)),
    queryFn: () => trpc.courier.routes.list.query({ hubId: hubId.value! }),
    enabled: computed(() => hubId.value !== null),
  });
  const stopOptions = computed(() => (stops.data.value ?? []).map((s) => ({ value: s.id, label: `${s.villageName} · ${s.name}`, town: s.townName })));
  const vehicleOptions = computed(() => (vehicles.data.value ?? []).filter((v) => v.active).map((v) => ({ value: v.id, label: `${v.plate}（${v.capacityParcels}）` })));
  const stopLabel = (id: number) => stopOptions.value.find((s) => s.value === id)?.label ?? String(id);
  const plateOf = (id: number) => (vehicles.data.value ?? []).find((v) => v.id === id)?.plate ?? String(id);

  /** Empty village or vehicle choices mean "all": the server's defaults (the hub's routes' villages, its vehicles in use). */
  const form = reactive({
    stationIds: [] as number[],
    vehicleIds: [] as number[],
    shiftMinutes: 480,
    tripsPerVehicle: 1,
    serviceMinutes: 5,
    roadFactor: 1.3,
    timeLimitSeconds: 10,
    pins: [] as { stationId: number; vehicleId: number }[],
    sequences: [] as { stationIds: number[]; vehicleId: number }[],
  });
  /** A pin or a pinned sequence wins over what it contradicts: a sequence on another vehicle loses the village. */
  const dropFromSequences = (stationIds: number[], vehicleId: number) =>
    (form.sequences = form.sequences
      .map((q) => (q.vehicleId === vehicleId ? q : { ...q, stationIds: q.stationIds.filter((id) => !stationIds.includes(id)) }))
      .filter((q) => q.stationIds.length >= 2));
  const pin = reactive({ stationId: null as number | null, vehicleId: null as number | null });
  const addPin = () => {
    if (pin.stationId === null || pin.vehicleId === null) return;
    form.pins = [...form.pins.filter((p) => p.stationId !== pin.stationId), { stationId: pin.stationId, vehicleId: pin.vehicleId }];
    dropFromSequences([pin.stationId], pin.vehicleId);
    pin.stationId = null;
  };
  const removePin = (stationId: number) => (form.pins = form.pins.filter((p) => p.stationId !== stationId));

  /** The hub's trips a vehicle today (routes running ÷ vehicles in use, 1–4): the plan starts from how the hub works now. */
  const tripsToday = computed(() => {
    const running = (routes.data.value ?? []).filter((r) => r.active && r.days.length > 0).length;
    const inUse = vehicleOptions.value.length;
    return inUse === 0 || running === 0 ? 1 : Math.min(4, Math.max(1, Math.ceil(running / inUse)));
  });
  watch(tripsToday, (trips) => (form.tripsPerVehicle = trips), { immediate: true });

  /** The hub's measured distance table, read in the browser and sent with the plan (planner.matrix.ts on the server). */
  const matrix = ref<{ fileName: string; fileBase64: string } | null>(null);
  const pickMatrix = async (file: UploadFile) => {
    if (!file.raw) return;
    try {
      matrix.value = { fileName: file.name, fileBase64: await readBase64(file.raw) };
    } catch (error) {
      toast('error', errorMessage(error));
    }
  };

  const planId = ref<number | null>(null);
  watch(hubId, (hub) => {
    matrix.value = null;
    Object.assign(form, { stationIds: [], vehicleIds: [], pins: [], sequences: [], tripsPerVehicle: tripsToday.value });
    planId.value = null;
    void router.replace({ query: { ...route.query, hub: hub ?? undefined } });
  });

  const plan = useQuery({
    queryKey: computed(() => ['planner', 'plans.get', planId.value]),
    queryFn: () => trpc.planner.plans.get.query({ id: planId.value! }),
    enabled: computed(() => planId.value !== null),
    refetchInterval: (query) => (query.state.data?.status === 'running' ? POLL_MS : false),
  });
  const running = computed(() => plan.data.value?.status === 'running');

  const start = useMutation({
    mutationFn: () =>
      trpc.planner.plans.start.mutate({
        hubId: hubId.value!,
        stationIds: form.stationIds.length ? form.stationIds : undefined,
        vehicleIds: form.vehicleIds.length ? form.vehicleIds : undefined,
        shiftMinutes: form.shiftMinutes,
        tripsPerVehicle: form.tripsPerVehicle,
        serviceMinutes: form.serviceMinutes,
        roadFactor: form.roadFactor,
        timeLimitSeconds: form.timeLimitSeconds,
        pins: form.pins,
        sequences: form.sequences,
        matrix: matrix.value ?? undefined,
      }),
    onSuccess: ({ id }) => (planId.value = id),
    onError: (error) => toast('error', errorMessage(error)),
  });
  const cancel = useMutation({
    mutationFn: () => trpc.planner.plans.cancel.mutate({ id: planId.value! }),
    onError: (error) => toast('error', errorMessage(error)),
  });

  const effectiveFrom = computed(() => addDays(shanghaiToday(), 1));
  const accept = useMutation({
    mutationFn: () => trpc.planner.plans.accept.mutate({ id: planId.value!, effectiveFrom: effectiveFrom.value, leaveUnassigned: true }),
    onSuccess: () => {
      toast('success', t('planner.accepted', { day: effectiveFrom.value }));
      void queryClient.invalidateQueries({ queryKey: [COURIER_KEY] });
      void router.push({ name: 'courier-routes', query: { hub: hubId.value ?? undefined } });
    },
    onError: (error) => toast('error', errorMessage(error)),
  });
  const confirmAccept = async () => {
    try {
      // villages the proposal leaves off every route lose their service: the confirmation says how many
      const left = plan.data.value?.proposal?.unassigned.length ?? 0;
      const message = t('planner.acceptConfirm', { day: effectiveFrom.value }) + (left > 0 ? ` ${t('planner.acceptUnassigned', { count: left })}` : '');
      await ElMessageBox.confirm(message, t('planner.accept'), { type: 'warning', confirmButtonText: t('planner.accept'), cancelButtonText: t('planner.cancelButton') });
    } catch {
      return;
    }
    accept.mutate();
  };

  /** Pins the proposal's own choice for a stop, so the next run keeps it there (and the rest may move). */
  const pinAsProposed = (stationId: number, vehicleId: number) => {
    form.pins = [...form.pins.filter((p) => p.stationId !== stationId), { stationId, vehicleId }];
    dropFromSequences([stationId], vehicleId);
  };
  /** Pins a proposed route whole: its villages stay on its vehicle in this order (others may join between). */
  const pinRoute = (stationIds: number[], vehicleId: number) => {
    form.sequences = [...form.sequences.filter((q) => !q.stationIds.some((id) => stationIds.includes(id))), { stationIds: [...stationIds], vehicleId }];
    form.pins = form.pins.filter((p) => !stationIds.includes(p.stationId) || p.vehicleId === vehicleId);
  };
  const removeSequence = (index: number) => (form.sequences = form.sequences.filter((_q, i) => i !== index));

  return {
    t,
    hubs: reactive({ options: hubOptions, id: hubId, loading: computed(() => hubs.isLoading.value) }),
    choices: reactive({ stops: stopOptions, vehicles: vehicleOptions, stopLabel, plateOf }),
    form,
    matrix: reactive({ file: matrix, pick: pickMatrix, clear: () => (matrix.value = null) }),
    pin: reactive({ form: pin, add: addPin, remove: removePin, asProposed: pinAsProposed, route: pinRoute, removeSequence }),
    run: reactive({
      start: () => start.mutate(),
      starting: computed(() => start.isPending.value),
      cancel: () => cancel.mutate(),
      running,
      plan: computed(() => plan.data.value ?? null),
      error: computed(() => (plan.error.value ? errorMessage(plan.error.value) : null)),
    }),
    acceptance: reactive({ confirm: confirmAccept, pending: computed(() => accept.isPending.value), effectiveFrom }),
  };
}
