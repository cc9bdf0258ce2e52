import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiToday } from '@cuntong/server/lib/dates';
import { createHarness, type Harness } from '../support/harness';
import { refusal } from '../support/refusal';
import { addVillages, buildStations, zeroFigures } from './fixture';

async function sheetRows(contentBase64: string): Promise<unknown[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(contentBase64, 'base64') as unknown as ArrayBuffer);
  const rows: unknown[][] = [];
  workbook.worksheets[0].eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

describe("a station's month of ledger as a spreadsheet", () => {
  let h: Harness;
  let s: Awaited<ReturnType<typeof buildStations>>;
  const month = addDays(shanghaiToday(), -40).slice(0, 7);
  const columns = [
    { key: 'date', header: '日期' },
    { key: 'salesAmountYuan', header: '上行金额（元）' },
    { key: 'incomeTotalYuan', header: '服务收入合计（元）' },
    { key: 'parcelsIn', header: '收件' },
  ] as const;

  beforeAll(async () => {
    h = await createHarness();
    const admin = h.caller((await h.user('admin')).actor);
    await addVillages(h);
    s = await buildStations(h, admin);
    const staff = h.caller((await h.user('staff')).actor);
    await staff.stations.ledger.upsert({ ...zeroFigures, stationId: s.zhang.id, date: `${month}-03`, salesAmountFen: 10, incomeBillFen: 10, incomeOtherFen: 20, parcelsIn: 7, note: null });
    await staff.stations.ledger.upsert({ ...zeroFigures, stationId: s.zhang.id, date: `${month}-04`, salesAmountFen: 123456789, note: null });
  });
  afterAll(() => h.close());

  it('writes the days in order with amounts in yuan, exactly', async () => {
    const operator = await h.user('station_operator', { scopes: { stations: [String(s.zhang.id)] } });
    const sheet = await h.caller(operator.actor).stations.ledger.export({ list: { stationId: s.zhang.id, month }, columns: [...columns], sheetName: '台账' });
    expect(sheet.rows).toBe(2);
    expect(sheet.filename).toMatch(new RegExp(`^ledger-TZ-V101201-${month}.*\\.xlsx$`));
    expect(await sheetRows(sheet.contentBase64)).toEqual([
      ['日期', '上行金额（元）', '服务收入合计（元）', '收件'],
      [`${month}-03`, 0.1, 0.3, 7],
      [`${month}-04`, 1234567.89, 0, 0],
    ]);
  });

  it("refuses an operator another station's month", async () => {
    const operator = await h.user('station_operator', { scopes: { stations: [String(s.zhang.id)] } });
    const refused = await refusal(
      h.deps,
      h.caller(operator.actor).stations.ledger.export({ list: { stationId: s.wang.id, month }, columns: [...columns], sheetName: '台账' }),
    );
    expect(refused).toMatchObject({ code: 'FORBIDDEN', appCode: 'FORBIDDEN_SCOPE' });
  });
});
