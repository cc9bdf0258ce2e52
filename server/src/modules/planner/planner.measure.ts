import type { PlannerProblem } from './solver/model';
import type { PlanInput } from './planner.schemas';

const EARTH_RADIUS_KM = 6371.0088;

type LngLat = { lng: number; lat: number };

/** Great-circle km, as the solver's `geo` geometry measures them (solver/model.ts), so today's routes and the proposal compare alike. */
export function haversineKm(a: LngLat, b: LngLat): number {
  const toRad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * toRad;
  const dLng = (b.lng - a.lng) * toRad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * toRad) * Math.cos(b.lat * toRad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Km and minutes (null: not measured) from one place to another; null when nothing can tell. */
export type Measure = (from: number | null, to: number | null) => { km: number; minutes: number | null } | null;

/**
 * How a plan measures the way between two places (station ids; null is the hub): the uploaded
 * table's pair this way, else the other way, else great-circle km × the road factor between their
 * coordinates (`points` adds places outside the plan, such as today's routes' other stops).
 */
export function planMeasure(input: Pick<PlanInput, 'depot' | 'stops' | 'roadFactor' | 'matrix'>, points: ReadonlyMap<number, LngLat | null> = new Map()): Measure {
  const given = new Map<string, { km: number; minutes: number | null }>();
  for (const [a, b, km, minutes] of input.matrix?.pairs ?? []) given.set(`${a}:${b}`, { km, minutes });
  const depotId = input.matrix?.depotStationId ?? null;
  const point = new Map<number, LngLat>();
  for (const [id, p] of points) if (p) point.set(id, p);
  for (const s of input.stops) if (s.lng !== null && s.lat !== null) point.set(s.stationId, { lng: s.lng, lat: s.lat });
  return (a, b) => {
    const pair = given.get(`${a ?? depotId}:${b ?? depotId}`) ?? given.get(`${b ?? depotId}:${a ?? depotId}`);
    if (pair) return pair;
    const pa = a === null ? input.depot : point.get(a);
    const pb = b === null ? input.depot : point.get(b);
    return pa && pb ? { km: haversineKm(pa, pb) * input.roadFactor, minutes: null } : null;
  };
}

/** Road km of a route from the hub through its stops in order and back; stops that cannot be measured are passed over. */
export function routeKm(measure: Measure, stationIds: number[]): number {
  let km = 0;
  let at: number | null = null;
  for (const id of [...stationIds, null]) {
    const leg = measure(at, id);
    if (leg === null) continue;
    km += leg.km;
    at = id;
  }
  return km;
}

/** Hours of a route: driving at the vehicle's speed plus the service minutes at each stop. */
export const routeHours = (km: number, speedKmh: number, stops: number, serviceMinutes: number) => km / speedKmh + (stops * serviceMinutes) / 60;

/** Minutes one trip may last: the shift shared equally among a vehicle's trips. */
export const tripMinutes = (input: Pick<PlanInput, 'shiftMinutes' | 'tripsPerVehicle'>) => Math.floor(input.shiftMinutes / input.tripsPerVehicle);

/**
 * The solver's problem for a stored plan input: ids as strings, minutes as the time unit, as many
 * routes per vehicle as it makes trips, each within its share of the shift. Without a distance
 * table, distances are great-circle km × the road factor (`geo`); with one, a full matrix of the
 * table's pairs and coordinates (a village without coordinates is routed when the table gives its
 * way to the hub and to every other village), and minutes from the table where it gives them, else
 * from km at the slowest vehicle's speed.
 */
export function plannerProblem(input: PlanInput): PlannerProblem {
  const common = {
    pins: input.pins.map((p) => ({ stopId: String(p.stationId), vehicleId: String(p.vehicleId) })),
    sequences: input.sequences.map((q) => ({ stopIds: q.stationIds.map(String), ...(q.vehicleId === null ? {} : { vehicleId: String(q.vehicleId) }) })),
    durationLimit: tripMinutes(input),
  };
  const vehicle = (v: PlanInput['vehicles'][number], speed: number) => ({ id: String(v.vehicleId), capacity: v.capacity, capacityKg: v.capacityKg ?? undefined, count: input.tripsPerVehicle, speed });
  if (!input.matrix) {
    return {
      ...common,
      geometry: { kind: 'geo', roadFactor: input.roadFactor },
      depot: { point: { x: input.depot.lng, y: input.depot.lat } },
      stops: input.stops.map((s) => ({ id: String(s.stationId), point: s.lng === null || s.lat === null ? null : { x: s.lng, y: s.lat }, demand: s.parcels, serviceTime: input.serviceMinutes })),
      vehicles: input.vehicles.map((v) => vehicle(v, v.speedKmh)),
    };
  }

  const measure = planMeasure(input);
  // the places that can be routed: the hub, then every village measured against all of them so far
  const nodes: (number | null)[] = [null];
  for (const s of input.stops) if (nodes.every((other) => measure(other, s.stationId) && measure(s.stationId, other))) nodes.push(s.stationId);
  const timed = input.matrix.pairs.some((p) => p[3] !== null);
  const slowest = Math.min(...input.vehicles.map((v) => v.speedKmh));
  const distance = nodes.map((a) => nodes.map((b) => (a === b ? 0 : measure(a, b)!.km)));
  const time = nodes.map((a) => nodes.map((b) => (a === b ? 0 : (measure(a, b)!.minutes ?? (measure(a, b)!.km * 60) / slowest))));
  const index = new Map(nodes.map((id, i) => [id, i]));
  return {
    ...common,
    geometry: timed ? { kind: 'matrix', distance, time } : { kind: 'matrix', distance },
    depot: {},
    stops: input.stops.map((s) => ({ id: String(s.stationId), matrixIndex: index.get(s.stationId), demand: s.parcels, serviceTime: input.serviceMinutes })),
    // the table's minutes are every vehicle's; without them, km at each vehicle's speed in km a minute
    vehicles: input.vehicles.map((v) => vehicle(v, timed ? 1 : v.speedKmh / 60)),
  };
}
