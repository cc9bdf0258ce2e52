import { useMutation, useQuery } from '@tanstack/vue-query';
import { shanghaiToday } from '@/utils/shanghai-time';
import type { FormInstance, FormItemRule, FormRules } from 'element-plus';
import { storeToRefs } from 'pinia';
import { computed, reactive, ref, watch } from 'vue';
import { useI18n } from 'vue-i18n';
import { errorMessage } from '@/api/errors';
import { trpc, type RouterInputs } from '@/api/trpc';
import { useAuthStore } from '@/stores/use-auth-store';
import { useTownNames } from '@/views/auth/use-towns';
import { STATION_SERVICES, STATION_STATUSES, STATION_TIERS, useStationLabels, type Station, type StationService, type StationStatus, type StationTier } from './station-labels';

type CreateInput = RouterInputs['stations']['create'];

interface StationForm {
  code: string;
  name: string;
  tier: StationTier | '';
  /** The town of a town station or village point. */
  townCode: string;
  /** The village of a village point. */
  villageCode: string;
  parentId: number | null;
  address: string;
  lat: string;
  lng: string;
  phone: string;
  openedOn: string;
  services: StationService[];
  status: StationStatus;
  statusSince: string;
  duplicateOverrideReason: string;
}

const CODE = /^[A-Za-z0-9_-]{2,32}$/;
const NUMBER = /^-?\d{1,3}(\.\d+)?$/;
/** The most stations of one tier a picker lists (a town has a few dozen villages at most). */
const PICKER_PAGE = 200;

/**
 * Create or edit a station. Where it sits is picked as the hierarchy asks — a town station in a
 * town under the county centre, a village point in a village under its town's station — and the
 * parent is suggested from that; whether the whole is valid stays the server's call.
 */
export function useStationForm(stationId: () => number | null, done: { saved: (station: Station, created: boolean) => void }) {
  const { t } = useI18n();
  const { role } = storeToRefs(useAuthStore());
  const { county, names: townNames } = useTownNames();
  const { tierLabel, statusLabel, serviceLabel } = useStationLabels();
  const editing = computed(() => stationId() !== null);
  const isAdmin = computed(() => role.value === 'admin');

  const form = reactive<StationForm>({
    code: '',
    name: '',
    tier: '',
    townCode: '',
    villageCode: '',
    parentId: null,
    address: '',
    lat: '',
    lng: '',
    phone: '',
    openedOn: '',
    services: [],
    status: 'planned',
    statusSince: shanghaiToday(),
    duplicateOverrideReason: '',
  });
  const version = ref(0);

  const loaded = useQuery({
    queryKey: computed(() => ['stations.get', stationId()]),
    queryFn: () => trpc.stations.get.query({ id: stationId()! }),
    enabled: editing,
    staleTime: 0,
  });
  /** While a loaded station fills the form, the pickers must not clear what it sets. */
  let filling = false;
  watch(
    () => loaded.data.value?.station,
    (station) => {
      if (!station) return;
      filling = true;
      Object.assign(form, {
        code: station.code,
        name: station.name,
        tier: station.tier,
        townCode: station.tier === 'county_center' ? '' : (station.townCode ?? ''),
        villageCode: station.tier === 'village_point' ? station.regionCode : '',
        parentId: station.parentId,
        address: station.address ?? '',
        lat: station.lat === null ? '' : String(station.lat),
        lng: station.lng === null ? '' : String(station.lng),
        phone: station.phone ?? '',
        openedOn: station.openedOn ?? '',
        services: [...station.services],
        duplicateOverrideReason: station.duplicateOverrideReason ?? '',
      });
      version.value = station.version;
      setTimeout(() => (filling = false));
    },
    { immediate: true },
  );

  // ---- where it sits ------------------------------------------------------------------------------
  const townOptions = computed(() => [...townNames.value].map(([code, name]) => ({ value: code, label: name })));

  const villages = useQuery({
    queryKey: computed(() => ['regions.tree.children', form.townCode]),
    queryFn: () => trpc.regions.tree.children.query({ parentCode: form.townCode }),
    enabled: computed(() => form.tier === 'village_point' && form.townCode !== ''),
    staleTime: 5 * 60_000,
  });
  const villageOptions = computed(() => (villages.data.value ?? []).map((v) => ({ value: v.code, label: `${v.name} (${v.code})` })));

  /** The tier a parent must have, and the stations of that tier where this one sits. */
  const parentTier = computed<StationTier | null>(() =>
    form.tier === 'town_station' ? 'county_center' : form.tier === 'village_point' ? 'town_station' : null,
  );
  const parents = useQuery({
    queryKey: computed(() => ['stations.list', 'parent-picker', parentTier.value, form.townCode]),
    queryFn: () =>
      trpc.stations.list.query({
        page: 1,
        pageSize: PICKER_PAGE,
        filter: { tier: parentTier.value!, townCode: parentTier.value === 'town_station' ? form.townCode : undefined },
      }),
    enabled: computed(() => parentTier.value !== null && (parentTier.value === 'county_center' || form.townCode !== '')),
    staleTime: 60_000,
  });
  const parentOptions = computed(() =>
    parentTier.value === null ? [] : (parents.data.value?.items ?? []).map((p) => ({ value: p.id, label: `${p.name} (${p.code})` })),
  );

  // A new place clears what no longer fits it; a single possible parent is chosen for the user.
  watch(
    () => [form.tier, form.townCode] as const,
    () => {
      if (filling) return;
      form.villageCode = '';
      form.parentId = null;
    },
  );
  watch(parentOptions, (options) => {
    if (filling) return;
    if (form.parentId !== null && !options.some((o) => o.value === form.parentId)) form.parentId = null;
    if (form.parentId === null && options.length === 1) form.parentId = options[0].value;
  });

  const regionCode = computed(() => {
    if (form.tier === 'county_center') return county.value?.code ?? '';
    if (form.tier === 'town_station') return form.townCode;
    if (form.tier === 'village_point') return form.villageCode;
    return '';
  });

  // ---- rules --------------------------------------------------------------------------------------
  const check =
    (test: (value: string) => boolean, messageKey: string): FormItemRule['validator'] =>
    (_rule, value: string, callback) =>
      callback(!value || test(value) ? undefined : new Error(t(messageKey)));

  const rules = computed<FormRules<StationForm>>(() => ({
    code: [
      { required: true, whitespace: true, message: t('stations.form.codeRequired'), trigger: 'blur' },
      { validator: check((v) => CODE.test(v.trim()), 'stations.form.codeInvalid'), trigger: 'blur' },
    ],
    name: [{ required: true, whitespace: true, message: t('stations.form.nameRequired'), trigger: 'blur' }],
    tier: [{ required: true, message: t('stations.form.tierRequired'), trigger: 'change' }],
    // Town, village and parent are asked only where the tier has them (their fields are not shown otherwise).
    townCode: [{ required: true, message: t('stations.form.townRequired'), trigger: 'change' }],
    villageCode: [{ required: true, message: t('stations.form.villageRequired'), trigger: 'change' }],
    parentId: [{ required: true, type: 'number', message: t('stations.form.parentRequired'), trigger: 'change' }],
    lat: [{ validator: check((v) => NUMBER.test(v.trim()), 'stations.form.coordinateInvalid'), trigger: 'blur' }],
    lng: [{ validator: check((v) => NUMBER.test(v.trim()), 'stations.form.coordinateInvalid'), trigger: 'blur' }],
  }));

  // ---- saving -------------------------------------------------------------------------------------
  const orNull = (text: string) => (text.trim() === '' ? null : text.trim());
  const coordinate = (text: string) => (text.trim() === '' ? null : Number(text.trim()));

  function fields(): Omit<CreateInput, 'status' | 'statusSince'> {
    return {
      code: form.code.trim(),
      name: form.name.trim(),
      tier: form.tier as StationTier,
      regionCode: regionCode.value,
      parentId: parentTier.value === null ? null : form.parentId,
      address: orNull(form.address),
      lat: coordinate(form.lat),
      lng: coordinate(form.lng),
      phone: orNull(form.phone),
      openedOn: orNull(form.openedOn),
      services: form.services,
      duplicateOverrideReason: isAdmin.value ? orNull(form.duplicateOverrideReason) : null,
    };
  }

  const save = useMutation({
    mutationFn: async () => {
      const id = stationId();
      if (id !== null) return { station: await trpc.stations.update.mutate({ ...fields(), id, version: version.value }), created: false };
      return { station: await trpc.stations.create.mutate({ ...fields(), status: form.status, statusSince: form.statusSince || undefined }), created: true };
    },
    onSuccess: (result) => done.saved(result.station, result.created),
  });

  /** Called by form-dialog once the rules pass. */
  function submit(): void {
    if (!save.isPending.value) save.mutate();
  }

  const error = computed(() => {
    const failed = save.error.value ?? loaded.error.value;
    return failed ? errorMessage(failed) : null;
  });

  return {
    t,
    editing,
    isAdmin,
    loading: computed(() => editing.value && loaded.isPending.value),
    form,
    rules,
    tierOptions: computed(() => STATION_TIERS.map((tier) => ({ value: tier, label: tierLabel(tier) }))),
    statusOptions: computed(() => STATION_STATUSES.map((status) => ({ value: status, label: statusLabel(status) }))),
    serviceOptions: computed(() => STATION_SERVICES.map((service) => ({ value: service, label: serviceLabel(service) }))),
    townOptions,
    villageOptions,
    villagesLoading: computed(() => villages.isFetching.value),
    parentTier,
    parentOptions,
    parentsLoading: computed(() => parents.isFetching.value),
    countyName: computed(() => county.value?.name ?? ''),
    submit,
    saving: save.isPending,
    error,
  };
}
