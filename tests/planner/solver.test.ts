import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PlannerProblem, PlannerSolution } from '@cuntong/server/modules/planner/solver/model';
import { solveInWorker } from '@cuntong/server/modules/planner/solver/runner';
import { solve } from '@cuntong/server/modules/planner/solver/solve';

const dist = (a: { x: number; y: number }, b: { x: number; y: number }) => Math.hypot(a.x - b.x, a.y - b.y);

/** Recomputes a plan from the problem alone: loads, durations, and that every stop is placed once. */
function audit(problem: PlannerProblem, solution: PlannerSolution) {
  const stops = new Map(problem.stops.map((s) => [s.id, s]));
  const vehicles = new Map(problem.vehicles.map((v) => [v.id, v]));
  const seen = new Map<string, number>();
  const routesPerVehicle = new Map<string, number>();
  let cost = 0;
  for (const route of solution.routes) {
    const vehicle = vehicles.get(route.vehicleId)!;
    routesPerVehicle.set(vehicle.id, (routesPerVehicle.get(vehicle.id) ?? 0) + 1);
    let load = 0;
    let length = 0;
    let service = 0;
    let at = problem.depot.point!;
    for (const id of route.stopIds) {
      seen.set(id, (seen.get(id) ?? 0) + 1);
      const stop = stops.get(id)!;
      load += stop.demand;
      service += stop.serviceTime ?? 0;
      length += dist(at, stop.point!);
      at = stop.point!;
    }
    length += dist(at, problem.depot.point!);
    cost += length;
    expect(load).toBeLessThanOrEqual(vehicle.capacity);
    const limit = vehicle.durationLimit ?? problem.durationLimit ?? Infinity;
    expect(length / (vehicle.speed ?? 1) + service).toBeLessThanOrEqual(limit + 1e-6);
    expect(route.distance).toBeCloseTo(length, 6);
  }
  for (const [id, count] of routesPerVehicle) {
    const allowed = vehicles.get(id)!.count;
    if (allowed != null) expect(count).toBeLessThanOrEqual(allowed);
  }
  for (const u of solution.unassigned) seen.set(u.stopId, (seen.get(u.stopId) ?? 0) + 1);
  for (const stop of problem.stops) expect(seen.get(stop.id), `stop ${stop.id}`).toBe(1);
  expect(solution.cost).toBeCloseTo(cost, 6);
}

const randomProblem = fc
  .record({
    points: fc.array(fc.record({ x: fc.integer({ min: 0, max: 100 }), y: fc.integer({ min: 0, max: 100 }), demand: fc.integer({ min: 1, max: 30 }), service: fc.integer({ min: 0, max: 10 }) }), { minLength: 1, maxLength: 40 }),
    capacity: fc.integer({ min: 30, max: 120 }),
    count: fc.option(fc.integer({ min: 1, max: 6 }), { nil: null }),
    durationLimit: fc.option(fc.integer({ min: 150, max: 600 }), { nil: undefined }),
  })
  .map(
    ({ points, capacity, count, durationLimit }): PlannerProblem => ({
      geometry: { kind: 'euclidean', round: false },
      depot: { point: { x: 50, y: 50 } },
      stops: points.map((p, i) => ({ id: `s${i}`, point: { x: p.x, y: p.y }, demand: p.demand, serviceTime: p.service })),
      vehicles: [{ id: 'van', capacity, count }],
      durationLimit,
    }),
  );

describe('planner solver', () => {
  it('never exceeds capacity, fleet or shift, and places every stop once (routed or with a reason)', () => {
    fc.assert(
      fc.property(randomProblem, fc.integer({ min: 1, max: 1000 }), (problem, seed) => {
        const solution = solve(problem, { timeLimitMs: 2000, seed, maxIterations: 200 });
        audit(problem, solution);
      }),
      { numRuns: 60, seed: 15 },
    );
  });

  it('gives each stop it cannot serve its reason', () => {
    const problem: PlannerProblem = {
      geometry: { kind: 'euclidean', round: false },
      depot: { point: { x: 0, y: 0 } },
      stops: [
        { id: 'near', point: { x: 10, y: 0 }, demand: 5 },
        { id: 'lost', point: null, demand: 1 },
        { id: 'heavy', point: { x: 5, y: 5 }, demand: 50 },
        { id: 'far', point: { x: 400, y: 0 }, demand: 1 },
        { id: 'second', point: { x: -10, y: 0 }, demand: 8 },
      ],
      // One route of 10: 'near' and 'second' cannot both ride.
      vehicles: [{ id: 'van', capacity: 10, count: 1 }],
      durationLimit: 300,
    };
    const solution = solve(problem, { timeLimitMs: 1000, seed: 3, maxIterations: 100 });
    audit(problem, solution);
    const reasons = Object.fromEntries(solution.unassigned.map((u) => [u.stopId, u.reason]));
    expect(reasons.lost).toBe('no_coordinates');
    expect(reasons.heavy).toBe('over_capacity');
    expect(reasons.far).toBe('beyond_shift');
    // The one route of 10 parcels takes 'near' (5) or 'second' (8), not both: the other waits for a vehicle.
    expect(solution.unassigned.filter((u) => u.reason === 'no_vehicle')).toHaveLength(1);
    expect(solution.routes).toHaveLength(1);
  });

  it('honours pins to a vehicle and pinned sequences kept in order on one route', () => {
    const stops = Array.from({ length: 30 }, (_, i) => ({
      id: `s${i}`,
      point: { x: (i * 37) % 100, y: (i * 61) % 100 },
      demand: 1 + (i % 5),
    }));
    const problem: PlannerProblem = {
      geometry: { kind: 'euclidean', round: false },
      depot: { point: { x: 50, y: 50 } },
      stops,
      vehicles: [
        { id: 'van', capacity: 40, count: 3 },
        { id: 'truck', capacity: 60, count: 1 },
      ],
      // s0 lies where vans would go; pinned to the truck anyway.
      pins: [
        { stopId: 's0', vehicleId: 'truck' },
        { stopId: 's7', vehicleId: 'truck' },
      ],
      // Far apart on purpose, and in an order distance alone would not choose.
      sequences: [{ stopIds: ['s20', 's3', 's11', 's25'] }, { stopIds: ['s5', 's1'], vehicleId: 'van' }],
    };
    for (const seed of [1, 2, 3]) {
      const solution = solve(problem, { timeLimitMs: 2000, seed, maxIterations: 2000 });
      audit(problem, solution);
      expect(solution.unassigned).toEqual([]);
      const routeOf = (id: string) => solution.routes.find((r) => r.stopIds.includes(id))!;
      expect(routeOf('s0').vehicleId).toBe('truck');
      expect(routeOf('s7').vehicleId).toBe('truck');
      for (const [sequence, vehicle] of [
        [['s20', 's3', 's11', 's25'], null],
        [['s5', 's1'], 'van'],
      ] as const) {
        const route = routeOf(sequence[0]);
        const places = sequence.map((id) => route.stopIds.indexOf(id));
        expect(places.every((p) => p >= 0), `${sequence.join(',')} on one route`).toBe(true);
        expect([...places].sort((a, b) => a - b)).toEqual(places);
        if (vehicle) expect(route.vehicleId).toBe(vehicle);
      }
    }
  });

  it('gives the same answer for the same seed', () => {
    const [problem] = fc.sample(randomProblem, { numRuns: 1, seed: 42 });
    const a = solve(problem, { timeLimitMs: 5000, seed: 9, maxIterations: 3000 });
    const b = solve(problem, { timeLimitMs: 5000, seed: 9, maxIterations: 3000 });
    expect(b.routes).toEqual(a.routes);
    expect(b.unassigned).toEqual(a.unassigned);
    expect(b.cost).toBe(a.cost);
  });

  it('finds the optimum of a 7-stop instance (checked by brute force)', () => {
    const points = [
      { x: 50, y: 50 },
      { x: 10, y: 80 },
      { x: 20, y: 15 },
      { x: 85, y: 90 },
      { x: 70, y: 10 },
      { x: 95, y: 45 },
      { x: 35, y: 60 },
      { x: 60, y: 75 },
    ];
    const demand = [0, 4, 6, 3, 7, 5, 2, 6];
    const capacity = 13;
    const optimum = bruteForceCvrp(points, demand, capacity);
    const problem: PlannerProblem = {
      geometry: { kind: 'euclidean', round: false },
      depot: { point: points[0] },
      stops: points.slice(1).map((p, i) => ({ id: String(i + 1), point: p, demand: demand[i + 1] })),
      vehicles: [{ id: 'van', capacity }],
    };
    const solution = solve(problem, { timeLimitMs: 2000, seed: 1, maxIterations: 2000 });
    audit(problem, solution);
    expect(solution.cost).toBeCloseTo(optimum, 6);
  });

  it('solves in a worker thread, reporting progress, and stops when aborted', async () => {
    const stops = Array.from({ length: 80 }, (_, i) => ({ id: `s${i}`, point: { x: (i * 37) % 100, y: (i * 53) % 97 }, demand: 1 + (i % 7) }));
    const problem: PlannerProblem = { geometry: { kind: 'euclidean', round: false }, depot: { point: { x: 50, y: 50 } }, stops, vehicles: [{ id: 'van', capacity: 40 }] };
    const progress: number[] = [];
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 1500);
    const started = Date.now();
    const solution = await solveInWorker(problem, { timeLimitMs: 20_000, seed: 1, signal: controller.signal, onProgress: (cost) => progress.push(cost) });
    // Thread start (tsx registers in the thread) plus the abort, well short of the 20 s budget.
    expect(Date.now() - started).toBeLessThan(10_000);
    audit(problem, solution);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toBeCloseTo(solution.cost, 6);
  });
});

/** Exact CVRP for a handful of stops: best tour of every subset, then the best partition into subsets. */
function bruteForceCvrp(points: { x: number; y: number }[], demand: number[], capacity: number): number {
  const m = points.length - 1;
  const full = 1 << m;
  const d = (a: number, b: number) => dist(points[a], points[b]);
  // Held–Karp: tour[mask][last] = shortest path from the depot through mask ending at last.
  const tour = Array.from({ length: full }, () => new Float64Array(m).fill(Infinity));
  for (let i = 0; i < m; i++) tour[1 << i][i] = d(0, i + 1);
  for (let mask = 1; mask < full; mask++) {
    for (let last = 0; last < m; last++) {
      const here = tour[mask][last];
      if (!(mask & (1 << last)) || here === Infinity) continue;
      for (let j = 0; j < m; j++) {
        if (mask & (1 << j)) continue;
        const next = mask | (1 << j);
        tour[next][j] = Math.min(tour[next][j], here + d(last + 1, j + 1));
      }
    }
  }
  const routeCost = new Float64Array(full).fill(Infinity);
  for (let mask = 1; mask < full; mask++) {
    let load = 0;
    for (let i = 0; i < m; i++) if (mask & (1 << i)) load += demand[i + 1];
    if (load > capacity) continue;
    for (let last = 0; last < m; last++) if (mask & (1 << last)) routeCost[mask] = Math.min(routeCost[mask], tour[mask][last] + d(last + 1, 0));
  }
  const best = new Float64Array(full).fill(Infinity);
  best[0] = 0;
  for (let mask = 1; mask < full; mask++) {
    const low = mask & -mask;
    for (let sub = mask; sub > 0; sub = (sub - 1) & mask) {
      if (sub & low) best[mask] = Math.min(best[mask], best[mask ^ sub] + routeCost[sub]);
    }
  }
  return best[full - 1];
}
