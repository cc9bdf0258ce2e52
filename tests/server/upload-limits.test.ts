import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PREVIEW_MAX_LISTED, READ_LIMITS, REJECTS_MAX_ROWS } from '@cuntong/server/lib/upload-limits';
import { cleanText, readSheet } from '@cuntong/server/lib/sheet';
import { decodeCsv, readExportSheet } from '@cuntong/server/modules/livestream/export-file';
import { createHarness, type Harness } from '../support/harness';
import { inflationBomb, manyRowsXlsx, sheetXlsx } from '../support/hostile-xlsx';
import { refusal } from '../support/refusal';
import { HONGXU, NANSHAHE } from '../stations/fixture';
import { courseInput } from '../training/course-fixture';

/** The refusal of a call that must answer within `ms` (before the fix, a zero-byte file never answered). */
async function refusedWithin(h: Harness, call: Promise<unknown>, ms = 5_000) {
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms));
  return Promise.race([refusal(h.deps, call), timeout]);
}

/** What a read costs the test process: time, and the growth of its resident memory (workers included). */
async function measured<T>(work: () => Promise<T>) {
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const started = performance.now();
  try {
    const result = await work().then(
      (value) => ({ value, error: null }),
      (error: unknown) => ({ value: null, error: error as { code?: string; params?: Record<string, unknown> } }),
    );
    return { ...result, ms: performance.now() - started, growthMb: (peak - before) / 1024 / 1024 };
  } finally {
    clearInterval(sampler);
  }
}

const b64 = (bytes: Buffer) => bytes.toString('base64');
const STATION_HEADERS = ['站点编码', '站点名称', '层级', '区划代码', '状态'];

describe('uploads: bounded reading (issue 10, items 8 and 9)', () => {
  let h: Harness;
  let admin: ReturnType<Harness['caller']>;
  let coordinator: ReturnType<Harness['caller']>;
  let courseId: number;

  beforeAll(async () => {
    h = await createHarness();
    admin = h.caller((await h.user('admin')).actor);
    coordinator = h.caller((await h.user('training_coordinator', { scopes: { regions: [HONGXU, NANSHAHE] } })).actor);
    courseId = (await coordinator.training.courses.create(courseInput(HONGXU, '洪绪镇电商培训班'))).id;
  });
  afterAll(() => h.close());

  it('answers a zero-byte file at once, for every import’s preview and commit', async () => {
    for (const fileBase64 of ['=', '']) {
      const calls = {
        'stations preview': () => admin.stations.import.preview({ fileBase64 }),
        'stations commit': () => admin.stations.import.commit({ fileBase64 }),
        'ledger preview': () => admin.stations.ledger.import.preview({ fileBase64 }),
        'ledger commit': () => admin.stations.ledger.import.commit({ fileBase64 }),
        'sign-in preview': () => coordinator.training.attendance.import.preview({ courseId, fileBase64 }),
        'sign-in commit': () => coordinator.training.attendance.import.commit({ courseId, fileBase64, mode: 'all_or_nothing' }),
        'streams preview': () => admin.livestream.import.preview({ fileBase64, fileName: '直播.xlsx', platform: 'douyin' }),
        'streams commit': () => admin.livestream.import.commit({ fileBase64, fileName: '直播.csv', platform: 'douyin', mode: 'skip_invalid' }),
      };
      for (const [name, call] of Object.entries(calls)) {
        const refused = await refusedWithin(h, call());
        expect({ name, appCode: refused.appCode, message: refused.message }).toEqual({ name, appCode: 'IMPORT_FILE_EMPTY', message: '文件是空的（0 字节），请重新选择文件。' });
      }
    }
    // not a zip at all: refused before any worker starts
    const text = await refusedWithin(h, admin.stations.import.preview({ fileBase64: b64(Buffer.from('序号,姓名\n1,张三\n')) }), 1_000);
    expect(text).toMatchObject({ appCode: 'IMPORT_FILE_UNREADABLE', params: { detail: 'not an xlsx file' } });
  });

  it('stops inflating a shared-strings bomb (4 MB → 3.3 GB, declared as 1 KB) at its cap, quickly and holding little', async () => {
    const bomb = inflationBomb('sharedStrings', 3_300);
    expect(bomb.length).toBeLessThan(4 * 1024 * 1024);
    const read = await measured(() => refusal(h.deps, admin.stations.import.preview({ fileBase64: b64(bomb) })));
    expect(read.value).toEqual({
      code: 'BAD_REQUEST',
      appCode: 'IMPORT_SHARED_STRINGS_TOO_LARGE',
      params: { max: 48 },
      message: '文件中的文字（共享字符串表）解压后超过 48 MB，不像是普通的表格，未读取。请删去多余的内容，或拆分后再导入。',
    });
    expect(read.ms).toBeLessThan(15_000);
    expect(read.growthMb).toBeLessThan(200);
  });

  it('stops at the total inflated size whatever part inflates (a worksheet padded to 3.3 GB)', async () => {
    const read = await measured(() => readSheet(b64(inflationBomb('sheet', 3_300)), () => false));
    expect(read.error).toMatchObject({ code: 'IMPORT_FILE_INFLATED_TOO_LARGE', params: { max: READ_LIMITS.inflatedBytes / 1024 / 1024 } });
    expect(read.ms).toBeLessThan(20_000);
    expect(read.growthMb).toBeLessThan(200);
  });

  it('refuses a sheet with more rows than the cap, saying how many it takes', async () => {
    const file = manyRowsXlsx(STATION_HEADERS, READ_LIMITS.rows + 1, (i) => [`X${i}`, `站点${i}`, '乡级', '370481000000', '运营中']);
    const refused = await refusal(h.deps, admin.stations.import.preview({ fileBase64: b64(file) }));
    expect(refused).toMatchObject({ appCode: 'IMPORT_TOO_MANY_ROWS', params: { max: '200,000' }, message: '文件超过 200,000 行，请拆分成几个文件分别导入。' });
  }, 60_000);

  it('answers a preview of 10,000 bad rows with the first 200 problems in row order and the counts of all', async () => {
    const file = manyRowsXlsx(STATION_HEADERS, 10_000, (i) => [`X${i}`, `站点${i}`, i % 4 === 0 ? '村级服务点' : '乡级', '370481101201', i % 4 === 0 ? '关停' : '运营中']);
    const preview = await admin.stations.import.preview({ fileBase64: b64(file) });
    expect(preview).toMatchObject({ totalRows: 10_000, validRows: 0, problemTotal: 10_000, created: [] });
    expect(preview.problems).toHaveLength(PREVIEW_MAX_LISTED);
    expect(preview.problems.map((p) => p.row)).toEqual(Array.from({ length: 200 }, (_, i) => i + 2));
    expect(preview.problems[0]).toEqual({ row: 2, field: 'tier', message: '“层级”的值“乡级”无效。' });
    expect(preview.problemsByField).toEqual([
      { field: 'tier', count: 7_500 },
      { field: 'status', count: 2_500 },
    ]);
    const refused = await refusal(h.deps, admin.stations.import.commit({ fileBase64: b64(file) }));
    expect(refused).toMatchObject({ appCode: 'IMPORT_INVALID', params: { count: 10_000 } });

    const ledger = await admin.stations.ledger.import.preview({ fileBase64: b64(manyRowsXlsx(['日期', '站点编码', '收件'], 10_000, (i) => [`2026-13-${i % 28}`, 'NOPE', '1'])) });
    expect(ledger).toMatchObject({ totalRows: 10_000, validRows: 0, problemTotal: 20_000 });
    expect(ledger.problems).toHaveLength(PREVIEW_MAX_LISTED);
    expect(ledger.problems.slice(0, 2).map((p) => [p.row, p.field])).toEqual([
      [2, 'date'],
      [2, 'stationCode'],
    ]);
    expect(ledger.problemsByField).toEqual(expect.arrayContaining([{ field: 'date', count: 10_000 }, { field: 'stationCode', count: 10_000 }]));
  }, 60_000);

  it('lists at most 10,000 rejected rows in the rejects workbook, and counts by column in the preview', async () => {
    const csv = ['主播抖音号,直播开始时间,直播时长(分钟)', ...Array.from({ length: REJECTS_MAX_ROWS + 1 }, (_, i) => `nobody${i},2026-11-01 20:00,60`)].join('\n');
    const input = { fileBase64: b64(Buffer.from(csv)), fileName: '直播间列表.csv', platform: 'douyin' as const };
    const preview = await admin.livestream.import.preview({ ...input, pageSize: 5, only: 'problems' });
    expect(preview).toMatchObject({ totals: { rows: 10_001, problem: 10_001 }, problemTotal: 10_001, problemsByField: [{ field: 'accountId', count: 10_001 }], rows: { total: 10_001 } });
    expect(preview.rows.items).toHaveLength(5);
    const result = await admin.livestream.import.commit({ ...input, mode: 'skip_invalid' });
    expect(result).toMatchObject({ rows: 10_001, inserted: 0, rejected: 10_001 });
    expect(result.rejects!.rows).toBe(REJECTS_MAX_ROWS);
  }, 60_000);

  it('keeps NUL and lone surrogates out of cell text', async () => {
    expect(cleanText('郭\u0000强\ud800!')).toBe('郭强\ufffd!');
    // a UTF-16 CSV with an unpaired surrogate, and a UTF-8 one with NUL bytes in a cell
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\nx\ud800,y\n', 'utf16le')]);
    expect(decodeCsv(utf16)).toBe('a,b\nx\ufffd,y\n');
    const sheet = await readExportSheet(b64(Buffer.from('主播抖音号,直播开始时间\nacc\u0000ount,2026-11-01 20:00\n')), 'x.csv', (h) => h === '主播抖音号');
    expect(sheet.rows[0]!.cells).toEqual({ 主播抖音号: 'account', 直播开始时间: '2026-11-01 20:00' });
    // through an import: the account id is looked up in PostgreSQL, which refuses NUL (a 500 before)
    const preview = await admin.livestream.import.preview({ fileBase64: b64(Buffer.from('主播抖音号,直播开始时间,直播时长(分钟)\nacc\u0000ount,2026-11-01 20:00,60\n')), fileName: 'x.csv', platform: 'douyin' });
    expect(preview.rows.items[0]!.problems[0]).toMatchObject({ field: 'accountId', code: 'STREAM_IMPORT_ACCOUNT_UNKNOWN', params: { value: 'account' } });
  });

  it('reads two files at once and lets four wait; a seventh at once is told the server is busy', async () => {
    const file = b64(sheetXlsx([['姓名', '手机号'], ['张三', '13800138000']]));
    const reads = Array.from({ length: 7 }, () => readSheet(file, (h) => h === '姓名').then((s) => s.rows.length, (e: { code: string }) => e.code));
    expect(await Promise.all(reads)).toEqual([1, 1, 1, 1, 1, 1, 'IMPORT_BUSY']);
  });
});
