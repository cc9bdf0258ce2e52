import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/vue-query';
import { computed, reactive, ref, watch } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import { errorMessage } from '@/api/errors';
import { trpc, type RouterInputs, type RouterOutputs } from '@/api/trpc';
import type { ExportColumn } from '@/components/export-button/use-export';
import { useListModel } from '@/composables/use-server-list';
import { isTransientFailure } from '@/outbox/outbox';
import { useOutboxStore } from '@/stores/use-outbox-store';
import { newClientKey } from '@/utils/client-key';
import { addDays, formatShanghai, shanghaiToday } from '@/utils/shanghai-time';
import { toast } from '@/utils/toast';
import { byRouteName, courierKeys, useCourierLabels } from './courier-setup';
import { carrierIdsOf, formFromDay, formFromPayload, MISSED_REASONS, runTotals, toRunPayload, type RunDay, type RunErrors, type RunForm, type RunPayload, type StopForm } from './run-fields';
import { RUN_KIND, runKeys, runSlot } from './run-sender';

export type MonthRun = RouterOutputs['courier']['runs']['list'][number];
type RunsExportKey = RouterInputs['courier']['runs']['export']['columns'][number]['key'];

const idParam = (value: unknown): number | null => {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : null;
};
const dayParam = (value: unknown, today: string): string =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && value <= today ? value : today;
/** "HH:MM" now, in Beijing time whatever the phone's zone. */
const nowTime = () => formatShanghai(new Date().toISOString()).slice(11, 16);

const blankForm = (): RunForm => ({ departedAt: '', returnedAt: '', km: '', cost: '', subsidy: '', note: '', stops: [] });

/**
 * 出车记录 on a phone: hub (when the user sees more than one) → route → day (today unless chosen);
 * the route's stops that day, in order, each a card with the parcels delivered and collected per
 * carrier of the hub, or missed with a reason; then the run's times, km, cost and subsidy. A save
 * without a signal — or whose answer is lost — waits in the outbox with the key it was first tried
 * with and is sent when the network is back; a saved run opens again to be corrected. Below, the
 * month's runs of the hub, with their Excel export.
 */
export function useRunEntry() {
  const labels = useCourierLabels();
  const { t } = labels;
  const route = useRoute();
  const router = useRouter();
  const queryClient = useQueryClient();
  const outbox = useOutboxStore();
  const today = shanghaiToday();

  // ---- where: hub, route and day, kept in the address so a reload (even without a signal) comes back
  const hubs = useQuery({ queryKey: courierKeys.hubs, queryFn: () => trpc.courier.hubs.list.query() });
  const hubOptions = computed(() => (hubs.data.value ?? []).map((h) => ({ value: h.id, label: h.name, active: h.active })));
  const hubId = ref<number | null>(idParam(route.query.hub));
  watch(
    hubOptions,
    (options) => {
      if (options.length && !options.some((o) => o.value === hubId.value)) hubId.value = (options.find((o) => o.active) ?? options[0])!.value;
    },
    { immediate: true },
  );

  const routes = useQuery({
    queryKey: computed(() => courierKeys.routes(hubId.value)),
    queryFn: () => trpc.courier.routes.list.query(hubId.value ? { hubId: hubId.value } : {}),
    enabled: computed(() => hubId.value !== null),
  });
  const routeOptions = computed(() =>
    [...(routes.data.value ?? [])]
      .filter((r) => r.hubId === hubId.value)
      .sort(byRouteName)
      .map((r) => ({ value: r.id, label: r.active ? r.name : t('courierRuns.runLog.routeInactive', { name: r.name }), name: r.name, active: r.active })),
  );
  const routeId = ref<number | null>(idParam(route.query.route));
  watch(
    routeOptions,
    (options) => {
      if (options.length && !options.some((o) => o.value === routeId.value)) routeId.value = (options.find((o) => o.active) ?? options[0])!.value;
    },
    { immediate: true },
  );
  const routeName = computed(() => routeOptions.value.find((o) => o.value === routeId.value)?.name ?? '');

  const day = ref(dayParam(route.query.day, today));
  const disabledDate = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}` > today;
  const shiftDay = (n: number) => {
    const next = addDays(day.value, n);
    if (next <= today) day.value = next;
  };

  watch([hubId, routeId, day], ([hub, r, d]) => {
    void router.replace({ query: { ...route.query, hub: hub ?? undefined, route: r ?? undefined, day: d === today ? undefined : d } });
  });
  const chooseHub = (id: number) => {
    hubId.value = id;
    routeId.value = null;
  };

  // ---- the day: the route's stops then, the hub's carriers then, and the run if one was entered
  const dayKey = computed(() => runKeys.day(routeId.value, day.value));
  const dayQuery = useQuery({
    queryKey: dayKey,
    queryFn: () => trpc.courier.runs.day.query({ routeId: routeId.value!, day: day.value }),
    enabled: computed(() => routeId.value !== null),
    staleTime: 0,
    retry: false,
  });
  const carriers = useQuery({ queryKey: courierKeys.carriers, queryFn: () => trpc.courier.carriers.list.query(), staleTime: 60_000 });

  const form = reactive<RunForm>(blankForm());
  const errors = reactive<RunErrors>({});
  const saveError = ref<string | null>(null);
  const saving = ref(false);

  const waiting = computed(() => (routeId.value === null ? null : outbox.inSlot(runSlot(routeId.value, day.value))));
  /** What waits in the outbox for the run log, on this page. */
  const queued = computed(() => outbox.entries.filter((e) => e.kind === RUN_KIND));

  const clearErrors = () => {
    for (const key of Object.keys(errors) as (keyof RunErrors)[]) delete errors[key];
    saveError.value = null;
  };
  /** Fill the form: a save still waiting to be sent first (it is the newest), else the stored run, else a blank one. */
  function fill(data: RunDay | undefined): void {
    clearErrors();
    const pending = waiting.value;
    Object.assign(form, !data ? blankForm() : pending ? formFromPayload(data, pending.payload as RunPayload) : formFromDay(data));
  }
  // a new route or day: what is cached for it (or nothing) until its answer comes
  watch(dayKey, (key) => fill(queryClient.getQueryData<RunDay>([...key])));
  watch(
    () => dayQuery.data.value,
    (data) => fill(data),
    { immediate: true },
  );

  /** The carriers of the day's cards: the hub's that day, then any a stored or waiting run still names. */
  const carrierColumns = computed(() => {
    const data = dayQuery.data.value;
    if (!data) return [];
    const atHub = new Map(data.carriers.map((c) => [c.id, c.name]));
    const names = new Map((carriers.data.value ?? []).map((c) => [c.id, c.name]));
    const pending = waiting.value?.payload as RunPayload | undefined;
    return carrierIdsOf(data, pending).map((id) => ({ id, name: atHub.get(id) ?? names.get(id) ?? `#${id}`, atHub: atHub.has(id) }));
  });

  const noVersion = computed(() => dayQuery.data.value?.version === null);
  const notScheduled = computed(() => !!dayQuery.data.value && dayQuery.data.value.version !== null && !dayQuery.data.value.runsToday);
  const dayError = computed(() => (dayQuery.error.value ? errorMessage(dayQuery.error.value) : null));
  const totals = computed(() => runTotals(form));

  function setMissed(stop: StopForm, missed: boolean): void {
    stop.missed = missed;
    if (!missed) stop.missedReason = null;
    delete errors[`stop.${stop.stationId}`];
  }
  const arrivedNow = (stop: StopForm) => {
    stop.arrivedAt = nowTime();
    delete errors[`stop.${stop.stationId}`];
  };

  async function queue(payload: RunPayload, key?: string, behind = false): Promise<void> {
    const label = `${payload.runDate} · ${routeName.value}`;
    await outbox.queue(RUN_KIND, payload, { slot: runSlot(payload.routeId, payload.runDate), label, key });
    toast('warning', t(behind ? 'courierRuns.outbox.queuedBehind' : 'courierRuns.outbox.queued'));
  }

  async function save(): Promise<void> {
    if (saving.value || routeId.value === null || !dayQuery.data.value || noVersion.value) return;
    clearErrors();
    const result = toRunPayload(form, { routeId: routeId.value, runDate: day.value });
    if (result.errors) {
      Object.assign(errors, result.errors);
      toast('warning', t('courierRuns.validation.fix'));
      return;
    }
    const payload = result.payload;
    const pending = waiting.value;
    // a save of this run the server refused is replaced by this one
    if (pending && pending.state !== 'waiting') await outbox.discard(pending.seq);
    if (!navigator.onLine) return queue(payload);
    // an earlier save of this run still on its way: this one goes behind it, never past it (the outbox
    // sends in order, so the newest save is the one the server keeps)
    if (pending?.state === 'waiting') return queue(payload, undefined, true);
    saving.value = true;
    // the key goes with the first try too: if its answer is lost, the outbox's resend is not a second write
    const clientKey = newClientKey();
    try {
      // `replay: true` means the server had this very save already: saved all the same
      await trpc.courier.runs.save.mutate({ ...payload, clientKey });
      toast('success', t('courierRuns.runLog.saved', { route: routeName.value, day: payload.runDate }));
      void queryClient.invalidateQueries({ queryKey: runKeys.all });
    } catch (error) {
      if (isTransientFailure(error)) await queue(payload, clientKey);
      else saveError.value = errorMessage(error);
    } finally {
      saving.value = false;
    }
  }

  // ---- the month of the day shown: the hub's runs, each opened in the form to correct it
  const month = computed(() => day.value.slice(0, 7));
  const monthRuns = useQuery({
    queryKey: computed(() => runKeys.month(hubId.value, month.value)),
    queryFn: () => trpc.courier.runs.list.query({ month: month.value, hubId: hubId.value ?? undefined }),
    enabled: computed(() => hubId.value !== null),
    placeholderData: keepPreviousData,
  });
  const exportColumns = computed<ExportColumn[]>(() => {
    const col = (key: RunsExportKey, header: string) => ({ key, header });
    const c = (key: string) => t(`courierRuns.runs.columns.${key}`);
    return [
      col('runDate', c('runDate')),
      col('hubName', c('hubName')),
      col('routeName', c('routeName')),
      col('routeVersion', c('routeVersion')),
      col('plate', c('plate')),
      col('stops', c('stops')),
      col('missed', c('missed')),
      col('delivered', c('delivered')),
      col('collected', c('collected')),
      col('km', c('km')),
      col('costYuan', c('costYuan')),
      col('subsidyYuan', c('subsidyYuan')),
    ];
  });
  const runs = useListModel({
    items: () => monthRuns.data.value ?? [],
    loading: () => monthRuns.isFetching.value,
    error: () => monthRuns.error.value,
    reload: () => monthRuns.refetch(),
    export: {
      columns: () => exportColumns.value,
      run: (columns) =>
        trpc.courier.runs.export.mutate({
          list: { month: month.value, hubId: hubId.value ?? undefined },
          columns: columns as RouterInputs['courier']['runs']['export']['columns'],
          sheetName: t('courierRuns.runs.sheetName', { month: month.value }),
        }),
    },
  });
  /** A run of the list back in the form (same route and day), to be corrected. */
  function openRun(run: MonthRun): void {
    const target = routeOptions.value.find((o) => o.name === run.routeName);
    if (!target) return;
    routeId.value = target.value;
    day.value = run.runDate;
    window.scrollTo({ top: 0, behavior: 'smooth' });
  }

  return {
    ...labels,
    where: {
      hubOptions,
      hubId,
      chooseHub,
      routeOptions,
      routeId,
      routeName,
      day,
      today,
      disabledDate,
      shiftDay,
      loadingRoutes: computed(() => hubs.isFetching.value || routes.isFetching.value),
      whereError: computed(() => (hubs.error.value ? errorMessage(hubs.error.value) : routes.error.value ? errorMessage(routes.error.value) : null)),
      /** The user sees no hub: an operator whose station has none. */
      noHub: computed(() => !!hubs.data.value && hubs.data.value.length === 0),
    },
    entry: {
      form,
      errors,
      carrierColumns,
      reasons: MISSED_REASONS,
      loadingDay: computed(() => dayQuery.isFetching.value),
      loaded: computed(() => !!dayQuery.data.value),
      dayError,
      noVersion,
      notScheduled,
      editing: computed(() => !!dayQuery.data.value?.run),
      version: computed(() => dayQuery.data.value?.version ?? null),
      totals,
      setMissed,
      arrivedNow,
      saving,
      saveError,
      save,
    },
    outbox: { queued, waiting, discard: (seq: number) => outbox.discard(seq) },
    runs,
    month,
    openRun,
  };
}
