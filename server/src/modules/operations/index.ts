import { defineModule } from '../module';
import * as m0015 from './migrations/2026-12-05-0015-job-runs';
import { operationsDemo } from './operations.demo';
import { operationsJobs } from './operations.jobs';
import { operationsMessages } from './operations.messages';
import { operationsRouter } from './operations.router';

/** 运维: queue status, the jobs' runs, "recompute now"; the demo's snapshots made current. */
export const operationsModule = defineModule({
  name: 'operations',
  router: operationsRouter,
  jobs: operationsJobs,
  messages: operationsMessages,
  migrations: { '2026-12-05-0015-job-runs': m0015 },
  seed: operationsDemo,
});
