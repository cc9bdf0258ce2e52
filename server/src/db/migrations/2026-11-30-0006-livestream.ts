import { sql, type Kysely } from 'kysely';

// Frozen once landed: never edit after that. Add a new, later-dated migration instead.

export async function up(db: Kysely<any>): Promise<void> {
  // 直播基地. Managers (livestream_manager) are scoped to bases through user_scopes (kind 'base',
  // scope_value = the base id). A base sits in a region (its town) so the bureau's town reports see it.
  await sql`
    create table livestream_bases (
      id integer generated always as identity primary key,
      name text not null unique check (length(name) between 1 and 100),
      address text check (length(address) <= 200),
      region_code text not null references regions (code),
      rooms integer check (rooms between 0 and 1000),
      capacity integer check (capacity between 0 and 100000),
      status text not null default 'active' check (status in ('active', 'paused', 'closed')),
      version integer not null default 1,
      created_by integer references users (id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index livestream_bases_region_idx on livestream_bases (region_code text_pattern_ops)`.execute(db);

  // 主播: one person, known by the mobile (normalised as for trainees). A link to a trainee is
  // suggested by mobile and set only when a person confirms it.
  await sql`
    create table livestream_hosts (
      id integer generated always as identity primary key,
      base_id integer not null references livestream_bases (id),
      name text not null check (length(name) between 1 and 50),
      mobile text not null unique check (mobile ~ '^1[3-9][0-9]{9}$'),
      village_code text references regions (code),
      status text not null default 'active' check (status in ('active', 'paused', 'left')),
      joined_on date,
      trainee_id integer references trainees (id),
      trainee_linked_by integer references users (id),
      trainee_linked_at timestamptz,
      version integer not null default 1,
      created_by integer references users (id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index livestream_hosts_base_idx on livestream_hosts (base_id)`.execute(db);
  await sql`create index livestream_hosts_trainee_idx on livestream_hosts (trainee_id) where trainee_id is not null`.execute(db);

  // A host's accounts on the platforms. An account belongs to one host.
  await sql`
    create table livestream_accounts (
      id integer generated always as identity primary key,
      host_id integer not null references livestream_hosts (id) on delete cascade,
      platform text not null check (platform in ('taobao', 'douyin', 'kuaishou', 'wechat_channels', 'pinduoduo', 'other')),
      account_id text not null check (length(account_id) between 1 and 100),
      handle text check (length(handle) <= 100),
      created_at timestamptz not null default now(),
      unique (platform, account_id)
    )`.execute(db);
  await sql`create index livestream_accounts_host_idx on livestream_accounts (host_id)`.execute(db);

  // 直播场次: one broadcast. Unique by (host, platform, start): typing or importing it again never
  // makes a second row. base_id is the host's base when the stream was recorded (history stays put
  // when a host moves). Money in fen; a figure the platform did not give is null, never 0.
  await sql`
    create table livestream_streams (
      id bigint generated always as identity primary key,
      host_id integer not null references livestream_hosts (id),
      base_id integer not null references livestream_bases (id),
      platform text not null check (platform in ('taobao', 'douyin', 'kuaishou', 'wechat_channels', 'pinduoduo', 'other')),
      started_at timestamptz not null,
      duration_seconds integer not null check (duration_seconds between 0 and 172800),
      viewers integer check (viewers >= 0),
      peak_viewers integer check (peak_viewers >= 0),
      new_followers integer check (new_followers >= 0),
      orders integer check (orders >= 0),
      buyers integer check (buyers >= 0),
      gmv_fen bigint check (gmv_fen >= 0),
      farm_products boolean not null default false,
      main_products text check (length(main_products) <= 200),
      source text not null default 'manual' check (source in ('manual', 'import')),
      recorded_by integer references users (id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (host_id, platform, started_at)
    )`.execute(db);
  await sql`create index livestream_streams_started_idx on livestream_streams (started_at)`.execute(db);
  await sql`create index livestream_streams_base_idx on livestream_streams (base_id, started_at)`.execute(db);

  // 活跃主播: no official definition, so a versioned rule. Active on a platform on day D: at least
  // minStreams streams of at least minMinutes each, started in the windowDays days ending with D.
  await sql`
    insert into rule_versions (rule_key, version, params, effective_from)
    values ('livestream.active_host', 1, '{"windowDays": 30, "minStreams": 4, "minMinutes": 30}', '2000-01-01')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['livestream_streams', 'livestream_accounts', 'livestream_hosts', 'livestream_bases']) {
    await sql`drop table if exists ${sql.table(table)} cascade`.execute(db);
  }
  await sql`delete from rule_versions where rule_key = 'livestream.active_host'`.execute(db);
}
