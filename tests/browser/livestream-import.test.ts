import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, hasChromium, hasHorizontalScroll, login, newContext, NO_CHROMIUM_REASON, openPage, SCREENSHOTS, useBrowserApp } from '../support/browser';

const HONGXU = '370481101000';
const PHONE_390 = { width: 390, height: 844 };

/** A procedure called with the page's own login (the browser context's cookie). */
async function call(page: Page, procedure: string, input: unknown) {
  const res = await page.request.post(`/trpc/${procedure}`, { data: input });
  const body = (await res.json()) as { result?: { data: any }; error?: unknown };
  if (!res.ok()) throw new Error(`${procedure}: ${res.status()} ${JSON.stringify(body.error)}`);
  return body.result!.data;
}

/** A 罗盘 直播间列表 export: a title row, then the header, two sessions, a bad row and the total. */
async function douyinExport(account: string): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('直播间列表');
  ws.addRow(['抖音电商罗盘 直播间列表 2026-09']);
  ws.mergeCells(1, 1, 1, 8);
  ws.addRow(['主播昵称', '主播抖音号', '直播开始时间', '直播时长(分钟)', '直播间观看人数', '最高在线人数', '新增粉丝数', '直播间成交金额']);
  ws.addRow(['测试主播', account, '2026/09/07 08:55:37', 95, 15093, 75, 120, '¥61,045.30']);
  ws.addRow(['测试主播', account, '2026/09/08 20:00:00', '1小时23分', '1.2万', '-', '-', '¥236,552']);
  ws.addRow(['测试主播', account, '2026/13/40 25:00', 60, 10, 2, 0, '¥10']);
  ws.addRow(['合计', null, null, 1_198, 27_103, null, 120, '¥297,607.30']);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cuntong-live-import-')), '直播间列表.xlsx');
  await wb.xlsx.writeFile(file);
  return file;
}

describe.runIf(hasChromium)(`the livestream import wizard in Chromium${hasChromium ? '' : ` (skipped: ${NO_CHROMIUM_REASON})`}`, () => {
  const app = useBrowserApp();

  it('at 390 px the bureau uploads a Douyin export, sees the bad row, imports the good ones and gets the rejects back', async () => {
    const context = await newContext(app.browser, app.url, PHONE_390);
    const page = await openPage(context, 'livestream-import');
    await login(page, 'admin', ADMIN_PASSWORD);
    await page.waitForURL((url) => url.pathname === '/');

    const suffix = Date.now().toString(36);
    const account = `dy_import_${suffix}`;
    const base = await call(page, 'livestream.bases.create', { name: `导入测试基地${suffix}`, address: null, regionCode: HONGXU, rooms: 2, capacity: 10 });
    const mobile = `199${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    await call(page, 'livestream.hosts.create', {
      name: '测试主播',
      mobile,
      villageCode: null,
      baseId: base.id,
      status: 'active',
      joinedOn: '2026-03-01',
      accounts: [{ platform: 'douyin', accountId: account, handle: '测试主播' }],
    });

    await page.goto('/livestream/import');
    await page.getByTestId('livestream-import-file').locator('input[type=file]').setInputFiles(await douyinExport(account));

    await expect
      .poll(() => page.getByTestId('livestream-import-summary').textContent())
      .toContain('共 3 场：可导入 2 场，已导入过 0 场，重复 0 场，有问题 1 场；跳过合计行和商品明细行 1 行');
    const statuses = await page.locator('[data-testid="livestream-import-row"]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-row'), e.getAttribute('data-status')]));
    expect(statuses).toEqual([
      ['3', 'ok'],
      ['4', 'ok'],
      ['5', 'problem'],
    ]);
    const rows = page.getByTestId('livestream-import-rows');
    expect(await rows.textContent()).toContain('“直播开始时间”的值“2026/13/40 25:00”不是可识别的时间');
    expect(await rows.textContent()).toContain('¥61,045.30');
    expect(await rows.textContent()).toContain('1小时 23分');
    expect(await page.getByTestId('livestream-import-map-gmv').textContent()).toContain('直播间成交金额');
    // the problems of the whole file by column, beside the page of rows (issue 10: counts by kind)
    expect(await page.getByTestId('import-problems-by-field').textContent()).toBe('按列：开播时间 1 条');
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'livestream-import-preview-390.png'), fullPage: true });

    await page.getByTestId('livestream-import-mode-skip_invalid').click();
    await page.getByTestId('livestream-import-commit').click();
    await page.getByTestId('livestream-import-result').waitFor();
    const count = (key: string) => page.getByTestId(`livestream-import-result-${key}`).getAttribute('data-value');
    expect(await count('inserted')).toBe('2');
    expect(await count('rejected')).toBe('1');
    expect(await count('skipped')).toBe('1');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('livestream-import-download').click()]);
    expect(download.suggestedFilename()).toMatch(/^livestream-import-rejects-.*\.xlsx$/);
    const rejects = new ExcelJS.Workbook();
    await rejects.xlsx.readFile((await download.path())!);
    const problems: string[] = [];
    rejects.worksheets[0]!.eachRow((row, n) => n > 1 && problems.push(String(row.getCell(9).value)));
    expect(problems).toEqual(['“直播开始时间”的值“2026/13/40 25:00”不是可识别的时间。']);
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'livestream-import-result-390.png'), fullPage: true });

    // the same file again: nothing new
    await page.getByTestId('livestream-import-again').click();
    await page.getByTestId('livestream-import-file').locator('input[type=file]').setInputFiles(await douyinExport(account));
    await expect.poll(() => page.getByTestId('livestream-import-summary').textContent()).toContain('可导入 0 场，已导入过 2 场');
    await context.close();
  });
});
