import type { z } from 'zod';
import { AppError } from '../lib/app-error';
import { modules } from '../modules';
import type { JobName, JobParsedPayload, JobPayload } from './contracts';
import type { JobRunOptions, JobSpec } from './job';

export type { JobContext } from './job';

/** A job's handler and how it runs, for a name some module declares (its payload comes from that declaration). */
export interface JobDefinition<N extends JobName = JobName> extends JobRunOptions<JobPayload<N>, JobParsedPayload<N>> {
  name: N;
}

export function defineJob<N extends JobName>(def: JobDefinition<N>): JobDefinition<N> {
  return def;
}

export type JobRegistry = ReadonlyMap<JobName, JobDefinition>;

/** Every job the modules declare (modules/index.ts), by name, in module order. */
function declaredJobs(): Map<string, JobSpec> {
  const declared = new Map<string, JobSpec>();
  for (const mod of modules) {
    for (const [name, spec] of Object.entries(mod.jobs as Record<string, JobSpec>)) {
      if (!name.startsWith(`${mod.name}.`)) throw new Error(`job registry: "${name}" of module ${mod.name} must be named "${mod.name}.<job>"`);
      if (declared.has(name)) throw new Error(`job registry: "${name}" is declared twice`);
      declared.set(name, spec);
    }
  }
  return declared;
}

let declaredCache: Map<string, JobSpec> | undefined;
function declared(): Map<string, JobSpec> {
  return (declaredCache ??= declaredJobs());
}

/** The names of every declared job, in module order. */
export function jobNames(): JobName[] {
  return [...declared().keys()] as JobName[];
}

/** Refuse to run with a job that has no handler, two handlers, or a handler for an unknown name. */
export function buildRegistry(definitions: readonly JobDefinition<any>[]): JobRegistry {
  const registry = new Map<JobName, JobDefinition>();
  for (const def of definitions) {
    if (!declared().has(def.name)) throw new Error(`job registry: "${def.name}" is not declared in any module's jobs (modules/index.ts)`);
    if (registry.has(def.name)) throw new Error(`job registry: "${def.name}" has two handlers`);
    if (typeof def.handler !== 'function') continue;
    registry.set(def.name, def);
  }
  const missing = jobNames().filter((name) => !registry.has(name));
  if (missing.length) throw new Error(`job registry: no handler for ${missing.map((n) => `"${n}"`).join(', ')}`);
  return registry;
}

export function parsePayload<N extends JobName>(name: N, payload: unknown): JobParsedPayload<N> {
  const schema = declared().get(name)?.payload as z.ZodType<JobParsedPayload<N>> | undefined;
  if (!schema) throw new Error(`job registry: "${name}" is not declared in any module's jobs (modules/index.ts)`);
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
