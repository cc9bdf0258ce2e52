import type { z } from 'zod';
import type { Db } from '../db/create-db';
import { AppError } from '../lib/app-error';
import type { Logger } from '../lib/logger';
import { JOB_NAMES, jobPayloads, type JobName } from './contracts';
import type { JobQueue } from './queue';

export interface JobContext {
  db: Db;
  log: Logger;
  queue: JobQueue;
  /** Report progress (0–100) for long work; shown to the people waiting for it. */
  progress(percent: number): Promise<void>;
}

export interface JobDefinition<N extends JobName = JobName> {
  name: N;
  handler: (payload: z.output<(typeof jobPayloads)[N]>, ctx: JobContext) => Promise<unknown>;
  /** Cron pattern and time zone; both queue implementations run it the same way. */
  schedule?: { pattern: string; tz: string; payload: z.input<(typeof jobPayloads)[N]> };
  /** Attempts in all (first run + retries), with exponential backoff from backoffMs. */
  attempts?: number;
  backoffMs?: number;
  /**
   * Where a duplicate would hurt (the same recompute twice), a deterministic key: while a job with
   * this key waits, enqueueing another is a no-op; while one runs, one more run follows it.
   */
  dedupeKey?: (payload: z.output<(typeof jobPayloads)[N]>) => string;
}

export function defineJob<N extends JobName>(def: JobDefinition<N>): JobDefinition<N> {
  return def;
}

export type JobRegistry = ReadonlyMap<JobName, JobDefinition>;

/** Refuse to run with a job that has no handler, two handlers, or a handler for an unknown name. */
export function buildRegistry(definitions: readonly JobDefinition<any>[]): JobRegistry {
  const registry = new Map<JobName, JobDefinition>();
  for (const def of definitions) {
    if (!(def.name in jobPayloads)) throw new Error(`job registry: "${def.name}" is not declared in jobs/contracts.ts`);
    if (registry.has(def.name)) throw new Error(`job registry: "${def.name}" has two handlers`);
    registry.set(def.name, def);
  }
  const missing = JOB_NAMES.filter((name) => !registry.has(name));
  if (missing.length) throw new Error(`job registry: no handler for ${missing.map((n) => `"${n}"`).join(', ')}`);
  return registry;
}

export function parsePayload<N extends JobName>(name: N, payload: unknown): z.output<(typeof jobPayloads)[N]> {
  const schema = jobPayloads[name] as unknown as z.ZodType<z.output<(typeof jobPayloads)[N]>>;
  const parsed = schema.safeParse(payload);
  if (!parsed.success) {
    throw new AppError('JOB_PAYLOAD_INVALID', 'BAD_REQUEST', {
      job: name,
      detail: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    });
  }
  return parsed.data;
}

export const DEFAULT_ATTEMPTS = 3;
export const DEFAULT_BACKOFF_MS = 5_000;

/** Exponential backoff: base, 2×base, 4×base… */
export function backoffDelay(def: JobDefinition, attemptsMade: number): number {
  return (def.backoffMs ?? DEFAULT_BACKOFF_MS) * 2 ** Math.max(0, attemptsMade - 1);
}
