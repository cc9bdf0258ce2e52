import { z } from 'zod';
import { job } from '../../jobs/job';
import { deleteExpiredSessions } from './auth.repository';
import { forgetOldAttempts } from './throttle';

export const authJobs = {
  /** Nightly: expired sessions and login attempts no throttle count looks at any more are deleted. */
  'auth.housekeeping': job({
    payload: z.object({}),
    // the login tables only grow otherwise: every try is a row, every login a session
    handler: async (_payload, { db }) => ({ sessions: await deleteExpiredSessions(db), loginAttempts: await forgetOldAttempts(db) }),
    schedule: { pattern: '5 3 * * *', tz: 'Asia/Shanghai', payload: {} },
    dedupeKey: () => 'auth.housekeeping',
  }),
};
