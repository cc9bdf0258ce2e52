import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, hasChromium, login, newContext, NO_CHROMIUM_REASON, openPage, useBrowserApp } from '../support/browser';

/** A workbook of three sheets, as Douyin's single-session export has several: the first has no header we know. */
async function severalSheets(): Promise<string> {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('说明').addRow(['本文件由抖音电商罗盘导出']);
  const list = wb.addWorksheet('直播间列表');
  list.addRow(['主播抖音号', '直播开始时间', '直播时长(分钟)', '直播间观看人数', '观看-成交率(人数)']);
  list.addRow(['dy_sheet_picker', '2026/09/07 08:55:37', 95, 6782, '0.68%']);
  const channels = wb.addWorksheet('流量分析-渠道分析');
  channels.addRow(['渠道名称', '观看人数']);
  channels.addRow(['整体', 6782]);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cuntong-sheets-')), '整场数据.xlsx');
  await wb.xlsx.writeFile(file);
  return file;
}

describe.runIf(hasChromium)(`the import wizard's sheet picker in Chromium${hasChromium ? '' : ` (skipped: ${NO_CHROMIUM_REASON})`}`, () => {
  const app = useBrowserApp();

  it('reads the first sheet with a known header, and reads another when the user picks it', async () => {
    const context = await newContext(app.browser, app.url);
    const page = await openPage(context, 'import-sheet-picker');
    await login(page, 'admin', ADMIN_PASSWORD);
    await page.waitForURL((url) => url.pathname === '/');

    await page.goto('/livestream/import');
    await page.getByTestId('livestream-import-file').locator('input[type=file]').setInputFiles(await severalSheets());
    const picker = page.getByTestId('livestream-import-sheet');
    await expect.poll(() => picker.textContent()).toContain('直播间列表');
    expect(await page.getByTestId('livestream-import-map-conversionRate').textContent()).toContain('观看-成交率(人数)');

    await picker.click();
    await page.getByRole('option', { name: '流量分析-渠道分析' }).click();
    await expect.poll(() => page.getByTestId('livestream-import-missing').textContent()).toContain('开播时间');
    expect(await picker.textContent()).toContain('流量分析-渠道分析');
    await context.close();
  }, 90_000); // a shared two-core machine under load takes over 30 s for a login and two reads
});
