import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '@cuntong/seeds/demo';
import { DESKTOP, hasChromium, hasHorizontalScroll, login, newContext, NO_CHROMIUM_REASON, openPage, SCREENSHOTS, useBrowserApp } from '../support/browser';

const HONGXU = '370481101000';
const PHONE_390 = { width: 390, height: 844 };
/** Mainland mobiles no demo trainee has: 199 and eight random digits. */
const freshMobile = () => `199${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
const fullWidth = (s: string) => s.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));

/** A procedure called with the page's own login (the browser context's cookie). */
async function call(page: Page, procedure: string, input: unknown, kind: 'mutation' | 'query' = 'mutation') {
  const res =
    kind === 'mutation'
      ? await page.request.post(`/trpc/${procedure}`, { data: input })
      : await page.request.get(`/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`);
  const body = (await res.json()) as { result?: { data: any }; error?: unknown };
  if (!res.ok()) throw new Error(`${procedure}: ${res.status()} ${JSON.stringify(body.error)}`);
  return body.result!.data;
}

async function messySheet(rows: unknown[][]): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('签到表');
  ws.addRow(['洪绪镇电商培训 签到表']);
  ws.mergeCells(1, 1, 1, 5);
  ws.addRow(['序号', '姓 名', '手机号', '所在村', '签到日期']);
  for (const row of rows) ws.addRow(row);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cuntong-sign-in-')), '签到表.xlsx');
  await wb.xlsx.writeFile(file);
  return file;
}

describe.runIf(hasChromium)(`the sign-in sheet import in Chromium${hasChromium ? '' : ` (skipped: ${NO_CHROMIUM_REASON})`}`, () => {
  const app = useBrowserApp();

  it('at 390 px a coordinator uploads a messy sheet, sees the problem rows, imports the good ones, and marks them for the next session from the paper list', async () => {
    const context = await newContext(app.browser, app.url, PHONE_390);
    const page = await openPage(context, 'training-import');
    await login(page, 'demo.trainer', DEMO_PASSWORD);
    await page.waitForURL((url) => url.pathname === '/');

    const course = await call(page, 'training.courses.create', {
      title: `签到表导入测试班 ${Date.now().toString(36)}`,
      topic: 'shop_operation',
      regionCode: HONGXU,
      plannedStart: '2026-11-20',
      plannedEnd: '2026-11-21',
    });
    await call(page, 'training.sessions.add', { courseId: course.id, date: '2026-11-20', startsAt: '09:00', endsAt: '11:00' });
    const day2 = await call(page, 'training.sessions.add', { courseId: course.id, date: '2026-11-21', startsAt: '09:00', endsAt: '11:00' });
    const [a, b] = [freshMobile(), freshMobile()];
    const file = await messySheet([
      [1, ' 导入甲 ', fullWidth(a), '无此村', 46346], // 2026-11-20 as an Excel serial; unknown village: imported without
      [],
      [2, '导入乙', `${b.slice(0, 3)} ${b.slice(3, 7)} ${b.slice(7)}`, null, '2026年11月20日'],
      [3, '导入丙', '12345', null, '2026-11-20'], // not a mobile
      [4, '导入丁', freshMobile(), null, '2026-12-31'], // no session that day
      [5, '导入乙', b, null, '2026.11.20'], // the same as row 4
    ]);

    await page.goto(`/training/courses/${course.id}`);
    await page.getByTestId('course-import').click();
    await page.waitForURL(new RegExp(`/training/courses/${course.id}/import$`));
    await page.getByTestId('training-import-file').locator('input[type=file]').setInputFiles(file);

    await expect.poll(() => page.getByTestId('training-import-summary').textContent()).toContain('共 5 行：可导入 2 行（其中新学员 2 人），已签到 0 行，重复 1 行，有问题 2 行');
    const statuses = await page.locator('[data-testid="training-import-row"]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-row'), e.getAttribute('data-status')]));
    expect(statuses).toEqual([
      ['3', 'ok'],
      ['5', 'ok'],
      ['6', 'problem'],
      ['7', 'problem'],
      ['8', 'duplicate'],
    ]);
    const rows = page.getByTestId('training-import-rows');
    await expect.poll(() => rows.textContent()).toContain('手机号“12345”不是有效的大陆手机号');
    expect(await rows.textContent()).toContain('本培训班在 2026-12-31 没有课次');
    expect(await rows.textContent()).toContain('与第 5 行重复');
    expect(await rows.textContent()).toContain('本镇没有“无此村”');
    // the mapping the server guessed is shown, and the page fits the phone
    expect(await page.getByTestId('training-import-map-mobile').textContent()).toContain('手机号');
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'training-import-preview-390.png'), fullPage: true });
    // on a desktop the rows are a table, the problem rows marked the same way
    await page.setViewportSize(DESKTOP);
    await expect.poll(() => page.locator('.el-table [data-testid="training-import-row"][data-status="problem"]').count()).toBe(2);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'training-import-preview-desktop.png'), fullPage: true });
    await page.setViewportSize(PHONE_390);

    // only the problem rows
    await page.getByTestId('training-import-only-problems').click();
    await expect.poll(() => page.locator('[data-testid="training-import-row"]').count()).toBe(2);

    // commit the good rows; the rejected ones come back as a workbook
    await page.getByTestId('training-import-mode-skip_invalid').click();
    await page.getByTestId('training-import-commit').click();
    const result = page.getByTestId('training-import-result');
    await result.waitFor();
    const count = (key: string) => page.getByTestId(`training-import-result-${key}`).getAttribute('data-value');
    expect(await count('newAttendance')).toBe('2');
    expect(await count('newTrainees')).toBe('2');
    expect(await count('rejected')).toBe('2');
    expect(await count('duplicates')).toBe('1');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'training-import-result-390.png'), fullPage: true });
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('training-import-download').click()]);
    expect(download.suggestedFilename()).toMatch(/^sign-in-rejects-.*\.xlsx$/);
    const rejects = new ExcelJS.Workbook();
    await rejects.xlsx.readFile((await download.path())!);
    const problems: string[] = [];
    rejects.worksheets[0]!.eachRow((row, n) => n > 1 && problems.push(String(row.getCell(6).value)));
    expect(problems).toEqual(['手机号“12345”不是有效的大陆手机号。', '本培训班在 2026-12-31 没有课次。']);
    expect(await hasHorizontalScroll(page)).toBe(false);
    expect((await call(page, 'training.sessions.list', { courseId: course.id }, 'query')).map((s: { attendance: number }) => s.attendance)).toEqual([2, 0]);

    // the next day, from the paper list: both are on the roster, not yet checked in
    await page.goto(`/training/courses/${course.id}`);
    await page.locator(`[data-session-id="${day2.id}"]`).getByTestId('session-bulk').click();
    await page.waitForURL(new RegExp(`/training/sessions/${day2.id}/bulk$`));
    await expect.poll(() => page.getByTestId('bulk-mark-person').count()).toBe(2);
    expect(await page.locator('[data-testid="bulk-mark-person"][data-checked-in="true"]').count()).toBe(0);
    await page.getByTestId('bulk-mark-all').click();
    await page.getByTestId('bulk-mark-submit').click();
    await expect.poll(() => page.getByTestId('bulk-mark-done').textContent()).toContain('新签到 2 人，此前已签到 0 人');
    await expect.poll(() => page.locator('[data-testid="bulk-mark-person"][data-checked-in="true"]').count()).toBe(2);
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'training-bulk-mark-390.png'), fullPage: true });
    expect((await call(page, 'training.sessions.list', { courseId: course.id }, 'query')).map((s: { attendance: number }) => s.attendance)).toEqual([2, 2]);

    // that session is over: its projector screen says check-in has closed, and its check-in screen
    // offers to record late entries instead
    await page.goto(`/training/sessions/${day2.id}/qr`);
    await expect.poll(() => page.getByTestId('qr-window-alert').textContent()).toContain('签到已于 11:30 截止');
    expect(await page.getByTestId('qr-window').textContent()).toContain('签到时间 08:30–11:30');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'training-qr-closed-390.png'), fullPage: true });
    await page.goto(`/training/sessions/${day2.id}/check-in`);
    await expect.poll(() => page.getByTestId('checkin-window-alert').textContent()).toContain('签到已于 11:30 截止');
    await page.getByTestId('checkin-late').waitFor();
    expect(await hasHorizontalScroll(page)).toBe(false);
    await context.close();
  });
});
