import { defineJob } from '../../jobs/registry';
import { deleteExpiredSessions } from './auth.repository';
import { forgetOldAttempts } from './throttle';

export const authJobs = [
  defineJob({
    name: 'auth.housekeeping',
    // the login tables only grow otherwise: every try is a row, every login a session
    handler: async (_payload, { db }) => ({ sessions: await deleteExpiredSessions(db), loginAttempts: await forgetOldAttempts(db) }),
    schedule: { pattern: '5 3 * * *', tz: 'Asia/Shanghai', payload: {} },
    dedupeKey: () => 'auth.housekeeping',
  }),
];
