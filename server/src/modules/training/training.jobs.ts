import { defineJob } from '../../jobs/registry';
import { purgeQrAttempts } from './qr-check-in';
import { computeTrainingMetrics } from './training.metrics';

export const trainingJobs = [
  defineJob({
    name: 'training.recompute',
    handler: async (_payload, { db }) => {
      await purgeQrAttempts(db);
      return computeTrainingMetrics(db);
    },
    schedule: { pattern: '45 2 * * *', tz: 'Asia/Shanghai', payload: {} },
    // A class checking in arrives as a burst; one waiting recompute absorbs it.
    dedupeKey: () => 'training.recompute',
  }),
];
