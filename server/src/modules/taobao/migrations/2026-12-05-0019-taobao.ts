import { sql, type Kysely } from 'kysely';

// Frozen once landed: never edit after that. Add a new, later-dated migration instead.

export async function up(db: Kysely<any>): Promise<void> {
  // The NBS urban–rural class (城乡分类代码) of a village: 1xx urban, 2xx rural (210 township centre,
  // 220 village). Null where not known yet; Taobao-village evaluation then judges by the village code.
  await sql`alter table regions add column urban_rural_class text check (urban_rural_class in ('111', '112', '121', '122', '123', '210', '220'))`.execute(db);

  // Official figures of a village or town: per AliResearch year ('2025' = 2024-07-01 … 2025-06-30)
  // or per month ('2025-03'). Each figure may be missing; entered by hand or imported, with the day
  // it stands at. Yearly totals, where given, win over the sum of the months.
  await sql`
    create table taobao_figures (
      region_code text not null references regions (code),
      period text not null check (period ~ '^\\d{4}(-(0[1-9]|1[0-2]))?$'),
      sales_fen bigint check (sales_fen >= 0),
      active_shops integer check (active_shops >= 0),
      households integer check (households > 0),
      source text not null check (source in ('entered', 'imported')),
      as_of date not null,
      updated_by integer references users (id),
      updated_at timestamptz not null default now(),
      primary key (region_code, period)
    )`.execute(db);

  // A year whose answers are closed: the evaluation no longer rewrites it.
  await sql`
    create table taobao_years (
      year smallint primary key check (year between 2009 and 2100),
      closed_at timestamptz not null default now(),
      closed_by integer references users (id)
    )`.execute(db);

  // Snapshot: every village and town of the county, per AliResearch year, judged by the criteria
  // version in force on the window's last day (30 June). The platform's own evidence sits beside the
  // official figures, never added to them.
  await sql`
    create table taobao_evaluations (
      region_code text not null references regions (code),
      year smallint not null,
      level text not null check (level in ('village', 'town')),
      town_code text not null,
      rule_version integer not null,
      qualifies boolean not null,
      eligible boolean not null,
      sales_fen bigint,
      sales_source text check (sales_source in ('entered', 'imported', 'derived')),
      active_shops integer,
      households integer,
      villages_qualifying integer,
      sales_gap_fen bigint,
      shops_gap integer,
      share_gap_points numeric(7, 2),
      villages_gap integer,
      path text check (path in ('villages', 'sales_shops')),
      closeness numeric(6, 4) not null,
      last_month text,
      projected_month text,
      projection text not null check (projection in ('qualifies', 'month', 'not_at_current_growth', 'no_trend', 'not_eligible')),
      evidence_shops_opened integer not null default 0,
      evidence_live_gmv_fen bigint not null default 0,
      evidence_station_sales_fen bigint not null default 0,
      computed_at timestamptz not null default now(),
      primary key (region_code, year)
    )`.execute(db);
  await sql`create index taobao_evaluations_year_idx on taobao_evaluations (year, level, town_code)`.execute(db);

  // 培育: a village or town the bureau works on, its stage and owner.
  await sql`
    create table taobao_candidates (
      region_code text primary key references regions (code),
      level text not null check (level in ('village', 'town')),
      stage text not null check (stage in ('watching', 'cultivating', 'applied', 'recognised', 'not_recognised')),
      recognised_year smallint check (recognised_year between 2009 and 2100),
      owner_id integer references users (id),
      notes text not null default '' check (length(notes) <= 2000),
      version integer not null default 1,
      updated_at timestamptz not null default now(),
      check ((stage = 'recognised') = (recognised_year is not null))
    )`.execute(db);
  await sql`
    create table taobao_actions (
      id integer generated always as identity primary key,
      region_code text not null references taobao_candidates (region_code) on delete cascade,
      acted_on date not null,
      kind text not null check (kind in ('training', 'host_recruited', 'station_upgraded', 'visit', 'other')),
      note text not null default '' check (length(note) <= 500),
      created_by integer references users (id),
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index taobao_actions_region_idx on taobao_actions (region_code, acted_on desc)`.execute(db);

  // AliResearch's published lists: a place recognised in a year, matched to its code; rows that
  // matched no code wait for a person to pick one.
  await sql`
    create table taobao_recognitions (
      region_code text not null references regions (code),
      year smallint not null check (year between 2009 and 2100),
      level text not null check (level in ('village', 'town')),
      created_at timestamptz not null default now(),
      primary key (region_code, year)
    )`.execute(db);
  await sql`
    create table taobao_unmatched (
      id integer generated always as identity primary key,
      year smallint not null check (year between 2009 and 2100),
      level text not null check (level in ('village', 'town')),
      province text not null default '',
      city text not null default '',
      county text not null default '',
      town text not null default '',
      village text not null default '',
      resolved_code text references regions (code),
      created_at timestamptz not null default now(),
      unique (year, level, province, city, county, town, village)
    )`.execute(db);

  // The criteria as they changed (domain.md §1): before 2019 a town qualified by its villages only,
  // and subdistricts and residents' committees still counted; the 2019 list added the sales-and-shops
  // path for towns; from the 2020 list only rural villages (NBS class 2xx) and only 镇/乡 count.
  // A year is judged by the version in force on its window's last day (30 June).
  const base = { villageMinSalesYuan: 10_000_000, villageMinShops: 100, villageMinShopPercent: 10, townMinVillages: 3, townSalesAboveYuan: 30_000_000, townShopsAbove: 300 };
  const versions = [
    { version: 1, from: '2000-01-01', params: { ...base, ruralOnly: false, townSalesPath: false, subdistrictsCount: true } },
    { version: 2, from: '2019-06-30', params: { ...base, ruralOnly: false, townSalesPath: true, subdistrictsCount: true } },
    { version: 3, from: '2020-06-30', params: { ...base, ruralOnly: true, townSalesPath: true, subdistrictsCount: false } },
  ];
  for (const v of versions) {
    await sql`insert into rule_versions (rule_key, version, params, effective_from) values ('taobao.criteria', ${v.version}, ${JSON.stringify(v.params)}, ${v.from})`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from rule_versions where rule_key = 'taobao.criteria'`.execute(db);
  for (const table of ['taobao_unmatched', 'taobao_recognitions', 'taobao_actions', 'taobao_candidates', 'taobao_evaluations', 'taobao_years', 'taobao_figures']) {
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
  }
  await sql`alter table regions drop column if exists urban_rural_class`.execute(db);
}
