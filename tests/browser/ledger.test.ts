import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '@cuntong/seeds/demo';
import { DEMO_OPERATORS } from '@cuntong/server/modules/stations/stations.demo';
import { fenToYuan } from '../../client/src/utils/money';
import { addDays, shanghaiToday } from '../../client/src/utils/shanghai-time';
import { DESKTOP, exported, hasChromium, hasHorizontalScroll, login, newContext, NO_CHROMIUM_REASON, openPage, PHONE, SCREENSHOTS, useBrowserApp } from '../support/browser';

interface Entry {
  parcelsIn: number;
  salesAmountFen: number;
  incomeOtherFen: number;
  version: number;
  date: string;
}
interface Day {
  entry: Entry | null;
  previous: Entry | null;
}

/** The day as the server has it, asked with the page's own session (a raw tRPC GET). */
async function serverDay(page: Page): Promise<Day> {
  const form = page.getByTestId('ledger-form');
  const stationId = Number(await form.getAttribute('data-station-id'));
  const date = (await form.getAttribute('data-date'))!;
  return page.evaluate(async (input) => {
    const res = await fetch(`/trpc/stations.ledger.day?input=${encodeURIComponent(JSON.stringify(input))}`);
    return (await res.json()).result.data;
  }, { stationId, date });
}


const boxValue = (page: Page, field: string) => page.getByTestId(`ledger-${field}`).inputValue();

/** A month sheet as an operator keeps it: their own headers, no station column. */
async function ledgerSheet(rows: (string | number)[][]): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('台账');
  sheet.addRow(['日期', '收件', '寄件', '代卖金额(元)', '备注']);
  for (const row of rows) sheet.addRow(row);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cuntong-ledger-')), '十一月台账.xlsx');
  await workbook.xlsx.writeFile(file);
  return file;
}

describe.runIf(hasChromium)(`the ledger pages in Chromium${hasChromium ? '' : ` (skipped: ${NO_CHROMIUM_REASON})`}`, () => {
  const app = useBrowserApp();
  // Not the first demo operator: the station pages' suite logs in as that one.
  const operator = DEMO_OPERATORS[1].loginName;

  it('at 360×740 an operator fills in today with yesterday beside it, then saves a day offline that is sent once back online; imports a month; meets a concurrent edit', async () => {
    const context = await newContext(app.browser, app.url, PHONE);
    const page = await openPage(context, 'ledger-operator');
    await login(page, operator, DEMO_PASSWORD);
    await page.waitForURL((url) => url.pathname === '/');
    await page.getByTestId('home-ledger').click();
    await page.waitForURL(/\/ledger$/);

    // the operator keeps a town station and a few village points: pick the first that is operating
    await page.getByTestId('ledger-station').click();
    await page.locator('.el-select-dropdown__item:visible:not(.is-disabled)').first().click();
    await expect.poll(() => page.getByTestId('ledger-form').getAttribute('data-station-id')).toMatch(/^\d+$/);

    // today is new (the demo ledger ends yesterday); the last entry's figures stand beside each box
    const today = await serverDay(page);
    expect(today.entry).toBeNull();
    expect(today.previous).not.toBeNull();
    await expect.poll(() => page.getByTestId('ledger-prev-parcelsIn').textContent()).toContain(String(today.previous!.parcelsIn));
    expect(await page.getByTestId('ledger-prev-salesAmountFen').textContent()).toContain(fenToYuan(today.previous!.salesAmountFen));
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'ledger-phone-first-screen.png') });

    // 0.1 and 0.2 yuan typed in two boxes are 10 and 20 fen on the server
    await page.getByTestId('ledger-parcelsIn').fill('12');
    await page.getByTestId('ledger-parcelsOut').fill('3');
    await page.getByTestId('ledger-salesAmountFen').fill('0.1');
    await page.getByTestId('ledger-incomeOtherFen').fill('0.2');
    await page.getByTestId('ledger-save').click();
    await expect.poll(() => page.locator('.el-message--success').first().textContent()).toContain('已保存');
    const saved = await serverDay(page);
    expect(saved.entry).toMatchObject({ parcelsIn: 12, salesAmountFen: 10, incomeOtherFen: 20 });
    expect(saved.entry!.salesAmountFen + saved.entry!.incomeOtherFen).toBe(30);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'ledger-phone.png'), fullPage: true });

    // the day before, loaded while online; then the signal drops and the save stays on the phone
    await page.getByTestId('ledger-day-prev').click();
    const yesterday = await serverDay(page);
    await expect.poll(() => boxValue(page, 'parcelsIn')).toBe(yesterday.entry ? String(yesterday.entry.parcelsIn) : '');
    const figure = String((yesterday.entry?.parcelsIn ?? 0) + 41);
    await context.setOffline(true);
    await page.getByTestId('ledger-parcelsIn').fill(figure);
    await page.getByTestId('ledger-save').click();
    await expect.poll(() => page.getByTestId('ledger-pending').textContent()).toContain('待上传 1 条');
    await expect.poll(() => page.getByTestId('header-pending').isVisible()).toBe(true);
    expect(await hasHorizontalScroll(page)).toBe(false);

    // back online: sent by itself, the badge goes, the server holds the figure
    await context.setOffline(false);
    await expect.poll(() => page.getByTestId('ledger-pending').count(), { timeout: 15_000 }).toBe(0);
    await expect.poll(async () => (await serverDay(page)).entry?.parcelsIn).toBe(Number(figure));

    // and a fresh page shows it
    await page.reload();
    await page.getByTestId('ledger-day-prev').click();
    await expect.poll(() => boxValue(page, 'parcelsIn')).toBe(figure);

    // a sheet of two earlier days: previewed row by row, committed; the same file again has nothing to write
    const days = [-3, -4].map((n) => addDays(shanghaiToday(), n));
    const file = await ledgerSheet(days.map((d, i) => [d, 20 + i, 5, '0.1', '导入']));
    const openWith = async () => {
      await page.getByTestId('ledger-import-open').click();
      await page.locator('.ledger-import input[type="file"]').setInputFiles(file);
    };
    await openWith();
    await expect.poll(() => page.getByTestId('ledger-import-summary').textContent()).toContain('可导入 2 行');
    expect(await page.getByTestId('ledger-import-map-date').textContent()).toContain('日期');
    await page.getByTestId('ledger-import-commit').click();
    await page.getByTestId('ledger-import-result').waitFor();
    expect(await page.getByTestId('ledger-import-result-written').getAttribute('data-value')).toBe('2');
    await page.getByTestId('ledger-import-close').click();
    await page.getByTestId('ledger-import').waitFor({ state: 'hidden' });
    await openWith();
    await expect.poll(() => page.getByTestId('ledger-import-summary').textContent()).toContain('与已保存的相同 2 行');
    expect(await page.locator('[data-testid="ledger-import-row"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))).toEqual(['already', 'already']);
    expect(await page.getByTestId('ledger-import-commit').isDisabled()).toBe(true);
    await page.keyboard.press('Escape');
    await page.getByTestId('ledger-import').waitFor({ state: 'hidden' });

    // someone else saves the day shown meanwhile: this save is refused, not written over theirs, and "reload" shows theirs
    const shown = (await serverDay(page)).entry!;
    const status = await page.evaluate(async (input) => {
      const res = await fetch('/trpc/stations.ledger.upsert', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) });
      return res.status;
    }, { ...shown, parcelsIn: 5 });
    expect(status).toBe(200);
    await page.getByTestId('ledger-parcelsIn').fill('6');
    await page.getByTestId('ledger-save').click();
    await expect.poll(() => page.getByTestId('ledger-conflict').textContent()).toContain('已被他人修改');
    expect(await page.getByTestId('ledger-pending').count()).toBe(0);
    await page.getByTestId('ledger-reload').click();
    await expect.poll(() => boxValue(page, 'parcelsIn')).toBe('5');
    expect(await page.getByTestId('ledger-conflict').count()).toBe(0);
    await context.close();
  }, 90_000);

  it('bureau staff see quiet stations with numbers to call, and the town ranking as a chart and a table', async () => {
    const context = await newContext(app.browser, app.url, PHONE);
    const page = await openPage(context, 'ledger-staff');
    await login(page, 'demo.staff', DEMO_PASSWORD);
    await page.waitForURL((url) => url.pathname === '/');

    // on a phone each quiet station is a card with its numbers to tap
    await page.goto('/stations/quiet');
    await page.getByTestId('quiet-cards').waitFor();
    await expect.poll(() => page.locator('[data-testid="quiet-cards"] .quiet-card').count()).toBeGreaterThan(0);
    const tel = page.locator('[data-testid="quiet-cards"] a[href^="tel:"]').first();
    expect(await tel.getAttribute('href')).toMatch(/^tel:\+?\d{7,}$/);
    await expect.poll(() => page.getByTestId('quiet-rule').textContent()).toMatch(/\d+ 天/);
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'quiet-phone.png'), fullPage: true });

    await page.goto('/stations/ranking');
    await page.locator('[data-testid="ranking-chart"] canvas').first().waitFor();
    await expect.poll(() => page.locator('[data-testid="ranking-table"] .el-table__body tr').count()).toBeGreaterThan(1);
    expect(await page.locator('[data-testid="ranking-table"] .el-table__body tr').first().textContent()).toContain('合计');
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'ranking-phone.png'), fullPage: true });
    await context.close();

    // on a desk: the quiet table, and both pages export what they show
    const desk = await newContext(app.browser, app.url, DESKTOP);
    const wide = await openPage(desk, 'ledger-staff-desktop');
    await login(wide, 'demo.staff', DEMO_PASSWORD);
    await wide.waitForURL((url) => url.pathname === '/');
    await wide.goto('/stations/quiet');
    await expect.poll(() => wide.locator('[data-testid="quiet-table"] .el-table__body tr').count()).toBeGreaterThan(0);
    expect(await wide.locator('[data-testid="quiet-table"] a[href^="tel:"]').count()).toBeGreaterThan(0);
    const quiet = await exported(wide);
    expect(quiet.filename).toMatch(/^quiet-stations-.*\.xlsx$/);
    expect(quiet.rows[0]).toContain('运营者电话');
    expect(quiet.rows.length).toBe((await wide.locator('[data-testid="quiet-table"] .el-table__body tr').count()) + 1);

    await wide.goto('/stations/ranking');
    await wide.locator('[data-testid="ranking-chart"] canvas').first().waitFor();
    const ranking = await exported(wide);
    expect(ranking.rows[0]).toContain('农产品上行金额（元）');
    // 21 towns and the county total, amounts in yuan
    expect(ranking.rows.length).toBe(1 + 21 + 1);
    expect(String(ranking.rows.at(-1)![1])).toContain('滕州');
    await desk.close();
  }, 60_000);
});
