import { computeRegionRollups } from './regions.metrics';
import { defineModule } from '../module';
import { regionsDemo } from './regions.demo';
import { regionsJobs } from './regions.jobs';
import { regionsMessages } from './regions.messages';
import { regionsRouter } from './regions.router';

/** Administrative divisions (县、乡镇、村) and their rollups. */
export const regionsModule = defineModule({ name: 'regions', router: regionsRouter, jobs: regionsJobs, messages: regionsMessages, seed: regionsDemo, snapshots: { run: (db) => computeRegionRollups(db) } });
