import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '@cuntong/server/lib/dates';
import { computeStationMetrics } from '@cuntong/server/modules/stations/stations.metrics';
import { createHarness, type Harness } from '../support/harness';
import { addVillages, buildStations, COUNTY, HONGXU } from './fixture';

const AS_OF = '2026-11-20';

async function sheetRows(contentBase64: string): Promise<unknown[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(contentBase64, 'base64') as unknown as ArrayBuffer);
  const rows: unknown[][] = [];
  workbook.worksheets[0].eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

describe('quiet stations and the town ranking, exported to Excel', () => {
  let h: Harness;
  let s: Awaited<ReturnType<typeof buildStations>>;
  let staff: ReturnType<Harness['caller']>;

  beforeAll(async () => {
    h = await createHarness();
    const admin = h.caller((await h.user('admin')).actor);
    await addVillages(h);
    s = await buildStations(h, admin);
    staff = h.caller((await h.user('staff')).actor);
    await h.user('station_operator', { loginName: 'wang.op', mobile: '13700000007', scopes: { stations: [String(s.wang.id)] } });
    const row = (stationId: number, day: string, fen: number) => ({ station_id: stationId, entry_date: day, parcels_in: 5, sales_amount_fen: fen });
    // 王楼 last wrote 40 days ago: quiet; 张庄 sells 0.1 yuan a day through November
    await h.db.insertInto('ledger_entries').values([row(s.wang.id, addDays(AS_OF, -40), 0)]).execute();
    const november = Array.from({ length: 20 }, (_, i) => addDays('2026-11-01', i));
    await h.db.insertInto('ledger_entries').values(november.map((d) => row(s.zhang.id, d, 10))).execute();
    await computeStationMetrics(h.db, { countyCode: COUNTY, asOf: AS_OF });
  });
  afterAll(() => h.close());

  it('lists quiet stations with the rule they were judged by, and writes them with the operators to call', async () => {
    const quiet = await staff.stations.quiet.list({});
    const wang = quiet.find((r) => r.id === s.wang.id)!;
    expect(wang).toMatchObject({ ruleDays: 30, quietDays: 40, operators: [{ mobile: '13700000007' }] });
    const file = await staff.stations.quiet.export({
      list: {},
      columns: [
        { key: 'name', header: '站点' },
        { key: 'quietDays', header: '沉寂天数' },
        { key: 'operators', header: '运营者电话' },
      ],
      sheetName: '僵尸站点',
    });
    expect(file.rows).toBe(quiet.length);
    const rows = await sheetRows(file.contentBase64);
    expect(rows[0]).toEqual(['站点', '沉寂天数', '运营者电话']);
    const line = rows.find((r) => r[0] === '王楼村服务点')!;
    expect(line[1]).toBe(40);
    expect(String(line[2])).toMatch(/ 13700000007$/);
  });

  it('writes the ranking with amounts in yuan and the county total last', async () => {
    const file = await staff.stations.ranking.export({
      list: { period: '2026-11', by: 'stations.sales_amount_fen' },
      columns: [
        { key: 'rank', header: '名次' },
        { key: 'name', header: '镇街' },
        { key: 'salesAmountYuan', header: '上行金额（元）' },
        { key: 'coveragePercent', header: '覆盖率（%）' },
      ],
      sheetName: '镇街排名',
    });
    const rows = await sheetRows(file.contentBase64);
    const ranking = await staff.stations.ranking.towns({ period: '2026-11', by: 'stations.sales_amount_fen' });
    expect(rows).toHaveLength(1 + ranking.towns.length + 1);
    // 20 days × 10 fen = 2.00 yuan, ranked first
    expect(rows[1]).toEqual([1, '洪绪镇', 2, Math.round(Number(ranking.towns[0].coverage) * 10_000) / 100]);
    expect(ranking.towns[0].regionCode).toBe(HONGXU);
    // no rank for the county's total: an empty cell
    expect(rows.at(-1)![0] ?? null).toBeNull();
    expect(rows.at(-1)![1]).toBe('滕州市');
    expect(rows.at(-1)![2]).toBe(2);
  });

  it('is for the bureau only', async () => {
    const operator = h.caller((await h.user('station_operator', { scopes: { stations: [String(s.zhang.id)] } })).actor);
    await expect(operator.stations.quiet.export({ list: {}, columns: [{ key: 'name', header: '站点' }] })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      operator.stations.ranking.export({ list: { period: '2026-11' }, columns: [{ key: 'name', header: '镇街' }] }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
