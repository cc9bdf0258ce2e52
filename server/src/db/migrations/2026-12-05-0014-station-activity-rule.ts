import { sql, type Kysely } from 'kysely';

// Frozen once landed: never edit after that. Add a new, later-dated migration instead.

export async function up(db: Kysely<any>): Promise<void> {
  // A station reports when it has ledger entries on at least 20 of the last 30 days (the station-
  // activity indicator's rule, versioned like every threshold).
  await sql`insert into rule_versions (rule_key, version, params, effective_from) values ('station.activity', 1, '{"windowDays": 30, "minDays": 20}', '2000-01-01')`.execute(db);
  // Days with a ledger entry (any, even all zeros: the station reported) in that rule's window.
  await sql`alter table station_activity add column entry_days_window integer not null default 0`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table station_activity drop column if exists entry_days_window`.execute(db);
  await sql`delete from rule_versions where rule_key = 'station.activity'`.execute(db);
}
