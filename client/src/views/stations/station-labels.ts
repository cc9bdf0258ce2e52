import type { RouterOutputs } from '@/api/trpc';
import { useEnumLabel } from '@/composables/use-enum-label';

export type Station = RouterOutputs['stations']['list']['items'][number];
export type StationTier = Station['tier'];
export type StationStatus = Station['status'];
export type StationService = Station['services'][number];

// The server's codes, in the order the pickers show them (checked against the API's types).
export const STATION_TIERS = ['county_center', 'town_station', 'village_point'] as const satisfies readonly StationTier[];
export const STATION_STATUSES = ['planned', 'active', 'suspended', 'closed'] as const satisfies readonly StationStatus[];
export const STATION_SERVICES = [
  'purchase_on_behalf',
  'sell_on_behalf',
  'parcels',
  'bill_payment',
  'training',
  'incubation',
  'other',
] as const satisfies readonly StationService[];

/** Element Plus tag colours of a station's status. */
const STATUS_TAG: Record<StationStatus, 'primary' | 'success' | 'warning' | 'info' | 'danger'> = {
  planned: 'primary',
  active: 'success',
  suspended: 'warning',
  closed: 'info',
};

/** Labels of tiers, statuses and services (unknown codes shown raw), and their export labels. */
export function useStationLabels() {
  const { label, labels } = useEnumLabel();

  const tierLabel = (tier: string | null | undefined) => label('stations.tiers', tier);
  const statusLabel = (status: string | null | undefined) => label('stations.statuses', status);
  const serviceLabel = (service: string | null | undefined) => label('stations.services', service);
  const statusTag = (status: StationStatus) => STATUS_TAG[status] ?? 'info';

  const exportLabels = () => ({
    tier: labels('stations.tiers', STATION_TIERS),
    status: labels('stations.statuses', STATION_STATUSES),
    services: labels('stations.services', STATION_SERVICES),
  });

  return { tierLabel, statusLabel, serviceLabel, statusTag, exportLabels };
}
