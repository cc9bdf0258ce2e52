import { defineModule } from '../module';
import * as m0021 from './migrations/2026-12-05-0021-planner';
import { plannerJobs } from './planner.jobs';
import { plannerMessages } from './planner.messages';
import { plannerRouter } from './planner.router';

/** 线路规划: proposes a hub's courier routes with the solver (solver/), compared with today's, and writes them when accepted. */
export const plannerModule = defineModule({
  name: 'planner',
  router: plannerRouter,
  jobs: plannerJobs,
  messages: plannerMessages,
  migrations: { '2026-12-05-0021-planner': m0021 },
});
