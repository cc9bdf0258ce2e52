import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { textWidth, toXlsx, type XlsxColumn } from '@cuntong/server/lib/excel';
import { rankingExportInput } from '@cuntong/server/modules/stations/stations.schemas';

async function open(contentBase64: string) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(contentBase64, 'base64') as unknown as ArrayBuffer);
  return workbook.worksheets[0]!;
}

describe('Excel number formats and column widths', () => {
  const rows = [
    { name: '滕州市洪绪镇龙泉村电商服务站', year: 2026, parcels: 123456, hours: 12.5, gmvYuan: 1234567.89, buyerRate: 0.1234, coveragePercent: 42.5, openedOn: '2026-01-05', traineeId: 98765 },
    { name: '东沙河', year: 2026, parcels: 7, hours: 3, gmvYuan: 0.5, buyerRate: null, coveragePercent: 100, openedOn: null, traineeId: 12 },
  ];
  const columns: XlsxColumn[] = [
    { key: 'name', header: '站点名称', format: 'text' },
    { key: 'year', header: '年度', format: 'plain' },
    { key: 'parcels', header: '包裹', format: 'count' },
    { key: 'hours', header: '时长（小时）', format: 'decimal' },
    { key: 'gmvYuan', header: '成交额（元）', format: 'money' },
    { key: 'buyerRate', header: '转化率', format: 'percent' },
    { key: 'coveragePercent', header: '覆盖率', format: 'percentPoints' },
    { key: 'openedOn', header: '开业日期', format: 'date' },
    { key: 'traineeId', header: '学员编号', format: 'plain' },
  ];

  it('gives counts, money, percentages and dates their formats and keeps every value as it was', async () => {
    const sheet = await open((await toXlsx(rows, columns, { sheetName: '格式', filenameStem: 'formats' })).contentBase64);
    const fmt = (col: number) => sheet.getRow(2).getCell(col).numFmt;
    expect(fmt(1)).toBe('@');
    expect(fmt(2)).toBeUndefined(); // a year is a name, not an amount: no 2,026
    expect(fmt(3)).toBe('#,##0');
    expect(fmt(4)).toBe('#,##0.0#');
    expect(fmt(5)).toBe('#,##0.00');
    expect(fmt(6)).toBe('0.0%');
    expect(fmt(7)).toBe('0.0"%"');
    expect(fmt(8)).toBe('@');
    expect(fmt(9)).toBeUndefined();
    expect((sheet.getRow(2).values as unknown[]).slice(1)).toEqual(['滕州市洪绪镇龙泉村电商服务站', 2026, 123456, 12.5, 1234567.89, 0.1234, 42.5, '2026-01-05', 98765]);
    expect(sheet.getRow(1).getCell(1).value).toBe('站点名称');
    expect(sheet.getRow(1).font?.bold).toBe(true);
  });

  it('sizes columns to their Chinese text, counting CJK characters double', async () => {
    const sheet = await open((await toXlsx(rows, columns, { sheetName: '宽度', filenameStem: 'widths' })).contentBase64);
    expect(textWidth('滕州市洪绪镇龙泉村电商服务站')).toBe(28);
    expect(textWidth('TZ-T101')).toBe(7);
    expect(textWidth('（元）')).toBe(6);
    expect(sheet.getColumn(1).width).toBe(30); // the longest name, 14 characters, plus room
    expect(sheet.getColumn(2).width).toBe(8); // 年度 is 4 wide: the minimum
    expect(sheet.getColumn(5).width).toBe(14); // "1,234,567.89" is 12 wide
    expect(sheet.getColumn(4).width).toBe(14); // 时长（小时） is 12 wide
  });

  it('takes each column format from the declaration of its export, not from the client', () => {
    const parsed = rankingExportInput.parse({
      list: { period: '2026-03' },
      columns: [
        { key: 'rank', header: '排名' },
        { key: 'name', header: '乡镇' },
        { key: 'salesAmountYuan', header: '销售额（元）', format: 'text' },
        { key: 'parcels', header: '包裹' },
        { key: 'coveragePercent', header: '覆盖率' },
      ],
    });
    expect(parsed.columns.map((c) => c.format)).toEqual(['plain', 'text', 'money', 'count', 'percentPoints']);
    expect(rankingExportInput.safeParse({ list: { period: '2026-03' }, columns: [{ key: 'password', header: '密码' }] }).success).toBe(false);
  });

  it('writes declared money as yuan with two decimals and counts with separators, read back with exceljs', async () => {
    const { columns } = rankingExportInput.parse({
      list: { period: '2026-03' },
      columns: [
        { key: 'name', header: '乡镇' },
        { key: 'salesAmountYuan', header: '销售额（元）' },
        { key: 'parcels', header: '包裹' },
      ],
    });
    const rows = [{ name: '洪绪镇', salesAmountYuan: 1234.5, parcels: 12000 }];
    const sheet = await open((await toXlsx(rows, columns, { sheetName: '读回', filenameStem: 'read-back' })).contentBase64);
    expect([1, 2, 3].map((c) => sheet.getRow(2).getCell(c).numFmt)).toEqual(['@', '#,##0.00', '#,##0']);
    expect((sheet.getRow(2).values as unknown[]).slice(1)).toEqual(['洪绪镇', 1234.5, 12000]);
    expect(sheet.getColumn(2).width).toBe(14); // 销售额（元） is 12 wide
  });
});
