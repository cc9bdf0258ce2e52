import { sql, type Kysely } from 'kysely';

// Frozen once landed: never edit after that. Add a new, later-dated migration instead.

export async function up(db: Kysely<any>): Promise<void> {
  // Snapshot (livestream.recompute): one row per host, platform and month in which the host streamed
  // on the platform or was active at the month's end. Activity is judged as of `as_of`: the month's
  // last day, or the day of the run for the current month, under the active-host rule version in
  // force on that day (recorded in rule_version). base_id is the base of the host's latest stream
  // counted in the row (a host who moves keeps their history where it happened).
  await sql`
    create table host_month_stats (
      host_id integer not null references livestream_hosts (id) on delete cascade,
      platform text not null check (platform in ('taobao', 'douyin', 'kuaishou', 'wechat_channels', 'pinduoduo', 'other')),
      month date not null check (extract(day from month) = 1),
      base_id integer not null references livestream_bases (id),
      as_of date not null,
      streams integer not null,
      qualifying_streams integer not null,
      duration_seconds bigint not null,
      gmv_fen bigint not null,
      viewers bigint not null,
      buyers bigint not null,
      orders bigint not null,
      new_followers bigint not null,
      window_streams integer not null,
      active_at_month_end boolean not null,
      rule_version integer not null,
      computed_at timestamptz not null default now(),
      primary key (host_id, platform, month)
    )`.execute(db);
  await sql`create index host_month_stats_month_idx on host_month_stats (month, base_id)`.execute(db);

  // Snapshot: per month, base and platform ('all': distinct hosts over every platform), the hosts
  // active at the month's end (as of today for the current month) and the month's totals.
  await sql`
    create table livestream_active_stats (
      month date not null check (extract(day from month) = 1),
      base_id integer not null references livestream_bases (id) on delete cascade,
      platform text not null check (platform in ('taobao', 'douyin', 'kuaishou', 'wechat_channels', 'pinduoduo', 'other', 'all')),
      as_of date not null,
      active_hosts integer not null,
      streaming_hosts integer not null,
      streams integer not null,
      duration_seconds bigint not null,
      gmv_fen bigint not null,
      rule_version integer not null,
      computed_at timestamptz not null default now(),
      primary key (month, base_id, platform)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists livestream_active_stats`.execute(db);
  await sql`drop table if exists host_month_stats`.execute(db);
}
