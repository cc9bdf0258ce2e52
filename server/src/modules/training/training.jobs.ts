import { defineJob } from '../../jobs/registry';
import { computeTrainingMetrics } from './training.metrics';

export const trainingJobs = [
  defineJob({
    name: 'training.recompute',
    handler: (_payload, { db }) => computeTrainingMetrics(db),
    schedule: { pattern: '45 2 * * *', tz: 'Asia/Shanghai', payload: {} },
    // A class checking in arrives as a burst; one waiting recompute absorbs it.
    dedupeKey: () => 'training.recompute',
  }),
];
