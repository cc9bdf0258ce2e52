import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '@cuntong/seeds/demo';
import { hasChromium, hasHorizontalScroll, login, newContext, NO_CHROMIUM_REASON, openPage, PHONE, SCREENSHOTS, useBrowserApp } from '../support/browser';

/** The two widths the issue asks for: a phone and a common office screen. */
const WIDTHS = [PHONE, { width: 1366, height: 768 }] as const;

const rankingTowns = (page: Page) => page.locator('[data-testid="cockpit-ranking"] tbody th').allTextContents();

describe.runIf(hasChromium)(`the cockpit and the role homes in Chromium${hasChromium ? '' : ` (skipped: ${NO_CHROMIUM_REASON})`}`, () => {
  const app = useBrowserApp();

  it.each(WIDTHS)('bureau staff open on the cockpit at $width px: cards against targets, trends, a sortable town ranking, a town drilled into', async (viewport) => {
    const context = await newContext(app.browser, app.url, viewport);
    const page = await openPage(context, `cockpit-${viewport.width}`);
    await login(page, 'demo.staff', DEMO_PASSWORD);
    await page.waitForURL((url) => url.pathname === '/');
    await page.getByTestId('cockpit').waitFor();
    for (const key of ['training_person_times', 'active_hosts', 'station_activity', 'online_sales']) {
      await page.getByTestId(`cockpit-card-${key}`).waitFor();
    }
    // the demo's targets are set: no card says "no target"
    expect(await page.locator('[data-testid^="cockpit-card-"][data-status="no_target"]').count()).toBe(0);
    await expect.poll(() => page.locator('[data-testid^="cockpit-trend-"] canvas').count()).toBeGreaterThanOrEqual(4);
    await expect.poll(async () => (await rankingTowns(page)).length).toBe(21);

    // sorting by a figure puts the towns in that figure's order, and a second click reverses it
    await page.getByTestId('rank-sort-training_person_times-actual').click();
    const ascending = await rankingTowns(page);
    await page.getByTestId('rank-sort-training_person_times-actual').click();
    const descending = await rankingTowns(page);
    expect(descending).not.toEqual(ascending);
    expect(new Set(descending)).toEqual(new Set(ascending));
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, `cockpit-${viewport.width}.png`), fullPage: true });

    // the first town of the ranking opens its drill-down: its cards, stations, courses and hosts
    const first = descending[0].trim();
    await page.locator('[data-testid="cockpit-ranking"] tbody th a').first().click();
    await page.getByTestId('cockpit-town').waitFor();
    await expect.poll(() => page.locator('.cockpit-town__title').textContent()).toContain(first);
    await page.getByTestId('town-card-training_person_times').waitFor();
    await expect.poll(() => page.locator('[data-testid="town-stations"] .el-table__body tr').count()).toBeGreaterThan(0);
    expect(await hasHorizontalScroll(page)).toBe(false);
    await context.close();
  });

  it.each(WIDTHS)('a station operator’s home at $width px lists their stations filed today or not, one tap from the ledger', async (viewport) => {
    const context = await newContext(app.browser, app.url, viewport);
    const page = await openPage(context, `operator-home-${viewport.width}`);
    await login(page, 'zhan.hongxu', DEMO_PASSWORD);
    await page.waitForURL((url) => url.pathname === '/');
    await page.getByTestId('operator-home').waitFor();
    // the day's to-do list and the notifications bell are there for every role
    await page.getByTestId('todo-panel').waitFor();
    expect(await page.getByTestId('notification-bell').count()).toBe(1);
    await expect.poll(() => page.locator('[data-testid^="operator-station-"]').count()).toBeGreaterThan(1);
    const summary = await page.getByTestId('operator-summary').textContent();
    expect(summary).toMatch(/已填报 \d+ 个站点，还有 \d+ 个未填报/);
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, `operator-home-${viewport.width}.png`), fullPage: true });
    // the first station's button opens the ledger on that station
    const link = page.locator('[data-testid^="operator-file-"]').first();
    const code = (await link.getAttribute('data-testid'))!.replace('operator-file-', '');
    await link.click();
    await page.waitForURL((url) => url.pathname === '/ledger' && url.searchParams.has('station'));
    await expect.poll(() => page.locator('body').textContent()).toContain(code);
    await context.close();
  });

  it('a training coordinator’s home shows today’s classes in their towns with a way into check-in', async () => {
    const context = await newContext(app.browser, app.url, PHONE);
    const page = await openPage(context, 'coordinator-home');
    await login(page, 'demo.trainer', DEMO_PASSWORD);
    await page.waitForURL((url) => url.pathname === '/');
    await page.getByTestId('coordinator-home').waitFor();
    // the demo runs two classes today in 洪绪镇 (other browser tests of the run may add their own)
    await expect.poll(() => page.locator('[data-testid^="coordinator-session-"]').count()).toBeGreaterThanOrEqual(2);
    await expect.poll(() => page.locator('[data-testid="coordinator-towns"] .indicator-card').count()).toBe(2);
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.locator('[data-testid^="coordinator-check-in-"]').first().click();
    await page.waitForURL(/\/sessions\/\d+\/check-in/);
    await context.close();
  });
});
