import { sql, type Kysely } from 'kysely';

// Frozen once landed: never edit after that. Add a new, later-dated migration instead.

export async function up(db: Kysely<any>): Promise<void> {
  // The host list sorted by last stream asks every host in scope for max(started_at): with this
  // index each is one probe, not a walk down all streams by date (a page of the demo's 360 hosts
  // took 250 ms without it, and 200 of them at once kept a login waiting 12–43 s).
  await sql`create index livestream_streams_host_started_idx on livestream_streams (host_id, started_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists livestream_streams_host_started_idx`.execute(db);
}
