import type { PlannerProblem } from './solver/model';
import type { PlanInput } from './planner.schemas';

const EARTH_RADIUS_KM = 6371.0088;

/** Great-circle km, as the solver's `geo` geometry measures them (solver/model.ts), so today's routes and the proposal compare alike. */
export function haversineKm(a: { lng: number; lat: number }, b: { lng: number; lat: number }): number {
  const toRad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * toRad;
  const dLng = (b.lng - a.lng) * toRad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * toRad) * Math.cos(b.lat * toRad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Road km of a route from the depot through its stops in order and back; stops without coordinates are passed over. */
export function routeKm(depot: { lng: number; lat: number }, stops: { lng: number | null; lat: number | null }[], roadFactor: number): number {
  const points = stops.filter((s): s is { lng: number; lat: number } => s.lng !== null && s.lat !== null);
  let km = 0;
  let at = depot;
  for (const p of [...points, depot]) {
    km += haversineKm(at, p);
    at = p;
  }
  return km * roadFactor;
}

/** Hours of a route: driving at the vehicle's speed plus the service minutes at each stop. */
export const routeHours = (km: number, speedKmh: number, stops: number, serviceMinutes: number) => km / speedKmh + (stops * serviceMinutes) / 60;

/** Minutes one trip may last: the shift shared equally among a vehicle's trips. */
export const tripMinutes = (input: Pick<PlanInput, 'shiftMinutes' | 'tripsPerVehicle'>) => Math.floor(input.shiftMinutes / input.tripsPerVehicle);

/** The solver's problem for a stored plan input: ids as strings, minutes as the time unit, as many routes per vehicle as it makes trips, each within its share of the shift. */
export function plannerProblem(input: PlanInput): PlannerProblem {
  return {
    geometry: { kind: 'geo', roadFactor: input.roadFactor },
    depot: { point: { x: input.depot.lng, y: input.depot.lat } },
    stops: input.stops.map((s) => ({
      id: String(s.stationId),
      point: s.lng === null || s.lat === null ? null : { x: s.lng, y: s.lat },
      demand: s.parcels,
      serviceTime: input.serviceMinutes,
    })),
    vehicles: input.vehicles.map((v) => ({ id: String(v.vehicleId), capacity: v.capacity, capacityKg: v.capacityKg ?? undefined, count: input.tripsPerVehicle, speed: v.speedKmh })),
    durationLimit: tripMinutes(input),
    pins: input.pins.map((p) => ({ stopId: String(p.stationId), vehicleId: String(p.vehicleId) })),
    sequences: input.sequences.map((q) => ({ stopIds: q.stationIds.map(String), ...(q.vehicleId === null ? {} : { vehicleId: String(q.vehicleId) }) })),
  };
}
