import { z } from 'zod';
import { job } from '../../jobs/job';
import { purgeQrAttempts } from './qr-check-in';
import { computeTrainingMetrics } from './training.metrics';

export const trainingJobs = {
  /** Course completions and person-times (人次) by town, county, year and month. */
  'training.recompute': job({
    payload: z.object({}),
    handler: async (_payload, { db }) => {
      await purgeQrAttempts(db);
      return computeTrainingMetrics(db);
    },
    schedule: { pattern: '45 2 * * *', tz: 'Asia/Shanghai', payload: {} },
    // A class checking in arrives as a burst; one waiting recompute absorbs it.
    dedupeKey: () => 'training.recompute',
  }),
};
