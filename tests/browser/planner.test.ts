import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, hasChromium, hasHorizontalScroll, login, newContext, NO_CHROMIUM_REASON, openPage, PHONE, pickOption, SCREENSHOTS, useBrowserApp } from '../support/browser';

const HUB = '洪绪镇快递共配站';

/** Chooses the demo's hub, a short time limit, and runs the planner; waits for the proposal. */
async function runPlanner(page: Page, seconds: number): Promise<string[]> {
  await page.goto('/courier/planner');
  await pickOption(page, 'planner-hub', HUB);
  // the plan starts from how the hub works today: ten routes a day on five vehicles is two trips each
  await expect.poll(() => page.getByTestId('planner-trips').locator('input').inputValue()).toBe('2');
  await page.getByTestId('planner-time-limit').locator('input').fill(String(seconds));
  await page.getByTestId('planner-time-limit').locator('input').blur();
  await page.getByTestId('planner-run').click();
  const seen: string[] = [];
  await expect
    .poll(
      async () => {
        const text = (await page.getByTestId('planner-status').textContent().catch(() => '')) ?? '';
        seen.push(text);
        return text.includes('已完成');
      },
      { timeout: 60_000, interval: 200 },
    )
    .toBe(true);
  return seen;
}

describe.runIf(hasChromium)(`the route planner in Chromium${hasChromium ? '' : ` (skipped: ${NO_CHROMIUM_REASON})`}`, () => {
  const app = useBrowserApp();

  it('the admin at 1366 px: runs the planner for 洪绪镇, sees progress then the proposal beside today’s routes and the plot, accepts from tomorrow', async () => {
    const context = await newContext(app.browser, app.url, { width: 1366, height: 768 });
    const page = await openPage(context, 'planner-1366');
    await login(page, 'admin', ADMIN_PASSWORD);
    const seen = await runPlanner(page, 4);
    // progress while it ran: the running state with a best distance so far, before the finish
    expect(seen.some((text) => text.includes('计算中'))).toBe(true);
    expect(await page.getByTestId('planner-best').textContent()).toMatch(/目前最优：[\d,.]+ 公里/);
    expect(await page.getByTestId('planner-compare').textContent()).toContain('每件成本');
    await expect.poll(() => page.getByTestId('planner-proposal').locator('ol li').count()).toBeGreaterThan(5);
    expect(Number(await page.getByTestId('planner-plot').getAttribute('data-routes'))).toBeGreaterThan(0);
    await expect.poll(() => page.locator('[data-testid="planner-plot"] canvas').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('planner-today').textContent()).toContain('公里');
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'planner-1366.png'), fullPage: true });

    const tomorrow = new Date(Date.now() + 8 * 3600_000 + 86_400_000).toISOString().slice(0, 10);
    await page.getByTestId('planner-accept').click();
    const box = page.locator('.el-message-box');
    await box.waitFor();
    expect(await box.textContent()).toContain(tomorrow);
    // every village has a place in the proposal, so none is said to lose its service
    await expect.poll(() => page.getByTestId('planner-unassigned').count()).toBe(0);
    expect(await box.textContent()).not.toContain('未排进');
    await box.locator('.el-button--primary').click();
    await page.waitForURL(/\/courier\/routes/);
    await context.close();
  });

  it('runs with the hub’s distance table uploaded, and says it measured with it', async () => {
    const context = await newContext(app.browser, app.url, { width: 1366, height: 768 });
    const page = await openPage(context, 'planner-matrix');
    await login(page, 'admin', ADMIN_PASSWORD);
    await page.goto('/courier/planner');
    await pickOption(page, 'planner-hub', HUB);
    // two of the hub's village points, by code, from the page's own API
    const codes = await page.evaluate(async (hub) => {
      const get = async (path: string, input?: unknown) => (await (await fetch(`/trpc/${path}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`}`)).json()).result.data;
      const hubs: { id: number; name: string }[] = await get('courier.hubs.list');
      const stops: { code: string }[] = await get('courier.hubs.stops', { hubId: hubs.find((h) => h.name === hub)!.id });
      return stops.slice(0, 2).map((s) => s.code);
    }, HUB);
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('距离');
    sheet.addRows([['起点', '终点', '公里', '分钟'], [HUB, codes[0], 9.5, 18], [codes[0], codes[1], 4, 9]]);
    const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
    await page.getByTestId('planner-matrix').locator('input[type=file]').setInputFiles({ name: '洪绪距离表.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer });
    await expect.poll(() => page.getByTestId('planner-matrix-file').textContent()).toContain('洪绪距离表.xlsx');
    await page.getByTestId('planner-time-limit').locator('input').fill('1');
    await page.getByTestId('planner-time-limit').locator('input').blur();
    await page.getByTestId('planner-run').click();
    await expect.poll(() => page.getByTestId('planner-matrix-used').textContent(), { timeout: 30_000 }).toContain('洪绪距离表.xlsx');
    expect(await page.getByTestId('planner-matrix-used').textContent()).toContain('2 段');
    await context.close();
  }, 60_000);

  it('at 360 px the page is usable: the form, a run and its proposal without sideways scrolling', async () => {
    const context = await newContext(app.browser, app.url, PHONE);
    const page = await openPage(context, 'planner-360');
    await login(page, 'admin', ADMIN_PASSWORD);
    await runPlanner(page, 1);
    await page.getByTestId('planner-proposal').waitFor();
    await expect.poll(() => page.locator('[data-testid="planner-plot"] canvas').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('planner-accept').isVisible()).toBe(true);
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'planner-360.png'), fullPage: true });
    await context.close();
  });
});
