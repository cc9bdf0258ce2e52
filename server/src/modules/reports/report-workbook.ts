import ExcelJS from 'exceljs';
import { INDICATORS, type IndicatorKey } from '../targets/indicators';
import type { PaceStatus } from '../targets/progress';
import type { ReportData } from './report-data';

/** The bureau's title block, on the first sheet and the printable page alike. */
export function reportTitle(data: Pick<ReportData, 'period' | 'region'>) {
  const [y, m] = data.period.split('-').map(Number);
  return { office: `${data.region.name}商务局`, title: '电子商务进农村综合示范 月度通报', month: `${y}年${m}月` };
}

const STATUS: Record<PaceStatus, string> = { ahead: '超前', on_pace: '正常', behind: '落后', far_behind: '严重落后', no_target: '未设目标' };

/** A figure in the indicator's unit, as a cell: yuan for money, a ratio for a share (formatted as %). */
function figure(indicator: IndicatorKey, value: number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  return INDICATORS[indicator].unit === 'fen' ? Math.round(value) / 100 : value;
}
const numFmt = (indicator: IndicatorKey) => (INDICATORS[indicator].unit === 'fen' ? '#,##0.00' : INDICATORS[indicator].unit === 'ratio' ? '0.0%' : '#,##0');
const yuan = (fen: number) => Math.round(fen) / 100;

/**
 * The month's report as an Excel workbook: 摘要 (the title block and the indicators against the
 * year's targets), 乡镇排名, 培训, 直播, 站点 (with the quiet stations), 说明. Built once per
 * version and stored with it, so a download is the document as it was issued.
 */
export async function reportWorkbook(data: ReportData, version: { version: number; builtAt: string }): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '村通 Cuntong';
  const head = reportTitle(data);
  const versionLine = version.version > 0 ? `第 ${version.version} 版 · 生成于 ${version.builtAt.slice(0, 10)}` : `草稿 · 生成于 ${version.builtAt.slice(0, 10)}`;
  const bold = (row: ExcelJS.Row) => (row.font = { bold: true });

  const summary = wb.addWorksheet('摘要');
  summary.columns = [{ width: 18 }, { width: 16 }, { width: 16 }, { width: 16 }, { width: 12 }, { width: 12 }, { width: 16 }];
  summary.mergeCells('A1:G1');
  summary.mergeCells('A2:G2');
  summary.mergeCells('A3:G3');
  summary.getCell('A1').value = head.office;
  summary.getCell('A2').value = `${head.title}（${head.month}）`;
  summary.getCell('A3').value = `数据截至 ${data.asOf} · ${versionLine}`;
  summary.getCell('A1').font = { bold: true, size: 14 };
  summary.getCell('A2').font = { bold: true, size: 16 };
  for (const c of ['A1', 'A2', 'A3']) summary.getCell(c).alignment = { horizontal: 'center' };
  summary.addRow([]);
  bold(summary.addRow(['指标', '本年目标', '完成', '按进度应达', '进度比', '进度', '预计年底']));
  for (const p of data.summary) {
    const row = summary.addRow([INDICATORS[p.indicator].name, figure(p.indicator, p.target), figure(p.indicator, p.actual), figure(p.indicator, p.expected), p.paceRatio, STATUS[p.status], figure(p.indicator, p.projection)]);
    for (const i of [2, 3, 4, 7]) row.getCell(i).numFmt = numFmt(p.indicator);
    row.getCell(5).numFmt = '0.0%';
  }

  const ranking = wb.addWorksheet('乡镇排名', { views: [{ state: 'frozen', xSplit: 1, ySplit: 1 }] });
  const indicators = data.summary.map((p) => p.indicator);
  bold(ranking.addRow(['乡镇（街道）', ...indicators.flatMap((i) => [`${INDICATORS[i].name}·完成`, '目标', '进度比', '进度'])]));
  ranking.getColumn(1).width = 16;
  for (const town of data.towns) {
    const row = ranking.addRow([town.regionName, ...indicators.flatMap((i) => {
      const c = town.cells[i];
      return [figure(i, c?.actual), figure(i, c?.target), c?.paceRatio ?? null, c ? STATUS[c.status] : ''];
    })]);
    indicators.forEach((i, k) => {
      row.getCell(2 + k * 4).numFmt = numFmt(i);
      row.getCell(3 + k * 4).numFmt = numFmt(i);
      row.getCell(4 + k * 4).numFmt = '0.0%';
    });
  }
  for (let c = 2; c <= 1 + indicators.length * 4; c++) ranking.getColumn(c).width = 13;

  const pairs = (name: string, rows: [string, number | string | null, string?][]) => {
    const sheet = wb.addWorksheet(name);
    sheet.columns = [{ width: 28 }, { width: 18 }];
    bold(sheet.addRow(['项目', '数值']));
    for (const [label, value, fmt] of rows) {
      const row = sheet.addRow([label, value]);
      if (fmt) row.getCell(2).numFmt = fmt;
    }
    return sheet;
  };
  pairs('培训', [
    ['本月培训人次', data.training.monthPersonTimes, '#,##0'],
    ['本年累计培训人次', data.training.yearPersonTimes, '#,##0'],
    ['本年结业学员', data.training.completedTrainees, '#,##0'],
    ['其中已转化（开店、销售、直播、就业、创业）', data.training.convertedTrainees, '#,##0'],
    ['转化率', data.training.conversion, '0.0%'],
  ]);
  pairs('直播', [
    ['月末活跃主播（淘宝直播）', data.livestream.activeHosts, '#,##0'],
    ['月末活跃主播（全平台）', data.livestream.activeHostsAllPlatforms, '#,##0'],
    ['本月直播场次', data.livestream.streams, '#,##0'],
    ['本月成交额（元）', yuan(data.livestream.gmvFen), '#,##0.00'],
    ['本年累计场次', data.livestream.yearStreams, '#,##0'],
    ['本年累计成交额（元）', yuan(data.livestream.yearGmvFen), '#,##0.00'],
  ]);
  const stations = pairs('站点', [
    ['本月农产品上行额（元）', yuan(data.stations.salesFen), '#,##0.00'],
    ['本月工业品下行额（元）', yuan(data.stations.purchaseFen), '#,##0.00'],
    ['本月快递收发（件）', data.stations.parcels, '#,##0'],
    ['本月站点服务收入（元）', yuan(data.stations.incomeFen), '#,##0.00'],
    ['本年累计上行额（元）', yuan(data.stations.yearSalesFen), '#,##0.00'],
    ['站点活跃率', data.stations.activeShare, '0.0%'],
    ['达标填报站点数', data.stations.reporting, '#,##0'],
    ['覆盖行政村数', data.stations.villagesCovered, '#,##0'],
    ['行政村覆盖率', data.stations.coverage, '0.0%'],
    ['沉寂站点数', data.stations.quiet.length, '#,##0'],
  ]);
  stations.addRow([]);
  bold(stations.addRow(['沉寂站点名单', '', '', '', '']));
  bold(stations.addRow(['站点编码', '站点名称', '所在乡镇', '沉寂天数', '最后活跃日']));
  for (const q of data.stations.quiet) stations.addRow([q.code, q.name, q.townName, q.quietDays, q.lastActiveDate ?? '']);
  stations.getColumn(3).width = 14;
  stations.getColumn(5).width = 14;

  if (data.taobao) {
    const taobao = pairs('淘宝村培育', [
      [`${data.taobao.year} 年度淘宝村（达标或已认定）`, data.taobao.villages, '#,##0'],
      [`${data.taobao.year} 年度淘宝镇（达标或已认定）`, data.taobao.towns, '#,##0'],
    ]);
    taobao.addRow([]);
    bold(taobao.addRow(['最接近标准的候选村', '', '', '', '', '']));
    bold(taobao.addRow(['区划代码', '村', '所在乡镇', '接近度', '销售额差（元）', '网店差（个）']));
    for (const n of data.taobao.nearest) taobao.addRow([n.code, n.name, n.townName, n.closeness, yuan(n.salesGapFen), n.shopsGap]).getCell(4).numFmt = '0.0%';
  }
  if (data.courier) {
    pairs('快递进村', [
      ['行政村数', data.courier.villages, '#,##0'],
      ['通达行政村（每周达标天数）', data.courier.served, '#,##0'],
      ['快递进村覆盖率', data.courier.coverage, '0.0%'],
      ['本月实际到达行政村', data.courier.reached, '#,##0'],
      ['本月共配包裹（派件+揽件）', data.courier.parcels, '#,##0'],
    ]);
  }

  const notes = wb.addWorksheet('说明');
  notes.getColumn(1).width = 90;
  for (const line of [
    '1. 指标数据来自平台后台任务计算的指标快照；月份关闭后本通报数据冻结，之后的数据更正不改变已发布版本。',
    '2. 进度比 = 完成值 ÷ 按时间进度应达值；累计类指标按全年天数折算，存量类指标（活跃主播、站点活跃率）自上年末水平线性折算到年度目标。',
    '3. 淘宝村：按阿里研究院年度（上年7月1日至当年6月30日）与当时有效的认定标准评估；快递进村覆盖率：按月末有效的线路与“每周至少 K 天”规则计算。',
  ]) notes.addRow([line]);

  return Buffer.from(await wb.xlsx.writeBuffer());
}
