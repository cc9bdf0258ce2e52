import type { PlannerProblem } from '@cuntong/server/modules/planner/solver/model';
import { solve, type SolveOptions } from '@cuntong/server/modules/planner/solver/solve';
import type { VrpInstance } from './cvrplib';

/**
 * A CVRPLIB instance as a planner problem: customer i (the .sol numbering) is stop "i". A, B and P
 * are solved with exactly k vehicles; X and CMT with as many as needed (the literature's rules).
 */
export function toPlannerProblem(inst: VrpInstance, fleet: number | null): PlannerProblem {
  return {
    geometry: { kind: 'euclidean', round: inst.round },
    depot: { point: { x: inst.x[0], y: inst.y[0] } },
    stops: Array.from({ length: inst.dimension - 1 }, (_, i) => ({
      id: String(i + 1),
      point: { x: inst.x[i + 1], y: inst.y[i + 1] },
      demand: inst.demand[i + 1],
      serviceTime: inst.serviceTime,
    })),
    vehicles: [{ id: 'truck', capacity: inst.capacity, count: fleet }],
    durationLimit: inst.durationLimit ?? undefined,
  };
}

/** Solves and returns the routes in .sol numbering, with the solver's own cost (for reference only). */
export function solveVrp(inst: VrpInstance, fleet: number | null, options: Omit<SolveOptions, 'useAllVehicles'>) {
  const solution = solve(toPlannerProblem(inst, fleet), { ...options, useAllVehicles: fleet !== null });
  return {
    routes: solution.routes.map((r) => r.stopIds.map(Number)),
    solverCost: solution.cost,
    unassigned: solution.unassigned.length,
    iterations: solution.iterations,
  };
}
