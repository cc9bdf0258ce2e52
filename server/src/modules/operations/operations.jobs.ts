import { z } from 'zod';
import { job } from '../../jobs/job';

export const operationsJobs = {
  /** 立即重算: every module's snapshots brought up to date, in turn, with progress. */
  'operations.recompute': job({
    payload: z.object({}),
    // the module list imports this module: the runner that reads the list is loaded when the job runs
    handler: async (_payload, { db, progress }) => (await import('../snapshots')).recomputeAll(db, { progress: (percent) => progress(percent) }),
    attempts: 1,
    dedupeKey: () => 'operations.recompute',
  }),
};
