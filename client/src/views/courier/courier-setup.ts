import { storeToRefs } from 'pinia';
import { computed } from 'vue';
import { useI18n } from 'vue-i18n';
import type { RouterOutputs } from '@/api/trpc';
import { useEnumLabel } from '@/composables/use-enum-label';
import { useAuthStore } from '@/stores/use-auth-store';

export type Hub = RouterOutputs['courier']['hubs']['list'][number];
export type HubDetail = RouterOutputs['courier']['hubs']['get'];
export type HubCarrier = HubDetail['carriers'][number];
export type Carrier = RouterOutputs['courier']['carriers']['list'][number];
export type Vehicle = RouterOutputs['courier']['vehicles']['list'][number];
export type VehicleKind = Vehicle['kind'];
export type RouteRow = RouterOutputs['courier']['routes']['list'][number];
export type RouteDetail = RouterOutputs['courier']['routes']['get'];
export type RouteVersion = RouteDetail['versions'][number];
export type RouteStop = RouteVersion['stops'][number];
export type StopOption = RouterOutputs['courier']['hubs']['stops'][number];

// The server's codes, in the order the pickers show them (checked against the API's types).
export const VEHICLE_KINDS = ['van', 'truck', 'tricycle'] as const satisfies readonly VehicleKind[];
/** ISO weekdays, as the server stores a route's days: 1 = Monday … 7 = Sunday. */
export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

/**
 * Every courier query key starts so, and a write invalidates the lot. After the prefix, a key names
 * the procedure it caches (and its input), so another page calling the same procedure shares the
 * entry and none can mistake it for another shape; the hubs' list keeps the key the daily sheet's
 * import gives it, so a new hub shows there at once.
 */
export const COURIER_KEY = 'courier';
export const courierKeys = {
  hubs: [COURIER_KEY, 'hubs'] as const,
  hub: (id: number) => [COURIER_KEY, 'hubs.get', id] as const,
  carriers: [COURIER_KEY, 'carriers.list'] as const,
  vehicles: (hubId: number) => [COURIER_KEY, 'vehicles.list', hubId] as const,
  routes: (hubId: number | null) => [COURIER_KEY, 'routes.list', hubId] as const,
  route: (id: number) => [COURIER_KEY, 'routes.get', id] as const,
  stops: (hubId: number) => [COURIER_KEY, 'hubs.stops', hubId] as const,
};

/** Routes by hub, then by name as people count: 洪绪镇2号线 before 洪绪镇10号线. */
export const byRouteName = (a: Pick<RouteRow, 'hubId' | 'name'>, b: Pick<RouteRow, 'hubId' | 'name'>) =>
  a.hubId - b.hubId || a.name.localeCompare(b.name, 'zh-CN', { numeric: true });

/**
 * Who may change the set-up: the bureau (admin, staff). Hub staff — the operators of a hub's station —
 * read their hub's set-up and enter runs; the server refuses their writes as well.
 */
export function useCourierAccess() {
  const { role } = storeToRefs(useAuthStore());
  return { canEdit: computed(() => role.value === 'admin' || role.value === 'staff') };
}

/** Labels of vehicle kinds and weekdays, and the small words every courier set-up page uses. */
export function useCourierLabels() {
  const { t } = useI18n();
  const { label } = useEnumLabel();
  return {
    t,
    kindLabel: (kind: string) => label('courier.vehicleKinds', kind),
    kindOptions: () => VEHICLE_KINDS.map((value) => ({ value, label: label('courier.vehicleKinds', value) })),
    weekdayLabel: (day: number) => t(`courier.weekdays.${day}`),
    /** Cell labels for an export: weekdays by number, and in use / out of use. */
    weekdayLabels: () => Object.fromEntries(WEEKDAYS.map((day) => [String(day), t(`courier.weekdays.${day}`)])),
    activeLabels: () => ({ true: t('courier.active'), false: t('courier.inactive') }),
    /** "07:30" as sent; "—" for none. */
    timeText: (time: string | null | undefined) => time ?? '—',
  };
}
