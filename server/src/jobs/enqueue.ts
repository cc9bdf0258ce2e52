import type { Logger } from '../lib/logger';
import type { EnqueueOptions, JobQueue } from './queue';
import type { JobName, JobPayload } from './contracts';

/**
 * Enqueue a follow-up job (a recompute, a rollup) after a write has committed. Failing to enqueue
 * must not undo the write or fail the request: it is logged, and the job's nightly run catches up.
 */
export async function enqueueBestEffort<N extends JobName>(
  deps: { queue: JobQueue; log: Logger },
  name: N,
  payload: JobPayload<N>,
  options?: EnqueueOptions,
): Promise<void> {
  try {
    await deps.queue.enqueue(name, payload, options);
  } catch (err) {
    deps.log.error({ err, job: name, payload }, `could not enqueue ${name}; the nightly run will catch up`);
  }
}
