import { sql, type Kysely } from 'kysely';

// Frozen once landed: never edit after that. Add a new, later-dated migration instead.

export async function up(db: Kysely<any>): Promise<void> {
  // A live check-in (search, walk-in, QR) is taken only within the session's check-in window
  // (rule 'training.qr_check_in'); after it has closed a coordinator may still record, explicitly,
  // that someone was there: such a row is a late entry, marked here and audited as such.
  await sql`alter table attendance add column late_entry boolean not null default false`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table attendance drop column if exists late_entry`.execute(db);
}
