import { z } from 'zod';
import { loadConfig } from '../../config';
import { job } from '../../jobs/job';
import { computeCourierMetrics } from './courier.metrics';

export const courierJobs = {
  /** The courier snapshots (courier.metrics.ts): nightly, and after runs, routes or hubs change. Empty payload: the county served. */
  'courier.recompute': job({
    payload: z.object({ regionCode: z.string().regex(/^\d{12}$/).optional(), asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional() }),
    handler: (payload, { db }) => computeCourierMetrics(db, { ...payload, regionCode: payload.regionCode ?? loadConfig().HOME_COUNTY_CODE }),
    schedule: { pattern: '40 3 * * *', tz: 'Asia/Shanghai', payload: {} },
    dedupeKey: (payload) => `courier.recompute:${payload.regionCode ?? 'home'}:${payload.asOf ?? 'today'}`,
  }),
};
