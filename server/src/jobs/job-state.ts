import { z } from 'zod';

/** A job's state as procedures return it (JobState in queue.ts): the operations page and a report's recompute read it. */
export const jobStateSchema = z.object({
  id: z.string(),
  name: z.string(),
  state: z.enum(['waiting', 'delayed', 'active', 'completed', 'failed', 'unknown']),
  progress: z.number(),
  attemptsMade: z.number(),
  failedReason: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
