import { z } from 'zod';

/**
 * Every job the platform runs: its name and its payload. Handlers live in their domain modules
 * (`modules/<domain>/<domain>.jobs.ts`) and are collected in `handlers.ts`; the registry refuses to
 * start when a name here has no handler, or two.
 */
export const jobPayloads = {
  /** Nightly: expired sessions and login attempts no throttle count looks at any more are deleted. */
  'auth.housekeeping': z.object({}),
  /** Count towns and villages under each county and town (coverage denominators). Empty: every county. */
  'regions.rollup': z.object({ countyCode: z.string().regex(/^\d{6}000000$/).optional() }),
  /** Station snapshots for a town, a county, or (empty) everything, as of a day (default today). */
  'stations.recompute': z.object({
    townCode: z.string().regex(/^\d{9}000$/).optional(),
    countyCode: z.string().regex(/^\d{6}000000$/).optional(),
    asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  }),
  /** Course completions and person-times (人次) by town, county, year and month. */
  'training.recompute': z.object({}),
  /**
   * Livestream snapshots (active hosts, host month stats, base leaderboards) as of a day (default
   * today). With `month` ('YYYY-MM'), that past month is recomputed under the active-host rule
   * version in force at its end, as it stood; with `since`, every month from that one to today
   * (what a written stream can change); with neither, every month from the first stream.
   */
  'livestream.recompute': z.object({
    asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
    month: z.string().regex(/^\d{4}-\d{2}$/).optional(),
    since: z.string().regex(/^\d{4}-\d{2}$/).optional(),
  }),
} as const;

export type JobName = keyof typeof jobPayloads;
export type JobPayload<N extends JobName> = z.input<(typeof jobPayloads)[N]>;
export const JOB_NAMES = Object.keys(jobPayloads) as JobName[];
