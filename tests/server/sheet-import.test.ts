import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@cuntong/server/lib/app-error';
import { parseCount } from '@cuntong/server/lib/sheet';
import { mappedCell, readMappedSheet, refuseProblems, rejectsWorkbook, rememberMapping, sheetColumns, summariseProblems, type ImportProblem } from '@cuntong/server/lib/sheet-mapping';
import { createHarness, type Harness } from '../support/harness';
import { readExport } from '../support/xlsx';

/**
 * The shared import pieces with a tiny definition of our own (a harvest sheet: 品种, 斤数): the
 * sheet with a header we know among several, the header below a title, the mapping guessed, sent
 * or remembered, row problems capped and counted, all-or-nothing and the rejects workbook.
 */
type Field = 'crop' | 'jin';
const columns = sheetColumns<Field>({ crop: ['品种', '作物'], jin: ['斤数', '重量(斤)'] });

async function workbook(sheets: { name: string; rows: unknown[][] }[]) {
  const wb = new ExcelJS.Workbook();
  for (const sheet of sheets) {
    const ws = wb.addWorksheet(sheet.name);
    for (const row of sheet.rows) ws.addRow(row);
  }
  return Buffer.from(await wb.xlsx.writeBuffer()).toString('base64');
}

/** The definition's row analysis: a count of jin, or a problem on that column. */
function analyse(sheet: Awaited<ReturnType<typeof readMappedSheet<Field>>>) {
  const problems: ImportProblem<Field>[] = [];
  const rows: { row: (typeof sheet.sheet.rows)[number]; problems: { message: string }[] }[] = [];
  for (const row of sheet.sheet.rows) {
    const jin = parseCount(mappedCell(sheet.mapping, row, 'jin'));
    const mine = jin === 'invalid' ? [{ row: row.rowNumber, field: 'jin' as const, message: `bad ${String(mappedCell(sheet.mapping, row, 'jin'))}` }] : [];
    problems.push(...mine);
    rows.push({ row, problems: mine });
  }
  return { problems, rows };
}

describe('the sheet-import pieces with a tiny definition', () => {
  let h: Harness;
  let userId: number;
  let file: string;

  beforeAll(async () => {
    h = await createHarness();
    userId = (await h.user('staff')).id;
    file = await workbook([
      { name: '封面', rows: [['2026 年秋收统计', '洪绪镇']] },
      { name: '收成', rows: [['洪绪镇 秋收'], ['作物', '重量(斤)', '备注'], ['红薯', '1,200', null], ['小米', '三百', '手写'], ['玉米', 800, null]] },
    ]);
  });
  afterAll(() => h.close());

  it('reads the first sheet with a header it knows, below its title, and guesses the mapping', async () => {
    const read = await readMappedSheet(h.db, userId, 'test.harvest', columns, { fileBase64: file }, ['crop', 'jin']);
    expect(read.sheet).toMatchObject({ sheets: ['封面', '收成'], sheet: '收成', headerRow: 2, headers: ['作物', '重量(斤)', '备注'] });
    expect(read.mapping).toEqual({ crop: '作物', jin: '重量(斤)' });
    expect(read.missing).toEqual([]);
    const { problems } = analyse(read);
    expect(summariseProblems(problems)).toEqual({ problems: [{ row: 4, field: 'jin', message: 'bad 三百' }], problemTotal: 1, problemsByField: [{ field: 'jin', count: 1 }] });
    expect(() => refuseProblems(problems)).toThrow(AppError);
  });

  it('reads the sheet named, and says what is missing there', async () => {
    const read = await readMappedSheet(h.db, userId, 'test.harvest', columns, { fileBase64: file, sheet: '封面' }, ['crop', 'jin']);
    expect(read.sheet.sheet).toBe('封面');
    expect(read.missing).toEqual(['crop', 'jin']);
  });

  it('uses the mapping sent, then the one remembered for this kind of file', async () => {
    const sent = await readMappedSheet(h.db, userId, 'test.harvest', columns, { fileBase64: file, mapping: { crop: '备注', jin: '重量(斤)' } }, ['crop', 'jin']);
    expect(sent.mapping).toEqual({ crop: '备注', jin: '重量(斤)' });
    await rememberMapping(h.db, userId, 'test.harvest', sent.mapping);
    const again = await readMappedSheet(h.db, userId, 'test.harvest', columns, { fileBase64: file }, ['crop', 'jin']);
    expect(again.mapping).toEqual({ crop: '备注', jin: '重量(斤)' });
  });

  it('hands back the rejected rows as the file had them, with a 问题 column', async () => {
    await h.db.deleteFrom('import_mappings').execute();
    const read = await readMappedSheet(h.db, userId, 'test.harvest', columns, { fileBase64: file }, ['crop', 'jin']);
    const rejected = analyse(read).rows.filter((r) => r.problems.length);
    const out = await rejectsWorkbook(read.sheet.headers, rejected, 'zh-CN', { filenameStem: 'harvest-rejects', dateText: (d) => d.toISOString() });
    const book = await readExport(out.contentBase64);
    expect(book.rows).toEqual([
      ['作物', '重量(斤)', '备注', '问题'],
      ['小米', '三百', '手写', 'bad 三百'],
    ]);
  });
});
