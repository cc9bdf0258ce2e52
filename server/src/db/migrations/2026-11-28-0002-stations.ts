import { sql, type Kysely } from 'kysely';

// Frozen: never edit after it has landed. Add a new, later-dated migration instead.

export async function up(db: Kysely<any>): Promise<void> {
  // Rules with thresholds are versioned data: each metric value records the version it used.
  await sql`
    create table rule_versions (
      rule_key text not null check (rule_key ~ '^[a-z][a-z0-9_.]{1,63}$'),
      version integer not null check (version >= 1),
      params jsonb not null,
      effective_from date not null,
      created_by integer references users (id),
      created_at timestamptz not null default now(),
      primary key (rule_key, version)
    )`.execute(db);
  // A station is quiet (僵尸站点 candidate) after this many days without a non-zero ledger entry.
  await sql`insert into rule_versions (rule_key, version, params, effective_from) values ('station.quiet', 1, '{"days": 30}', '2000-01-01')`.execute(db);

  await sql`
    create table stations (
      id integer generated always as identity primary key,
      code text not null unique check (code ~ '^[A-Za-z0-9_-]{2,32}$'),
      name text not null check (length(name) between 1 and 100),
      tier text not null check (tier in ('county_center', 'town_station', 'village_point')),
      region_code text not null references regions (code),
      parent_id integer references stations (id),
      address text check (length(address) <= 200),
      lat numeric(9, 6) check (lat between 3.8 and 53.6),
      lng numeric(9, 6) check (lng between 73.4 and 135.1),
      phone text check (length(phone) <= 20),
      opened_on date,
      services text[] not null default '{}'
        check (services <@ array['purchase_on_behalf', 'sell_on_behalf', 'parcels', 'bill_payment', 'training', 'incubation', 'other']),
      status text not null default 'planned' check (status in ('planned', 'active', 'suspended', 'closed')),
      status_since date not null default current_date,
      status_reason text check (length(status_reason) <= 200),
      -- an admin may allow a second active village point in one village, saying why
      duplicate_override_reason text check (length(duplicate_override_reason) <= 200),
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check ((tier = 'county_center') = (parent_id is null)),
      check ((lat is null) = (lng is null))
    )`.execute(db);
  await sql`create index stations_parent_idx on stations (parent_id)`.execute(db);
  await sql`create index stations_region_idx on stations (region_code text_pattern_ops)`.execute(db);
  await sql`
    create unique index stations_one_active_point_per_village on stations (region_code)
      where tier = 'village_point' and status = 'active' and duplicate_override_reason is null`.execute(db);

  // The hierarchy rules, kept by the database too: the service checks first and explains; this is
  // the backstop for any other writer. The exception message is the error code.
  await sql`
    create function stations_check_hierarchy() returns trigger language plpgsql as $fn$
    declare
      r_level text;
      r_parent text;
      p_tier text;
      p_region text;
      expected_level text := case new.tier when 'county_center' then 'county' when 'town_station' then 'town' else 'village' end;
      expected_parent text := case new.tier when 'town_station' then 'county_center' when 'village_point' then 'town_station' end;
    begin
      select level, parent_code into r_level, r_parent from regions where code = new.region_code;
      if r_level is distinct from expected_level then
        raise exception 'STATION_REGION_LEVEL_MISMATCH' using errcode = 'P0001';
      end if;
      if new.tier <> 'county_center' then
        select tier, region_code into p_tier, p_region from stations where id = new.parent_id;
        if p_tier is distinct from expected_parent then
          raise exception 'STATION_PARENT_TIER_MISMATCH' using errcode = 'P0001';
        end if;
        if p_region is distinct from r_parent then
          raise exception 'STATION_PARENT_REGION_MISMATCH' using errcode = 'P0001';
        end if;
      end if;
      if tg_op = 'UPDATE' and (new.tier <> old.tier or new.region_code <> old.region_code)
         and exists (select 1 from stations c where c.parent_id = new.id) then
        raise exception 'STATION_HAS_CHILDREN' using errcode = 'P0001';
      end if;
      return new;
    end
    $fn$`.execute(db);
  await sql`
    create trigger stations_hierarchy before insert or update on stations
      for each row execute function stations_check_hierarchy()`.execute(db);

  await sql`
    create table station_status_history (
      id bigint generated always as identity primary key,
      station_id integer not null references stations (id) on delete cascade,
      status text not null check (status in ('planned', 'active', 'suspended', 'closed')),
      since date not null,
      reason text,
      changed_by integer references users (id),
      changed_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index station_status_history_station_idx on station_status_history (station_id, since)`.execute(db);

  // One row per station per day. Money in integer fen.
  await sql`
    create table ledger_entries (
      station_id integer not null references stations (id),
      entry_date date not null,
      parcels_in integer not null default 0 check (parcels_in between 0 and 100000),
      parcels_out integer not null default 0 check (parcels_out between 0 and 100000),
      purchase_orders integer not null default 0 check (purchase_orders between 0 and 100000),
      purchase_amount_fen bigint not null default 0 check (purchase_amount_fen between 0 and 100000000000),
      sales_orders integer not null default 0 check (sales_orders between 0 and 100000),
      sales_amount_fen bigint not null default 0 check (sales_amount_fen between 0 and 100000000000),
      income_parcel_fen bigint not null default 0 check (income_parcel_fen between 0 and 10000000000),
      income_commission_fen bigint not null default 0 check (income_commission_fen between 0 and 10000000000),
      income_bill_fen bigint not null default 0 check (income_bill_fen between 0 and 10000000000),
      income_other_fen bigint not null default 0 check (income_other_fen between 0 and 10000000000),
      villagers_served integer not null default 0 check (villagers_served between 0 and 100000),
      note text check (length(note) <= 500),
      version integer not null default 1,
      created_by integer references users (id),
      updated_by integer references users (id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (station_id, entry_date)
    )`.execute(db);
  await sql`create index ledger_entries_date_idx on ledger_entries (entry_date)`.execute(db);

  // A user's remembered column mapping for ledger imports, per header set.
  await sql`
    create table import_mappings (
      user_id integer not null references users (id) on delete cascade,
      kind text not null check (kind ~ '^[a-z_.]{1,40}$'),
      mapping jsonb not null,
      updated_at timestamptz not null default now(),
      primary key (user_id, kind)
    )`.execute(db);

  // Snapshots written by jobs and read by pages.
  await sql`
    create table station_month_stats (
      station_id integer not null references stations (id) on delete cascade,
      month date not null check (extract(day from month) = 1),
      days_with_entry integer not null,
      active_days integer not null,
      parcels_in integer not null,
      parcels_out integer not null,
      purchase_orders integer not null,
      purchase_amount_fen bigint not null,
      sales_orders integer not null,
      sales_amount_fen bigint not null,
      income_parcel_fen bigint not null,
      income_commission_fen bigint not null,
      income_bill_fen bigint not null,
      income_other_fen bigint not null,
      income_total_fen bigint not null,
      villagers_served integer not null,
      income_per_open_day_fen bigint not null,
      computed_at timestamptz not null default now(),
      primary key (station_id, month)
    )`.execute(db);
  await sql`create index station_month_stats_month_idx on station_month_stats (month)`.execute(db);

  await sql`
    create table station_activity (
      station_id integer primary key references stations (id) on delete cascade,
      as_of date not null,
      last_entry_date date,
      last_active_date date,
      active_days_30 integer not null,
      quiet boolean not null,
      quiet_days integer,
      rule_version integer not null,
      computed_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index station_activity_quiet_idx on station_activity (quiet) where quiet`.execute(db);

  // Headline figures of every domain in one shape: any KPI, any region, any period.
  await sql`
    create table metric_values (
      metric_key text not null check (metric_key ~ '^[a-z][a-z0-9_.]{1,63}$'),
      region_code text not null references regions (code),
      period text not null check (period ~ '^\\d{4}(-\\d{2})?$'),
      value numeric(20, 4) not null,
      rule_version integer not null default 0,
      computed_at timestamptz not null default now(),
      primary key (metric_key, region_code, period)
    )`.execute(db);
  await sql`create index metric_values_period_idx on metric_values (period, metric_key)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['metric_values', 'station_activity', 'station_month_stats', 'import_mappings', 'ledger_entries', 'station_status_history', 'stations', 'rule_versions']) {
    await sql`drop table if exists ${sql.table(table)} cascade`.execute(db);
  }
  await sql`drop function if exists stations_check_hierarchy()`.execute(db);
}
