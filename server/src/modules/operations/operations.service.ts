import { sql } from 'kysely';
import { badRequest } from '../../lib/app-error';
import { jobNames } from '../../jobs/registry';
import type { JobState, QueueStatus } from '../../jobs/queue';
import { recordAudit } from '../audit/audit.service';
import type { ServiceContext } from '../service-context';

/** The queue at a glance: counts by state and the latest failures. */
export function queueStatus(ctx: Pick<ServiceContext, 'queue'>): Promise<QueueStatus> {
  return ctx.queue.status();
}

/** Run a failed job again, audited. */
export async function retryJob(ctx: Pick<ServiceContext, 'queue' | 'db' | 'who'>, id: string): Promise<void> {
  if (!(await ctx.queue.retry(id))) throw badRequest('JOB_NOT_RETRYABLE', { id });
  await recordAudit(ctx.db, ctx.who, { entity: 'job', entityId: id, action: 'retry', before: null, after: null });
}

export interface JobRunSummary {
  name: string;
  lastStartedAt: string | null;
  lastDurationMs: number | null;
  lastStatus: 'ok' | 'failed' | null;
  lastError: string | null;
  recentRuns: number;
  recentFailures: number;
  averageMs: number | null;
}

/** Every declared job with its last run (when, how long, ok or the error) and how its recent runs went. */
export async function lastRuns(ctx: Pick<ServiceContext, 'db'>): Promise<JobRunSummary[]> {
  const rows = await sql<{ job_name: string; started_at: Date; finished_at: Date; duration_ms: number; status: 'ok' | 'failed'; error: string | null; runs: number; failures: number; avg_ms: number }>`
    select distinct on (job_name) job_name, started_at, finished_at, duration_ms, status, error,
      count(*) over (partition by job_name)::int as runs,
      count(*) filter (where status = 'failed') over (partition by job_name)::int as failures,
      round(avg(duration_ms) over (partition by job_name))::int as avg_ms
    from job_runs order by job_name, id desc`.execute(ctx.db);
  const byName = new Map(rows.rows.map((r) => [r.job_name, r]));
  return (jobNames() as string[]).map((name) => {
    const r = byName.get(name);
    return {
      name,
      lastStartedAt: r ? new Date(r.started_at).toISOString() : null,
      lastDurationMs: r?.duration_ms ?? null,
      lastStatus: r?.status ?? null,
      lastError: r?.error ?? null,
      recentRuns: r?.runs ?? 0,
      recentFailures: r?.failures ?? 0,
      averageMs: r?.avg_ms ?? null,
    };
  });
}

/** Start "recompute now" (one at a time: a second start while one waits joins it), audited. */
export async function startRecompute(ctx: Pick<ServiceContext, 'queue' | 'db' | 'who'>): Promise<{ id: string }> {
  const job = await ctx.queue.enqueue('operations.recompute', {});
  await recordAudit(ctx.db, ctx.who, { entity: 'job', entityId: job.id, action: 'recompute', before: null, after: null });
  return { id: job.id };
}

/** One job's state and progress (the recompute's progress bar). */
export async function jobState(ctx: Pick<ServiceContext, 'queue'>, id: string): Promise<JobState | null> {
  return ctx.queue.job(id);
}
