import { computeTrainingMetrics } from './training.metrics';
import { defineModule } from '../module';
import { trainingDemo } from './training.demo';
import { trainingJobs } from './training.jobs';
import { trainingMessages } from './training.messages';
import { trainingRouter } from './training.router';
import { trainingRules } from './training.rules';

/** Courses, sessions, trainees, attendance and check-in, conversion. */
export const trainingModule = defineModule({ name: 'training', router: trainingRouter, jobs: trainingJobs, messages: trainingMessages, rules: trainingRules, seed: trainingDemo, snapshots: { run: (db, asOf) => computeTrainingMetrics(db, { asOf }), after: ['livestream'] } });
