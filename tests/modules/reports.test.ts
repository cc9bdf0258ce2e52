import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiToday } from '@cuntong/server/lib/dates';
import { computeStationMetrics } from '@cuntong/server/modules/stations/stations.metrics';
import { closeLastMonth, previousMonth } from '@cuntong/server/modules/reports/reports.service';
import { monthEnd } from '@cuntong/server/modules/reports/report-data';
import { createHarness, type Harness } from '../support/harness';
import { refusal } from '../support/refusal';
import { readExport } from '../support/xlsx';
import { addVillages, buildStations, COUNTY, HONGXU } from '../stations/fixture';

describe('the monthly report and closing a month', () => {
  let h: Harness;
  let admin: ReturnType<Harness['caller']>;
  let staff: ReturnType<Harness['caller']>;
  let s: Awaited<ReturnType<typeof buildStations>>;
  const today = shanghaiToday();
  const period = previousMonth(today);
  const year = Number(period.slice(0, 4));
  const recompute = () => computeStationMetrics(h.db);

  const liveSales = async () =>
    Number(
      (await h.db.selectFrom('metric_values').select('value').where('metric_key', '=', 'stations.sales_amount_fen').where('region_code', '=', COUNTY).where('period', '=', period).executeTakeFirstOrThrow())
        .value,
    );

  beforeAll(async () => {
    h = await createHarness();
    admin = h.caller((await h.user('admin')).actor);
    staff = h.caller((await h.user('staff')).actor);
    await addVillages(h);
    s = await buildStations(h, admin);
    // last month: 张庄 sold on five days, 1,000.00 yuan each
    const days = [1, 2, 3, 4, 5].map((d) => `${period}-0${d}`);
    await h.db.insertInto('ledger_entries').values(days.map((d) => ({ station_id: s.zhang.id, entry_date: d, sales_amount_fen: 100_000, parcels_in: 2 }))).execute();
    await recompute();
    await admin.targets.upsert({ year, regionCode: COUNTY, metricKey: 'online_sales', value: 12_000_000 });
  });
  afterAll(() => h?.close());

  it('builds the report from the snapshots: its figures are theirs', async () => {
    const live = await staff.reports.get({ period });
    expect(live.kind).toBe('live');
    expect(live.data.stations.salesFen).toBe(await liveSales());
    expect(live.data.stations.salesFen).toBe(500_000);
    const sales = live.data.summary.find((p) => p.indicator === 'online_sales')!;
    expect(sales).toMatchObject({ target: 12_000_000, asOf: monthEnd(period) });
    expect(sales.actual).toBe(500_000);
    expect(live.data.towns.map((t) => t.regionCode)).toContain(HONGXU);
    expect(live.data.towns.find((t) => t.regionCode === HONGXU)!.cells.online_sales!.actual).toBe(500_000);
  });

  it('carries courier coverage and the Taobao villages as their snapshots say', async () => {
    const snapshot = (metric_key: string, period: string, value: number) => ({ metric_key, region_code: COUNTY, period, value, rule_version: 1, computed_at: new Date() });
    const taobaoYear = Number(period.slice(5, 7)) >= 7 ? year + 1 : year;
    await h.db
      .insertInto('metric_values')
      .values([snapshot('courier.coverage', period, 0.9123), snapshot('courier.villages_served', period, 42), snapshot('courier.parcels', period, 1234), snapshot('taobao.villages', `${taobaoYear}-06`, 2)])
      .onConflict((oc) => oc.columns(['metric_key', 'region_code', 'period']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })))
      .execute();
    const live = await staff.reports.get({ period });
    expect(live.data.courier).toMatchObject({ coverage: 0.9123, served: 42, parcels: 1234, reached: 0 });
    expect(live.data.taobao).toMatchObject({ year: taobaoYear, villages: 2, towns: null, nearest: [] });
    await h.db.deleteFrom('metric_values').where('metric_key', 'like', 'courier.%').execute();
    await h.db.deleteFrom('metric_values').where('metric_key', 'like', 'taobao.%').execute();
  });

  it('refuses to close a month that has not ended', async () => {
    expect(await refusal(h.deps, admin.reports.close({ period: today.slice(0, 7) }))).toMatchObject({ appCode: 'REPORT_MONTH_NOT_OVER' });
  });

  it('freezes a closed month: a late ledger entry moves the snapshots, not the issued report; a recompute writes version 2 beside it', async () => {
    expect(await admin.reports.close({ period })).toEqual({ period, version: 1, closed: true });
    // closing again changes nothing
    expect(await admin.reports.close({ period })).toEqual({ period, version: 1, closed: false });
    const issued = await staff.reports.get({ period });
    expect(issued).toMatchObject({ kind: 'closed', version: 1, status: 'closed' });
    const workbookV1 = (await staff.reports.download({ period, version: 1 })).contentBase64;

    // a late entry for last month, and the nightly recompute
    await h.db.insertInto('ledger_entries').values({ station_id: s.wang.id, entry_date: `${period}-10`, sales_amount_fen: 250_000 }).execute();
    await recompute();
    expect(await liveSales()).toBe(750_000);
    const after = await staff.reports.get({ period });
    expect(after.version).toBe(1);
    expect(after.data.stations.salesFen).toBe(500_000);
    expect((await staff.reports.download({ period, version: 1 })).contentBase64).toBe(workbookV1);
    // an open month's draft cannot overwrite it
    expect(await refusal(h.deps, staff.reports.build({ period }))).toMatchObject({ appCode: 'REPORT_MONTH_CLOSED' });
    // an open month is not recomputed as a version
    expect(await refusal(h.deps, admin.reports.recompute({ period: previousMonth(period + '-15') }))).toMatchObject({ appCode: 'REPORT_MONTH_NOT_CLOSED' });

    // the deliberate recompute, queued with its progress: version 2, the old one kept
    const { jobId } = await admin.reports.recompute({ period });
    let job = await staff.reports.job({ id: jobId });
    for (let i = 0; i < 200 && job?.state !== 'completed' && job?.state !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      job = await staff.reports.job({ id: jobId });
    }
    expect(job).toMatchObject({ state: 'completed', progress: 100, name: 'reports.recompute' });
    const v2 = await staff.reports.get({ period });
    expect(v2).toMatchObject({ version: 2, kind: 'closed' });
    expect(v2.data.stations.salesFen).toBe(750_000);
    expect((await staff.reports.get({ period, version: 1 })).data.stations.salesFen).toBe(500_000);
    const month = (await staff.reports.months()).find((m) => m.period === period)!;
    expect(month).toMatchObject({ status: 'closed', version: 2 });
    expect(month.versions.map((v) => v.version)).toEqual([2, 1]);
    // the months list in Excel
    const sheet = await readExport((await staff.reports.export({ list: {}, columns: [{ key: 'period', header: '月份' }, { key: 'version', header: '版本' }], sheetName: '月度通报' })).contentBase64);
    expect(sheet.rows).toContainEqual([period, 2]);
  });

  it('reopens a month only as an audited admin act, and a new close issues the next version', async () => {
    expect(await refusal(h.deps, staff.reports.reopen({ period, reason: '更正台账' }))).toMatchObject({ appCode: 'FORBIDDEN_ROLE' });
    await admin.reports.reopen({ period, reason: '更正台账' });
    const audit = await h.db.selectFrom('audit_log').select(['action', 'after']).where('entity', '=', 'report').where('entity_id', '=', period).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['close', 'recompute', 'reopen']);
    expect(audit[2].after).toMatchObject({ status: 'open', reason: '更正台账' });
    expect(await admin.reports.close({ period })).toMatchObject({ version: 3, closed: true });
  });

  it('writes the workbook with the bureau’s title block and a sheet per section', async () => {
    const { contentBase64, filename } = await staff.reports.download({ period, version: 3 });
    expect(filename).toBe(`monthly-report-${period}-v3.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(contentBase64, 'base64') as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['摘要', '乡镇排名', '培训', '直播', '站点', '淘宝村培育', '快递进村', '说明']);
    const summary = wb.getWorksheet('摘要')!;
    expect(summary.getCell('A1').value).toBe('滕州市商务局');
    expect(String(summary.getCell('A2').value)).toContain('月度通报');
    expect(String(summary.getCell('A3').value)).toContain('第 3 版');
    const stations = wb.getWorksheet('站点')!;
    expect(stations.getCell('B2').value).toBe(7500); // 本月农产品上行额, in yuan
  });

  it('the scheduled close after the month’s end closes last month once', async () => {
    const prev = previousMonth(period + '-15');
    const first = await closeLastMonth(h.db, COUNTY, async () => recompute(), `${period}-01`);
    expect(first).toMatchObject({ period: prev, closed: true, version: 1 });
    expect(await closeLastMonth(h.db, COUNTY, async () => recompute(), addDays(`${period}-01`, 1))).toEqual({ period: prev, closed: false });
  });
});
