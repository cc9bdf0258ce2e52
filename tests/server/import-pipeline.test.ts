import crypto from 'node:crypto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiToday } from '@cuntong/server/lib/dates';
import { appRouter } from '@cuntong/server/router';
import { createHarness, type Harness } from '../support/harness';
import { refusal } from '../support/refusal';
import { readExport } from '../support/xlsx';
import { addVillages, buildStations } from '../stations/fixture';

/**
 * The one sheet-import pipeline (server/src/imports/sheet-import.ts), through imports that had no
 * such choices before it: skip-and-report with the rejects workbook, the remembered mapping, a
 * missing column named in words, and progress a user can follow (and only their own).
 */
async function workbook(headers: string[], rows: unknown[][]) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('表1');
  ws.addRow(headers);
  for (const row of rows) ws.addRow(row);
  return Buffer.from(await wb.xlsx.writeBuffer()).toString('base64');
}


describe('the sheet-import pipeline', () => {
  let h: Harness;
  let staff: ReturnType<Harness['caller']>;
  let other: ReturnType<Harness['caller']>;
  let s: Awaited<ReturnType<typeof buildStations>>;

  beforeAll(async () => {
    h = await createHarness();
    const admin = h.caller((await h.user('admin')).actor);
    staff = h.caller((await h.user('staff')).actor);
    other = h.caller((await h.user('staff')).actor);
    await addVillages(h);
    s = await buildStations(h, admin);
  });
  afterAll(() => h.close());

  it('every import router has preview, commit and progress', () => {
    const paths = Object.keys(appRouter._def.procedures);
    const imports = [...new Set(paths.filter((p) => /\.import\.(preview|commit)$/.test(p)).map((p) => p.replace(/\.(preview|commit)$/, '')))];
    expect(imports.sort()).toEqual(['courier.runs.import', 'livestream.import', 'stations.import', 'stations.ledger.import', 'taobao.figures.import', 'taobao.recognitions.import', 'training.attendance.import']);
    for (const base of imports) for (const step of ['preview', 'commit', 'progress']) expect(paths).toContain(`${base}.${step}`);
  });

  it('the station register: skip-and-report writes the good rows and hands back the rest with 问题', async () => {
    const file = await workbook(
      ['站点编码', '站点名称', '层级', '区划代码', '上级站点编码'],
      [
        ['TZ-V101204', '后刘村服务点', '村级服务点', '370481101204', 'TZ-T101'],
        ['TZ-V101001', '洪绪社区服务点', '乡级', '370481101001', 'TZ-T101'],
        ['TZ-V101002', '洪绪社区二点', '村级服务点', '370481101001', 'TZ-NOPE'],
      ],
    );
    const preview = await staff.stations.import.preview({ fileBase64: file });
    expect(preview.totals).toMatchObject({ rows: 3, ok: 1, problem: 2 });
    expect(preview.rows.items.map((r) => [r.row, r.status, r.code])).toEqual([
      [2, 'ok', 'TZ-V101204'],
      [3, 'problem', 'TZ-V101001'],
      [4, 'problem', 'TZ-V101002'],
    ]);
    const result = await staff.stations.import.commit({ fileBase64: file, mode: 'skip_invalid' });
    expect(result).toMatchObject({ mode: 'skip_invalid', rows: 3, rejected: 2, created: [{ row: 2, code: 'TZ-V101204' }] });
    const { rows: rejects } = await readExport(result.rejects!.contentBase64);
    expect(rejects[0]).toEqual(['站点编码', '站点名称', '层级', '区划代码', '上级站点编码', '问题']);
    expect(rejects.slice(1).map((r) => [r[0], r[5]])).toEqual([
      ['TZ-V101001', '“层级”的值“乡级”无效。'],
      ['TZ-V101002', '找不到站点“TZ-NOPE”。'],
    ]);
    expect(await h.db.selectFrom('stations').select('code').where('code', 'in', ['TZ-V101204', 'TZ-V101001', 'TZ-V101002']).execute()).toEqual([{ code: 'TZ-V101204' }]);
  });

  it('a missing column is named in words; the mapping the user chose is remembered for their next register', async () => {
    const headers = ['点位号', '点位名', '级别', '所在村代码', '上级站点编码'];
    const file = await workbook(headers, [['TZ-V102201', '南村服务点', '村级服务点', '370481102201', 'TZ-T102']]);
    const guessed = await staff.stations.import.preview({ fileBase64: file });
    expect(guessed.missing).toEqual(['code', 'name', 'regionCode']);
    expect(guessed.rows.total).toBe(0);
    expect(await refusal(h.deps, staff.stations.import.commit({ fileBase64: file }))).toMatchObject({ appCode: 'IMPORT_MAPPING_INCOMPLETE', params: { fields: '站点编码、站点名称、区划代码' } });
    const mapping = { code: '点位号', name: '点位名', tier: '级别', regionCode: '所在村代码', parentCode: '上级站点编码' };
    expect(await staff.stations.import.commit({ fileBase64: file, mapping })).toMatchObject({ created: [{ code: 'TZ-V102201' }] });
    const next = await workbook(headers, [['TZ-V102202', '北村服务点', '村级服务点', '370481102202', 'TZ-T102']]);
    expect(await staff.stations.import.preview({ fileBase64: next })).toMatchObject({ mapping, missing: [], totals: { ok: 1 } });
    // remembered per user: another user's file is guessed afresh
    expect((await other.stations.import.preview({ fileBase64: next })).missing).toEqual(['code', 'name', 'regionCode']);
  });

  it('the ledger: skip-and-report keeps the good days, and a re-import after fixing adds only the fixed ones', async () => {
    const today = shanghaiToday();
    const [d1, d2] = [addDays(today, -3), addDays(today, -2)];
    const headers = ['日期', '站点编码', '收件'];
    const file = await workbook(headers, [
      [d1, 'TZ-V101201', 5],
      [d2, 'TZ-V101201', -1],
    ]);
    const result = await staff.stations.ledger.import.commit({ fileBase64: file, mode: 'skip_invalid' });
    expect(result).toMatchObject({ rows: 2, written: 1, rejected: 1, rejects: { rows: 1 } });
    const fixed = await workbook(headers, [
      [d1, 'TZ-V101201', 5],
      [d2, 'TZ-V101201', 1],
    ]);
    const preview = await staff.stations.ledger.import.preview({ fileBase64: fixed });
    expect(preview.rows.items.map((r) => [r.date, r.status])).toEqual([
      [d1, 'already'],
      [d2, 'ok'],
    ]);
    expect(await staff.stations.ledger.import.commit({ fileBase64: fixed })).toMatchObject({ written: 1, unchanged: 1, rejects: null });
    const days = await h.db.selectFrom('ledger_entries').select(['entry_date', 'parcels_in']).where('station_id', '=', s.zhang.id).orderBy('entry_date').execute();
    expect(days).toEqual([
      { entry_date: d1, parcels_in: 5 },
      { entry_date: d2, parcels_in: 1 },
    ]);
  });

  it('progress: followed while a large file is checked and written, by its owner only', async () => {
    const start = addDays(shanghaiToday(), -400);
    const file = await workbook(['日期', '站点编码', '收件'], Array.from({ length: 300 }, (_, i) => [addDays(start, i), 'TZ-V101202', i]));
    const progressKey = crypto.randomUUID();
    const seen: string[] = [];
    let finished = false;
    const committing = staff.stations.ledger.import.commit({ fileBase64: file, progressKey }).finally(() => (finished = true));
    while (!finished) {
      const p = await staff.stations.ledger.import.progress({ progressKey });
      if (p) seen.push(`${p.stage}:${p.done < p.total ? 'part' : 'all'}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(await committing).toMatchObject({ rows: 300, written: 300 });
    expect(await staff.stations.ledger.import.progress({ progressKey })).toEqual({ stage: 'done', done: 300, total: 300 });
    expect(seen).toContain('reading:all');
    expect(seen).toContain('writing:part');
    // another user asking with the same key hears nothing
    expect(await other.stations.ledger.import.progress({ progressKey })).toBeNull();
  });
});
