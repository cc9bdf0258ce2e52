/**
 * The route planner's problem as callers state it (villages, vehicles, a shift limit), and its
 * compiled form: flat typed arrays indexed by node (0 is the depot), which the search reads in
 * its inner loops without allocating.
 */

/** A point: longitude/latitude in degrees for `geo`, plain x/y for `euclidean`. */
export interface Point {
  x: number;
  y: number;
}

/**
 * How distances are measured.
 * - `geo`: great-circle kilometres between [lng, lat] points times a road factor (roads wind);
 *   travel time in minutes from each vehicle's speed in km/h.
 * - `euclidean`: straight lines, rounded to the nearest integer when `round` (TSPLIB's EUC_2D,
 *   which CVRPLIB's A, B, P and X values assume) or not (CMT's convention).
 * - `matrix`: given distances (and optionally times) between the depot (index 0) and the stops
 *   (index = stop's `matrixIndex`).
 */
export type Geometry =
  | { kind: 'geo'; roadFactor?: number }
  | { kind: 'euclidean'; round: boolean }
  | { kind: 'matrix'; distance: ArrayLike<number>[]; time?: ArrayLike<number>[] };

export interface Stop {
  id: string;
  /** Missing (null) when the village has no coordinates: it cannot be routed. */
  point?: Point | null;
  /** Row/column of the given matrix (`matrix` geometry only); 0 is the depot. */
  matrixIndex?: number;
  /** Parcels to deliver. */
  demand: number;
  /** Weight in kg, checked against vehicles that state a kg capacity. */
  demandKg?: number;
  /** Time spent at the stop, in the geometry's time unit (minutes for `geo`). */
  serviceTime?: number;
}

export interface Vehicle {
  id: string;
  /** Parcels one route of this vehicle can carry. */
  capacity: number;
  capacityKg?: number;
  /** How many routes this vehicle (kind) may run; null or absent means as many as needed. */
  count?: number | null;
  /** km/h for `geo` (times in minutes); distance units per time unit otherwise (default 1). */
  speed?: number;
  /** Overrides the problem's duration limit for this vehicle's routes. */
  durationLimit?: number;
}

export interface PlannerProblem {
  geometry: Geometry;
  depot: { point?: Point | null };
  stops: Stop[];
  vehicles: Vehicle[];
  /** Longest route: travel time plus service time, in the geometry's time unit. */
  durationLimit?: number;
  /** A stop that must ride on a given vehicle. */
  pins?: { stopId: string; vehicleId: string }[];
  /** Stops that must share one route, visited in this order (others may come between). */
  sequences?: { stopIds: string[]; vehicleId?: string }[];
}

export type UnassignedReason = 'no_coordinates' | 'over_capacity' | 'beyond_shift' | 'no_vehicle';

export interface PlannedRoute {
  vehicleId: string;
  stopIds: string[];
  distance: number;
  /** Travel time plus service time. */
  duration: number;
  load: number;
  loadKg: number;
}

export interface PlannerSolution {
  routes: PlannedRoute[];
  unassigned: { stopId: string; reason: UnassignedReason }[];
  /** Total distance of the routes. */
  cost: number;
  elapsedMs: number;
  iterations: number;
}

/**
 * The compiled instance. Node 0 is the depot, nodes 1..n-1 the stops that can be routed; slots are
 * the routes that may exist (one per vehicle of a counted kind, up to one per stop for unlimited kinds).
 */
export interface Instance {
  n: number;
  /** Stop index in the problem of each node (-1 for the depot). */
  stopOf: Int32Array;
  dist: Float64Array;
  /** Base travel time; equal to `dist` (same array) when times are distances. */
  time: Float64Array;
  demand: Float64Array;
  demandKg: Float64Array;
  service: Float64Array;
  /** Vehicle kind a node is pinned to, -1 if any. */
  pinKind: Int32Array;
  /** Pinned sequence of a node (-1 if none) and its place in it. */
  seqOf: Int32Array;
  seqPos: Int32Array;
  sequenceCount: number;
  kinds: { capacity: number; capacityKg: number; timeFactor: number; durationLimit: number; limited: boolean }[];
  /** Kind of each route slot. */
  slotKind: Int32Array;
  /** Nearest other stops of each stop, nearest first (all of them). */
  neighbours: Int32Array[];
  /** Whether any duration limit or kg capacity binds (lets the loops skip the checks). */
  hasDuration: boolean;
  hasKg: boolean;
}

export interface Compiled {
  instance: Instance;
  excluded: { stop: number; reason: UnassignedReason }[];
}

const EARTH_RADIUS_KM = 6371.0088;

function haversineKm(a: Point, b: Point): number {
  const toRad = Math.PI / 180;
  const dLat = (b.y - a.y) * toRad;
  const dLng = (b.x - a.x) * toRad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.y * toRad) * Math.cos(b.y * toRad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Default road speed when a vehicle states none: 30 km/h on village roads. */
const DEFAULT_SPEED_KMH = 30;

/**
 * Compiles a problem: measures the matrix, sets aside the stops no route could serve (with the
 * reason), and lays out the route slots. Throws on contradictions a caller must fix (unknown ids,
 * a depot without coordinates).
 */
export function compile(problem: PlannerProblem): Compiled {
  const { geometry, stops, vehicles } = problem;
  if (vehicles.length === 0) throw new Error('planner: no vehicles');
  const vehicleIndex = new Map(vehicles.map((v, i) => [v.id, i]));
  const stopIndex = new Map(stops.map((s, i) => [s.id, i]));

  const pinKindOfStop = new Int32Array(stops.length).fill(-1);
  const kindOf = (vehicleId: string) => {
    const k = vehicleIndex.get(vehicleId);
    if (k === undefined) throw new Error(`planner: unknown vehicle ${vehicleId}`);
    return k;
  };
  const indexOf = (stopId: string) => {
    const s = stopIndex.get(stopId);
    if (s === undefined) throw new Error(`planner: unknown stop ${stopId}`);
    return s;
  };
  for (const pin of problem.pins ?? []) pinKindOfStop[indexOf(pin.stopId)] = kindOf(pin.vehicleId);
  for (const seq of problem.sequences ?? []) {
    if (seq.vehicleId === undefined) continue;
    for (const id of seq.stopIds) pinKindOfStop[indexOf(id)] = kindOf(seq.vehicleId);
  }

  const isGeo = geometry.kind === 'geo';
  const kinds = vehicles.map((v) => ({
    capacity: v.capacity,
    capacityKg: v.capacityKg ?? Infinity,
    timeFactor: isGeo ? 60 / (v.speed ?? DEFAULT_SPEED_KMH) : 1 / (v.speed ?? 1),
    durationLimit: v.durationLimit ?? problem.durationLimit ?? Infinity,
    limited: v.count !== null && v.count !== undefined,
  }));

  const located = (s: Stop) => (geometry.kind === 'matrix' ? s.matrixIndex !== undefined : s.point != null);
  if (geometry.kind !== 'matrix' && problem.depot.point == null) throw new Error('planner: the depot has no coordinates');

  // Distances from the depot decide which stops can ever fit in a shift.
  const measure = (a: Point, b: Point) => {
    if (geometry.kind === 'geo') return haversineKm(a, b) * (geometry.roadFactor ?? 1.3);
    const e = Math.hypot(a.x - b.x, a.y - b.y);
    return geometry.kind === 'euclidean' && geometry.round ? Math.floor(e + 0.5) : e;
  };
  const matrixRow = (s: Stop | null) => (s === null ? 0 : s.matrixIndex!);
  const pairDist = (a: Stop | null, b: Stop | null) =>
    geometry.kind === 'matrix'
      ? Number(geometry.distance[matrixRow(a)][matrixRow(b)])
      : measure(a === null ? problem.depot.point! : a.point!, b === null ? problem.depot.point! : b.point!);
  const pairTime = (a: Stop | null, b: Stop | null) =>
    geometry.kind === 'matrix' && geometry.time ? Number(geometry.time[matrixRow(a)][matrixRow(b)]) : pairDist(a, b);

  const excluded: Compiled['excluded'] = [];
  const kept: number[] = [];
  stops.forEach((s, i) => {
    if (!located(s)) return excluded.push({ stop: i, reason: 'no_coordinates' });
    const allowed = pinKindOfStop[i] >= 0 ? [pinKindOfStop[i]] : kinds.map((_, k) => k);
    const fits = allowed.filter((k) => s.demand <= kinds[k].capacity && (s.demandKg ?? 0) <= kinds[k].capacityKg);
    if (fits.length === 0) return excluded.push({ stop: i, reason: 'over_capacity' });
    const roundTrip = pairTime(null, s) + pairTime(s, null);
    const inShift = fits.some((k) => roundTrip * kinds[k].timeFactor + (s.serviceTime ?? 0) <= kinds[k].durationLimit + 1e-9);
    if (!inShift) return excluded.push({ stop: i, reason: 'beyond_shift' });
    kept.push(i);
  });

  const n = kept.length + 1;
  const stopOf = new Int32Array(n);
  stopOf[0] = -1;
  kept.forEach((s, i) => (stopOf[i + 1] = s));
  const dist = new Float64Array(n * n);
  const sameTime = !(geometry.kind === 'matrix' && geometry.time);
  const time = sameTime ? dist : new Float64Array(n * n);
  const stopAt = (node: number) => (node === 0 ? null : stops[stopOf[node]]);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      dist[i * n + j] = pairDist(stopAt(i), stopAt(j));
      if (!sameTime) time[i * n + j] = pairTime(stopAt(i), stopAt(j));
    }
  }

  const demand = new Float64Array(n);
  const demandKg = new Float64Array(n);
  const service = new Float64Array(n);
  const pinKind = new Int32Array(n).fill(-1);
  const seqOf = new Int32Array(n).fill(-1);
  const seqPos = new Int32Array(n);
  const nodeOfStop = new Map<number, number>();
  for (let v = 1; v < n; v++) {
    const s = stops[stopOf[v]];
    demand[v] = s.demand;
    demandKg[v] = s.demandKg ?? 0;
    service[v] = s.serviceTime ?? 0;
    pinKind[v] = pinKindOfStop[stopOf[v]];
    nodeOfStop.set(stopOf[v], v);
  }
  let sequenceCount = 0;
  for (const seq of problem.sequences ?? []) {
    // A sequence member set aside (say, without coordinates) drops out; the rest keep their order.
    const nodes = seq.stopIds.map((id) => nodeOfStop.get(indexOf(id))).filter((v): v is number => v !== undefined);
    if (nodes.length < 2) continue;
    nodes.forEach((v, pos) => {
      if (seqOf[v] >= 0) throw new Error(`planner: stop ${stops[stopOf[v]].id} is in two sequences`);
      seqOf[v] = sequenceCount;
      seqPos[v] = pos;
    });
    sequenceCount++;
  }

  const slots: number[] = [];
  vehicles.forEach((v, k) => {
    const count = kinds[k].limited ? v.count! : Math.max(1, n - 1);
    for (let i = 0; i < count; i++) slots.push(k);
  });

  const neighbours: Int32Array[] = [new Int32Array(0)];
  const order = Array.from({ length: n - 1 }, (_, i) => i + 1);
  for (let v = 1; v < n; v++) {
    const row = v * n;
    const sorted = order.filter((w) => w !== v).sort((a, b) => dist[row + a] - dist[row + b]);
    neighbours.push(Int32Array.from(sorted));
  }

  return {
    instance: {
      n,
      stopOf,
      dist,
      time,
      demand,
      demandKg,
      service,
      pinKind,
      seqOf,
      seqPos,
      sequenceCount,
      kinds,
      slotKind: Int32Array.from(slots),
      neighbours,
      hasDuration: kinds.some((k) => Number.isFinite(k.durationLimit)),
      hasKg: kinds.some((k) => Number.isFinite(k.capacityKg)),
    },
    excluded,
  };
}
