import { sql, type Kysely } from 'kysely';

// Frozen once landed: never edit after that. Add a new, later-dated migration instead.

export async function up(db: Kysely<any>): Promise<void> {
  // 月度通报: a month is open until the bureau closes it; closing freezes the report built from the
  // snapshots that day as a numbered version. Later data changes do not touch it; a deliberate
  // recompute of a closed month writes the next version beside it; reopening is an audited act.
  await sql`
    create table report_months (
      period text primary key check (period ~ '^\\d{4}-(0[1-9]|1[0-2])$'),
      status text not null default 'open' check (status in ('open', 'closed')),
      version integer not null default 0,
      closed_at timestamptz,
      closed_by integer references users (id),
      reopened_at timestamptz,
      reopened_by integer references users (id)
    )`.execute(db);
  // Each built report: version 0 is an open month's draft (rebuilt on demand), 1… the closed ones.
  await sql`
    create table report_versions (
      period text not null references report_months (period),
      version integer not null check (version >= 0),
      built_at timestamptz not null default now(),
      built_by integer references users (id),
      data jsonb not null,
      workbook bytea not null,
      primary key (period, version)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists report_versions`.execute(db);
  await sql`drop table if exists report_months`.execute(db);
}
