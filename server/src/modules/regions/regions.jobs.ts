import { z } from 'zod';
import { job } from '../../jobs/job';
import { computeRegionRollups } from './regions.metrics';

export const regionsJobs = {
  /** Count towns and villages under each county and town (coverage denominators). Empty: every county. */
  'regions.rollup': job({
    payload: z.object({ countyCode: z.string().regex(/^\d{6}000000$/).optional() }),
    handler: ({ countyCode }, { db }) => computeRegionRollups(db, countyCode),
    schedule: { pattern: '30 2 * * *', tz: 'Asia/Shanghai', payload: {} },
    dedupeKey: ({ countyCode }) => `regions.rollup:${countyCode ?? 'all'}`,
  }),
};
