import { sql, type Kysely } from 'kysely';

// Frozen once landed: never edit after that. Add a new, later-dated migration instead.

export async function up(db: Kysely<any>): Promise<void> {
  // Login throttling counts one login name from one address (failures since the pair's last success)
  // and asks whether the account logged in from the address within 90 days: both read one pair.
  await sql`create index login_attempts_pair_idx on login_attempts (login_name, ip, at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists login_attempts_pair_idx`.execute(db);
}
