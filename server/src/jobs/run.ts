import { sql } from 'kysely';
import type { JobContext, JobDefinition } from './registry';

/** How many runs of each job the operations page keeps. */
export const RUNS_KEPT = 50;

/**
 * Run a job's handler and record the run (job_runs: when, how long, ok or the error), for both
 * queue implementations. Recording never fails the job: a run that cannot be written is logged.
 */
export async function runRecorded(def: JobDefinition, payload: unknown, ctx: JobContext, meta: { jobId: string; attempt: number }): Promise<unknown> {
  const startedAt = new Date();
  const t0 = performance.now();
  const record = async (status: 'ok' | 'failed', error: string | null) => {
    try {
      await sql`
        with added as (
          insert into job_runs (job_name, job_id, attempt, started_at, finished_at, duration_ms, status, error)
          values (${def.name}, ${meta.jobId}, ${meta.attempt}, ${startedAt}, now(), ${Math.round(performance.now() - t0)}, ${status}, ${error})
          returning id
        )
        delete from job_runs where job_name = ${def.name} and id not in (
          select id from job_runs where job_name = ${def.name} order by id desc limit ${RUNS_KEPT - 1}
        ) and id not in (select id from added)`.execute(ctx.db);
    } catch (err) {
      ctx.log.warn({ err: (err as Error).message }, 'job run not recorded');
    }
  };
  try {
    const result = await def.handler(payload as never, ctx);
    await record('ok', null);
    return result;
  } catch (error) {
    await record('failed', error instanceof Error ? error.message.slice(0, 2000) : String(error).slice(0, 2000));
    throw error;
  }
}
