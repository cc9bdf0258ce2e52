import { sql, type Kysely } from 'kysely';

// Frozen: never edit after it has landed. Add a new, later-dated migration instead.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table regions (
      code text primary key check (code ~ '^[0-9]{12}$'),
      name text not null check (length(name) between 1 and 100),
      level text not null check (level in ('province', 'city', 'county', 'town', 'village')),
      parent_code text references regions (code),
      township_kind text check (township_kind in ('subdistrict', 'town', 'township', 'other')),
      village_kind text check (village_kind in ('residents_committee', 'villagers_committee', 'other')),
      edition smallint not null default 2023,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check ((level = 'province') = (parent_code is null)),
      check ((level = 'town') = (township_kind is not null)),
      check ((level = 'village') = (village_kind is not null))
    )`.execute(db);
  await sql`create index regions_parent_idx on regions (parent_code)`.execute(db);
  await sql`create index regions_code_prefix_idx on regions (code text_pattern_ops)`.execute(db);
  await sql`create index regions_level_idx on regions (level)`.execute(db);

  await sql`
    create table region_rollups (
      region_code text primary key references regions (code) on delete cascade,
      level text not null check (level in ('county', 'town')),
      town_count integer not null check (town_count >= 0),
      village_count integer not null check (village_count >= 0),
      administrative_village_count integer not null check (administrative_village_count >= 0),
      computed_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table users (
      id integer generated always as identity primary key,
      login_name text not null unique check (login_name ~ '^[a-z0-9_.-]{3,32}$'),
      display_name text not null check (length(display_name) between 1 and 50),
      mobile text check (mobile ~ '^1[3-9][0-9]{9}$'),
      role text not null check (role in ('admin', 'staff', 'station_operator', 'training_coordinator', 'livestream_manager')),
      password_hash text not null check (password_hash like '$argon2id$%'),
      must_change_password boolean not null default false,
      disabled_at timestamptz,
      password_changed_at timestamptz not null default now(),
      last_login_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table user_scopes (
      user_id integer not null references users (id) on delete cascade,
      kind text not null check (kind in ('region', 'station', 'base')),
      ref text not null check (length(ref) between 1 and 32),
      primary key (user_id, kind, ref)
    )`.execute(db);

  await sql`
    create table sessions (
      id text primary key,
      user_id integer not null references users (id) on delete cascade,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      last_seen_at timestamptz not null default now(),
      ip text,
      user_agent text
    )`.execute(db);
  await sql`create index sessions_user_idx on sessions (user_id)`.execute(db);
  await sql`create index sessions_expires_idx on sessions (expires_at)`.execute(db);

  await sql`
    create table login_attempts (
      id bigint generated always as identity primary key,
      login_name text not null,
      ip text not null,
      succeeded boolean not null,
      at timestamptz not null default now()
    )`.execute(db);
  await sql`create index login_attempts_login_idx on login_attempts (login_name, at)`.execute(db);
  await sql`create index login_attempts_ip_idx on login_attempts (ip, at)`.execute(db);

  await sql`
    create table audit_log (
      id bigint generated always as identity primary key,
      at timestamptz not null default now(),
      actor_user_id integer references users (id),
      actor_login text,
      entity text not null,
      entity_id text,
      action text not null,
      before jsonb,
      after jsonb,
      ip text
    )`.execute(db);
  await sql`create index audit_log_at_idx on audit_log (at desc)`.execute(db);
  await sql`create index audit_log_entity_idx on audit_log (entity, entity_id)`.execute(db);
  await sql`create index audit_log_actor_idx on audit_log (actor_user_id, at desc)`.execute(db);

  await sql`
    create table targets (
      year smallint not null check (year between 2000 and 2100),
      region_code text not null references regions (code),
      metric_key text not null check (metric_key ~ '^[a-z][a-z0-9_]{1,63}$'),
      value numeric(14, 2) not null check (value >= 0),
      updated_at timestamptz not null default now(),
      updated_by integer references users (id),
      primary key (year, region_code, metric_key)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['targets', 'audit_log', 'login_attempts', 'sessions', 'user_scopes', 'users', 'region_rollups', 'regions']) {
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
  }
}
