import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiToday } from '@cuntong/server/lib/dates';
import { createHarness, type Harness } from '../support/harness';
import { refusal } from '../support/refusal';
import { addVillages, buildStations } from './fixture';

/** A sheet as operators keep them: a merged title row, their own headers, messy cells. */
async function workbook(rows: unknown[][], headers = ['日期', '站点编码', '收件量（件）', '寄件', '代卖金额(元)', '其他收入', '备注']) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('台账');
  ws.addRow(['洪绪镇张庄村服务点 经营台账']);
  ws.mergeCells(1, 1, 1, headers.length);
  ws.addRow(headers);
  ws.addRow([]);
  for (const row of rows) ws.addRow(row);
  return Buffer.from(await wb.xlsx.writeBuffer()).toString('base64');
}

describe('importing a month of ledger from Excel', () => {
  let h: Harness;
  let staff: ReturnType<Harness['caller']>;
  let s: Awaited<ReturnType<typeof buildStations>>;
  const ledgerRows = () =>
    h.db
      .selectFrom('ledger_entries')
      .select(['station_id', 'entry_date', 'parcels_in', 'parcels_out', 'sales_amount_fen', 'income_other_fen', 'note', 'version'])
      .orderBy('station_id').orderBy('entry_date')
      .execute();

  beforeAll(async () => {
    h = await createHarness();
    const admin = h.caller((await h.user('admin')).actor);
    staffUser = await h.user('staff');
    staff = h.caller(staffUser.actor);
    await addVillages(h);
    s = await buildStations(h, admin);
  });
  let staffUser: Awaited<ReturnType<Harness['user']>>;
  afterAll(() => h.close());

  it('refuses a file with bad rows whole, naming each row and why', async () => {
    const file = await workbook([
      ['2026-11-01', 'TZ-V101201', 12, 3, '¥1,234.50', 0.1, ''],
      ['2026/11/31', 'TZ-V101201', 5, 0, 10, 0, ''], // no such day
      [46328, 'TZ-NOPE', 5, 0, 10, 0, ''], // unknown station (46328 = 2026-11-03 as an Excel serial)
      ['2026-11-04', 'TZ-V101201', -2, 0, 10, 0, ''], // negative count
      ['2026-11-05', 'TZ-V101201', 1, 0, '12.345', 0, ''], // a third decimal of a yuan
      ['2026-11-01', 'TZ-V101201', 1, 0, 0, 0, '重复'], // the same day twice
    ]);
    const preview = await staff.stations.ledger.import.preview({ fileBase64: file });
    expect(preview).toMatchObject({ headerRow: 2, totalRows: 6, validRows: 1, missing: [] });
    expect(preview.mapping).toMatchObject({ date: '日期', stationCode: '站点编码', parcelsIn: '收件量(件)', parcelsOut: '寄件', salesAmountFen: '代卖金额(元)', incomeOtherFen: '其他收入', note: '备注' });
    expect(preview.problems.map((p) => [p.row, p.field])).toEqual([
      [5, 'date'],
      [6, 'stationCode'],
      [7, 'parcelsIn'],
      [8, 'salesAmountFen'],
      [9, 'date'],
    ]);
    expect(preview.problems[0].message).toBe('“日期”的值“2026/11/31”无效。');
    expect(preview.problems[1].message).toBe('找不到站点“TZ-NOPE”。');
    expect(preview.problems[4].message).toBe('2026-11-01 在第 4 行已出现过。');

    const refused = await refusal(h.deps, staff.stations.ledger.import.commit({ fileBase64: file }));
    expect(refused).toMatchObject({ appCode: 'IMPORT_INVALID', params: { count: 5, rows: '5, 6, 7, 8, 9' } });
    expect(await ledgerRows()).toEqual([]);
  });

  it('commits a good file exactly, and importing it again changes nothing', async () => {
    const file = await workbook([
      ['2026-11-01', 'TZ-V101201', 12, 3, '¥1,234.50', 0.1, '赶集日'],
      [new Date(Date.UTC(2026, 10, 2)), 'ＴＺ-Ｖ101201', '１５', '', 1234.5, 0.2, null],
      ['20261103', 'TZ-V101202', 7, 1, '', '', '  '],
    ]);
    const first = await staff.stations.ledger.import.commit({ fileBase64: file });
    expect(first).toMatchObject({ mode: 'all_or_nothing', rows: 3, written: 3, unchanged: 0, rejected: 0, rejects: null });
    const after = await ledgerRows();
    expect(after).toEqual([
      { station_id: s.zhang.id, entry_date: '2026-11-01', parcels_in: 12, parcels_out: 3, sales_amount_fen: 123450, income_other_fen: 10, note: '赶集日', version: 1 },
      { station_id: s.zhang.id, entry_date: '2026-11-02', parcels_in: 15, parcels_out: 0, sales_amount_fen: 123450, income_other_fen: 20, note: null, version: 1 },
      { station_id: s.wang.id, entry_date: '2026-11-03', parcels_in: 7, parcels_out: 1, sales_amount_fen: 0, income_other_fen: 0, note: null, version: 1 },
    ]);
    const audits = await h.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where('entity', '=', 'ledger_entry').executeTakeFirstOrThrow();
    expect(Number(audits.n)).toBe(3);

    const again = await staff.stations.ledger.import.commit({ fileBase64: file });
    expect(again).toMatchObject({ rows: 3, written: 0, unchanged: 3 });
    // and the preview says so before: every row is as stored
    expect((await staff.stations.ledger.import.preview({ fileBase64: file })).totals).toMatchObject({ ok: 0, already: 3 });
    expect(await ledgerRows()).toEqual(after);
    const auditsAgain = await h.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where('entity', '=', 'ledger_entry').executeTakeFirstOrThrow();
    expect(Number(auditsAgain.n)).toBe(3);
  });

  it("maps the user's own headers and remembers the mapping for the next file", async () => {
    const headers = ['营业日', '今日包裹', '农产品卖了多少'];
    const file = await workbook([[ '2026-11-05', 9, '88.8' ]], headers);
    const guessed = await staff.stations.ledger.import.preview({ fileBase64: file, stationId: s.li.id });
    expect(guessed.missing).toEqual(['date']);
    const mapping = { date: '营业日', parcelsIn: '今日包裹', salesAmountFen: '农产品卖了多少' };
    expect(await staff.stations.ledger.import.commit({ fileBase64: file, stationId: s.li.id, mapping })).toMatchObject({ rows: 1, written: 1, unchanged: 0 });
    const next = await workbook([['2026-11-06', 4, '10']], headers);
    const remembered = await staff.stations.ledger.import.preview({ fileBase64: next, stationId: s.li.id });
    expect(remembered).toMatchObject({ mapping, missing: [], validRows: 1 });
    const row = await h.db.selectFrom('ledger_entries').select(['parcels_in', 'sales_amount_fen']).where('station_id', '=', s.li.id).where('entry_date', '=', '2026-11-05').executeTakeFirstOrThrow();
    expect(row).toEqual({ parcels_in: 9, sales_amount_fen: 8880 });
  });

  it("holds operators to their own station's last 7 days", async () => {
    const operator = await h.user('station_operator', { scopes: { stations: [String(s.zhang.id)] } });
    const today = shanghaiToday();
    const file = await workbook([
      [addDays(today, -1), 'TZ-V101201', 1, 0, 0, 0, ''],
      [addDays(today, -10), 'TZ-V101201', 1, 0, 0, 0, ''],
      [addDays(today, -1), 'TZ-V101202', 1, 0, 0, 0, ''],
      [addDays(today, -1), 'TZ-NOPE', 1, 0, 0, 0, ''],
    ]);
    const preview = await h.caller(operator.actor).stations.ledger.import.preview({ fileBase64: file });
    // another station's code and a code nobody has read alike: nothing to learn about which exist
    expect(preview.problems.map((p) => [p.row, p.field, p.message])).toEqual([
      [5, 'date', `${addDays(today, -10)} 的台账已超过 7 天，站点只能修改最近 7 天的台账；如需更正请联系商务局。`],
      [6, 'stationCode', '找不到站点“TZ-V101202”。'],
      [7, 'stationCode', '找不到站点“TZ-NOPE”。'],
    ]);
    // the file's station chosen by id is refused up front, alike whether it is another's or nobody's
    const oneStation = await workbook([[addDays(today, -1), 1]], ['日期', '收件']);
    const byId = await refusal(h.deps, h.caller(operator.actor).stations.ledger.import.preview({ fileBase64: oneStation, stationId: s.wang.id }));
    expect(byId).toMatchObject({ code: 'FORBIDDEN', appCode: 'FORBIDDEN_SCOPE', params: { kind: 'station' } });
    expect(await refusal(h.deps, h.caller(operator.actor).stations.ledger.import.commit({ fileBase64: oneStation, stationId: 999_999 }))).toEqual(byId);
    expect(await refusal(h.deps, staff.stations.ledger.import.preview({ fileBase64: oneStation, stationId: 999_999 }))).toMatchObject({ code: 'NOT_FOUND', appCode: 'STATION_NOT_FOUND' });
  });

  it('says so when the file is not a spreadsheet', async () => {
    const refused = await refusal(h.deps, staff.stations.ledger.import.preview({ fileBase64: Buffer.from('not a workbook').toString('base64') }));
    expect(refused.appCode).toBe('IMPORT_FILE_UNREADABLE');
  });
});
