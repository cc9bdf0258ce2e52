import { z } from 'zod';
import { job } from '../../jobs/job';
import { loadConfig } from '../../config';
import { closeLastMonth, recomputeClosedMonth } from './reports.service';

export const reportsJobs = {
  /** After each month's end: the snapshots brought up to date, then last month closed and its report issued (version 1). */
  'reports.monthly': job({
    payload: z.object({ regionCode: z.string().regex(/^\d{12}$/).optional() }),
    // the module list imports this module: the snapshot runner that reads the list is loaded when the job runs
    handler: async ({ regionCode }, { db }) =>
      closeLastMonth(db, regionCode ?? loadConfig().HOME_COUNTY_CODE, async (d) => (await import('../snapshots')).recomputeAll(d)),
    schedule: { pattern: '0 6 1 * *', tz: 'Asia/Shanghai', payload: {} },
    dedupeKey: () => 'reports.monthly',
  }),
  /** A closed month recomputed on purpose (the administrator's act): every snapshot brought up to date, then the next version stored. */
  'reports.recompute': job({
    payload: z.object({
      period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/),
      regionCode: z.string().regex(/^\d{12}$/),
      by: z.object({ id: z.number().int().nullable(), loginName: z.string().nullable(), ip: z.string().nullable() }),
    }),
    handler: async ({ period, regionCode, by }, { db, progress }) => {
      const { recomputeAll } = await import('../snapshots');
      const result = await recomputeClosedMonth({ db, who: by, regionCode }, period, (d) => recomputeAll(d, { progress: (p) => progress(Math.round(p * 0.9)) }));
      await progress(100);
      return result;
    },
    attempts: 1,
    dedupeKey: ({ period }) => `reports.recompute:${period}`,
  }),
};
