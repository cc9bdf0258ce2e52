import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobQueue } from '@cuntong/server/jobs/queue';
import { decodeCsv, parseCsv } from '@cuntong/server/modules/livestream/export-file';
import { createHarness, type Harness } from '../support/harness';
import { readExport } from '../support/xlsx';
import { refusal } from '../support/refusal';
import { idleQueueStatus } from '../support/queue-parts';

const HONGXU = '370481101000'; // 洪绪镇
const NANSHAHE = '370481102000'; // 南沙河镇

/** The instant of a Shanghai wall-clock time. */
const sh = (wallClock: string) => new Date(`${wallClock}+08:00`);

/** A workbook as the platforms write them: a title row and a filter row above the header. */
async function workbook(title: string, headers: string[], rows: unknown[][]) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Sheet1');
  ws.addRow([title]);
  ws.mergeCells(1, 1, 1, headers.length);
  ws.addRow(['导出时间：2026-10-31 09:00:00', null, '数据来源：平台官方导出']);
  ws.addRow(headers);
  for (const row of rows) ws.addRow(row);
  return Buffer.from(await wb.xlsx.writeBuffer()).toString('base64');
}

// 罗盘 → 直播间列表 → 下载明细 (columns reordered and extra ones, as exports do)
const DOUYIN_HEADERS = [
  '主播昵称',
  '主播抖音号',
  '主播头像',
  '直播开始时间',
  '直播结束时间',
  '直播时长(分钟)',
  '直播间观看人数',
  '最高在线人数',
  '人均观看时长(分钟)',
  '新增粉丝数',
  '观看老粉占比',
  '直播间用户支付金额',
  '直播间成交金额',
  '直播间成交订单数',
  '直播间成交人数',
];
const DOUYIN_ROWS: unknown[][] = [
  // 4: whole minutes, plain yuan with a decimal, ¥ and commas in the GMV
  ['小麦姐', 'dy_xiaomai88', 'https://p3.douyinpic.com/a.jpeg', '2026/09/07 08:55:37', '2026/09/07 10:30:37', 95, 15093, 75, 1.07, 120, 0.0421, '59847.17', '¥61,045.30', 210, 198],
  // 5: a duration in Chinese units, 万, and '-' for figures the platform did not give (null, never 0)
  ['小麦姐', 'dy_xiaomai88', null, '2026/09/08 23:10:00', '2026/09/09 00:33:00', '1小时23分', '1.2万', '-', '-', '—', '-', '-', '¥236,552', '--', '官方导出未提供'],
  // 6: another host; a real date cell, seconds in the text, a number GMV
  ['张红', 'zhanghong_tz', null, new Date(Date.UTC(2026, 8, 10, 19, 30, 0)), null, '3小时3分钟29秒', 9966, 165, '1分5秒', '12', '0.0833', '91.6', 91.6, 3, 3],
  // 7: a product child row, 8: the total row: neither is a session
  ['-红薯 5斤装', null, null, null, null, null, null, null, null, null, null, '500', '500', 5, 5],
  ['合计', null, null, null, null, 11_144, 39_059, null, null, 132, null, null, '¥297,688.90', 213, 201],
];
/** The same export with one more row whose start time is not a date. */
const DOUYIN_BAD_ROW = ['张红', 'zhanghong_tz', null, '2026/13/40 25:00', null, 60, 10, 2, null, 0, null, null, '¥10', 1, 1];

// 生意参谋 → 直播 → 场次数据 (per account: no account column); 成交金额 before 种草成交金额 on purpose
const TAOBAO_HEADERS = ['直播标题', '场次ID', '开播时间', '直播时长', '直播间浏览次数', '直播间访问人数', '新增粉丝数', '成交金额', '种草成交金额', '种草成交人数', '种草成交笔数'];
const TAOBAO_ROWS: unknown[][] = [
  ['滕州土豆助农专场', '314814374449', '2026-10-16 20:12:45', '1小时23分', 5747, 2438, 35, '5,000.00', '3127.18', 40, 42],
  ['秋收红薯', '314814374450', '2026-10-18 19:00:00', '2小时5分钟', '2.1w', '1.5w', '１２', '-', '-', '-', '-'],
  // an Excel serial start (2026-10-20 19:30), hh:mm:ss duration, full-width digits
  ['小米直播', '314814374451', 46315.8125, '01:30:00', 3000, '１２３４', 0, '800', '¥1,234.5', 10, 11],
  // a title starting with '-' is a session when it has a start time (a child row has none); 0.29 yuan is 29 fen
  ['-限时秒杀-', '314814374452', '2026-10-22 20:00', '30分钟', 100, 80, '0', '-', '0.29', 1, 1],
  ['合计', null, null, null, null, null, null, null, null, null, null],
];

describe('platform export import (直播数据导入)', () => {
  let h: Harness;
  const enqueued: string[] = [];
  const payloads: unknown[] = [];
  let staff: ReturnType<Harness['caller']>;
  let manager: ReturnType<Harness['caller']>;
  let baseA: number;
  let baseB: number;
  let xiaomai: number;
  let zhanghong: number;
  let lina: number;
  let douyin: string;
  let douyinBad: string;
  let taobao: string;

  const streams = (hostIds: number[]) =>
    h.db
      .selectFrom('livestream_streams')
      .select(['host_id', 'base_id', 'platform', 'started_at', 'duration_seconds', 'viewers', 'peak_viewers', 'new_followers', 'orders', 'buyers', 'gmv_fen', 'source', 'recorded_by'])
      .where('host_id', 'in', hostIds)
      .orderBy('started_at')
      .execute();
  const count = async () => Number((await h.db.selectFrom('livestream_streams').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    h = await createHarness({
      queue: () =>
        ({
          kind: 'inline',
          async enqueue(name, payload) {
            enqueued.push(name);
            payloads.push(payload);
            return { id: String(enqueued.length), finished: async () => undefined };
          },
          async ping() {},
          async close() {},
          ...idleQueueStatus,
        }) satisfies JobQueue,
    });
    const base = (name: string, region: string) => h.db.insertInto('livestream_bases').values({ name, region_code: region, address: null, rooms: 4, capacity: 20, created_by: null }).returning('id').executeTakeFirstOrThrow();
    baseA = (await base('洪绪直播基地', HONGXU)).id;
    baseB = (await base('南沙河直播基地', NANSHAHE)).id;
    const host = (baseId: number, name: string, mobile: string) =>
      h.db.insertInto('livestream_hosts').values({ base_id: baseId, name, mobile, village_code: null, joined_on: '2026-03-01', created_by: null }).returning('id').executeTakeFirstOrThrow();
    xiaomai = (await host(baseA, '王小麦', '13800138001')).id;
    lina = (await host(baseA, '李娜', '13800138002')).id;
    zhanghong = (await host(baseB, '张红', '13800138003')).id;
    await h.db
      .insertInto('livestream_accounts')
      .values([
        { host_id: xiaomai, platform: 'douyin', account_id: 'dy_xiaomai88', handle: '小麦姐' },
        { host_id: zhanghong, platform: 'douyin', account_id: 'zhanghong_tz', handle: '张红' },
        { host_id: lina, platform: 'taobao', account_id: 'lina_tb', handle: null },
      ])
      .execute();
    staff = h.caller((await h.user('staff')).actor);
    manager = h.caller((await h.user('livestream_manager', { scopes: { bases: [String(baseA)] } })).actor);
    douyin = await workbook('抖音电商罗盘 直播间列表 2026-09-01 至 2026-09-30', DOUYIN_HEADERS, DOUYIN_ROWS);
    douyinBad = await workbook('抖音电商罗盘 直播间列表', DOUYIN_HEADERS, [...DOUYIN_ROWS.slice(0, 3), DOUYIN_BAD_ROW, ...DOUYIN_ROWS.slice(3)]);
    taobao = await workbook('生意参谋 直播 场次数据 2026-10', TAOBAO_HEADERS, TAOBAO_ROWS);
  });
  afterAll(() => h.close());

  it('previews a Douyin export: header below the title rows, columns by name, totals and child rows skipped', async () => {
    const preview = await staff.livestream.import.preview({ fileBase64: douyin, fileName: '直播间列表.xlsx', platform: 'douyin' });
    expect(preview).toMatchObject({ preset: 'douyin', headerRow: 3, missing: [], hostNeeded: false, yearNeeded: false });
    expect(preview.mapping).toEqual({
      accountId: '主播抖音号',
      accountName: '主播昵称',
      startedAt: '直播开始时间',
      endedAt: '直播结束时间',
      duration: '直播时长(分钟)',
      viewers: '直播间观看人数',
      peakViewers: '最高在线人数',
      newFollowers: '新增粉丝数',
      orders: '直播间成交订单数',
      buyers: '直播间成交人数',
      gmv: '直播间成交金额', // never 直播间用户支付金额: another money concept
    });
    expect(preview.totals).toEqual({ rows: 3, ok: 3, already: 0, duplicate: 0, problem: 0, skipped: 2 });
    expect(preview.rows.items.map((r) => [r.row, r.hostName, r.startedAt, r.durationSeconds, r.viewers, r.peakViewers, r.newFollowers, r.orders, r.buyers, r.gmvFen])).toEqual([
      [4, '王小麦', sh('2026-09-07T08:55:37').toISOString(), 5_700, 15_093, 75, 120, 210, 198, 6_104_530],
      [5, '王小麦', sh('2026-09-08T23:10:00').toISOString(), 4_980, 12_000, null, null, null, null, 23_655_200],
      [6, '张红', sh('2026-09-10T19:30:00').toISOString(), 11_009, 9_966, 165, 12, 3, 3, 9_160],
    ]);
    expect(await count()).toBe(0);
  });

  it('all-or-nothing with one bad row writes nothing and names the row', async () => {
    const preview = await staff.livestream.import.preview({ fileBase64: douyinBad, fileName: 'bad.xlsx', platform: 'douyin', only: 'problems' });
    expect(preview.totals).toMatchObject({ rows: 4, ok: 3, problem: 1, skipped: 2 });
    expect(preview.rows.items).toHaveLength(1);
    expect(preview.rows.items[0]).toMatchObject({
      row: 7,
      status: 'problem',
      problems: [{ field: 'startedAt', code: 'STREAM_IMPORT_TIME_INVALID', params: { column: '直播开始时间', value: '2026/13/40 25:00' }, message: '“直播开始时间”的值“2026/13/40 25:00”不是可识别的时间。' }],
    });
    const refused = await refusal(h.deps, staff.livestream.import.commit({ fileBase64: douyinBad, fileName: 'bad.xlsx', platform: 'douyin', mode: 'all_or_nothing' }));
    expect(refused).toMatchObject({ code: 'BAD_REQUEST', appCode: 'IMPORT_INVALID', params: { count: 1, rows: '7' } });
    expect(await count()).toBe(0);
    expect(enqueued).toEqual([]);
  });

  it('skip-invalid writes the good rows with exact figures and hands back the bad one as Excel with a 问题 column', async () => {
    const result = await staff.livestream.import.commit({ fileBase64: douyinBad, fileName: 'bad.xlsx', platform: 'douyin', mode: 'skip_invalid' });
    expect(result).toMatchObject({ mode: 'skip_invalid', rows: 4, inserted: 3, alreadyPresent: 0, duplicates: 0, rejected: 1, skipped: 2 });
    const staffId = (await h.db.selectFrom('users').select('id').where('role', '=', 'staff').executeTakeFirstOrThrow()).id;
    const common = { platform: 'douyin', source: 'import', recorded_by: staffId };
    expect(await streams([xiaomai, zhanghong])).toEqual([
      { ...common, host_id: xiaomai, base_id: baseA, started_at: sh('2026-09-07T08:55:37'), duration_seconds: 5_700, viewers: 15_093, peak_viewers: 75, new_followers: 120, orders: 210, buyers: 198, gmv_fen: 6_104_530 },
      { ...common, host_id: xiaomai, base_id: baseA, started_at: sh('2026-09-08T23:10:00'), duration_seconds: 4_980, viewers: 12_000, peak_viewers: null, new_followers: null, orders: null, buyers: null, gmv_fen: 23_655_200 },
      { ...common, host_id: zhanghong, base_id: baseB, started_at: sh('2026-09-10T19:30:00'), duration_seconds: 11_009, viewers: 9_966, peak_viewers: 165, new_followers: 12, orders: 3, buyers: 3, gmv_fen: 9_160 },
    ]);
    expect(enqueued).toEqual(['livestream.recompute']);
    // from the month of the earliest stream written: what those streams can change
    expect(payloads).toEqual([{ since: '2026-09' }]);

    const rejects = await readExport(result.rejects!.contentBase64);
    expect(rejects.rows[0]).toEqual([...DOUYIN_HEADERS, '问题']);
    expect(rejects.rows).toHaveLength(2);
    expect(rejects.rows[1]!.slice(0, 4)).toEqual(['张红', 'zhanghong_tz', undefined, '2026/13/40 25:00']); // an empty cell stays empty
    expect(rejects.rows[1]!.at(-1)).toBe('“直播开始时间”的值“2026/13/40 25:00”不是可识别的时间。');
    const audit = await h.db.selectFrom('audit_log').select(['action', 'after']).where('action', '=', 'streams.import').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.after).toMatchObject({ inserted: 3, platform: 'douyin', fileName: 'bad.xlsx' });
  });

  it('importing the same file again adds nothing', async () => {
    const preview = await staff.livestream.import.preview({ fileBase64: douyin, fileName: '直播间列表.xlsx', platform: 'douyin' });
    expect(preview.totals).toMatchObject({ rows: 3, ok: 0, already: 3 });
    expect(preview.rows.items[0]!.notes).toEqual([{ field: null, code: 'STREAM_IMPORT_ALREADY', params: {}, message: '这场直播已导入过。' }]);
    const again = await staff.livestream.import.commit({ fileBase64: douyin, fileName: '直播间列表.xlsx', platform: 'douyin', mode: 'all_or_nothing' });
    expect(again).toMatchObject({ rows: 3, inserted: 0, alreadyPresent: 3, rejected: 0, rejects: null });
    expect(await count()).toBe(3);
    // nothing written, nothing audited: still the one row of the first commit
    expect(await h.db.selectFrom('audit_log').select('id').where('action', '=', 'streams.import').execute()).toHaveLength(1);
    expect(enqueued).toEqual(['livestream.recompute']); // nothing written, nothing to recompute
  });

  it('imports a Taobao export for the host chosen in the wizard, 种草成交金额 as GMV whatever the column order', async () => {
    const noHost = await manager.livestream.import.preview({ fileBase64: taobao, fileName: '直播.xlsx', platform: 'taobao' });
    expect(noHost).toMatchObject({ hostNeeded: true, rows: { items: [], total: 0 } });
    expect(noHost.mapping).toMatchObject({ startedAt: '开播时间', duration: '直播时长', viewers: '直播间访问人数', newFollowers: '新增粉丝数', gmv: '种草成交金额', buyers: '种草成交人数', orders: '种草成交笔数' });
    expect((await refusal(h.deps, manager.livestream.import.commit({ fileBase64: taobao, fileName: '直播.xlsx', platform: 'taobao', mode: 'all_or_nothing' }))).appCode).toBe('STREAM_IMPORT_HOST_NEEDED');

    const result = await manager.livestream.import.commit({ fileBase64: taobao, fileName: '直播.xlsx', platform: 'taobao', hostId: lina, mode: 'all_or_nothing' });
    expect(result).toMatchObject({ rows: 4, inserted: 4, rejected: 0, skipped: 1, rejects: null });
    const rows = await streams([lina]);
    expect(rows.map((r) => [r.base_id, r.platform, r.started_at, r.duration_seconds, r.viewers, r.new_followers, r.orders, r.buyers, r.gmv_fen])).toEqual([
      [baseA, 'taobao', sh('2026-10-16T20:12:45'), 4_980, 2_438, 35, 42, 40, 312_718],
      [baseA, 'taobao', sh('2026-10-18T19:00:00'), 7_500, 15_000, 12, null, null, null],
      [baseA, 'taobao', sh('2026-10-20T19:30:00'), 5_400, 1_234, 0, 11, 10, 123_450],
      [baseA, 'taobao', sh('2026-10-22T20:00:00'), 1_800, 80, 0, 1, 1, 29],
    ]);
    // the next file of this kind starts from the mapping this one used
    const remembered = await h.db.selectFrom('import_mappings').select('kind').where('kind', '=', 'livestream.streams.taobao').execute();
    expect(remembered).toHaveLength(1);
    expect((await manager.livestream.import.commit({ fileBase64: taobao, fileName: '直播.xlsx', platform: 'taobao', hostId: lina, mode: 'skip_invalid' })).inserted).toBe(0);
  });

  it('a manager cannot import into another base\'s host, and learns nothing of it', async () => {
    const chosen = await refusal(h.deps, manager.livestream.import.preview({ fileBase64: taobao, fileName: '直播.xlsx', platform: 'taobao', hostId: zhanghong }));
    expect(chosen).toMatchObject({ code: 'FORBIDDEN', appCode: 'FORBIDDEN_SCOPE', params: { kind: 'base' } });
    const commit = await refusal(h.deps, manager.livestream.import.commit({ fileBase64: taobao, fileName: '直播.xlsx', platform: 'taobao', hostId: zhanghong, mode: 'skip_invalid' }));
    expect(commit.code).toBe('FORBIDDEN');
    // a chosen host that does not exist: the same answer to the manager; the bureau hears it is not there
    expect(await refusal(h.deps, manager.livestream.import.preview({ fileBase64: taobao, fileName: '直播.xlsx', platform: 'taobao', hostId: 999_999 }))).toEqual(chosen);
    expect(await refusal(h.deps, staff.livestream.import.preview({ fileBase64: taobao, fileName: '直播.xlsx', platform: 'taobao', hostId: 999_999 }))).toMatchObject({ code: 'NOT_FOUND', appCode: 'STREAM_IMPORT_HOST_NOT_FOUND' });

    // by account: another base's host's account is, to the manager, an account nobody has — the
    // same words as for one nobody has, never that host's name or base
    const before = await count();
    const withStranger = await workbook('抖音电商罗盘 直播间列表', DOUYIN_HEADERS, [...DOUYIN_ROWS.slice(0, 3), DOUYIN_BAD_ROW, ['无名', 'dy_nobody', null, '2026/09/12 20:00:00', null, 60, 10, 2, null, 0, null, null, '¥10', 1, 1]]);
    const preview = await manager.livestream.import.preview({ fileBase64: withStranger, fileName: 'bad.xlsx', platform: 'douyin', only: 'problems' });
    expect(preview.rows.items.map((r) => [r.row, r.problems.map((p) => p.code)])).toEqual([
      [6, ['STREAM_IMPORT_ACCOUNT_UNKNOWN']],
      [7, ['STREAM_IMPORT_TIME_INVALID', 'STREAM_IMPORT_ACCOUNT_UNKNOWN']],
      [8, ['STREAM_IMPORT_ACCOUNT_UNKNOWN']],
    ]);
    const unknown = (account: string) => `抖音账号“${account}”不是您可管理的任何主播的账号：请先在主播资料中添加该账号，或不对应账号列、为整个文件选择主播。`;
    expect(preview.rows.items.map((r) => r.problems.at(-1)!.message)).toEqual([unknown('zhanghong_tz'), unknown('zhanghong_tz'), unknown('dy_nobody')]);
    expect(preview.rows.items.map((r) => [r.hostId, r.hostName])).toEqual([
      [null, null],
      [null, null],
      [null, null],
    ]);
    expect(JSON.stringify(preview)).not.toMatch(/张红|南沙河/);
    expect((await refusal(h.deps, manager.livestream.import.commit({ fileBase64: douyinBad, fileName: 'bad.xlsx', platform: 'douyin', mode: 'all_or_nothing' }))).appCode).toBe('IMPORT_INVALID');
    expect(await count()).toBe(before);
    // skip_invalid: the rejects workbook's 问题 column says the same, and only the manager's rows are written
    const skipped = await manager.livestream.import.commit({ fileBase64: withStranger, fileName: 'bad.xlsx', platform: 'douyin', mode: 'skip_invalid' });
    expect(skipped).toMatchObject({ rows: 5, rejected: 3 });
    const rejects = await readExport(skipped.rejects!.contentBase64);
    expect(rejects.rows.slice(1).map((r) => r.at(-1))).toEqual([unknown('zhanghong_tz'), `“直播开始时间”的值“2026/13/40 25:00”不是可识别的时间。；${unknown('zhanghong_tz')}`, unknown('dy_nobody')]);
    expect(await count()).toBe(before); // the manager's own rows were imported before: nothing new
    // the host picker lists only the manager's own hosts
    expect((await manager.livestream.import.hosts({})).items.map((x) => x.name).sort()).toEqual(['李娜', '王小麦']);
    expect((await staff.livestream.import.hosts({ search: 'zhanghong_tz' })).items.map((x) => x.name)).toEqual(['张红']);
  });

  it('a row starting later than now, or before 2016, is a row problem', async () => {
    const beijing = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
    const later = beijing(Date.now() + 3_600_000);
    const csv = `开播时间,直播时长\n${later},60\n2015-12-31 20:00,60\n2016-01-01 08:00,60\n`;
    const preview = await manager.livestream.import.preview({ fileBase64: Buffer.from(csv).toString('base64'), fileName: '场次.csv', platform: 'taobao', hostId: lina, only: 'problems' });
    expect(preview.totals).toMatchObject({ rows: 3, problem: 2 });
    expect(preview.rows.items.map((r) => [r.row, r.problems.map((p) => p.message)])).toEqual([
      [2, [`开播时间“${later}”晚于现在。`]],
      [3, ['开播时间“2015-12-31 20:00”早于 2016-01-01。']],
    ]);
  });

  it('reads a WeChat Channels CSV (UTF-8 with BOM): the year from the export year, the money unit flagged', async () => {
    const csv = '\uFEFF直播信息,直播时长,观看人数,最高在线,总热度,成交金额\r\n"春耕助农专场\n03月28日 20:42",3小时3分钟29秒,9966,165,32,¥91.6\r\n"夜市小吃 04月02日 19:05",1分钟5秒,1.2万,-,3,-\r\n';
    const file = Buffer.from(csv, 'utf8').toString('base64');
    const noYear = await manager.livestream.import.preview({ fileBase64: file, fileName: '历史直播.csv', platform: 'wechat_channels', hostId: xiaomai });
    expect(noYear).toMatchObject({ preset: 'wechat_channels', headerRow: 1, yearNeeded: true, totals: { rows: 2, problem: 2 } });
    expect(noYear.rows.items[0]!.problems[0]!.code).toBe('STREAM_IMPORT_YEAR_NEEDED');

    const preview = await manager.livestream.import.preview({ fileBase64: file, fileName: '历史直播.csv', platform: 'wechat_channels', hostId: xiaomai, exportYear: 2026 });
    expect(preview.totals).toMatchObject({ rows: 2, ok: 2, problem: 0 });
    expect(preview.rows.items.map((r) => [r.startedAt, r.durationSeconds, r.viewers, r.peakViewers, r.gmvFen])).toEqual([
      [sh('2026-03-28T20:42:00').toISOString(), 11_009, 9_966, 165, 9_160],
      [sh('2026-04-02T19:05:00').toISOString(), 65, 12_000, null, null],
    ]);
    expect(preview.rows.items[0]!.notes.map((n) => n.code)).toEqual(['STREAM_IMPORT_GMV_UNIT_UNCERTAIN']);
    expect(preview.rows.items[1]!.notes).toEqual([]); // no amount, nothing to doubt
  });

  it('reads every Chinese character of a large workbook (no U+FFFD at XML chunk boundaries: patches/exceljs@4.4.0.patch)', async () => {
    // ExcelJS's streaming reader garbles a character split between two inflated chunks: 6 rows of
    // these 6,000 came back with U+FFFD in a ¥ or a 年/时/分, i.e. invalid, when read that way
    const rows: unknown[][] = [];
    for (let r = 0; r < 6_000; r++) {
      const d = new Date(Date.UTC(2026, 0, 1, 0, r * 7));
      rows.push([`${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${d.getUTCHours()}时${d.getUTCMinutes()}分`, `${1 + (r % 3)}小时${r % 60}分钟`, `¥${r},${String(r % 1000).padStart(3, '0')}.5`]);
    }
    const file = await workbook('视频号 历史直播', ['直播信息', '直播时长', '成交金额'], rows);
    const preview = await staff.livestream.import.preview({ fileBase64: file, fileName: '历史直播.xlsx', platform: 'wechat_channels', hostId: xiaomai, pageSize: 500 });
    expect(preview.totals).toEqual({ rows: 6_000, ok: 6_000, already: 0, duplicate: 0, problem: 0, skipped: 0 });
    const last = (await staff.livestream.import.preview({ fileBase64: file, fileName: '历史直播.xlsx', platform: 'wechat_channels', hostId: xiaomai, page: 12, pageSize: 500 })).rows.items.at(-1)!;
    expect(last).toMatchObject({ row: 6_003, startedAt: sh('2026-01-30T03:53:00').toISOString(), durationSeconds: 3 * 3600 + 59 * 60, gmvFen: 599_999_950 });
  });

  it('decodes GB18030 CSVs and keeps quoted cells whole', () => {
    // 直播,中文 in GBK bytes
    expect(decodeCsv(new Uint8Array([0xd6, 0xb1, 0xb2, 0xa5, 0x2c, 0xd6, 0xd0, 0xce, 0xc4]))).toBe('直播,中文');
    expect(decodeCsv(new Uint8Array([0xef, 0xbb, 0xbf, 0x61]))).toBe('a');
    expect(parseCsv('a,"b,c","d""e"\r\n1,2,3\n')).toEqual([
      ['a', 'b,c', 'd"e'],
      ['1', '2', '3'],
    ]);
    expect(parseCsv('a\tb\n1\t2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });
});
