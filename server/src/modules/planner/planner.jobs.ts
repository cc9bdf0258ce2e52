import { z } from 'zod';
import { job } from '../../jobs/job';
import { runPlan } from './planner.run';

export const plannerJobs = {
  /** Solves one plan (planner_plans row) in a worker thread, writing its progress and result to the row. */
  'planner.plan': job({
    payload: z.object({ planId: z.number().int().min(1) }),
    handler: (payload, { db, log }) => runPlan({ db, log }, payload.planId),
    // a solve that failed once fails the same way again: the plan row says why
    attempts: 1,
  }),
};
