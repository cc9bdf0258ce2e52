import { z } from 'zod';
import { enqueueBestEffort } from '../../jobs/enqueue';
import { job } from '../../jobs/job';
import { shanghaiMonth } from '../../lib/dates';
import type { ServiceDeps } from '../service-context';
import { computeLivestreamMetrics } from './livestream.metrics';

export const livestreamJobs = {
  /**
   * Livestream snapshots (active hosts, host month stats, base leaderboards) as of a day (default
   * today). With `month` ('YYYY-MM'), that past month is recomputed under the active-host rule
   * version in force at its end, as it stood; with `since`, every month from that one to today
   * (what a written stream can change); with neither, every month from the first stream.
   */
  'livestream.recompute': job({
    payload: z.object({
      asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
      month: z.string().regex(/^\d{4}-\d{2}$/).optional(),
      since: z.string().regex(/^\d{4}-\d{2}$/).optional(),
    }),
    handler: async (payload, { db, queue, progress }) => {
      const result = await computeLivestreamMetrics(db, payload, progress);
      // a trainee who started livestreaming converted: their conversion figures change
      if (result.outcomesAdded > 0) await queue.enqueue('training.recompute', {});
      return result;
    },
    schedule: { pattern: '15 3 * * *', tz: 'Asia/Shanghai', payload: {} },
    // An import or a morning of typed streams arrives as a burst; one waiting recompute absorbs it.
    dedupeKey: (payload) => `livestream.recompute:${payload.month ?? (payload.since ? `since:${payload.since}` : (payload.asOf ?? 'all'))}`,
  }),
};

/** The month ('YYYY-MM', Shanghai) of the earliest of these stream starts: where a recompute after writing them begins. */
export function firstMonthOf(...starts: (Date | string)[]): string {
  return shanghaiMonth(Math.min(...starts.map((s) => new Date(s).getTime())));
}

/**
 * After stream or host writes: one debounced recompute, of the months from `since` (the earliest
 * stream written) to today, or of the current month when no stream moved (a host's link: the
 * outcomes are checked on every run).
 */
export async function enqueueLivestreamRecompute(deps: Pick<ServiceDeps, 'queue' | 'log'>, since: string = firstMonthOf(new Date())): Promise<void> {
  await enqueueBestEffort(deps, 'livestream.recompute', { since }, { delayMs: 5000 });
}
