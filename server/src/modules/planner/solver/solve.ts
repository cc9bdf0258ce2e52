import { compile, type PlannerProblem, type PlannerSolution } from './model';
import { search } from './search';

export interface SolveOptions {
  /** Wall-clock budget; the best solution found by then is returned. */
  timeLimitMs: number;
  /** Same seed, same problem, same iteration count: same answer. */
  seed?: number;
  /** Stops early (the user cancelled); the best solution so far is still returned. */
  signal?: AbortSignal;
  onProgress?: (bestCost: number, elapsedMs: number) => void;
  /** Every counted vehicle must run a route (benchmarks that fix the fleet size). */
  useAllVehicles?: boolean;
  /** Caps the search steps, so a test's answer does not depend on the machine's speed. */
  maxIterations?: number;
  /**
   * Shared memory a worker thread's parent sets to non-zero to stop the search: an AbortSignal's
   * event cannot reach a thread whose event loop the search keeps busy, a shared word can.
   */
  stopFlag?: Int32Array;
}

/**
 * Plans the routes: stops that no vehicle could ever serve are set aside with their reason first,
 * the rest are routed by the search; any the fleet still cannot take are returned as `no_vehicle`.
 */
export function solve(problem: PlannerProblem, options: SolveOptions): PlannerSolution {
  const started = performance.now();
  const { instance: inst, excluded } = compile(problem);
  const result = search(inst, {
    timeLimitMs: Math.max(0, options.timeLimitMs - (performance.now() - started)),
    seed: options.seed ?? 1,
    signal: options.signal,
    stopFlag: options.stopFlag,
    onProgress: options.onProgress,
    useAllVehicles: options.useAllVehicles,
    maxIterations: options.maxIterations,
  });
  const best = result.best;
  const stopId = (node: number) => problem.stops[inst.stopOf[node]].id;
  const routes: PlannerSolution['routes'] = [];
  for (let r = 0; r < best.slots; r++) {
    const len = best.len[r];
    if (len === 0) continue;
    const base = r * best.stride;
    routes.push({
      vehicleId: problem.vehicles[inst.slotKind[r]].id,
      stopIds: Array.from(best.nodes.subarray(base, base + len), stopId),
      distance: best.dist[r],
      duration: best.duration(r),
      load: best.load[r],
      loadKg: best.loadKg[r],
    });
  }
  const unassigned: PlannerSolution['unassigned'] = excluded.map((e) => ({ stopId: problem.stops[e.stop].id, reason: e.reason }));
  for (let i = 0; i < best.absentCount; i++) unassigned.push({ stopId: stopId(best.absent[i]), reason: 'no_vehicle' });
  return {
    routes,
    unassigned,
    cost: routes.reduce((sum, r) => sum + r.distance, 0),
    elapsedMs: performance.now() - started,
    iterations: result.iterations,
  };
}
