import { defineJob } from '../../jobs/registry';
import { computeRegionRollups } from './regions.metrics';

export const regionsJobs = [
  defineJob({
    name: 'regions.rollup',
    handler: ({ countyCode }, { db }) => computeRegionRollups(db, countyCode),
    schedule: { pattern: '30 2 * * *', tz: 'Asia/Shanghai', payload: {} },
    dedupeKey: ({ countyCode }) => `regions.rollup:${countyCode ?? 'all'}`,
  }),
];
