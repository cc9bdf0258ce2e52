import { z } from 'zod';
import { job } from '../../jobs/job';
import { loadConfig } from '../../config';
import { evaluateAll } from './notifications.service';

export const notificationsJobs = {
  /** The threshold rules for every user: each to-do item stored once a day as a notification. Morning, and late afternoon for the day's filing. */
  'notifications.evaluate': job({
    payload: z.object({}),
    handler: (_payload, { db, queue, log }) => evaluateAll({ db, queue, log, countyCode: loadConfig().HOME_COUNTY_CODE }),
    schedule: { pattern: '0 7,18 * * *', tz: 'Asia/Shanghai', payload: {} },
    dedupeKey: () => 'notifications.evaluate',
  }),
};
