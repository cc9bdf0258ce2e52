import type { JobQueue } from '@cuntong/server/jobs/queue';

/**
 * The operations side of a JobQueue (status, job, retry) for the few test queues that only record
 * what is enqueued and run nothing: an idle queue that knows no job.
 */
export const idleQueueStatus: Pick<JobQueue, 'status' | 'job' | 'retry'> = {
  status: async () => ({ kind: 'inline', counts: { waiting: 0, delayed: 0, active: 0, failed: 0, completed: 0 }, failed: [] }),
  job: async () => null,
  retry: async () => false,
};
