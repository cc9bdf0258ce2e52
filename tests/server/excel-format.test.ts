import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { columnFormat, textWidth, toXlsx } from '@cuntong/server/lib/excel';

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
  const columns = [
    { key: 'name', header: '站点名称' },
    { key: 'year', header: '年度' },
    { key: 'parcels', header: '包裹' },
    { key: 'hours', header: '时长（小时）' },
    { key: 'gmvYuan', header: '成交额（元）' },
    { key: 'buyerRate', header: '转化率' },
    { key: 'coveragePercent', header: '覆盖率' },
    { key: 'openedOn', header: '开业日期' },
    { key: 'traineeId', header: '学员编号' },
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

  it('infers a column format from its key unless the column declares one', () => {
    expect(columnFormat({ key: 'incomeTotalYuan', header: '合计' }, [1.5])).toBe('money');
    expect(columnFormat({ key: 'activity.activeDays30', header: '天数' }, [3, null])).toBe('count');
    expect(columnFormat({ key: 'activity.quiet', header: '僵尸', labels: { true: '是' } }, ['是'])).toBe('text');
    expect(columnFormat({ key: 'lastLoginAt', header: '登录' }, ['2026-01-05 08:00:00'])).toBe('date');
    expect(columnFormat({ key: 'rate', header: '转化率' }, [0.5])).toBe('percent');
    expect(columnFormat({ key: 'value', header: '目标值', format: 'plain' }, [1000])).toBe('plain');
  });
});
