import type { z } from 'zod';
import type { modules } from '../modules';

/**
 * Every job the platform runs: its name and its payload, declared by the modules in
 * `modules/index.ts` (each module's `jobs`, from `modules/<domain>/<domain>.jobs.ts`). Types only:
 * the registry (registry.ts) reads the same list at run time and refuses a job with no handler.
 */
type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;
type Jobs = UnionToIntersection<(typeof modules)[number]['jobs']>;

export type JobName = keyof Jobs & string;
export type JobPayloadSchema<N extends JobName> = Jobs[N] extends { payload: infer S extends z.ZodTypeAny } ? S : never;
export type JobPayload<N extends JobName> = z.input<JobPayloadSchema<N>>;
export type JobParsedPayload<N extends JobName> = z.output<JobPayloadSchema<N>>;
