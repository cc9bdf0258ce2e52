import { modules } from '../modules';
import type { JobSpec } from './job';
import type { JobDefinition } from './registry';

/** Every module's job handlers (modules/index.ts), named by their key; `buildRegistry` checks them. */
export const jobDefinitions: readonly JobDefinition<any>[] = modules.flatMap((mod) =>
  Object.entries(mod.jobs as Record<string, JobSpec>).map(([name, { payload: _payload, ...run }]) => ({ name, ...run }) as JobDefinition<any>),
);
