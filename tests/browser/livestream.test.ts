import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '@cuntong/seeds/demo';
import { ADMIN_PASSWORD, DESKTOP, hasChromium, hasHorizontalScroll, login, newContext, NO_CHROMIUM_REASON, openPage, PHONE, pickOption, SCREENSHOTS, useBrowserApp } from '../support/browser';

const MASKED_MOBILE = /^1\d{2}\*{4}\d{4}$/;

describe.runIf(hasChromium)(`the livestream pages in Chromium${hasChromium ? '' : ` (skipped: ${NO_CHROMIUM_REASON})`}`, () => {
  const app = useBrowserApp();

  it('at 360 px a base manager enters a stream on the phone form, sees it in the list, and a second send records nothing more', async () => {
    const context = await newContext(app.browser, app.url, PHONE);
    const page = await openPage(context, 'livestream-entry');
    // demo.live manages the demo's biggest base (server/src/modules/livestream/livestream.demo.ts)
    await login(page, 'demo.live', DEMO_PASSWORD);
    await page.waitForURL((url) => url.pathname === '/');

    // the host list of their base: masked mobiles, no sideways scroll
    await page.goto('/livestream/hosts');
    const mobiles = page.getByTestId('host-row-mobile');
    await expect.poll(() => mobiles.count()).toBeGreaterThan(5);
    for (const text of await mobiles.allTextContents()) expect(text.trim()).toMatch(MASKED_MOBILE);
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'livestream-hosts-phone.png'), fullPage: true });

    // the phone form: pick the first host offered
    await page.goto('/livestream/streams/new');
    await page.getByTestId('stream-entry-host').click();
    const firstHost = page.locator('.el-select-dropdown__item:visible').first();
    await firstHost.waitFor();
    const hostLabel = (await firstHost.textContent())!.trim();
    const hostName = hostLabel.split(' · ')[0];
    await pickOption(page, 'stream-entry-host', hostLabel);
    await page.getByTestId('stream-entry').getByText('拼多多', { exact: true }).click();
    await page.getByTestId('stream-entry-date').fill('2026-01-05');
    await page.getByTestId('stream-entry-time').fill('06:07');
    await page.getByTestId('stream-entry-duration').fill('83');
    await page.getByTestId('stream-entry-viewers').fill('456');
    await page.getByTestId('stream-entry-orders').fill('12');
    await page.getByTestId('stream-entry-gmv').fill('1,234.5');
    await page.getByTestId('stream-entry-farm').click();
    await page.getByTestId('stream-entry-products').fill('马铃薯');
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'livestream-stream-entry-phone.png'), fullPage: true });
    await page.getByTestId('stream-entry-submit').click();
    const result = page.getByTestId('stream-entry-result');
    await expect.poll(() => result.getAttribute('data-status')).toBe('created');
    expect(await page.getByTestId('stream-entry-summary').textContent()).toContain('2026-01-05 06:07');

    // the same stream again (a retry on a weak signal): it says so, and nothing is added
    await page.getByTestId('stream-entry-another').click();
    await page.getByTestId('stream-entry-time').fill('06:07');
    await page.getByTestId('stream-entry-duration').fill('83');
    await page.getByTestId('stream-entry-submit').click();
    await expect.poll(() => result.getAttribute('data-status')).toBe('exists');

    // the list, narrowed to that day and platform: exactly the one stream
    await page.getByTestId('stream-entry-list').click();
    await page.waitForURL(/\/livestream\/streams$/);
    await pickOption(page, 'streams-filter-platform', '拼多多');
    const rows = page.getByTestId('stream-row');
    await expect.poll(async () => (await rows.allTextContents()).filter((text) => text.includes('2026-01-05 06:07')).length).toBe(1);
    const row = page.locator('[data-testid="streams-table"] .el-table__body tr', { has: page.getByTestId('stream-row').filter({ hasText: '2026-01-05 06:07' }) });
    expect(await row.first().textContent()).toContain(hostName);
    await expect.poll(() => page.getByTestId('stream-row-gmv').allTextContents()).toContain('1,234.50');
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'livestream-streams-phone.png'), fullPage: true });

    // a typo corrected through the same form
    await row.first().getByTestId('stream-edit').click();
    await page.waitForURL(/\/livestream\/streams\/\d+\/edit$/);
    await expect.poll(() => page.getByTestId('stream-entry-gmv').inputValue()).toBe('1234.50');
    expect(await page.getByTestId('stream-entry-time').inputValue()).toBe('06:07');
    await page.getByTestId('stream-entry-gmv').fill('2000');
    await page.getByTestId('stream-entry-submit').click();
    await page.waitForURL(/\/livestream\/streams$/);
    await pickOption(page, 'streams-filter-platform', '拼多多');
    await expect.poll(() => row.first().getByTestId('stream-row-gmv').textContent()).toBe('2,000.00');

    // the host's profile from the row: details, accounts, the trainee card
    await row.first().getByTestId('stream-row-host').click();
    await page.waitForURL(/\/livestream\/hosts\/\d+$/);
    await expect.poll(() => page.getByTestId('host-profile-name').textContent()).toBe(hostName);
    await page.getByTestId('host-trainee').waitFor();
    await page.getByTestId('host-month-trend').waitFor();
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'livestream-host-profile-phone.png'), fullPage: true });
    await context.close();
  }, 90_000);

  it('an admin creates a base, then a base manager scoped to it in the users form; the manager sees only that base', async () => {
    const context = await newContext(app.browser, app.url, DESKTOP);
    const page = await openPage(context, 'livestream-base-manager');
    await login(page, 'admin', ADMIN_PASSWORD);
    await page.waitForURL((url) => url.pathname === '/');

    await page.goto('/livestream/bases');
    await page.getByTestId('bases-create').click();
    await page.getByTestId('base-form-name').fill('界河镇直播基地（测试）');
    await pickOption(page, 'base-form-town', '界河镇');
    await page.getByTestId('base-form-address').fill('界河镇驻地');
    await page.getByTestId('base-form-submit').click();
    await expect.poll(() => page.getByTestId('base-row').filter({ hasText: '界河镇直播基地（测试）' }).count()).toBe(1);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'livestream-bases-desktop.png'), fullPage: true });

    await page.goto('/users');
    await page.getByTestId('users-create').click();
    await page.getByTestId('user-form-login').fill('jiehe.base');
    await page.getByTestId('user-form-name').fill('界河负责人');
    await pickOption(page, 'user-form-role', '直播基地负责人');
    await page.getByTestId('user-form-bases').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: '界河镇直播基地（测试）' }).first().click();
    await page.getByTestId('user-form-password').fill('Jiehe#2026');
    await page.getByTestId('user-form-submit').click();
    await expect.poll(() => page.getByTestId('password-reveal-value').textContent()).toBe('Jiehe#2026');
    await page.getByTestId('password-reveal-close').click();
    await page.getByTestId('logout').click();
    await page.waitForURL(/\/login/);

    await login(page, 'jiehe.base', 'Jiehe#2026');
    await page.getByTestId('current-password').fill('Jiehe#2026');
    await page.getByTestId('new-password').fill('Jiehe#2027');
    await page.getByTestId('confirm-password').fill('Jiehe#2027');
    await page.getByTestId('change-password-submit').click();
    await page.getByTestId('change-password-dialog').waitFor({ state: 'hidden' });
    await page.goto('/livestream/bases');
    await expect.poll(() => page.getByTestId('base-row').allTextContents()).toEqual(['界河镇直播基地（测试）']);
    // managers do not set up bases
    expect(await page.getByTestId('bases-create').count()).toBe(0);
    await context.close();
  }, 90_000);
});
