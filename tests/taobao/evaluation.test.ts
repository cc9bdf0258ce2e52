import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateTaobao } from '@cuntong/server/modules/taobao/taobao.evaluation';
import { createHarness, type Harness } from '../support/harness';
import { refusal } from '../support/refusal';

const COUNTY = '370481000000';
const DAWU = '370481103000'; // 大坞镇
const BINHU = '370481104000'; // 滨湖镇
const JISUO = '370481105000'; // 级索镇
const XIGANG = '370481106000'; // 西岗镇
const JINGHE = '370481001000'; // 荆河街道

/** Villages of 大坞镇 for the boundaries: code suffix, name, class (null: judged by the code). */
const VILLAGES: [string, string, string | null][] = [
  ['201', '正好一千万村', null],
  ['202', '差一分村', null],
  ['203', '差一店村', null],
  ['204', '正好一成村', null],
  ['205', '五百户一成村', null],
  ['206', '五百户差一店村', null],
  ['207', '乡中心村', '210'],
  ['208', '镇中心村', '121'],
  ['011', '社区居委会', null],
  ['012', '乡中心社区', '210'],
  ['209', '月度村甲', null],
  ['210', '月度村乙', null],
  ['211', '月度村丙', null],
];
const code = (suffix: string) => `370481103${suffix}`;

describe('淘宝村/淘宝镇 evaluation at the boundaries', () => {
  let h: Harness;
  let admin: ReturnType<Harness['caller']>;
  const at = (suffix: string, year: number) =>
    h.db.selectFrom('taobao_evaluations').selectAll().where('region_code', '=', suffix.length === 12 ? suffix : code(suffix)).where('year', '=', year).executeTakeFirstOrThrow();
  const yearly = (c: string, year: number, salesYuan: number | null, activeShops: number | null, households: number | null = null) =>
    admin.taobao.figures.upsert({ code: c.length === 12 ? c : code(c), period: String(year), salesYuan, activeShops, households });

  beforeAll(async () => {
    h = await createHarness();
    admin = h.caller((await h.user('admin')).actor);
    await h.db
      .insertInto('regions')
      .values(
        VILLAGES.map(([suffix, name, klass]) => ({
          code: code(suffix),
          name,
          level: 'village' as const,
          parent_code: DAWU,
          village_kind: Number(suffix) < 200 ? ('residents_committee' as const) : ('villagers_committee' as const),
          urban_rural_class: klass as '210' | '121' | null,
        })),
      )
      .execute();
    // AliResearch year 2025: the window 2024-07-01 … 2025-06-30, judged by version 3 (from 2020-06-30)
    await yearly('201', 2025, 10_000_000, 100);
    await yearly('202', 2025, 9_999_999.99, 100);
    await yearly('203', 2025, 10_000_000, 99, 1000);
    await yearly('204', 2025, 10_000_000, 99, 990);
    await yearly('205', 2025, 10_000_000, 50, 500);
    await yearly('206', 2025, 10_000_000, 49, 500);
    await yearly('207', 2025, 12_000_000, 150);
    await yearly('208', 2025, 12_000_000, 150);
    await yearly('011', 2025, 12_000_000, 150);
    await yearly('012', 2025, 12_000_000, 150);
    // towns on the sales-and-shops path: strictly above ¥30 M and 300 shops
    await yearly(BINHU, 2025, 30_000_000, 400);
    await yearly(JISUO, 2025, 30_000_000.01, 301);
    await yearly(XIGANG, 2025, 40_000_000, 300);
    await yearly(JINGHE, 2025, 45_000_000, 450);
    // the open year 2026 (window from 2025-07), as of 2025-12-15: five months of figures
    for (const month of ['2025-07', '2025-08', '2025-09', '2025-10', '2025-11']) {
      await admin.taobao.figures.upsert({ code: code('209'), period: month, salesYuan: 1_000_000, activeShops: 100, households: 800 });
      await admin.taobao.figures.upsert({ code: code('210'), period: month, salesYuan: 500_000, activeShops: 100, households: 800 });
    }
    for (const month of ['2025-10', '2025-11']) await admin.taobao.figures.upsert({ code: code('211'), period: month, salesYuan: 3_000_000, activeShops: 80, households: 2000 });
    // older lists: 2018 (version 1: no sales path, 居委会 and 街道 count), 2019 (version 2: the sales path, 街道 still count)
    await yearly('011', 2018, 12_000_000, 150);
    await yearly(JINGHE, 2019, 45_000_000, 450);
    await evaluateTaobao(h.db, { regionCode: COUNTY, asOf: '2025-12-15' });
  }, 120_000);
  afterAll(() => h?.close());

  it('sales from exactly ¥10,000,000 (one fen short is out), shops from exactly 100 or exactly 10 % of households', async () => {
    expect(await at('201', 2025)).toMatchObject({ qualifies: true, sales_gap_fen: 0, shops_gap: 0, rule_version: 3, sales_source: 'entered' });
    expect(await at('202', 2025)).toMatchObject({ qualifies: false, sales_gap_fen: 1, shops_gap: 0 });
    expect(await at('203', 2025)).toMatchObject({ qualifies: false, shops_gap: 1, share_gap_points: 0.1 });
    expect(await at('204', 2025)).toMatchObject({ qualifies: true, shops_gap: 0 });
    expect(await at('205', 2025)).toMatchObject({ qualifies: true, shops_gap: 0, share_gap_points: 0 });
    expect(await at('206', 2025)).toMatchObject({ qualifies: false, shops_gap: 1, share_gap_points: 0.2 });
  });

  it('rural by the NBS class: 2xx counts (a township centre too, even a 居委会 there), 1xx is out; no class: a 居委会 is out', async () => {
    expect(await at('207', 2025)).toMatchObject({ qualifies: true, eligible: true });
    expect(await at('012', 2025)).toMatchObject({ qualifies: true, eligible: true });
    expect(await at('208', 2025)).toMatchObject({ qualifies: false, eligible: false, projection: 'not_eligible' });
    expect(await at('011', 2025)).toMatchObject({ qualifies: false, eligible: false });
  });

  it('a town by three Taobao villages, or strictly above ¥30 M and 300 shops; a 街道 never since 2020', async () => {
    const dawu = await at(DAWU, 2025);
    expect(dawu).toMatchObject({ qualifies: true, path: 'villages', villages_gap: 0 });
    expect(dawu.villages_qualifying).toBe(5); // 201, 204, 205, 207, 012
    expect(await at(BINHU, 2025)).toMatchObject({ qualifies: false, sales_gap_fen: 1, shops_gap: 0 });
    expect(await at(JISUO, 2025)).toMatchObject({ qualifies: true, path: 'sales_shops' });
    expect(await at(XIGANG, 2025)).toMatchObject({ qualifies: false, shops_gap: 1 });
    expect(await at(JINGHE, 2025)).toMatchObject({ qualifies: false, eligible: false, projection: 'not_eligible' });
  });

  it('an older year is judged by the version then in force, and records it', async () => {
    // 2018: version 1 — a 居委会 still counted
    expect(await at('011', 2018)).toMatchObject({ qualifies: true, rule_version: 1 });
    // 2019: version 2 — the sales path exists and a 街道 still counts
    expect(await at(JINGHE, 2019)).toMatchObject({ qualifies: true, path: 'sales_shops', rule_version: 2 });
    // the same 街道 figures in 2025 do not (above)
  });

  it('projects the month from the monthly trend within the window, or says it will not make it, or that there is no trend yet', async () => {
    // ¥1 M a month for five months: ¥5 M to go at ¥1 M a month → five months after November
    expect(await at('209', 2026)).toMatchObject({ qualifies: false, projection: 'month', projected_month: '2026-04', last_month: '2025-11', sales_source: 'derived' });
    // ¥0.5 M a month: ¥7.5 M to go takes fifteen months, past June
    expect(await at('210', 2026)).toMatchObject({ projection: 'not_at_current_growth', projected_month: null });
    // two months: no trend
    expect(await at('211', 2026)).toMatchObject({ projection: 'no_trend' });
  });

  it('the cockpit figures: Taobao villages and towns of the year, by town and county, under its June', async () => {
    const metric = (key: string, region: string) =>
      h.db.selectFrom('metric_values').select('value').where('metric_key', '=', key).where('region_code', '=', region).where('period', '=', '2025-06').executeTakeFirstOrThrow();
    expect(Number((await metric('taobao.villages', COUNTY)).value)).toBe(5);
    expect(Number((await metric('taobao.villages', DAWU)).value)).toBe(5);
    expect(Number((await metric('taobao.towns', COUNTY)).value)).toBe(2); // 大坞镇 and 级索镇
  });

  it('a closed year keeps its answer: later figures are refused, and one written behind its back changes nothing', async () => {
    await admin.taobao.year.close({ year: 2025 });
    expect(await refusal(h.deps, yearly('202', 2025, 10_000_000, 100))).toMatchObject({ appCode: 'TAOBAO_YEAR_CLOSED' });
    await h.db.updateTable('taobao_figures').set({ sales_fen: 1_000_000_000 }).where('region_code', '=', code('202')).where('period', '=', '2025').execute();
    await evaluateTaobao(h.db, { regionCode: COUNTY, asOf: '2025-12-15' });
    expect(await at('202', 2025)).toMatchObject({ qualifies: false, sales_gap_fen: 1 });
    // reopened, the next evaluation reads the figures as they are now
    await admin.taobao.year.reopen({ year: 2025 });
    await evaluateTaobao(h.db, { regionCode: COUNTY, asOf: '2025-12-15' });
    expect(await at('202', 2025)).toMatchObject({ qualifies: true });
    const audit = await h.db.selectFrom('audit_log').select('action').where('entity', '=', 'taobao_year').orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['close', 'reopen']);
  });

  it('a new criteria version from a date gives the years after it their new answer, and older years keep theirs', async () => {
    const params = { villageMinSalesYuan: 12_000_000, villageMinShops: 100, villageMinShopPercent: 10, ruralOnly: true, townMinVillages: 3, townSalesPath: true, townSalesAboveYuan: 30_000_000, townShopsAbove: 300, subdistrictsCount: false };
    // before the version in force today: refused, history is restated only forward
    expect(await refusal(h.deps, admin.taobao.criteria.create({ params, effectiveFrom: '2020-01-01' }))).toMatchObject({ appCode: 'TAOBAO_RULE_TOO_EARLY' });
    const { version } = await admin.taobao.criteria.create({ params, effectiveFrom: '2025-06-30' });
    expect(version).toBe(4);
    await evaluateTaobao(h.db, { regionCode: COUNTY, asOf: '2025-12-15' });
    expect(await at('201', 2025)).toMatchObject({ qualifies: false, rule_version: 4, sales_gap_fen: 200_000_000 });
    expect(await at('207', 2025)).toMatchObject({ qualifies: true, rule_version: 4 });
    expect(await at('011', 2018)).toMatchObject({ qualifies: true, rule_version: 1 });
    const versions = await admin.taobao.criteria.list();
    expect(versions.map((v) => v.version)).toEqual([4, 3, 2, 1]);
  });
});
