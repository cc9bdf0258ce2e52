import { sql, type Kysely } from 'kysely';

// Frozen once landed: never edit after that. Add a new, later-dated migration instead.

export async function up(db: Kysely<any>): Promise<void> {
  // Targets below the town: a livestream base's yearly figure (active Taobao Live hosts). County and
  // town targets stay in `targets`, keyed by region; a base is not a region, hence its own table.
  await sql`
    create table base_targets (
      year smallint not null check (year between 2000 and 2100),
      base_id integer not null references livestream_bases (id) on delete cascade,
      metric_key text not null check (metric_key ~ '^[a-z][a-z0-9_]{1,63}$'),
      value numeric(14, 2) not null check (value >= 0),
      updated_by integer references users (id),
      updated_at timestamptz not null default now(),
      primary key (year, base_id, metric_key)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists base_targets`.execute(db);
}
