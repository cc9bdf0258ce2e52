/**
 * training.service.ts was split by capability: courses.service.ts, sessions.service.ts,
 * registration.service.ts, trainees.service.ts (check-in search), with their repositories, and
 * training.recompute.ts. These names stay here for the modules that still import them from this
 * file (the sign-in import, livestream); new code imports from where they live.
 */
export { isUniqueViolation } from '../../lib/pg-error';
export { courseFor } from './courses.service';
export { ID_CARD_KEY } from './registration.service';
export { enqueueTrainingRecompute } from './training.recompute';
