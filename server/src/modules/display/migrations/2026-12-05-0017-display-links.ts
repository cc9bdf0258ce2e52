import { sql, type Kysely } from 'kysely';

// Frozen once landed: never edit after that. Add a new, later-dated migration instead.

export async function up(db: Kysely<any>): Promise<void> {
  // 数据大屏: a read-only link for the wall screen of the service centre. Only the token's SHA-256 is
  // kept (the link is shown once, when made); an admin revokes it and the screen stops at once.
  await sql`
    create table display_links (
      id integer generated always as identity primary key,
      label text not null check (length(label) between 1 and 60),
      token_hash text not null unique,
      created_by integer references users (id),
      created_at timestamptz not null default now(),
      revoked_at timestamptz,
      revoked_by integer references users (id),
      last_seen_at timestamptz
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists display_links`.execute(db);
}
