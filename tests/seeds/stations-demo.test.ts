import { sql, type RawBuilder } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db, DbHandle } from '@cuntong/server/db/create-db';
import { addDays } from '@cuntong/server/lib/dates';
import { DEMO_COUNTY_CODE, seedDemo } from '@cuntong/seeds/demo';
import { DEMO_OPERATORS, demoLedger, planDemoStations } from '@cuntong/server/modules/stations/stations.demo';
import { createTestDb } from '../support/db';

// A fixed day whose six months hold the autumn harvest and Spring Festival (2026-02-17).
const TODAY = '2026-03-10';
const YESTERDAY = '2026-03-09';
const NON_ZERO = sql`(parcels_in + parcels_out + purchase_orders + sales_orders + villagers_served + purchase_amount_fen
  + sales_amount_fen + income_parcel_fen + income_commission_fen + income_bill_fen + income_other_fen) > 0`;

async function rows<T>(db: Db, query: RawBuilder<T>): Promise<T[]> {
  return (await query.execute(db)).rows;
}

/** What identifies the ledger: per station code, its row count and totals. */
async function ledgerChecksum(db: Db) {
  return rows<{ code: string; n: number; sales: number; parcels: number; income: number }>(
    db,
    sql`select s.code, count(*)::int as n, sum(le.sales_amount_fen)::bigint as sales, sum(le.parcels_in)::bigint as parcels,
          sum(le.income_parcel_fen + le.income_commission_fen + le.income_bill_fen + le.income_other_fen)::bigint as income
        from ledger_entries le join stations s on s.id = le.station_id group by s.code order by s.code`,
  );
}

describe('demo stations and ledger', () => {
  let handle: DbHandle;
  let db: Db;
  let summary: Awaited<ReturnType<typeof seedDemo>>;
  beforeAll(async () => {
    handle = await createTestDb({ regions: false });
    db = handle.db;
    summary = await seedDemo(db, { today: TODAY });
  });
  afterAll(() => handle.close());

  it('builds the county centre, a town station in every town and points in most administrative villages', async () => {
    const tiers = await rows<{ tier: string; n: number }>(db, sql`select tier, count(*)::int as n from stations group by tier order by tier`);
    expect(tiers.find((t) => t.tier === 'county_center')?.n).toBe(1);
    expect(tiers.find((t) => t.tier === 'town_station')?.n).toBe(21);
    expect(summary.stations).toBe(tiers.reduce((sum, t) => sum + t.n, 0));

    const center = await db.selectFrom('stations').selectAll().where('tier', '=', 'county_center').executeTakeFirstOrThrow();
    expect(center).toMatchObject({ code: 'TZ-C', name: '滕州市电子商务公共服务中心', region_code: DEMO_COUNTY_CODE, parent_id: null, status: 'active' });
    const towns = await db.selectFrom('stations').select(['code', 'name', 'region_code', 'parent_id']).where('tier', '=', 'town_station').execute();
    expect(new Set(towns.map((t) => t.region_code)).size).toBe(21);
    for (const t of towns) {
      expect(t.parent_id).toBe(center.id);
      expect(t.code).toBe(`TZ-T${t.region_code.slice(6, 9)}`);
      expect(t.name).toMatch(/电商服务站$/);
    }

    const [coverage] = await rows<{ villages: number; with_point: number; wrong_kind: number }>(
      db,
      sql`select count(*) filter (where v.village_kind = 'villagers_committee')::int as villages,
            count(*) filter (where v.village_kind = 'villagers_committee' and exists (
              select 1 from stations s where s.region_code = v.code and s.tier = 'village_point'))::int as with_point,
            count(*) filter (where v.village_kind <> 'villagers_committee' and exists (
              select 1 from stations s where s.region_code = v.code))::int as wrong_kind
          from regions v where v.level = 'village' and v.code like '370481%'`,
    );
    expect(coverage.with_point / coverage.villages).toBeGreaterThanOrEqual(0.8);
    expect(coverage.with_point / coverage.villages).toBeLessThan(0.95);
    expect(coverage.wrong_kind).toBe(0);

    const point = await db.selectFrom('stations').selectAll().where('tier', '=', 'village_point').orderBy('code').executeTakeFirstOrThrow();
    expect(point.code).toBe(`TZ-V${point.region_code.slice(3)}`);
    expect(point.name).toMatch(/村级服务点$/);
    expect(point.services).toContain('parcels');
  });

  it('keeps the hierarchy and one active point per village', async () => {
    const broken = await rows<{ code: string }>(
      db,
      sql`select s.code from stations s
          join regions r on r.code = s.region_code
          left join stations p on p.id = s.parent_id
          where (s.tier = 'county_center' and (r.level <> 'county' or s.parent_id is not null))
             or (s.tier = 'town_station' and (r.level <> 'town' or p.tier <> 'county_center' or p.region_code <> r.parent_code))
             or (s.tier = 'village_point' and (r.level <> 'village' or p.tier <> 'town_station' or p.region_code <> r.parent_code))`,
    );
    expect(broken).toEqual([]);
    const doubles = await rows<{ region_code: string }>(
      db,
      sql`select region_code from stations where tier = 'village_point' and status = 'active' group by region_code having count(*) > 1`,
    );
    expect(doubles).toEqual([]);
    const outside = await rows<{ code: string }>(
      db,
      sql`select code from stations where lat not between 34.78 and 35.39 or lng not between 116.85 and 117.46 or lat is null`,
    );
    expect(outside).toEqual([]);
  });

  it('has a few planned and closed points, each with the history of the statuses it has been in', async () => {
    const statuses = await rows<{ status: string; n: number }>(
      db,
      sql`select status, count(*)::int as n from stations where tier = 'village_point' group by status`,
    );
    const points = statuses.reduce((sum, s) => sum + s.n, 0);
    const share = (status: string) => (statuses.find((s) => s.status === status)?.n ?? 0) / points;
    expect(share('planned')).toBeGreaterThan(0.01);
    expect(share('planned')).toBeLessThan(0.1);
    expect(share('closed')).toBeGreaterThan(0.005);
    expect(share('closed')).toBeLessThan(0.07);

    const closed = await db.selectFrom('stations').select(['id', 'status_reason', 'status_since', 'opened_on']).where('status', '=', 'closed').execute();
    for (const s of closed) {
      expect(s.status_reason).toBeTruthy();
      expect(s.opened_on! < s.status_since).toBe(true);
    }
    const planned = await db.selectFrom('stations').select(['opened_on']).where('status', '=', 'planned').execute();
    expect(planned.every((s) => s.opened_on === null)).toBe(true);

    // The last history row is the status now, on the same day; a closed point was active first.
    const mismatched = await rows<{ code: string }>(
      db,
      sql`select s.code from stations s
          join lateral (select h.status, h.since from station_status_history h where h.station_id = s.id order by h.since desc, h.id desc limit 1) last on true
          where last.status <> s.status or last.since <> s.status_since`,
    );
    expect(mismatched).toEqual([]);
    const closedHistory = await db
      .selectFrom('station_status_history')
      .select(['status'])
      .where('station_id', '=', closed[0].id)
      .orderBy('since')
      .execute();
    expect(closedHistory.map((h) => h.status)).toEqual(['planned', 'active', 'closed']);
  });

  it('gives demo.station a busy village point and its town station, and each operator a town station with its points', async () => {
    const scoped = (login: string) =>
      rows<{ kind: string; id: number; tier: string; parent_id: number | null; status: string }>(
        db,
        sql`select us.kind, s.id, s.tier, s.parent_id, s.status from user_scopes us
            join users u on u.id = us.user_id join stations s on s.id::text = us.ref
            where u.login_name = ${login} order by s.id`,
      );
    const demo = await scoped('demo.station');
    const refs = await db.selectFrom('user_scopes as us').innerJoin('users as u', 'u.id', 'us.user_id').select('us.ref').where('u.login_name', '=', 'demo.station').execute();
    expect(demo).toHaveLength(refs.length);
    expect(demo.map((s) => [s.kind, s.tier])).toEqual([
      ['station', 'town_station'],
      ['station', 'village_point'],
    ]);
    expect(demo[1].parent_id).toBe(demo[0].id);
    const busy = await rows<{ parcels: number; days: number }>(
      db,
      sql`select avg(parcels_in)::float as parcels, count(*)::int as days from ledger_entries where station_id = ${demo[1].id}`,
    );
    const all = await rows<{ parcels: number }>(
      db,
      sql`select avg(le.parcels_in)::float as parcels from ledger_entries le join stations s on s.id = le.station_id where s.tier = 'village_point'`,
    );
    expect(busy[0].parcels).toBeGreaterThan(1.5 * all[0].parcels);
    expect(busy[0].days).toBeGreaterThan(150);

    for (const op of DEMO_OPERATORS) {
      const mine = await scoped(op.loginName);
      const [town, ...points] = mine;
      expect(town).toMatchObject({ tier: 'town_station' });
      expect(points.length).toBeGreaterThanOrEqual(3);
      for (const p of points) expect(p).toMatchObject({ tier: 'village_point', parent_id: town.id, status: 'active' });
    }
  });

  it('keeps six months of ledger ending yesterday, only while a station is open', async () => {
    const [span] = await rows<{ first: string; last: string; n: number }>(
      db,
      sql`select min(entry_date) as first, max(entry_date) as last, count(*)::int as n from ledger_entries`,
    );
    expect(span).toMatchObject({ first: '2025-09-10', last: YESTERDAY, n: summary.ledgerEntries });
    const outsideOpening = await rows<{ code: string }>(
      db,
      sql`select distinct s.code from ledger_entries le join stations s on s.id = le.station_id
          where s.opened_on is null or le.entry_date < s.opened_on or (s.status = 'closed' and le.entry_date >= s.status_since)`,
    );
    expect(outsideOpening).toEqual([]);
    // Operators skip some days: most stations have 75–95% of the days.
    const [days] = await rows<{ median: number }>(
      db,
      sql`select percentile_cont(0.5) within group (order by n)::float as median
          from (select count(*) as n from ledger_entries le join stations s on s.id = le.station_id
                where s.status = 'active' group by le.station_id) x`,
    );
    const windowDays = 181;
    expect(days.median / windowDays).toBeGreaterThan(0.75);
    expect(days.median / windowDays).toBeLessThan(0.95);
  });

  it('holds money in whole fen, never negative, with parcel fees of 0.3–1 yuan a parcel', async () => {
    const [check] = await rows<Record<string, number>>(
      db,
      sql`select
            count(*) filter (where least(purchase_amount_fen, sales_amount_fen, income_parcel_fen, income_commission_fen, income_bill_fen, income_other_fen) < 0)::int as negative,
            count(*) filter (where income_parcel_fen not between 30 * (parcels_in + parcels_out) and 100 * (parcels_in + parcels_out))::int as fee_off,
            count(*) filter (where (purchase_orders = 0) <> (purchase_amount_fen = 0) or (sales_orders = 0) <> (sales_amount_fen = 0))::int as orders_off,
            count(*) filter (where purchase_amount_fen > purchase_orders * 30000 or sales_amount_fen > sales_orders * 20000)::int as price_off
          from ledger_entries`,
    );
    expect(check).toEqual({ negative: 0, fee_off: 0, orders_off: 0, price_off: 0 });
    const sample = await db.selectFrom('ledger_entries').selectAll().orderBy('station_id').orderBy('entry_date').limit(500).execute();
    for (const row of sample) {
      for (const field of ['purchase_amount_fen', 'sales_amount_fen', 'income_parcel_fen', 'income_commission_fen', 'income_bill_fen', 'income_other_fen'] as const) {
        expect(Number.isInteger(row[field])).toBe(true);
      }
    }
  });

  it('tells the seasons: harvest sales, the Spring Festival pause, busier weekends, busy town stations', async () => {
    const perDay = async (where: RawBuilder<unknown>) =>
      (await rows<{ sales: number; parcels: number }>(
        db,
        sql`select avg(sales_amount_fen)::float as sales, avg(parcels_in)::float as parcels from ledger_entries le
            join stations s on s.id = le.station_id where s.tier = 'village_point' and ${where} and ${NON_ZERO}`,
      ))[0];
    const october = await perDay(sql`entry_date between '2025-10-01' and '2025-10-31'`);
    const december = await perDay(sql`entry_date between '2025-12-01' and '2025-12-31'`);
    const beforeFestival = await perDay(sql`entry_date between '2026-01-25' and '2026-02-14'`);
    const festival = await perDay(sql`entry_date between '2026-02-15' and '2026-02-23'`);
    expect(october.sales).toBeGreaterThan(1.8 * december.sales);
    expect(beforeFestival.sales).toBeGreaterThan(1.2 * december.sales);
    expect(festival.parcels).toBeLessThan(0.5 * december.parcels);
    const weekend = await perDay(sql`extract(isodow from entry_date) in (6, 7) and entry_date between '2025-12-01' and '2025-12-31'`);
    const weekday = await perDay(sql`extract(isodow from entry_date) between 1 and 5 and entry_date between '2025-12-01' and '2025-12-31'`);
    expect(weekend.parcels).toBeGreaterThan(1.1 * weekday.parcels);

    const [size] = await rows<{ town: number; point: number }>(
      db,
      sql`select avg(parcels_in) filter (where s.tier = 'town_station')::float as town, avg(parcels_in) filter (where s.tier = 'village_point')::float as point
          from ledger_entries le join stations s on s.id = le.station_id`,
    );
    expect(size.town).toBeGreaterThan(2 * size.point);
  });

  it('has a handful of active points gone quiet for more than 30 days, and the metrics list them', async () => {
    const quiet = await rows<{ id: number; last_active: string | null }>(
      db,
      sql`select s.id, (select max(entry_date) from ledger_entries le where le.station_id = s.id and ${NON_ZERO}) as last_active
          from stations s
          where s.status = 'active'
            and not exists (select 1 from ledger_entries le where le.station_id = s.id and le.entry_date > ${TODAY}::date - 30 and ${NON_ZERO})
          order by s.id`,
    );
    expect(quiet.length).toBeGreaterThanOrEqual(5);
    expect(quiet.length).toBeLessThanOrEqual(12);
    for (const q of quiet) {
      // they were working before, until 35–60 days ago
      expect(q.last_active).not.toBeNull();
      expect(q.last_active! >= addDays(TODAY, -70) && q.last_active! <= addDays(TODAY, -35)).toBe(true);
    }
    // Some keep logging all-zero days; some stopped logging.
    const [zeros] = await rows<{ n: number }>(
      db,
      sql`select count(distinct station_id)::int as n from ledger_entries where entry_date > ${TODAY}::date - 30 and not ${NON_ZERO}`,
    );
    expect(zeros.n).toBeGreaterThan(0);
    expect(zeros.n).toBeLessThan(quiet.length);

    // seedDemo ran the station metrics, so quiet-station detection shows at first start.
    const flagged = await db.selectFrom('station_activity').select('station_id').where('quiet', '=', true).orderBy('station_id').execute();
    expect(flagged.map((f) => f.station_id)).toEqual(quiet.map((q) => q.id));
  });

  it('has one point that went quiet for over 35 days and reopened three weeks ago', async () => {
    const reopened = await rows<{ station_id: number; entry_date: string; gap: number }>(
      db,
      sql`select station_id, entry_date, gap from (
            select station_id, entry_date, entry_date - lag(entry_date) over (partition by station_id order by entry_date) as gap
            from ledger_entries) x
          where gap >= 35`,
    );
    expect(reopened).toHaveLength(1);
    const { station_id, entry_date, gap } = reopened[0];
    expect(entry_date >= addDays(TODAY, -21)).toBe(true);
    expect(gap).toBeLessThanOrEqual(50);
    const [since] = await rows<{ n: number; first: string }>(
      db,
      sql`select count(*)::int as n, min(entry_date) as first from ledger_entries where station_id = ${station_id} and entry_date >= ${entry_date} and ${NON_ZERO}`,
    );
    expect(since.n).toBeGreaterThanOrEqual(14);
    const activity = await db.selectFrom('station_activity').select(['quiet']).where('station_id', '=', station_id).executeTakeFirstOrThrow();
    expect(activity.quiet).toBe(false);
  });

  it('records one audit row for the seeding', async () => {
    const audit = await db.selectFrom('audit_log').select(['actor_login', 'entity_id', 'after']).where('action', '=', 'seed_stations').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_login: 'system', entity_id: DEMO_COUNTY_CODE });
    expect(audit[0].after).toMatchObject({ stations: summary.stations, ledgerEntries: summary.ledgerEntries, from: '2025-09-10', to: YESTERDAY });
  });

  it('adds nothing when run again', async () => {
    const count = async (table: 'stations' | 'station_status_history' | 'ledger_entries' | 'users' | 'user_scopes' | 'audit_log') =>
      Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const tables = ['stations', 'station_status_history', 'ledger_entries', 'users', 'user_scopes', 'audit_log'] as const;
    const before = await Promise.all(tables.map(count));
    const checksum = await ledgerChecksum(db);
    const again = await seedDemo(db, { today: TODAY });
    expect(again).toMatchObject({ stations: 0, ledgerEntries: 0, users: [] });
    expect(await Promise.all(tables.map(count))).toEqual(before);
    expect(await ledgerChecksum(db)).toEqual(checksum);
  });

  it('is deterministic: the same seed and day give the same ledger in another database', { timeout: 120_000 }, async () => {
    const other = await createTestDb({ regions: false });
    try {
      await seedDemo(other.db, { today: TODAY });
      const [a, b] = await Promise.all([ledgerChecksum(db), ledgerChecksum(other.db)]);
      expect(b).toEqual(a);
      expect(a.length).toBeGreaterThan(400);
    } finally {
      await other.close();
    }
  });

  it('draws other stations and other figures from another seed', () => {
    const towns = [{ code: '370481101000', name: '洪绪镇' }, { code: '370481107000', name: '姜屯镇' }];
    const villages = towns.flatMap((t) =>
      Array.from({ length: 30 }, (_, i) => ({ code: `${t.code.slice(0, 9)}${201 + i}`, name: `测试${i}村`, parent_code: t.code, village_kind: 'villagers_committee' })),
    );
    const plan = (seed: number) => planDemoStations({ countyCode: DEMO_COUNTY_CODE, towns, villages, seed, today: TODAY });
    expect(plan(7)).toEqual(plan(7));
    const codes = (seed: number) => plan(seed).stations.map((s) => s.code);
    expect(codes(7)).not.toEqual(codes(8));
    const town = plan(7).stations.find((s) => s.tier === 'town_station')!;
    expect(demoLedger(town, plan(7), 7)).toEqual(demoLedger(town, plan(7), 7));
    expect(demoLedger(town, plan(7), 7)).not.toEqual(demoLedger(town, plan(7), 8));
  });
});
