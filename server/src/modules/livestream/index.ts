import { computeLivestreamMetrics } from './livestream.metrics';
import { defineModule } from '../module';
import { livestreamDemo } from './livestream.demo';
import { livestreamJobs } from './livestream.jobs';
import { livestreamMessages } from './livestream.messages';
import { livestreamRouter } from './livestream.router';
import { livestreamRules } from './livestream.rules';

/** Livestream bases, hosts, streams, their import and metrics. */
export const livestreamModule = defineModule({ name: 'livestream', router: livestreamRouter, jobs: livestreamJobs, messages: livestreamMessages, rules: livestreamRules, seed: livestreamDemo, snapshots: { run: (db, asOf) => computeLivestreamMetrics(db, { asOf }) } });
