import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { commitMode, defineImport, importRequest, noExtras, previewQuery } from '@cuntong/server/imports/sheet-import';
import { parseCount } from '@cuntong/server/lib/sheet';
import { sheetColumns } from '@cuntong/server/imports/sheet-mapping';
import type { ServiceContext } from '@cuntong/server/modules/service-context';
import { createHarness, type Harness } from '../support/harness';
import { serviceContext } from '../support/service-context';
import { readExport } from '../support/xlsx';

/**
 * A new import is one definition: a tiny one of our own (a harvest sheet: 作物, 斤数, into a table
 * this test makes) gets from the pipeline the sheet with a header it knows among several, the header
 * below a title, the mapping guessed, sent or remembered, the preview a page at a time, both commit
 * modes with the rejects workbook, and an idempotent re-import.
 */
const FIELDS = ['crop', 'jin'] as const;
const request = importRequest(FIELDS);

const harvestImport = defineImport({
  name: 'test.harvest',
  fields: FIELDS,
  request: { preview: z.object({ ...request, ...previewQuery }), commit: z.object({ ...request, ...commitMode() }) },
  prepare: async () => null,
  columns: () => sheetColumns({ crop: ['品种', '作物'], jin: ['斤数', '重量(斤)'] }),
  label: (field) => ({ crop: '作物', jin: '斤数' })[field],
  required: () => ['crop', 'jin'],
  async analyse(tools, _context, sheet) {
    const rows = sheet.rows.map((line) => {
      const jin = parseCount(tools.cell(line, 'jin'));
      const r = tools.row(line, { crop: String(tools.cell(line, 'crop') ?? ''), jin: jin === 'invalid' ? 0 : jin });
      if (jin === 'invalid') tools.problem(r, 'jin', 'IMPORT_CELL_INVALID', { column: tools.mapping.jin!, value: String(tools.cell(line, 'jin')) });
      return r;
    });
    const first = new Map<string, number>();
    for (const r of rows.filter((r) => r.status === 'ok')) {
      if (first.has(r.data.crop)) tools.skip(r, 'duplicate', 'STREAM_IMPORT_DUPLICATE_ROW', { row: first.get(r.data.crop)! });
      else first.set(r.data.crop, r.row.rowNumber);
    }
    const stored = await sql<{ crop: string }>`select crop from test_harvest`.execute(tools.ctx.db);
    for (const r of rows) if (r.status === 'ok' && stored.rows.some((s) => s.crop === r.data.crop)) tools.skip(r, 'already', 'STREAM_IMPORT_ALREADY');
    return { rows };
  },
  view: { shape: { crop: z.string(), jin: z.number() }, of: ({ data }) => data },
  totals: noExtras,
  preview: noExtras,
  write: {
    shape: { inserted: z.number() },
    async run(trx, _tools, _context, rows) {
      for (const r of rows) await sql`insert into test_harvest (crop, jin) values (${r.data.crop}, ${r.data.jin})`.execute(trx);
      return { inserted: rows.length };
    },
  },
  rejects: { filenameStem: 'harvest-rejects' },
});

async function workbook(sheets: { name: string; rows: unknown[][] }[]) {
  const wb = new ExcelJS.Workbook();
  for (const sheet of sheets) {
    const ws = wb.addWorksheet(sheet.name);
    for (const row of sheet.rows) ws.addRow(row);
  }
  return Buffer.from(await wb.xlsx.writeBuffer()).toString('base64');
}

describe('a new import is one definition on the pipeline', () => {
  let h: Harness;
  let ctx: ServiceContext;
  let file: string;
  const preview = (input: Record<string, unknown>) => harvestImport.preview(ctx, harvestImport.schemas.previewInput.parse({ fileBase64: file, ...input }));
  const commit = (input: Record<string, unknown>) => harvestImport.commit(ctx, harvestImport.schemas.commitInput.parse({ fileBase64: file, ...input }));
  const stored = async () => (await sql<{ crop: string; jin: number }>`select crop, jin from test_harvest order by crop`.execute(h.db)).rows;

  beforeAll(async () => {
    h = await createHarness();
    ctx = serviceContext(h.deps, (await h.user('staff')).actor);
    await sql`create table test_harvest (crop text primary key, jin int not null)`.execute(h.db);
    file = await workbook([
      { name: '封面', rows: [['2026 年秋收统计', '洪绪镇']] },
      { name: '收成', rows: [['洪绪镇 秋收'], ['作物', '重量(斤)', '备注'], ['红薯', '1,200', null], ['小米', '三百', '手写'], ['玉米', 800, null]] },
    ]);
  });
  afterAll(() => h.close());

  it('reads the first sheet with a header it knows, below its title, guesses the mapping and judges every row', async () => {
    const read = await preview({});
    expect(read).toMatchObject({ sheets: ['封面', '收成'], sheet: '收成', headerRow: 2, headers: ['作物', '重量(斤)', '备注'], mapping: { crop: '作物', jin: '重量(斤)' }, missing: [] });
    expect(read.totals).toEqual({ rows: 3, ok: 2, already: 0, duplicate: 0, problem: 1, skipped: 0 });
    expect(read.problems).toEqual([{ row: 4, field: 'jin', message: '“重量(斤)”的值“三百”无效。' }]);
    expect(read.problemsByField).toEqual([{ field: 'jin', count: 1 }]);
    // a page at a time, the problems only if asked
    expect((await preview({ only: 'problems' })).rows).toMatchObject({ total: 1, items: [{ row: 4, status: 'problem', crop: '小米' }] });
    expect((await preview({ page: 2, pageSize: 2 })).rows).toMatchObject({ total: 3, items: [{ row: 5, crop: '玉米', jin: 800 }] });
  });

  it('reads the sheet named, and says what is missing there', async () => {
    const read = await preview({ sheet: '封面' });
    expect(read).toMatchObject({ sheet: '封面', missing: ['crop', 'jin'], rows: { total: 0 } });
    await expect(commit({ sheet: '封面', mode: 'skip_invalid' })).rejects.toMatchObject({ code: 'IMPORT_MAPPING_INCOMPLETE', params: { fields: '作物、斤数' } });
  });

  it('all or nothing refuses the file whole; skip and report writes the good rows and hands back the rest', async () => {
    await expect(commit({ mode: 'all_or_nothing' })).rejects.toMatchObject({ code: 'IMPORT_INVALID', params: { count: 1, rows: '4' } });
    expect(await stored()).toEqual([]);
    const result = await commit({ mode: 'skip_invalid' });
    expect(result).toMatchObject({ mode: 'skip_invalid', rows: 3, rejected: 1, inserted: 2 });
    expect(await stored()).toEqual([
      { crop: '玉米', jin: 800 },
      { crop: '红薯', jin: 1200 },
    ]);
    const book = await readExport(result.rejects!.contentBase64);
    expect(book.rows).toEqual([
      ['作物', '重量(斤)', '备注', '问题'],
      ['小米', '三百', '手写', '“重量(斤)”的值“三百”无效。'],
    ]);
    // the same file again adds nothing
    expect((await preview({})).totals).toMatchObject({ ok: 0, already: 2, problem: 1 });
    expect(await commit({ mode: 'skip_invalid' })).toMatchObject({ inserted: 0, rejected: 1 });
  });

  it('uses the mapping sent, then the one remembered for this kind of file', async () => {
    const mapping = { crop: '备注', jin: '重量(斤)' };
    expect((await preview({ mapping })).rows.items.map((r) => [r.crop, r.status])).toEqual([
      ['', 'ok'],
      ['手写', 'problem'],
      ['', 'duplicate'],
    ]);
    expect(await commit({ mode: 'skip_invalid', mapping })).toMatchObject({ inserted: 1, duplicates: 1, rejected: 1 });
    expect((await preview({})).mapping).toEqual(mapping);
  });
});
