import { useQuery, useQueryClient } from '@tanstack/vue-query';
import type { FormRules } from 'element-plus';
import { computed, reactive, ref } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import { errorMessage } from '@/api/errors';
import { isApiError, trpc, type RouterInputs } from '@/api/trpc';
import type { ExportColumn } from '@/components/export-button/use-export';
import { useFormDialog } from '@/components/form-dialog/use-form-dialog';
import { useListModel } from '@/composables/use-server-list';
import { shanghaiToday } from '@/utils/shanghai-time';
import { toast } from '@/utils/toast';
import { byRouteName, COURIER_KEY, courierKeys, useCourierAccess, useCourierLabels, type HubCarrier, type Vehicle } from './courier-setup';

type VehiclesExportKey = RouterInputs['courier']['vehicles']['export']['columns'][number]['key'];

/** Where a carrier's period at the hub stands today. */
export type CarrierState = 'current' | 'coming' | 'ended';

/**
 * One hub (共配中心): the carriers taking part, each from a day to a day; its vehicles with their
 * drivers and costs; its routes, each opening in the editor. The bureau sets everything up; hub staff read.
 */
export function useHub() {
  const labels = useCourierLabels();
  const { t } = labels;
  const route = useRoute();
  const router = useRouter();
  const queryClient = useQueryClient();
  const { canEdit } = useCourierAccess();
  const id = computed(() => Number(route.params.id));
  const refresh = () => queryClient.invalidateQueries({ queryKey: [COURIER_KEY] });

  const hubQuery = useQuery({ queryKey: computed(() => courierKeys.hub(id.value)), queryFn: () => trpc.courier.hubs.get.query({ id: id.value }) });
  const vehiclesQuery = useQuery({ queryKey: computed(() => courierKeys.vehicles(id.value)), queryFn: () => trpc.courier.vehicles.list.query({ hubId: id.value }) });
  const routesQuery = useQuery({ queryKey: computed(() => courierKeys.routes(id.value)), queryFn: () => trpc.courier.routes.list.query({ hubId: id.value }) });
  const hub = computed(() => hubQuery.data.value ?? null);
  const today = shanghaiToday();

  // ---- the hub itself: renamed, or taken out of use
  const hubDialog = ref(false);
  const hubForm = useFormDialog({
    form: { name: '', active: true },
    save: (f) => trpc.courier.hubs.update.mutate({ id: id.value, name: f.name.trim(), active: f.active, version: hub.value!.version }),
    saved: () => {
      hubDialog.value = false;
      toast('success', t('courier.hub.saved'));
      void refresh();
    },
    // someone else changed it meanwhile: reload, so the next try carries the current version
    failed: (error) => {
      if (isApiError(error) && error.data?.code === 'CONFLICT') void hubQuery.refetch();
    },
  });
  const openHubDialog = () => {
    Object.assign(hubForm.form, { name: hub.value?.name ?? '', active: hub.value?.active ?? true });
    hubForm.reset();
    hubDialog.value = true;
  };

  // ---- carriers: a period from a day (open-ended), or an open period given its last day
  const carrierState = (c: HubCarrier): CarrierState => (c.fromDate > today ? 'coming' : c.toDate !== null && c.toDate < today ? 'ended' : 'current');
  const carriers = computed(() => (hub.value?.carriers ?? []).map((c) => ({ ...c, state: carrierState(c) })));
  const allCarriers = useQuery({ queryKey: courierKeys.carriers, queryFn: () => trpc.courier.carriers.list.query(), enabled: canEdit });
  const carrierDialog = ref(false);
  /** The period being ended, or null for a carrier joining. */
  const ending = ref<HubCarrier | null>(null);
  const carrierForm = useFormDialog({
    form: { carrierId: null as number | null, fromDate: today, toDate: null as string | null },
    save: (f) => trpc.courier.hubs.setCarrier.mutate({ hubId: id.value, carrierId: f.carrierId!, fromDate: f.fromDate, toDate: f.toDate || null }),
    saved: () => {
      carrierDialog.value = false;
      toast('success', t('courier.hub.carrierSaved'));
      void refresh();
    },
  });
  const carrierRules = computed<FormRules>(() => ({
    carrierId: [{ required: true, type: 'number', message: t('courier.hub.carrierRequired'), trigger: 'change' }],
    fromDate: [{ required: true, message: t('courier.hub.fromRequired'), trigger: 'change' }],
    toDate: ending.value ? [{ required: true, message: t('courier.hub.toRequired'), trigger: 'change' }] : [],
  }));
  const openCarrier = (period: HubCarrier | null) => {
    ending.value = period;
    Object.assign(carrierForm.form, period ? { carrierId: period.carrierId, fromDate: period.fromDate, toDate: period.fromDate > today ? period.fromDate : today } : { carrierId: null, fromDate: today, toDate: null });
    carrierForm.reset();
    carrierDialog.value = true;
  };
  const carrierOptions = computed(() => (allCarriers.data.value ?? []).filter((c) => c.active).map((c) => ({ value: c.id, label: c.name })));

  // ---- vehicles (the dialog is vehicle-form-dialog.vue, mounted while open)
  const vehicleDialog = reactive({ open: false, vehicle: null as Vehicle | null });
  const openVehicle = (vehicle: Vehicle | null) => Object.assign(vehicleDialog, { open: true, vehicle });

  // ---- a new route of this hub, then straight into its editor
  const routeDialog = ref(false);
  const routeForm = useFormDialog({
    form: { name: '' },
    save: (f) => trpc.courier.routes.create.mutate({ hubId: id.value, name: f.name.trim() }),
    saved: ({ id: routeId }) => {
      routeDialog.value = false;
      void refresh();
      void router.push({ name: 'courier-route', params: { id: routeId } });
    },
  });
  const openRoute = () => {
    routeForm.form.name = '';
    routeForm.reset();
    routeDialog.value = true;
  };

  /** The hub's and a new route's one field. */
  const nameRules = computed<FormRules>(() => ({ name: [{ required: true, whitespace: true, message: t('courier.nameRequired'), trigger: 'blur' }] }));

  return {
    ...labels,
    id,
    hub,
    hubQuery,
    loadError: computed(() => (hubQuery.error.value ? errorMessage(hubQuery.error.value) : null)),
    // the three lists of the page, each with its own loading, error and retry (cards on a phone)
    carrierList: useListModel({ items: () => carriers.value, loading: () => hubQuery.isFetching.value, error: () => null, reload: () => hubQuery.refetch() }),
    vehicleList: useListModel({ items: () => vehiclesQuery.data.value ?? [], loading: () => vehiclesQuery.isFetching.value, error: () => vehiclesQuery.error.value, reload: () => vehiclesQuery.refetch() }),
    // the vehicles' Excel export sits in their card's head, beside "new vehicle"
    vehicleExport: reactive({
      columns: computed<ExportColumn[]>(() => {
        const c = (key: VehiclesExportKey, label: string = key) => ({ key, header: t(`courier.vehicles.${label}`) });
        return [
          { key: 'hubName', header: t('courier.routes.hub') },
          c('plate'),
          { ...c('kind'), labels: Object.fromEntries(labels.kindOptions().map((o) => [o.value, o.label])) },
          c('capacityParcels'),
          c('capacityKg'),
          c('driverName'),
          c('driverMobile'),
          c('costPerKmYuan', 'costPerKm'),
          c('costPerDayYuan', 'costPerDay'),
          c('speedKmh', 'speed'),
          { ...c('active', 'state'), labels: labels.activeLabels() },
        ];
      }),
      run: (columns: ExportColumn[]) =>
        trpc.courier.vehicles.export.mutate({
          list: { hubId: id.value },
          columns: columns as RouterInputs['courier']['vehicles']['export']['columns'],
          sheetName: t('courier.vehicles.sheetName'),
        }),
    }),
    routeList: useListModel({ items: () => [...(routesQuery.data.value ?? [])].sort(byRouteName), loading: () => routesQuery.isFetching.value, error: () => routesQuery.error.value, reload: () => routesQuery.refetch() }),
    canEdit,
    hubEdit: reactive({ open: hubDialog, show: openHubDialog, rules: nameRules }),
    hubForm,
    carrierEdit: reactive({ open: carrierDialog, ending, rules: carrierRules, options: carrierOptions, show: openCarrier }),
    carrierForm,
    vehicleDialog,
    openVehicle,
    vehicleSaved: () => void refresh(),
    routeEdit: reactive({ open: routeDialog, show: openRoute, rules: nameRules }),
    routeForm,
    openEditor: (routeId: number) => router.push({ name: 'courier-route', params: { id: routeId } }),
  };
}
