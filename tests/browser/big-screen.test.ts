import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, hasChromium, login, newContext, NO_CHROMIUM_REASON, openPage, SCREENSHOTS, useBrowserApp } from '../support/browser';

const WALL = { width: 1920, height: 1080 };

describe.runIf(hasChromium)(`the big screen in Chromium${hasChromium ? '' : ` (skipped: ${NO_CHROMIUM_REASON})`}`, () => {
  const app = useBrowserApp();

  it('shows the county at 1920×1080 through a display link, without scrollbars, and stops once the link is revoked', async () => {
    const admin = await newContext(app.browser, app.url);
    const page = await openPage(admin, 'display-links');
    await login(page, 'admin', ADMIN_PASSWORD);
    await page.waitForURL((url) => url.pathname === '/');
    await page.goto('/display-links');
    await page.getByTestId('display-link-create').click();
    await page.getByTestId('display-link-label').fill('服务中心大厅');
    await page.getByTestId('display-link-form-submit').click();
    const url = (await page.getByTestId('display-link-url').textContent())!.trim();
    expect(url).toMatch(/\/screen\/[A-Za-z0-9_-]{43}$/);

    // the wall: no login, the link is the key
    const wall = await newContext(app.browser, app.url, WALL);
    const screen = await openPage(wall, 'big-screen');
    await screen.goto(url);
    for (const key of ['training_person_times', 'active_hosts', 'station_activity', 'online_sales']) await screen.getByTestId(`big-kpi-${key}`).waitFor();
    await expect.poll(() => screen.locator('[data-testid="big-screen-tiles"] > div').count()).toBe(21);
    await expect.poll(() => screen.locator('.big-screen__chart canvas').count()).toBeGreaterThanOrEqual(4);
    expect(Number(await screen.getByTestId('today-check-ins').textContent())).toBeGreaterThanOrEqual(0);
    const scrolls = await screen.evaluate(() => ({ x: document.documentElement.scrollWidth > window.innerWidth, y: document.documentElement.scrollHeight > window.innerHeight }));
    expect(scrolls).toEqual({ x: false, y: false });
    // the tiles take the colour of another indicator on demand
    await screen.getByTestId('tile-switch-online_sales').click();
    await expect.poll(() => screen.getByTestId('tile-switch-online_sales').getAttribute('aria-checked')).toBe('true');
    await screen.screenshot({ path: path.join(SCREENSHOTS, 'big-screen-1920.png') });
    // no personal data on the wall: no mobile number anywhere in the page
    expect(await screen.locator('body').textContent()).not.toMatch(/1[3-9]\d{9}/);

    // revoked: the next load shows the notice, not the figures
    await page.reload();
    await page.locator('[data-testid^="display-link-revoke-"]').first().click();
    await page.locator('.el-popconfirm .el-button--primary').click();
    await expect.poll(() => page.locator('[data-testid="display-link-table"]').textContent()).toContain('已停用');
    await screen.reload();
    await screen.getByTestId('big-screen-blocked').waitFor();
    expect(await screen.getByTestId('big-screen-blocked').textContent()).toContain('停用');
    expect(await screen.locator('[data-testid^="big-kpi-"]').count()).toBe(0);
    await wall.close();
    await admin.close();
  });
});
