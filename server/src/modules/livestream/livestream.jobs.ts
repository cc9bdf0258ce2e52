import { enqueueBestEffort } from '../../jobs/enqueue';
import { defineJob } from '../../jobs/registry';
import { shanghaiMonth } from '../../lib/dates';
import type { ServiceDeps } from '../service-context';
import { computeLivestreamMetrics } from './livestream.metrics';

export const livestreamJobs = [
  defineJob({
    name: 'livestream.recompute',
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
];

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
