import { sql, type Kysely } from 'kysely';

// Frozen once landed: never edit after that. Add a new, later-dated migration instead.

export async function up(db: Kysely<any>): Promise<void> {
  // 快递公司: an editable list (the usual ones seeded below).
  await sql`
    create table courier_carriers (
      id integer generated always as identity primary key,
      code text not null unique check (code ~ '^[a-z][a-z0-9_]{1,31}$'),
      name text not null unique check (length(name) between 1 and 30),
      active boolean not null default true,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    insert into courier_carriers (code, name) values
      ('zto', '中通'), ('yto', '圆通'), ('sto', '申通'), ('yunda', '韵达'), ('jtexpress', '极兔'),
      ('ems', '邮政/EMS'), ('jd', '京东'), ('sf', '顺丰')`.execute(db);

  // 共配中心: at the county centre or a town station; its staff are that station's operators.
  await sql`
    create table courier_hubs (
      id integer generated always as identity primary key,
      name text not null unique check (length(name) between 1 and 60),
      station_id integer not null unique references stations (id),
      active boolean not null default true,
      version integer not null default 1,
      created_at timestamptz not null default now()
    )`.execute(db);
  // The carriers taking part at a hub, from a day (to a day, once they leave).
  await sql`
    create table courier_hub_carriers (
      hub_id integer not null references courier_hubs (id) on delete cascade,
      carrier_id integer not null references courier_carriers (id),
      from_date date not null,
      to_date date,
      primary key (hub_id, carrier_id, from_date),
      check (to_date is null or to_date >= from_date)
    )`.execute(db);

  await sql`
    create table courier_vehicles (
      id integer generated always as identity primary key,
      hub_id integer not null references courier_hubs (id),
      plate text not null unique check (length(plate) between 5 and 12),
      kind text not null default 'van' check (kind in ('van', 'truck', 'tricycle')),
      capacity_parcels integer not null check (capacity_parcels between 1 and 100000),
      capacity_kg numeric(9, 1) check (capacity_kg > 0),
      driver_name text check (length(driver_name) <= 30),
      driver_mobile text check (driver_mobile ~ '^1[3-9][0-9]{9}$'),
      cost_per_km_fen integer not null default 0 check (cost_per_km_fen >= 0),
      cost_per_day_fen integer not null default 0 check (cost_per_day_fen >= 0),
      speed_kmh integer not null default 40 check (speed_kmh between 5 and 120),
      active boolean not null default true,
      version integer not null default 1,
      created_at timestamptz not null default now()
    )`.execute(db);

  // A route and its versions: days of the week (1 = Monday … 7), planned times, service minutes,
  // ordered stops (village points). A run keeps the version it ran.
  await sql`
    create table courier_routes (
      id integer generated always as identity primary key,
      hub_id integer not null references courier_hubs (id),
      name text not null check (length(name) between 1 and 60),
      active boolean not null default true,
      created_at timestamptz not null default now(),
      unique (hub_id, name)
    )`.execute(db);
  await sql`
    create table courier_route_versions (
      route_id integer not null references courier_routes (id) on delete cascade,
      version integer not null,
      effective_from date not null,
      vehicle_id integer references courier_vehicles (id),
      days smallint[] not null check (cardinality(days) between 0 and 7 and days <@ array[1, 2, 3, 4, 5, 6, 7]::smallint[]),
      depart_at text not null check (depart_at ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
      service_minutes integer not null default 5 check (service_minutes between 0 and 120),
      created_by integer references users (id),
      created_at timestamptz not null default now(),
      primary key (route_id, version),
      unique (route_id, effective_from)
    )`.execute(db);
  await sql`
    create table courier_route_stops (
      route_id integer not null,
      version integer not null,
      seq integer not null check (seq >= 1),
      station_id integer not null references stations (id),
      planned_at text check (planned_at ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
      primary key (route_id, version, seq),
      unique (route_id, version, station_id),
      foreign key (route_id, version) references courier_route_versions (route_id, version) on delete cascade
    )`.execute(db);
  await sql`create index courier_route_stops_station_idx on courier_route_stops (station_id)`.execute(db);

  // 运行记录: one route on one day, with the version it ran.
  await sql`
    create table courier_runs (
      id integer generated always as identity primary key,
      route_id integer not null references courier_routes (id),
      route_version integer not null,
      run_date date not null,
      vehicle_id integer references courier_vehicles (id),
      departed_at text check (departed_at ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
      returned_at text check (returned_at ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
      km numeric(7, 1) check (km >= 0),
      cost_fen integer not null default 0 check (cost_fen >= 0),
      subsidy_fen integer not null default 0 check (subsidy_fen >= 0),
      note text check (length(note) <= 300),
      source text not null default 'entered' check (source in ('entered', 'imported')),
      created_by integer references users (id),
      created_at timestamptz not null default now(),
      unique (route_id, run_date),
      foreign key (route_id, route_version) references courier_route_versions (route_id, version)
    )`.execute(db);
  await sql`create index courier_runs_date_idx on courier_runs (run_date)`.execute(db);
  await sql`
    create table courier_run_stops (
      run_id integer not null references courier_runs (id) on delete cascade,
      station_id integer not null references stations (id),
      arrived_at text check (arrived_at ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
      missed boolean not null default false,
      missed_reason text check (missed_reason in ('road', 'weather', 'vehicle', 'closed', 'no_parcels', 'other')),
      primary key (run_id, station_id),
      check (missed = (missed_reason is not null))
    )`.execute(db);
  await sql`
    create table courier_run_parcels (
      run_id integer not null references courier_runs (id) on delete cascade,
      station_id integer not null references stations (id),
      carrier_id integer not null references courier_carriers (id),
      delivered integer not null default 0 check (delivered between 0 and 100000),
      collected integer not null default 0 check (collected between 0 and 100000),
      primary key (run_id, station_id, carrier_id)
    )`.execute(db);

  // Snapshot: per hub, month and carrier (0: every carrier), what the runs did.
  await sql`
    create table courier_month_stats (
      hub_id integer not null references courier_hubs (id) on delete cascade,
      month date not null check (extract(day from month) = 1),
      carrier_id integer not null,
      runs integer not null,
      days integer not null,
      delivered bigint not null,
      collected bigint not null,
      km numeric(12, 1) not null,
      cost_fen bigint not null,
      subsidy_fen bigint not null,
      stops integer not null,
      stops_missed integer not null,
      stops_timed integer not null,
      stops_on_time integer not null,
      -- the missed stops by reason (carrier 0's row): {"road": 3, "weather": 1}
      missed_reasons jsonb not null default '{}',
      computed_at timestamptz not null default now(),
      primary key (hub_id, month, carrier_id)
    )`.execute(db);

  // Snapshot: per hub, day and carrier (0: every carrier), parcels a day and the day's runs and missed stops.
  await sql`
    create table courier_day_stats (
      hub_id integer not null references courier_hubs (id) on delete cascade,
      day date not null,
      carrier_id integer not null,
      runs integer not null,
      delivered integer not null,
      collected integer not null,
      stops_missed integer not null,
      primary key (hub_id, day, carrier_id)
    )`.execute(db);

  // 快递进村 coverage: a village counts when its village point is on a route at least `minDaysPerWeek` days a week.
  await sql`
    insert into rule_versions (rule_key, version, params, effective_from)
    values ('courier.coverage', 1, '{"minDaysPerWeek": 5, "onTimeMinutes": 15}', '2000-01-01')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from rule_versions where rule_key = 'courier.coverage'`.execute(db);
  for (const table of [
    'courier_day_stats', 'courier_month_stats', 'courier_run_parcels', 'courier_run_stops', 'courier_runs', 'courier_route_stops', 'courier_route_versions',
    'courier_routes', 'courier_vehicles', 'courier_hub_carriers', 'courier_hubs', 'courier_carriers',
  ]) {
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
  }
}
