import { sql } from 'kysely';
import type { Db } from '../../db/create-db';
import type { Logger } from '../../lib/logger';
import { plannerProblem } from './planner.measure';
import { planInputShape, type PlanResult } from './planner.schemas';
import { solveInWorker } from './solver/runner';

/** How often the row hears the search's progress, and the job hears a cancel: often enough for a progress bar, rarely enough for the database. */
const TICK_MS = 500;

/**
 * The job `planner.plan`: solves a plan in a worker thread. Every tick writes the best cost so far
 * and the share of the time limit spent, and reads whether the bureau asked to stop (a cancel is a
 * flag on the row, so it reaches the job on whichever process runs it); stopping keeps the best so far.
 */
export async function runPlan(deps: { db: Db; log: Logger }, planId: number): Promise<void> {
  const { db } = deps;
  const row = await db.selectFrom('planner_plans').select(['input', 'status']).where('id', '=', planId).executeTakeFirst();
  if (!row || row.status !== 'running') return;
  const input = planInputShape.parse(row.input);
  const timeLimitMs = input.timeLimitSeconds * 1000;
  const controller = new AbortController();
  const started = Date.now();
  let best: number | null = null;
  let written: number | null = null;
  const tick = async () => {
    const progress = Math.min(99, Math.floor(((Date.now() - started) / timeLimitMs) * 100));
    const cost = best === written ? undefined : best;
    written = best;
    const r = await db
      .updateTable('planner_plans')
      .set({ progress, ...(cost != null ? { best_cost: Math.round(cost * 1000) / 1000 } : {}) })
      .where('id', '=', planId)
      .returning('cancel_requested')
      .executeTakeFirst();
    if (r?.cancel_requested) controller.abort();
  };
  let ticking = Promise.resolve();
  const timer = setInterval(() => (ticking = ticking.then(tick).catch((error) => deps.log.warn({ err: error, planId }, 'planner: progress not written'))), TICK_MS);
  try {
    const solution = await solveInWorker(plannerProblem(input), { timeLimitMs, seed: input.seed, signal: controller.signal, onProgress: (cost) => (best = cost) });
    clearInterval(timer);
    await ticking;
    const byId = new Map(input.vehicles.map((v) => [String(v.vehicleId), v]));
    const result: PlanResult = {
      routes: solution.routes.map((r) => ({
        vehicleId: Number(r.vehicleId),
        stationIds: r.stopIds.map(Number),
        km: r.distance,
        // the solver's durations are minutes (geo): travel at the vehicle's speed plus service
        hours: r.duration / 60,
        load: r.load,
      })),
      unassigned: solution.unassigned.map((u) => ({ stationId: Number(u.stopId), reason: u.reason })),
      km: solution.cost,
      elapsedMs: Math.round(solution.elapsedMs),
      cancelled: controller.signal.aborted,
    };
    // routes in the order of the vehicles as given, so the same problem reads the same way
    result.routes.sort((a, b) => input.vehicles.indexOf(byId.get(String(a.vehicleId))!) - input.vehicles.indexOf(byId.get(String(b.vehicleId))!));
    await db
      .updateTable('planner_plans')
      .set({ status: 'done', progress: 100, best_cost: Math.round(solution.cost * 1000) / 1000, result: JSON.stringify(result), finished_at: sql`now()` })
      .where('id', '=', planId)
      .where('status', '=', 'running')
      .execute();
  } catch (error) {
    clearInterval(timer);
    await ticking;
    await db
      .updateTable('planner_plans')
      .set({ status: 'failed', error: error instanceof Error ? error.message : String(error), finished_at: sql`now()` })
      .where('id', '=', planId)
      .execute();
    throw error;
  }
}
