import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { hasChromium, hasHorizontalScroll, login, NO_CHROMIUM_REASON, newContext, openPage, PHONE, pickOption, SCREENSHOTS, useBrowserApp } from '../support/browser';

/** Demo logins (server/src/modules/auth/auth.demo.ts, server/src/modules/stations/stations.demo.ts); the shell suite changes admin and zhao.peixun, not these. */
const DEMO_PASSWORD = 'Demo@2026';
const STAFF = 'demo.staff';
/** Keeps 洪绪镇's town station (TZ-T101) and 3–5 of its village points. */
const OPERATOR = 'zhan.hongxu';
const HONGXU = '370481101000';

/** A procedure called the way the app calls it (tRPC over HTTP, with the page's session cookie). */
async function call<T>(page: Page, procedure: string, input: unknown, mutation = false): Promise<T> {
  return page.evaluate(
    async ({ procedure, input, mutation }) => {
      const res = mutation
        ? await fetch(`/trpc/${procedure}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) })
        : await fetch(`/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`);
      const body = await res.json();
      if (!res.ok) throw new Error(`${procedure}: ${res.status} ${JSON.stringify(body)}`);
      return body.result.data;
    },
    { procedure, input, mutation },
  ) as Promise<T>;
}

/** A station register workbook with the headers the import knows. */
async function registerXlsx(rows: (string | null)[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('站点');
  sheet.addRow(['站点编码', '站点名称', '层级', '区划代码', '上级站点编码', '服务项目', '状态']);
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

describe.runIf(hasChromium)(`station register pages in Chromium${hasChromium ? '' : ` (skipped: ${NO_CHROMIUM_REASON})`}`, () => {
  const app = useBrowserApp();

  // (Element Plus puts an el-input's data-testid on the <input> itself, an el-select's on its wrapper.)
  it('staff filters the register to town stations, exports it, and opens a station with its charts and ledger', async () => {
    const context = await newContext(app.browser, app.url);
    const page = await openPage(context, 'stations-staff');
    await login(page, STAFF, DEMO_PASSWORD);
    await page.waitForURL((url) => url.pathname === '/');
    await page.getByTestId('menu-stations').click();
    await page.waitForURL(/\/stations$/);
    await page.getByTestId('stations-table').locator('.el-table__row').first().waitFor();

    await pickOption(page, 'stations-filter-tier', '乡镇服务站');
    // the demo county has a town station in each of its 21 towns and streets: 20 on the first page, 21 in all
    await expect.poll(() => page.getByTestId('stations-pager').locator('.el-pagination__total').textContent()).toContain('21');
    await expect.poll(() => page.getByTestId('stations-table').locator('.el-table__body .el-table__row').count()).toBe(20);
    const tiers = await page.getByTestId('stations-table').locator('.el-table__body .el-table__row td:nth-child(3)').allTextContents();
    expect(new Set(tiers.map((text) => text.trim()))).toEqual(new Set(['乡镇服务站']));

    // the spreadsheet holds the filtered rows
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-excel').click()]);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    await expect.poll(() => page.locator('.el-message').first().textContent()).toContain('21');

    await page.getByTestId('stations-table').locator('.el-table__body .el-table__row').first().click();
    await page.waitForURL(/\/stations\/\d+$/);
    await expect.poll(() => page.getByTestId('station-detail-name').textContent()).toContain('服务站');
    // ECharts draws on a canvas inside each chart
    await expect.poll(() => page.getByTestId('station-charts').locator('canvas').count()).toBeGreaterThanOrEqual(3);
    await page.getByTestId('station-ledger-table').locator('.el-table__body .el-table__row').first().waitFor();
    // the month shown downloads as a spreadsheet too
    const [ledgerSheet] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-excel').click()]);
    expect(ledgerSheet.suggestedFilename()).toMatch(/^ledger-TZ-.+\.xlsx$/);
    // managers may edit and change the status
    expect(await page.getByTestId('station-edit').isVisible()).toBe(true);
    expect(await page.getByTestId('station-change-status').isVisible()).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'station-detail-desktop.png'), fullPage: true });
    await context.close();
  }, 90_000);

  it('staff creates a village point, a stale status change is refused then made, and a register is checked row by row, then imported', async () => {
    const context = await newContext(app.browser, app.url);
    const page = await openPage(context, 'stations-manage');
    await login(page, STAFF, DEMO_PASSWORD);
    await page.waitForURL((url) => url.pathname === '/');
    await page.goto('/stations');

    // create: tier, town and village picked; the town's station is suggested as the parent
    await page.getByTestId('stations-create').click();
    await page.getByTestId('station-form-code').fill('E2E-V1');
    await page.getByTestId('station-form-name').fill('端到端测试服务点');
    await pickOption(page, 'station-form-tier', '村级服务点');
    await pickOption(page, 'station-form-town', '洪绪镇');
    await page.getByTestId('station-form-village').click();
    // (the town list may still be closing: pick from the village list, whose options show their codes)
    await page.locator('.el-select-dropdown__item:visible', { hasText: `(${HONGXU.slice(0, 9)}` }).first().click();
    await expect.poll(() => page.getByTestId('station-form-parent').textContent()).toContain('TZ-T101');
    await page.getByTestId('station-form-submit').click();
    await page.waitForURL(/\/stations\/\d+$/);
    await expect.poll(() => page.getByTestId('station-detail-name').textContent()).toBe('端到端测试服务点');
    await expect.poll(() => page.getByTestId('station-detail-status').textContent()).toContain('筹建中');
    const id = Number(new URL(page.url()).pathname.split('/').pop());

    // someone else saves the station meanwhile: the status change made from the older version is refused, in words
    await page.getByTestId('station-change-status').click();
    await pickOption(page, 'station-status-select', '已关闭');
    await page.getByTestId('station-status-reason').fill('端到端测试');
    type View = { station: Record<string, unknown> & { version: number } };
    const { station } = await call<View>(page, 'stations.get', { id });
    const fields = ['code', 'name', 'tier', 'regionCode', 'parentId', 'address', 'lat', 'lng', 'phone', 'openedOn', 'services', 'duplicateOverrideReason'];
    await call(page, 'stations.update', { ...Object.fromEntries(fields.map((f) => [f, station[f]])), address: '村委会院内', id, version: station.version }, true);
    await page.getByTestId('station-status-submit').click();
    await expect.poll(() => page.getByTestId('station-status-error').textContent()).toContain('已被他人修改');
    // the page has reloaded the station: trying again goes through
    await expect.poll(() => page.getByTestId('station-detail').textContent()).toContain('村委会院内');
    await page.getByTestId('station-status-submit').click();
    await page.getByTestId('station-status').waitFor({ state: 'hidden' });
    await expect.poll(() => page.getByTestId('station-detail-status').textContent()).toContain('已关闭');

    // edit: the form opens on the station as saved (its town, village and parent kept), and saves a change
    await page.getByTestId('station-edit').click();
    await expect.poll(() => page.getByTestId('station-form-code').inputValue()).toBe('E2E-V1');
    await expect.poll(() => page.getByTestId('station-form-parent').textContent()).toContain('TZ-T101');
    await page.getByTestId('station-form-address').fill('村委会东侧');
    await page.getByTestId('station-form-lat').fill('35.1');
    await page.getByTestId('station-form-lng').fill('117.2');
    await page.getByTestId('station-form-submit').click();
    await page.getByTestId('station-form').waitFor({ state: 'hidden' });
    await expect.poll(() => page.getByTestId('station-detail').textContent()).toContain('村委会东侧');
    await expect.poll(() => page.getByTestId('station-detail').textContent()).toContain('35.1, 117.2');

    // import: a file with a bad row shows the row, and all-or-nothing cannot commit it; the fixed file commits
    const villages = await call<{ code: string }[]>(page, 'regions.tree.children', { parentCode: HONGXU });
    const good = ['E2E-V2', '端到端导入服务点', '村级服务点', villages[1].code, 'TZ-T101', '代买、快递收发', '筹建中'];
    const choose = (name: string, buffer: Buffer) => page.getByTestId('station-import-file').locator('input[type=file]').setInputFiles({ name, mimeType: XLSX, buffer });
    const statuses = () => page.locator('[data-testid="station-import-row"]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-row'), e.getAttribute('data-status')]));
    await page.goto('/stations');
    await page.getByTestId('stations-import').click();
    await choose('bad.xlsx', await registerXlsx([good, ['E2E-V3', '层级写错的点', '乡级', villages[2].code, 'TZ-T101', null, null]]));
    await expect.poll(() => page.getByTestId('station-import-rows').textContent()).toContain('乡级');
    expect(await statuses()).toEqual([
      ['2', 'ok'],
      ['3', 'problem'],
    ]);
    await page.getByTestId('station-import-mode-all_or_nothing').click();
    expect(await page.getByTestId('station-import-commit').isDisabled()).toBe(true);
    // a file of 250 bad rows: every one counted, by column, a page at a time
    const bad = Array.from({ length: 250 }, (_, i) => [`E2E-X${i}`, `错点${i}`, '乡级', villages[2].code, 'TZ-T101', null, null]);
    await choose('many-bad.xlsx', await registerXlsx(bad));
    await expect.poll(() => page.getByTestId('station-import-summary').textContent()).toContain('有问题 250 行');
    expect(await page.getByTestId('import-problems-by-field').textContent()).toBe('按列：层级 250 条');
    expect(await page.locator('[data-testid="station-import-row"]').count()).toBe(50);

    await choose('good.xlsx', await registerXlsx([good]));
    await expect.poll(() => page.getByTestId('station-import-summary').textContent()).toContain('可导入 1 行');
    await page.getByTestId('station-import-commit').click();
    await page.getByTestId('station-import-result').waitFor();
    expect(await page.getByTestId('station-import-result-inserted').getAttribute('data-value')).toBe('1');
    await page.getByTestId('station-import-close').click();
    await page.getByTestId('station-import').waitFor({ state: 'hidden' });
    await page.getByTestId('stations-search').fill('E2E-V');
    await expect.poll(() => page.getByTestId('station-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-code')))).toEqual(['E2E-V1', 'E2E-V2']);
    await context.close();
  }, 120_000);

  it('an operator sees only their own stations, and no manager actions', async () => {
    const context = await newContext(app.browser, app.url);
    const page = await openPage(context, 'stations-operator');
    await login(page, OPERATOR, DEMO_PASSWORD);
    await page.waitForURL((url) => url.pathname === '/');
    await page.getByTestId('menu-stations').click();
    await page.waitForURL(/\/stations$/);
    const rows = page.getByTestId('stations-table').locator('.el-table__body .el-table__row');
    await rows.first().waitFor();
    const codes = await page.getByTestId('station-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-code')));
    // the town station and 3–5 village points of 洪绪镇, nothing else
    expect(codes).toContain('TZ-T101');
    expect(codes.length).toBeGreaterThanOrEqual(4);
    expect(codes.length).toBeLessThanOrEqual(6);
    const towns = await rows.locator('td:nth-child(4)').allTextContents();
    expect(new Set(towns.map((text) => text.trim()))).toEqual(new Set(['洪绪镇']));
    expect(await page.getByTestId('stations-create').count()).toBe(0);
    expect(await page.getByTestId('stations-import').count()).toBe(0);
    await context.close();
  }, 60_000);

  it('at 1366 px the key and activity columns of the list are in view; at 390 px the list is cards', async () => {
    const wide = await newContext(app.browser, app.url, { width: 1366, height: 768 });
    const page = await openPage(wide, 'stations-1366');
    await login(page, STAFF, DEMO_PASSWORD);
    await page.waitForURL((url) => url.pathname === '/');
    await page.goto('/stations');
    const table = page.getByTestId('stations-table');
    await table.locator('.el-table__body .el-table__row').first().waitFor();
    /** Whether a header cell lies wholly inside the table's visible box. */
    const inView = (label: string) =>
      table.evaluate((el, text) => {
        const box = el.querySelector('.el-table__body-wrapper')!.getBoundingClientRect();
        const th = [...el.querySelectorAll('.el-table__header-wrapper th')].find((cell) => cell.textContent?.trim() === text);
        if (!th) return false;
        const cell = th.getBoundingClientRect();
        return cell.width > 0 && cell.left >= box.left - 1 && cell.right <= box.right + 1 && cell.right <= window.innerWidth;
      }, label);
    for (const label of ['站点编码', '站点名称', '最近填报', '近30天活跃天数', '疑似僵尸']) expect(await inView(label), label).toBe(true);
    // scrolled to its far right, the table still shows each row's code and name
    await table.evaluate((el) => {
      const scroller = el.querySelector('.el-table__body-wrapper .el-scrollbar__wrap')!;
      scroller.scrollLeft = scroller.scrollWidth;
      scroller.dispatchEvent(new Event('scroll'));
    });
    for (const label of ['站点编码', '站点名称', '运营者']) expect(await inView(label), label).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'stations-1366.png') });
    await wide.close();

    const phone = await newContext(app.browser, app.url, { width: 390, height: 844 });
    const small = await openPage(phone, 'stations-390');
    await login(small, STAFF, DEMO_PASSWORD);
    await small.waitForURL((url) => url.pathname === '/');
    await small.goto('/stations');
    const rows = small.getByTestId('stations-table').locator('.el-table__body .el-table__row');
    await rows.first().waitFor();
    // a card per row: no header row, rows stacked and as wide as the list, each cell under its column's name
    expect(await small.getByTestId('stations-table').locator('.el-table__header-wrapper').isVisible()).toBe(false);
    await expect.poll(() => rows.first().locator('td').first().getAttribute('data-label')).toBe('站点编码');
    await small.screenshot({ path: path.join(SCREENSHOTS, 'stations-cards-390.png'), fullPage: true });
    const [first, second] = [await rows.nth(0).boundingBox(), await rows.nth(1).boundingBox()];
    expect(second!.y).toBeGreaterThanOrEqual(first!.y + first!.height);
    expect(first!.width).toBeGreaterThan(300);
    expect(first!.height).toBeGreaterThan(150);
    expect(await hasHorizontalScroll(small)).toBe(false);
    await phone.close();
  }, 90_000);

  it('at 360×740 the list and a station page have no horizontal scroll', async () => {
    const context = await newContext(app.browser, app.url, PHONE);
    const page = await openPage(context, 'stations-phone');
    await login(page, STAFF, DEMO_PASSWORD);
    await page.waitForURL((url) => url.pathname === '/');
    await page.goto('/stations');
    await page.getByTestId('stations-table').locator('.el-table__body .el-table__row').first().waitFor();
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'stations-phone.png'), fullPage: true });
    await page.getByTestId('stations-create').click();
    await pickOption(page, 'station-form-tier', '村级服务点');
    await page.getByTestId('station-form-village').waitFor();
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'station-form-phone.png') });
    await page.getByTestId('station-form').getByRole('button', { name: '取消' }).click();
    await page.getByTestId('station-form').waitFor({ state: 'hidden' });

    await page.getByTestId('stations-view-tree').click();
    await page.getByTestId('station-node-TZ-T101').waitFor();
    // a town station opens on its village points, fetched then
    await page.locator('.el-tree-node__content', { has: page.getByTestId('station-node-TZ-T101') }).locator('.el-tree-node__expand-icon').click();
    await page.locator('[data-testid^="station-node-TZ-V481101"]').first().waitFor();
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'stations-tree-phone.png') });

    await page.getByTestId('station-node-TZ-T101').click();
    await page.waitForURL(/\/stations\/\d+$/);
    await expect.poll(() => page.getByTestId('station-charts').locator('canvas').count()).toBeGreaterThanOrEqual(3);
    await page.getByTestId('station-ledger-table').waitFor();
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'station-detail-phone.png'), fullPage: true });
    await context.close();
  }, 90_000);
});
