import { sql, type Kysely } from 'kysely';

// Frozen once landed: never edit after that. Add a new, later-dated migration instead.

export async function up(db: Kysely<any>): Promise<void> {
  // Every run of every job, both queues (jobs/run.ts): the operations page shows each job's last
  // run and its duration. The latest 50 runs of each job are kept.
  await sql`
    create table job_runs (
      id bigint generated always as identity primary key,
      job_name text not null,
      job_id text not null,
      attempt integer not null,
      started_at timestamptz not null,
      finished_at timestamptz not null,
      duration_ms integer not null,
      status text not null check (status in ('ok', 'failed')),
      error text
    )`.execute(db);
  await sql`create index job_runs_name_idx on job_runs (job_name, id desc)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists job_runs`.execute(db);
}
