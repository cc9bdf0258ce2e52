import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '@cuntong/server/lib/dates';
import { computeStationMetrics } from '@cuntong/server/modules/stations/stations.metrics';
import { createHarness, type Harness } from '../support/harness';
import { addVillages, buildStations, COUNTY, HONGXU, NANSHAHE, zeroFigures } from './fixture';

const AS_OF = '2026-11-20';

/** Ledger rows straight into the table: this file is about the computation, not the write rules. */
async function ledger(h: Harness, stationId: number, days: string[], figures: Partial<typeof zeroFigures> = { parcelsIn: 5 }) {
  const cols = { parcels_in: 0, parcels_out: 0, purchase_orders: 0, purchase_amount_fen: 0, sales_orders: 0, sales_amount_fen: 0, income_parcel_fen: 0, income_commission_fen: 0, income_bill_fen: 0, income_other_fen: 0, villagers_served: 0 };
  const map: Record<string, keyof typeof cols> = {
    parcelsIn: 'parcels_in',
    parcelsOut: 'parcels_out',
    salesAmountFen: 'sales_amount_fen',
    purchaseAmountFen: 'purchase_amount_fen',
    incomeParcelFen: 'income_parcel_fen',
    incomeOtherFen: 'income_other_fen',
  };
  const row = { ...cols };
  for (const [k, v] of Object.entries(figures)) row[map[k]] = v as number;
  await h.db.insertInto('ledger_entries').values(days.map((d) => ({ station_id: stationId, entry_date: d, ...row }))).execute();
}

const range = (from: string, to: string) => {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
};

describe('station metrics: quiet stations, coverage, monthly figures', () => {
  let h: Harness;
  let s: Awaited<ReturnType<typeof buildStations>>;

  beforeAll(async () => {
    h = await createHarness();
    const admin = h.caller((await h.user('admin')).actor);
    await addVillages(h);
    s = await buildStations(h, admin);
    // 张庄: busy every day of the last 40 days
    await ledger(h, s.zhang.id, range(addDays(AS_OF, -39), AS_OF), { parcelsIn: 20, salesAmountFen: 1000 });
    // 王楼: entries only up to 31 days ago, and zero entries since: quiet (31 days ≥ 30)
    await ledger(h, s.wang.id, range(addDays(AS_OF, -60), addDays(AS_OF, -31)));
    await ledger(h, s.wang.id, range(addDays(AS_OF, -30), AS_OF), {});
    // 李屯: quiet for 45 days in the middle, then reopened 10 days ago: not quiet
    await ledger(h, s.li.id, range(addDays(AS_OF, -90), addDays(AS_OF, -56)));
    await ledger(h, s.li.id, range(addDays(AS_OF, -9), AS_OF));
    // money: 0.1 yuan and 0.2 yuan on two days of the town station (in fen: 10 and 20)
    await ledger(h, s.hongxu.id, ['2026-10-01'], { incomeOtherFen: 10 });
    await ledger(h, s.hongxu.id, ['2026-10-02'], { incomeOtherFen: 20 });
  });
  afterAll(() => h.close());

  const activity = async (id: number) =>
    h.db.selectFrom('station_activity').select(['last_entry_date', 'last_active_date', 'active_days_30', 'quiet', 'quiet_days', 'rule_version']).where('station_id', '=', id).executeTakeFirstOrThrow();

  it('finds the quiet station, not the reopened one, with the rule version it used', async () => {
    await computeStationMetrics(h.db, { countyCode: COUNTY, asOf: AS_OF });
    expect(await activity(s.zhang.id)).toEqual({ last_entry_date: AS_OF, last_active_date: AS_OF, active_days_30: 30, quiet: false, quiet_days: 0, rule_version: 1 });
    expect(await activity(s.wang.id)).toEqual({ last_entry_date: AS_OF, last_active_date: addDays(AS_OF, -31), active_days_30: 0, quiet: true, quiet_days: 31, rule_version: 1 });
    expect(await activity(s.li.id)).toMatchObject({ last_active_date: AS_OF, active_days_30: 10, quiet: false });
    // 南沙河镇服务站 has never written a ledger since it became active on 2025-01-01
    expect(await activity(s.nanshahe.id)).toMatchObject({ last_entry_date: null, quiet: true, quiet_days: 688 });
    // the same day one day earlier: 王楼 had 30 quiet days — exactly the threshold
    await computeStationMetrics(h.db, { countyCode: COUNTY, asOf: addDays(AS_OF, -1) });
    expect(await activity(s.wang.id)).toMatchObject({ quiet: true, quiet_days: 30 });
    await computeStationMetrics(h.db, { countyCode: COUNTY, asOf: addDays(AS_OF, -2) });
    expect(await activity(s.wang.id)).toMatchObject({ quiet: false, quiet_days: 29 });
  });

  it('a new rule version changes the answer from its date, and the value records it', async () => {
    await h.db.insertInto('rule_versions').values({ rule_key: 'station.quiet', version: 2, params: JSON.stringify({ days: 45 }), effective_from: '2026-11-01' }).execute();
    await computeStationMetrics(h.db, { countyCode: COUNTY, asOf: AS_OF });
    expect(await activity(s.wang.id)).toMatchObject({ quiet: false, quiet_days: 31, rule_version: 2 });
    await computeStationMetrics(h.db, { countyCode: COUNTY, asOf: '2026-10-31' });
    expect((await activity(s.wang.id)).rule_version).toBe(1);
    await h.db.deleteFrom('rule_versions').where('version', '=', 2).execute();
    await computeStationMetrics(h.db, { countyCode: COUNTY, asOf: AS_OF });
  });

  it('computes coverage: active village points ÷ administrative villages (村委会), by town and county', async () => {
    const value = async (key: string, code: string) =>
      (await h.db.selectFrom('metric_values').select('value').where('metric_key', '=', key).where('region_code', '=', code).where('period', '=', '2026-11').executeTakeFirst())?.value;
    // 洪绪镇: 3 active points over 4 村委会 (the 社区 does not count); 南沙河镇: 0 of 2; the county: 3 of 6
    expect(await value('stations.village_points_active', HONGXU)).toBe(3);
    expect(await value('stations.administrative_villages', HONGXU)).toBe(4);
    expect(await value('stations.coverage', HONGXU)).toBe(0.75);
    expect(await value('stations.coverage', NANSHAHE)).toBe(0);
    expect(await value('stations.coverage', COUNTY)).toBe(0.5);
    // quiet: 王楼 and the 洪绪 town station (last active 2026-10-02) in 洪绪镇; in the county also the
    // 南沙河 town station and the county centre, which have never been active
    expect(await value('stations.quiet', HONGXU)).toBe(2);
    expect(await value('stations.quiet', COUNTY)).toBe(4);
  });

  it('money round-trips exactly: 0.1 + 0.2 yuan entered on two days sum to 0.30', async () => {
    const october = await h.db
      .selectFrom('station_month_stats')
      .select(['income_other_fen', 'income_total_fen', 'days_with_entry', 'income_per_open_day_fen'])
      .where('station_id', '=', s.hongxu.id)
      .where('month', '=', '2026-10-01')
      .executeTakeFirstOrThrow();
    expect(october).toEqual({ income_other_fen: 30, income_total_fen: 30, days_with_entry: 2, income_per_open_day_fen: 15 });
    const town = await h.db.selectFrom('metric_values').select('value').where('metric_key', '=', 'stations.income_fen').where('region_code', '=', HONGXU).where('period', '=', '2026-10').executeTakeFirstOrThrow();
    expect(town.value).toBe(30);
    expect((town.value / 100).toFixed(2)).toBe('0.30');
  });

  it('sums the monthly figures per station, town and county', async () => {
    const nov = await h.db.selectFrom('station_month_stats').selectAll().where('station_id', '=', s.zhang.id).where('month', '=', '2026-11-01').executeTakeFirstOrThrow();
    expect(nov).toMatchObject({ days_with_entry: 20, active_days: 20, parcels_in: 400, sales_amount_fen: 20_000 });
    const ranking = await h.caller((await h.user('staff')).actor).stations.ranking.towns({ period: '2026-11', by: 'stations.sales_amount_fen' });
    expect(ranking.towns[0]).toMatchObject({ rank: 1, regionCode: HONGXU, salesAmountFen: 20_000, activePoints: 3, coverage: 0.75, quiet: 2 });
    expect(ranking.county).toMatchObject({ salesAmountFen: 20_000, coverage: 0.5 });
  });

  it('recomputing is idempotent, and a town recompute leaves other towns alone', async () => {
    const snapshot = async () =>
      h.db.selectFrom('metric_values').select(['metric_key', 'region_code', 'period', 'value', 'rule_version']).orderBy('metric_key').orderBy('region_code').orderBy('period').execute();
    const before = await snapshot();
    const again = await computeStationMetrics(h.db, { countyCode: COUNTY, asOf: AS_OF });
    expect(await snapshot()).toEqual(before);
    // nothing changed since the last run, so nothing is written
    expect(again.monthRows).toBeGreaterThan(0);
    expect(again.written).toEqual({ months: 0, activity: 0, metrics: 0 });
    const town = await computeStationMetrics(h.db, { townCode: HONGXU, asOf: AS_OF });
    expect(await snapshot()).toEqual(before);
    expect(town.written).toEqual({ months: 0, activity: 0, metrics: 0 });
    const nanshaheActivity = await h.db.selectFrom('station_activity').select('as_of').where('station_id', '=', s.nanshahe.id).executeTakeFirstOrThrow();
    expect(nanshaheActivity.as_of).toBe(AS_OF);
  });
});
