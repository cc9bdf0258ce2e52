import { z } from 'zod';
import { job } from '../../jobs/job';
import { computeStationMetrics } from './stations.metrics';

export const stationsJobs = {
  /** Station snapshots for a town, a county, or (empty) everything, as of a day (default today). */
  'stations.recompute': job({
    payload: z.object({
      townCode: z.string().regex(/^\d{9}000$/).optional(),
      countyCode: z.string().regex(/^\d{6}000000$/).optional(),
      asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
    }),
    handler: (payload, { db }) => computeStationMetrics(db, payload),
    schedule: { pattern: '15 2 * * *', tz: 'Asia/Shanghai', payload: {} },
    // Ledger writes arrive in bursts; one waiting recompute per town absorbs them.
    dedupeKey: ({ townCode, countyCode, asOf }) => `stations.recompute:${townCode ?? countyCode ?? 'all'}:${asOf ?? 'today'}`,
  }),
};
