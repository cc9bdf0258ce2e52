import { sql, type Kysely } from 'kysely';

// Frozen once landed: never edit after that. Add a new, later-dated migration instead.

export async function up(db: Kysely<any>): Promise<void> {
  // A phone's outbox gives every queued write a key of its own (a UUID made on the phone) and sends
  // it again until it hears an answer. The first write with a key records its answer here, in the
  // write's own transaction; a replay of the key answers that first result and writes nothing.
  // `kind` is the procedure the key was first used with: the same key on another one is refused.
  await sql`
    create table client_keys (
      user_id int not null references users(id) on delete cascade,
      key uuid not null,
      kind text not null,
      result jsonb,
      created_at timestamptz not null default now(),
      primary key (user_id, key)
    )`.execute(db);
  // Old keys are only ever looked up by a replay within days; this index lets a sweep find them.
  await sql`create index client_keys_created_at_idx on client_keys (created_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists client_keys`.execute(db);
}
