import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  DESKTOP,
  hasChromium,
  hasHorizontalScroll,
  login,
  menuEntries,
  newContext,
  NO_CHROMIUM_REASON,
  openPage,
  PHONE,
  pickOption,
  SCREENSHOTS,
  submitLogin,
  useBrowserApp,
} from '../support/browser';

describe.runIf(hasChromium)(`the web client in Chromium${hasChromium ? '' : ` (skipped: ${NO_CHROMIUM_REASON})`}`, () => {
  const app = useBrowserApp();

  // (Element Plus puts an el-input's data-testid on the <input> itself, an el-select's on its wrapper.)
  it('admin sees every menu entry, creates a training coordinator scoped to two towns, and logs out', async () => {
    const context = await newContext(app.browser, app.url);
    const page = await openPage(context, 'admin');
    await login(page, 'admin', ADMIN_PASSWORD);
    await expect.poll(() => menuEntries(page)).toEqual(['menu-home', 'menu-ledger', 'menu-regions', 'menu-stations', 'menu-station-quiet', 'menu-station-ranking', 'menu-group:training', 'menu-training-dashboard', 'menu-training', 'menu-training-trainees', 'menu-training-follow-up', 'menu-training-spot-check', 'menu-group:livestream', 'menu-livestream-dashboard', 'menu-livestream-hosts', 'menu-livestream-streams', 'menu-livestream-import', 'menu-livestream-bases', 'menu-livestream-leaderboard', 'menu-livestream-rule', 'menu-group:taobao', 'menu-taobao', 'menu-taobao-board', 'menu-taobao-import', 'menu-taobao-criteria', 'menu-group:courier', 'menu-courier-runs', 'menu-courier-import', 'menu-courier-coverage', 'menu-courier-costs', 'menu-courier-routes', 'menu-courier-planner', 'menu-courier-hubs', 'menu-targets', 'menu-reports', 'menu-users', 'menu-audit', 'menu-operations', 'menu-display-links', 'menu-notification-thresholds']);

    await page.getByTestId('menu-users').click();
    await page.getByTestId('users-create').click();
    await page.getByTestId('user-form-login').fill('zhao.peixun');
    await page.getByTestId('user-form-name').fill('赵培训');
    // the towns field appears once the role needs a scope
    await pickOption(page, 'user-form-role', '培训专员');
    for (const town of ['洪绪', '南沙河']) {
      await page.getByTestId('user-form-regions').click();
      await page.getByTestId('user-form-regions').locator('input').fill(town);
      await page.locator('.el-select-dropdown__item:visible', { hasText: town }).first().click();
    }
    await page.getByTestId('user-form-password').fill('Peixun#2026');
    await page.getByTestId('user-form-submit').click();
    // the login and password are shown once, to be handed over
    await expect.poll(() => page.getByTestId('password-reveal-value').textContent()).toBe('Peixun#2026');
    await page.getByTestId('password-reveal-close').click();
    await expect.poll(() => page.getByTestId('user-login-zhao.peixun').count()).toBe(1);

    await page.getByTestId('logout').click();
    await page.waitForURL(/\/login/);
    await context.close();
  }, 60_000);

  it('the coordinator sees only their entries, and a typed URL to the users page is refused', async () => {
    const context = await newContext(app.browser, app.url);
    const page = await openPage(context, 'coordinator');
    await login(page, 'zhao.peixun', 'Peixun#2026');
    // the password the admin chose must be replaced first, and not by a common one
    await page.getByTestId('current-password').fill('Peixun#2026');
    await page.getByTestId('new-password').fill('Password123!');
    await page.getByTestId('confirm-password').fill('Password123!');
    await page.getByTestId('change-password-submit').click();
    await expect.poll(() => page.getByTestId('change-password-error').textContent()).toContain('这是常见密码');
    await page.getByTestId('new-password').fill('MyOwn#2026');
    await page.getByTestId('confirm-password').fill('MyOwn#2026');
    await page.getByTestId('change-password-submit').click();
    await page.getByTestId('change-password-dialog').waitFor({ state: 'hidden' });
    await expect.poll(() => menuEntries(page)).toEqual(['menu-home', 'menu-regions', 'menu-stations', 'menu-group:training', 'menu-training-dashboard', 'menu-training', 'menu-training-trainees', 'menu-training-follow-up', 'menu-training-spot-check', 'menu-group:taobao', 'menu-taobao', 'menu-taobao-board', 'menu-targets']);
    // the group opens on a click and leads to its pages
    await page.getByTestId('menu-group:training').click();
    await page.getByTestId('menu-training-trainees').click();
    await page.waitForURL(/\/training\/trainees$/);
    await page.goto('/users');
    await page.waitForURL((url) => url.pathname === '/');
    await expect.poll(() => page.locator('.el-message').first().textContent()).toContain('无权');
    // the server refuses the data too, whatever the client shows
    const status = await page.evaluate(async () => (await fetch('/trpc/auth.users.list?input=%7B%7D')).status);
    expect(status).toBe(403);
    await context.close();
  }, 60_000);

  it('a wrong password reads in Chinese, and in English after switching the language', async () => {
    const context = await newContext(app.browser, app.url);
    const page = await openPage(context, 'language');
    await submitLogin(page, 'admin', 'not-the-password1');
    await expect.poll(() => page.getByTestId('login-error').textContent()).toContain('用户名或密码错误');
    await page.getByTestId('lang-en').click();
    // English messages are fetched on first use: type only once the page reads in English, as a person would
    await expect.poll(() => page.getByTestId('login-submit').textContent()).toContain('Log in');
    await page.getByTestId('login-name').fill('admin');
    await page.getByTestId('login-password').fill('not-the-password1');
    await page.getByTestId('login-submit').click();
    await expect.poll(() => page.getByTestId('login-error').textContent()).toContain('Wrong login name or password');
    await context.close();
  }, 60_000);

  it('at 360×740 the menu is a drawer, login and regions have no horizontal scroll; screenshots of regions are saved', async () => {
    const phone = await newContext(app.browser, app.url, PHONE);
    const page = await openPage(phone, 'phone');
    await page.goto('/login');
    expect(await hasHorizontalScroll(page)).toBe(false);
    await login(page, 'demo.staff', 'Demo@2026');
    await page.waitForURL((url) => url.pathname === '/');
    await expect(page.getByTestId('side-menu').isVisible()).resolves.toBe(false);
    await page.getByTestId('menu-toggle').click();
    await expect.poll(() => page.getByTestId('side-menu').isVisible()).toBe(true);
    await page.getByTestId('menu-regions').click();
    await page.waitForURL(/\/regions/);
    await expect.poll(() => page.getByTestId('side-menu').isVisible()).toBe(false);
    await page.getByTestId('region-node-370481101000').waitFor();
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'regions-phone.png'), fullPage: true });

    const desktop = await newContext(app.browser, app.url, DESKTOP);
    const wide = await openPage(desktop, 'desktop');
    await login(wide, 'demo.staff', 'Demo@2026');
    await wide.waitForURL((url) => url.pathname === '/');
    await wide.goto('/regions');
    await wide.getByTestId('regions-tree').waitFor();
    await expect.poll(() => wide.getByTestId('side-menu').isVisible()).toBe(true);
    // the county opens on arrival; a town shows its details and village count
    await wide.getByTestId('region-node-370481101000').click();
    await expect.poll(() => wide.getByTestId('region-detail').textContent()).toContain('洪绪镇');
    await wide.screenshot({ path: path.join(SCREENSHOTS, 'regions-desktop.png'), fullPage: true });
    expect(fs.statSync(path.join(SCREENSHOTS, 'regions-phone.png')).size).toBeGreaterThan(10_000);
    expect(fs.statSync(path.join(SCREENSHOTS, 'regions-desktop.png')).size).toBeGreaterThan(10_000);
    await phone.close();
    await desktop.close();
  }, 60_000);
});
