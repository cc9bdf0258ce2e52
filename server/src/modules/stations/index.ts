import { computeStationMetrics } from './stations.metrics';
import { defineModule } from '../module';
import { stationsDemo } from './stations.demo';
import { stationsJobs } from './stations.jobs';
import { stationsMessages } from './stations.messages';
import { stationsRouter } from './stations.router';
import { stationsRules } from './stations.rules';

/** Service stations (county centre, town stations, village points), their ledgers and reports. */
export const stationsModule = defineModule({ name: 'stations', router: stationsRouter, jobs: stationsJobs, messages: stationsMessages, rules: stationsRules, seed: stationsDemo, snapshots: { run: (db, asOf) => computeStationMetrics(db, { asOf }) } });
