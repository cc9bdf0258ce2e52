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

/** A job as the operations page sees it. */
export interface JobState {
  id: string;
  name: string;
  state: 'waiting' | 'delayed' | 'active' | 'completed' | 'failed' | 'unknown';
  /** 0–100, as the handler reported it. */
  progress: number;
  attemptsMade: number;
  failedReason: string | null;
  /** When it ended (ISO), for finished jobs. */
  finishedAt: string | null;
}

/** The queue at a glance: jobs by state, and the latest failures (each may be retried). */
export interface QueueStatus {
  kind: 'bullmq' | 'inline';
  counts: { waiting: number; delayed: number; active: number; failed: number; completed: number };
  failed: JobState[];
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
  /** Counts by state and the latest failures (operations page). */
  status(): Promise<QueueStatus>;
  /** One job's state and progress, or null when the queue no longer knows it. */
  job(id: string): Promise<JobState | null>;
  /** Run a failed job again (false when there is no such failed job). */
  retry(id: string): Promise<boolean>;
  close(): Promise<void>;
}
