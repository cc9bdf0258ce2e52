import { sql } from 'kysely';
import type { Db } from '@cuntong/server/db/create-db';
import { jobDefinitions } from '@cuntong/server/jobs/handlers';
import { createInlineQueue } from '@cuntong/server/jobs/inline-queue';
import type { EnqueuedJob, JobQueue } from '@cuntong/server/jobs/queue';
import { buildRegistry } from '@cuntong/server/jobs/registry';
import type { AppDeps } from '@cuntong/server/trpc/context';

/**
 * Which tables a call changed. A row trigger on every table of the test database writes the table's
 * name to `test_change_log` inside the writer's own transaction: a write that rolls back leaves no
 * trace, one that commits leaves one. Stricter than a count-and-md5 fingerprint of every table (an
 * update to the same values counts too) and cheaper: one indexed read before and after a call.
 */
export async function trackChanges(db: Db) {
  await sql`create table test_change_log (id bigint generated always as identity primary key, table_name text not null)`.execute(db);
  await sql`
    create function test_log_change() returns trigger language plpgsql as $$
    begin
      insert into test_change_log (table_name) values (tg_table_name);
      return null;
    end $$`.execute(db);
  const tables = await sql<{ name: string }>`select tablename as name from pg_tables where schemaname = 'public' and tablename <> 'test_change_log'`.execute(db);
  for (const { name } of tables.rows) {
    await sql`create trigger test_log_change after insert or update or delete on ${sql.table(name)} for each row execute function test_log_change()`.execute(db);
  }
  return {
    /** Where the log stands now. */
    async mark(): Promise<number> {
      const row = await sql<{ id: string | null }>`select max(id) as id from test_change_log`.execute(db);
      return Number(row.rows[0]?.id ?? 0);
    },
    /** The tables written since the mark, sorted. */
    async since(mark: number): Promise<string[]> {
      const rows = await sql<{ name: string }>`select distinct table_name as name from test_change_log where id > ${mark} order by 1`.execute(db);
      return rows.rows.map((r) => r.name);
    },
  };
}
export type ChangeLog = Awaited<ReturnType<typeof trackChanges>>;

/**
 * The app's in-process queue, run at once (no debounce delay) and watched, so a test can wait for
 * every job a call started before it looks at what changed: a recompute still running from the
 * call before must not be taken for a write of the call after. The same queue and handlers; only
 * the delay is dropped.
 */
export function settlingQueue() {
  const pending: EnqueuedJob[] = [];
  return {
    create(base: Omit<AppDeps, 'queue'>): JobQueue {
      const inner = createInlineQueue({ ...base, registry: buildRegistry(jobDefinitions), runSchedules: false });
      return {
        ...inner,
        enqueue: (async (name: Parameters<JobQueue['enqueue']>[0], payload: Parameters<JobQueue['enqueue']>[1]) => {
          const job = await inner.enqueue(name, payload as never);
          pending.push(job);
          return job;
        }) as JobQueue['enqueue'],
      };
    },
    /** Wait until every job started so far (and every job those started) has run. */
    async settle(): Promise<void> {
      while (pending.length > 0) await Promise.allSettled(pending.splice(0).map((job) => job.finished()));
    },
  };
}
