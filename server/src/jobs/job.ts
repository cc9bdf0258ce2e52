import type { z } from 'zod';
import type { Db } from '../db/create-db';
import type { Logger } from '../lib/logger';
import type { JobQueue } from './queue';

export interface JobContext {
  db: Db;
  log: Logger;
  queue: JobQueue;
  /** Report progress (0–100) for long work; shown to the people waiting for it. */
  progress(percent: number): Promise<void>;
}

/** How a job runs, whatever its payload: retries, schedule, deduplication. */
export interface JobRunOptions<In, Out> {
  handler: (payload: Out, ctx: JobContext) => Promise<unknown>;
  /** Cron pattern and time zone; both queue implementations run it the same way. */
  schedule?: { pattern: string; tz: string; payload: In };
  /** Attempts in all (first run + retries), with exponential backoff from backoffMs. */
  attempts?: number;
  backoffMs?: number;
  /**
   * Where a duplicate would hurt (the same recompute twice), a deterministic key: while a job with
   * this key waits, enqueueing another is a no-op; while one runs, one more run follows it.
   */
  dedupeKey?: (payload: Out) => string;
}

/** One job of a module's manifest: its payload contract and its handler, declared together. */
export interface JobSpec<S extends z.ZodTypeAny = z.ZodTypeAny> extends JobRunOptions<z.input<S>, z.output<S>> {
  payload: S;
}

/**
 * Declare a job in a domain's `<domain>.jobs.ts`: `{ 'domain.name': job({ payload, handler, ... }) }`.
 * The handler's payload is typed by the schema; the queue parses every payload with it first.
 */
export function job<S extends z.ZodTypeAny>(spec: JobSpec<S>): JobSpec<S> {
  return spec;
}
