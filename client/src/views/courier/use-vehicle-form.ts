import type { FormItemRule, FormRules } from 'element-plus';
import { computed } from 'vue';
import { isApiError, trpc } from '@/api/trpc';
import { useFormDialog } from '@/components/form-dialog/use-form-dialog';
import { fenToYuan, yuanToFen } from '@/utils/format';
import { useCourierLabels, type Vehicle, type VehicleKind } from './courier-setup';

/** What the server takes as a mobile: eleven digits starting 13–19. */
const MOBILE = /^1[3-9]\d{9}$/;
/** A plate as the server keeps it (5–12 characters, upper case): 鲁D12345, 鲁DA12345. */
const PLATE = /^.{5,12}$/;

/**
 * A hub's vehicle, new or edited: plate, kind, capacity in parcels and kilograms, the driver, the cost
 * per kilometre and per day (typed in yuan, sent in fen) and the speed the route editor plans with.
 * An edit carries the vehicle's version: a change made meanwhile elsewhere is refused, not overwritten.
 */
export function useVehicleForm(hubId: () => number, vehicle: () => Vehicle | null, on: { saved: () => void; stale: () => void }) {
  const { t, kindOptions } = useCourierLabels();
  const v = vehicle();
  const form = useFormDialog({
    form: {
      plate: v?.plate ?? '',
      kind: (v?.kind ?? 'van') as VehicleKind,
      capacityParcels: v?.capacityParcels ?? (null as number | null),
      capacityKg: v?.capacityKg ?? (null as number | null),
      driverName: v?.driverName ?? '',
      driverMobile: v?.driverMobile ?? '',
      costPerKm: v ? fenToYuan(v.costPerKmFen) : '',
      costPerDay: v ? fenToYuan(v.costPerDayFen) : '',
      speedKmh: v?.speedKmh ?? 40,
      active: v?.active ?? true,
    },
    save: (f) => {
      const fields = {
        hubId: hubId(),
        plate: f.plate.trim().toUpperCase(),
        kind: f.kind,
        capacityParcels: f.capacityParcels!,
        capacityKg: f.capacityKg,
        driverName: f.driverName.trim() || null,
        driverMobile: f.driverMobile.trim() || null,
        costPerKmFen: yuanToFen(f.costPerKm)!,
        costPerDayFen: yuanToFen(f.costPerDay)!,
        speedKmh: f.speedKmh,
      };
      const current = vehicle();
      return current
        ? trpc.courier.vehicles.update.mutate({ ...fields, id: current.id, active: f.active, version: current.version }).then(() => undefined)
        : trpc.courier.vehicles.create.mutate(fields).then(() => undefined);
    },
    saved: on.saved,
    failed: (error) => {
      // changed elsewhere meanwhile: the list behind the dialog is reloaded, so reopening edits the current one
      if (isApiError(error) && error.data?.code === 'CONFLICT') on.stale();
    },
  });

  const money: FormItemRule = { validator: (_r, value: string, callback) => (yuanToFen(value) === null ? callback(new Error(t('courier.vehicles.moneyInvalid'))) : callback()), trigger: 'blur' };
  const rules = computed<FormRules>(() => ({
    plate: [
      { required: true, whitespace: true, message: t('courier.vehicles.plateRequired'), trigger: 'blur' },
      { pattern: PLATE, message: t('courier.vehicles.plateInvalid'), trigger: 'blur' },
    ],
    capacityParcels: [{ required: true, type: 'number', message: t('courier.vehicles.capacityRequired'), trigger: 'blur' }],
    driverMobile: [{ pattern: MOBILE, message: t('courier.vehicles.mobileInvalid'), trigger: 'blur' }],
    costPerKm: [money],
    costPerDay: [money],
  }));

  return { t, form, rules, kindOptions: computed(() => kindOptions()), editing: v !== null };
}
