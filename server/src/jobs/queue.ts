import type { JobName, JobPayload } from './contracts';

export interface EnqueueOptions {
  /** Run no sooner than this many milliseconds from now. */
  delayMs?: number;
}

export interface EnqueuedJob {
  id: string;
  /** Resolves with the handler's result when the job has run (after any retries); rejects when it finally fails. */
  finished(timeoutMs?: number): Promise<unknown>;
}

/**
 * How the server asks for background work. Two implementations run the same handlers with the same
 * retries, deduplication and schedules: BullMQ on Redis (REDIS_URL set) and in-process (unset).
 */
export interface JobQueue {
  readonly kind: 'bullmq' | 'inline';
  enqueue<N extends JobName>(name: N, payload: JobPayload<N>, options?: EnqueueOptions): Promise<EnqueuedJob>;
  /** Throws when the queue's backing service does not answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
