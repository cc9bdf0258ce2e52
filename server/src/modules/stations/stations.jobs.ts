import { defineJob } from '../../jobs/registry';
import { computeStationMetrics } from './stations.metrics';

export const stationsJobs = [
  defineJob({
    name: 'stations.recompute',
    handler: (payload, { db }) => computeStationMetrics(db, payload),
    schedule: { pattern: '15 2 * * *', tz: 'Asia/Shanghai', payload: {} },
    // Ledger writes arrive in bursts; one waiting recompute per town absorbs them.
    dedupeKey: ({ townCode, countyCode, asOf }) => `stations.recompute:${townCode ?? countyCode ?? 'all'}:${asOf ?? 'today'}`,
  }),
];
