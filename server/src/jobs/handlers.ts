import { authJobs } from '../modules/auth/auth.jobs';
import { livestreamJobs } from '../modules/livestream/livestream.jobs';
import { regionsJobs } from '../modules/regions/regions.jobs';
import { stationsJobs } from '../modules/stations/stations.jobs';
import { trainingJobs } from '../modules/training/training.jobs';
import type { JobDefinition } from './registry';

/** Every domain's job handlers; `buildRegistry` checks them against contracts.ts. */
export const jobDefinitions: readonly JobDefinition<any>[] = [...authJobs, ...regionsJobs, ...stationsJobs, ...trainingJobs, ...livestreamJobs];
