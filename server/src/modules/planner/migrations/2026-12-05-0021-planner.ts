import { sql, type Kysely } from 'kysely';

// Frozen once landed: never edit after that. Add a new, later-dated migration instead.

export async function up(db: Kysely<any>): Promise<void> {
  // 线路规划: one run of the route planner for a hub — what it was asked (input), how far it got
  // (progress, best cost so far) and what it proposes (result), until the bureau accepts it.
  await sql`
    create table planner_plans (
      id integer generated always as identity primary key,
      hub_id integer not null references courier_hubs (id),
      created_by integer references users (id),
      input jsonb not null,
      status text not null default 'running' check (status in ('running', 'done', 'failed', 'accepted')),
      best_cost numeric(12, 3),
      progress integer not null default 0 check (progress between 0 and 100),
      result jsonb,
      error text,
      -- asked to stop: the job's progress loop reads it, so a cancel reaches a solver on any worker
      cancel_requested boolean not null default false,
      created_at timestamptz not null default now(),
      finished_at timestamptz
    )`.execute(db);
  await sql`create index planner_plans_hub_idx on planner_plans (hub_id, created_at desc)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists planner_plans`.execute(db);
}
