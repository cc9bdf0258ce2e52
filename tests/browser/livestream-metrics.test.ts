import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '@cuntong/seeds/demo';
import { ADMIN_PASSWORD, DESKTOP, hasChromium, hasHorizontalScroll, login, menuEntries, newContext, NO_CHROMIUM_REASON, openPage, PHONE, SCREENSHOTS, useBrowserApp } from '../support/browser';

/** A tRPC query from the page itself, with its session cookie: what the server says the user may see. */
const query = (page: Page, procedure: string, input: unknown) =>
  page.evaluate(
    async ([p, i]) => {
      const res = await fetch(i === null ? `/trpc/${p}` : `/trpc/${p}?input=${encodeURIComponent(JSON.stringify(i))}`);
      return (await res.json()).result.data;
    },
    [procedure, input] as const,
  );

const digits = (text: string | null) => Number((text ?? '').replace(/\D/g, ''));
const shanghai = (page: Page) => page.evaluate(() => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date()));

describe.runIf(hasChromium)(`the livestream dashboard, leaderboard and rule pages in Chromium${hasChromium ? '' : ` (skipped: ${NO_CHROMIUM_REASON})`}`, () => {
  const app = useBrowserApp();

  it('staff see active Taobao hosts against the target with pace and the monthly chart, at 360 px without sideways scrolling', async () => {
    // the dashboard heads the 直播 group; the rule page is the admin's
    const desktop = await newContext(app.browser, app.url, DESKTOP);
    const wide = await openPage(desktop, 'livestream-menu-staff');
    await login(wide, 'demo.staff', DEMO_PASSWORD);
    await wide.waitForURL((url) => url.pathname === '/');
    const menu = (await menuEntries(wide)).filter((key) => key?.startsWith('menu-livestream'));
    expect(menu[0]).toBe('menu-livestream-dashboard');
    expect(menu).toContain('menu-livestream-leaderboard');
    expect(menu).not.toContain('menu-livestream-rule');
    await desktop.close();

    const context = await newContext(app.browser, app.url, PHONE);
    const page = await openPage(context, 'livestream-dashboard-staff');
    await login(page, 'demo.staff', DEMO_PASSWORD);
    await page.waitForURL((url) => url.pathname === '/');

    await page.goto('/livestream/dashboard');
    await page.getByTestId('livestream-progress-card').waitFor();
    const today = await shanghai(page);
    const progress = await query(page, 'livestream.metrics.progress', { year: Number(today.slice(0, 4)) });
    await expect.poll(() => page.getByTestId('progress-active').textContent().then(digits)).toBe(progress.taobao.active);
    expect(digits(await page.getByTestId('progress-target').textContent())).toBe(progress.taobao.target);
    expect(digits(await page.getByTestId('progress-pace').textContent())).toBe(progress.taobao.pace);
    expect(digits(await page.getByTestId('progress-all').textContent())).toBe(progress.allPlatforms);
    expect(await page.getByTestId('progress-status').textContent()).toMatch(progress.taobao.status === 'behind' ? /落后进度/ : /进度正常/);
    await expect.poll(() => page.locator('[data-testid="active-by-month-card"] canvas').count()).toBeGreaterThan(0);
    const bases = await query(page, 'livestream.metrics.byBase', { month: today.slice(0, 7) });
    await expect.poll(() => page.locator('[data-testid="by-base-table"] .el-table__body tr').count()).toBe(bases.items.length);
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'livestream-dashboard-phone.png'), fullPage: true });
    await context.close();
  });

  it('a base manager’s leaderboard holds only their base’s hosts, and the rule page is closed to them', async () => {
    const context = await newContext(app.browser, app.url, PHONE);
    const page = await openPage(context, 'livestream-leaderboard-manager');
    await login(page, 'demo.live', DEMO_PASSWORD);
    await page.waitForURL((url) => url.pathname === '/');
    await page.goto('/livestream/leaderboard');
    await page.getByTestId('leaderboard-table').waitFor();
    const today = await shanghai(page);
    const mine = (await query(page, 'livestream.bases.options', null)) as { id: number }[];
    const board = await query(page, 'livestream.metrics.leaderboard', { month: today.slice(0, 7), by: 'gmv', page: 1, pageSize: 20 });
    for (const item of board.items) expect(mine.map((b) => b.id)).toContain(item.baseId);
    await expect.poll(() => page.locator('[data-testid="leaderboard-table"] .el-table__body tr').count()).toBe(board.items.length);
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'livestream-leaderboard-phone.png'), fullPage: true });

    await page.goto('/livestream/rule');
    await page.waitForURL((url) => url.pathname === '/');
    await context.close();
  });

  it('the admin adds a rule version from a date and sees it in force', async () => {
    const context = await newContext(app.browser, app.url, PHONE);
    const page = await openPage(context, 'livestream-rule-admin');
    await login(page, 'admin', ADMIN_PASSWORD);
    await page.waitForURL((url) => url.pathname === '/');
    await page.goto('/livestream/rule');
    await page.getByTestId('rule-table').waitFor();
    const before = (await query(page, 'livestream.metrics.rule.list', null)) as { version: number }[];
    await page.getByTestId('rule-add').click();
    await page.getByTestId('rule-streams').locator('input').fill('5');
    await page.getByTestId('rule-minutes').locator('input').fill('45');
    await expect.poll(() => page.getByTestId('rule-preview').textContent()).toContain('至少 5 场、每场至少 45 分钟');
    await page.getByTestId('rule-submit').click();
    const next = Math.max(...before.map((v) => v.version)) + 1;
    await expect.poll(() => page.locator('[data-testid="rule-table"] .el-table__body tr').count()).toBe(before.length + 1);
    const after = (await query(page, 'livestream.metrics.rule.list', null)) as { version: number; inForce: boolean; minStreams: number; minMinutes: number }[];
    expect(after[0]).toMatchObject({ version: next, inForce: true, minStreams: 5, minMinutes: 45 });
    expect(await page.locator('[data-testid="rule-table"] .el-table__body tr').first().textContent()).toContain(`v${next}`);
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'livestream-rule-phone.png'), fullPage: true });
    await context.close();
  });
});
