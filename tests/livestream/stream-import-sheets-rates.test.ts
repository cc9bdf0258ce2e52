import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobQueue } from '@cuntong/server/jobs/queue';
import { createHarness, type Harness } from '../support/harness';
import { refusal } from '../support/refusal';
import { idleQueueStatus } from '../support/queue-parts';

const HONGXU = '370481101000'; // 洪绪镇

/** A workbook of several sheets, each a header row and its rows. */
async function workbook(sheets: { name: string; rows: unknown[][] }[]) {
  const wb = new ExcelJS.Workbook();
  for (const sheet of sheets) {
    const ws = wb.addWorksheet(sheet.name);
    for (const row of sheet.rows) ws.addRow(row);
  }
  return Buffer.from(await wb.xlsx.writeBuffer()).toString('base64');
}

// 罗盘 single-session 整场数据下载 has six sheets; the first here is a note without our headers
const SESSION_SHEETS = [
  { name: '说明', rows: [['本文件由抖音电商罗盘导出'], ['导出时间', '2026-10-31']] },
  {
    name: '直播间列表',
    rows: [
      ['主播抖音号', '直播开始时间', '直播时长(分钟)', '直播间观看人数', '观看-成交率(人数)', '商品曝光-点击率(人数)', '商品点击-成交率(人数)', '直播间观看-互动率(人数)', '主推商品'],
      ['dy_rates01', '2026/09/07 08:55:37', 95, 6782, '0.68%', 0.2492, '3.08%', '-', '红薯、小米'],
      ['dy_rates01', '2026/09/08 20:00:00', 60, 100, 'abc', '12.5%', null, '1.5%', null],
    ],
  },
  { name: '流量分析-渠道分析', rows: [['渠道名称', '观看人数', '直播间观看-成交率(次数)'], ['整体', 6782, '0.50%']] },
];

describe('platform export import: sheets, exact headers, rates', () => {
  let h: Harness;
  let staff: ReturnType<Harness['caller']>;
  let host: number;
  let file: string;

  beforeAll(async () => {
    h = await createHarness({
      queue: () =>
        ({
          kind: 'inline',
          async enqueue() {
            return { id: '1', finished: async () => undefined };
          },
          async ping() {},
          async close() {},
          ...idleQueueStatus,
        }) satisfies JobQueue,
    });
    const base = await h.db.insertInto('livestream_bases').values({ name: '洪绪直播基地', region_code: HONGXU, address: null, rooms: 4, capacity: 20, created_by: null }).returning('id').executeTakeFirstOrThrow();
    host = (await h.db.insertInto('livestream_hosts').values({ base_id: base.id, name: '王小麦', mobile: '13800138011', village_code: null, joined_on: '2026-03-01', created_by: null }).returning('id').executeTakeFirstOrThrow()).id;
    await h.db.insertInto('livestream_accounts').values({ host_id: host, platform: 'douyin', account_id: 'dy_rates01', handle: null }).execute();
    staff = h.caller((await h.user('staff')).actor);
    file = await workbook(SESSION_SHEETS);
  });
  afterAll(() => h.close());

  it('reads the first sheet with a header it knows, and names every sheet for the picker', async () => {
    const preview = await staff.livestream.import.preview({ fileBase64: file, fileName: '整场数据.xlsx', platform: 'douyin' });
    expect(preview.sheets).toEqual(['说明', '直播间列表', '流量分析-渠道分析']);
    expect(preview.sheet).toBe('直播间列表');
    expect(preview.totals).toMatchObject({ rows: 2, ok: 2 });
  });

  it('reads the sheet the user picks, and refuses a sheet the file does not have', async () => {
    const picked = await staff.livestream.import.preview({ fileBase64: file, fileName: '整场数据.xlsx', platform: 'douyin', sheet: '流量分析-渠道分析' });
    expect(picked.sheet).toBe('流量分析-渠道分析');
    expect(picked.headers).toEqual(['渠道名称', '观看人数', '直播间观看-成交率(次数)']);
    expect(picked.missing).toEqual(['startedAt']);
    const refused = await refusal(h.deps, staff.livestream.import.preview({ fileBase64: file, fileName: '整场数据.xlsx', platform: 'douyin', sheet: '商品分析' }));
    expect(refused).toMatchObject({ code: 'BAD_REQUEST', appCode: 'IMPORT_SHEET_NOT_FOUND', params: { sheet: '商品分析' } });
  });

  it('maps a header identical to a field name whatever the preset (主推商品 in a Douyin file), and the rate columns', async () => {
    const preview = await staff.livestream.import.preview({ fileBase64: file, fileName: '整场数据.xlsx', platform: 'douyin' });
    expect(preview.mapping).toMatchObject({
      mainProducts: '主推商品',
      conversionRate: '观看-成交率(人数)',
      clickRate: '商品曝光-点击率(人数)',
      clickConversionRate: '商品点击-成交率(人数)',
      interactionRate: '直播间观看-互动率(人数)',
    });
    const [first, second] = preview.rows.items;
    // '0.68%' is 0.0068 exactly as written; a fraction stays one; '-' is no figure, never 0
    expect(first).toMatchObject({ status: 'ok', conversionRate: 0.0068, clickRate: 0.2492, clickConversionRate: 0.0308, interactionRate: null, followRate: null });
    // an unreadable rate is left out with a note: the session is still imported
    expect(second).toMatchObject({ status: 'ok', conversionRate: null, clickRate: 0.125, interactionRate: 0.015 });
    expect(second!.notes).toEqual([
      { field: 'conversionRate', code: 'STREAM_IMPORT_RATE_IGNORED', params: { column: '观看-成交率(人数)', value: 'abc' }, message: '“观看-成交率(人数)”的值“abc”不是可识别的比率，未导入该项。' },
    ]);
  });

  it('stores the rates and main products, and shows them on the stream list', async () => {
    const result = await staff.livestream.import.commit({ fileBase64: file, fileName: '整场数据.xlsx', platform: 'douyin', mode: 'all_or_nothing' });
    expect(result).toMatchObject({ inserted: 2 });
    const stored = await h.db
      .selectFrom('livestream_streams')
      .select(['main_products', 'conversion_rate', 'click_rate', 'click_conversion_rate', 'interaction_rate', 'follow_rate'])
      .where('host_id', '=', host)
      .orderBy('started_at')
      .execute();
    expect(stored).toEqual([
      { main_products: '红薯、小米', conversion_rate: 0.0068, click_rate: 0.2492, click_conversion_rate: 0.0308, interaction_rate: null, follow_rate: null },
      { main_products: null, conversion_rate: null, click_rate: 0.125, click_conversion_rate: null, interaction_rate: 0.015, follow_rate: null },
    ]);
    const list = await staff.livestream.streams.list({ filter: { hostId: host }, sort: { key: 'startedAt', order: 'asc' } });
    expect(list.items.map((s) => [s.conversionRate, s.clickRate, s.clickConversionRate, s.interactionRate, s.followRate])).toEqual([
      [0.0068, 0.2492, 0.0308, null, null],
      [null, 0.125, null, 0.015, null],
    ]);
    // the same file again adds nothing
    expect(await staff.livestream.import.commit({ fileBase64: file, fileName: '整场数据.xlsx', platform: 'douyin', mode: 'all_or_nothing' })).toMatchObject({ inserted: 0, alreadyPresent: 2 });
  });
});
