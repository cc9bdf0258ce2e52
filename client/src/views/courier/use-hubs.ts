import { useQuery, useQueryClient } from '@tanstack/vue-query';
import type { FormRules } from 'element-plus';
import { computed, reactive, ref } from 'vue';
import { useRouter } from 'vue-router';
import { trpc, type RouterInputs } from '@/api/trpc';
import { useFormDialog } from '@/components/form-dialog/use-form-dialog';
import { useListModel } from '@/composables/use-server-list';
import { toast } from '@/utils/toast';
import { COURIER_KEY, courierKeys, useCourierAccess, useCourierLabels, type Hub } from './courier-setup';

type HubsExportKey = RouterInputs['courier']['hubs']['export']['columns'][number]['key'];

/** A county has one centre and a few dozen towns: one page of each holds them all. */
const ALL = 200;

/**
 * 共配中心: every hub the user may see (hub staff: their own) with its carriers today and its
 * vehicles and routes; the bureau opens a new one at the county centre or a town station.
 */
export function useHubs() {
  const labels = useCourierLabels();
  const { t } = labels;
  const router = useRouter();
  const queryClient = useQueryClient();
  const { canEdit } = useCourierAccess();

  const query = useQuery({ queryKey: courierKeys.hubs, queryFn: () => trpc.courier.hubs.list.query() });
  const list = useListModel({
    items: () => query.data.value ?? [],
    loading: () => query.isFetching.value,
    error: () => query.error.value,
    reload: () => query.refetch(),
    export: {
      columns: () => {
        const c = (key: HubsExportKey, label: string = key) => ({ key, header: t(`courier.hubs.columns.${label}`) });
        return [c('name'), c('stationName', 'station'), c('regionName', 'town'), c('carriers'), c('vehicles'), c('routes'), { ...c('active'), labels: labels.activeLabels() }];
      },
      run: (columns) =>
        trpc.courier.hubs.export.mutate({ list: {}, columns: columns as RouterInputs['courier']['hubs']['export']['columns'], sheetName: t('courier.hubs.sheetName') }),
    },
  });

  // ---- a new hub: a name and the station it sits at (the county centre or a town station; one hub each)
  const dialog = ref(false);
  const stations = useQuery({
    queryKey: ['stations.list', 'courier-hub-sites'],
    queryFn: async () => {
      const page = (tier: 'county_center' | 'town_station') =>
        trpc.stations.list.query({ page: 1, pageSize: ALL, sort: { key: 'code', order: 'asc' }, filter: { tier, status: 'active' } });
      const [centres, towns] = await Promise.all([page('county_center'), page('town_station')]);
      return [...centres.items, ...towns.items];
    },
    enabled: computed(() => dialog.value && canEdit.value),
    staleTime: 60_000,
  });
  const stationOptions = computed(() => {
    const taken = new Map((query.data.value ?? []).map((h) => [h.stationId, h.name]));
    return (stations.data.value ?? []).map((s) => ({
      value: s.id,
      label: s.tier === 'county_center' ? t('courier.hubs.countyCentre', { name: s.name }) : `${s.name}（${s.regionName}）`,
      // a station has one hub at most: the ones taken say by which
      taken: taken.get(s.id) ?? null,
    }));
  });
  const form = useFormDialog({
    form: { name: '', stationId: null as number | null },
    save: (f) => trpc.courier.hubs.create.mutate({ name: f.name.trim(), stationId: f.stationId! }),
    saved: ({ id }) => {
      dialog.value = false;
      toast('success', t('courier.hubs.created', { name: form.form.name.trim() }));
      void queryClient.invalidateQueries({ queryKey: [COURIER_KEY] });
      void router.push({ name: 'courier-hub', params: { id } });
    },
  });
  const rules = computed<FormRules>(() => ({
    name: [{ required: true, whitespace: true, message: t('courier.hubs.nameRequired'), trigger: 'blur' }],
    stationId: [{ required: true, type: 'number', message: t('courier.hubs.stationRequired'), trigger: 'change' }],
  }));
  const open = () => {
    Object.assign(form.form, { name: '', stationId: null });
    form.reset();
    dialog.value = true;
  };
  /** Picking a station names the hub after it, until the user names it otherwise. */
  const pickStation = (id: number) => {
    const station = stations.data.value?.find((s) => s.id === id);
    if (station && !form.form.name.trim()) form.form.name = t(station.tier === 'county_center' ? 'courier.hubs.defaultCentreName' : 'courier.hubs.defaultName', { place: station.regionName });
  };

  return {
    ...labels,
    list,
    canEdit,
    /** The new hub's dialog; its form (with the server's error) apart, as form-dialog takes it. */
    create: reactive({ dialog, rules, open, pickStation, stationOptions, stationsLoading: computed(() => stations.isFetching.value) }),
    hubForm: form,
    openHub: (hub: Pick<Hub, 'id'>) => router.push({ name: 'courier-hub', params: { id: hub.id } }),
  };
}
