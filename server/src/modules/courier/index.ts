import { loadConfig } from '../../config';
import { defineModule } from '../module';
import { courierDemo } from './courier.demo';
import { courierJobs } from './courier.jobs';
import { courierMessages } from './courier.messages';
import { computeCourierMetrics } from './courier.metrics';
import { courierRouter } from './courier.router';
import { courierRules } from './courier.rules';
import * as m0020 from './migrations/2026-12-05-0020-courier';

/** 快递共配进村: carriers, hubs, vehicles, versioned routes to the village points, runs, coverage and cost. */
export const courierModule = defineModule({
  name: 'courier',
  router: courierRouter,
  jobs: courierJobs,
  messages: courierMessages,
  rules: courierRules,
  migrations: { '2026-12-05-0020-courier': m0020 },
  seed: courierDemo,
  // coverage is a share of the villages the regions rollup counts
  snapshots: { run: (db, asOf) => computeCourierMetrics(db, { asOf, regionCode: loadConfig().HOME_COUNTY_CODE }), after: ['regions'] },
});
