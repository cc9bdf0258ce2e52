import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '@cuntong/seeds/demo';
import { ADMIN_PASSWORD, exported, hasChromium, hasHorizontalScroll, login, newContext, NO_CHROMIUM_REASON, openPage, PHONE, SCREENSHOTS, useBrowserApp } from '../support/browser';

/** The two widths the issue asks for: a common office screen and a phone. */
const DESK = { width: 1366, height: 768 };
/** The operator of 洪绪镇's town station, so the staff of 洪绪镇快递共配站 (courier.demo.ts). */
const HUB_STAFF = 'zhan.hongxu';
const HONGXU_HUB = '洪绪镇快递共配站';

/** A Shanghai calendar day n days from today, as the server counts days. */
const shanghaiDay = (n: number) => new Date(Date.now() + 8 * 3_600_000 + n * 86_400_000).toISOString().slice(0, 10);

/** The editor's stops, in the order shown: their station ids. */
const stopOrder = (page: Page) => page.getByTestId('courier-route-stop').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-station-id'))));

/**
 * Press on `handle`, move slowly as a hand would, and let go over the lower half of `target`. The list
 * slides each stop aside (150 ms) and ignores the pointer while it does: small steps with pauses.
 */
async function drag(page: Page, handle: Locator, target: Locator): Promise<void> {
  // in the middle of the screen: near an edge the list scrolls the page under the pointer
  await handle.evaluate((el) => el.scrollIntoView({ block: 'center', behavior: 'instant' }));
  await page.waitForTimeout(200);
  const from = (await handle.boundingBox())!;
  const to = (await target.boundingBox())!;
  const x = from.x + from.width / 2;
  const [y0, y1] = [from.y + from.height / 2, to.y + to.height * 0.8];
  await page.mouse.move(x, y0);
  await page.mouse.down();
  for (let y = y0; y < y1; y += 6) {
    await page.mouse.move(x, y);
    await page.waitForTimeout(40);
  }
  await page.mouse.move(x, y1);
  await page.waitForTimeout(400);
  await page.mouse.up();
}

/** Open a route of the list in its editor, by name, and wait for its stops and its plot. */
async function openRoute(page: Page, name: string): Promise<void> {
  await page.goto('/courier/routes');
  const row = page.getByTestId('courier-route-row').filter({ hasText: name });
  await expect.poll(() => row.count()).toBe(1);
  await row.click();
  await page.waitForURL(/\/courier\/routes\/\d+$/);
  await expect.poll(() => page.getByTestId('courier-route-stop').count()).toBeGreaterThan(3);
  await expect.poll(() => page.locator('[data-testid="courier-route-plot"] canvas').count()).toBeGreaterThan(0);
}

describe.runIf(hasChromium)(`courier set-up pages in Chromium${hasChromium ? '' : ` (skipped: ${NO_CHROMIUM_REASON})`}`, () => {
  const app = useBrowserApp();

  // Each width edits its own route of 官桥镇's hub, so the two runs do not replace each other's version.
  it.each([
    { viewport: DESK, route: '官桥镇1号线' },
    { viewport: PHONE, route: '官桥镇2号线' },
  ])('the admin at $viewport.width px: hubs, a hub with its vehicles, the routes, $route in the editor moved and saved from tomorrow', async ({ viewport, route }) => {
    const context = await newContext(app.browser, app.url, viewport);
    const page = await openPage(context, `courier-setup-${viewport.width}`);
    await login(page, 'admin', ADMIN_PASSWORD);

    // 共配中心: the demo's three hubs with their carriers today, and the county's carriers below
    await page.goto('/courier/hubs');
    const hubs = page.getByTestId('courier-hub-row');
    await expect.poll(() => hubs.count()).toBeGreaterThanOrEqual(3);
    expect(await hubs.allTextContents()).toEqual(expect.arrayContaining(['滕州市快递共配中心', HONGXU_HUB, '官桥镇快递共配站']));
    expect(await page.getByTestId('courier-hub-carriers').first().textContent()).toContain('中通');
    await expect.poll(() => page.getByTestId('courier-carrier').count()).toBeGreaterThanOrEqual(8);
    expect(await page.getByTestId('courier-hub-create').isVisible()).toBe(true);
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, `courier-hubs-${viewport.width}.png`), fullPage: true });
    if (viewport === DESK) {
      const sheet = await exported(page);
      expect(sheet.filename).toMatch(/^courier-hubs.*\.xlsx$/);
      expect(sheet.rows[0]).toEqual(['共配中心', '所在站点', '所在镇街', '今日参与的快递公司', '车辆', '线路', '状态']);
      expect(sheet.rows.slice(1).map((r) => r[0])).toEqual(expect.arrayContaining(['滕州市快递共配中心', HONGXU_HUB, '官桥镇快递共配站']));
      expect(String(sheet.rows.find((r) => r[0] === HONGXU_HUB)![3])).toContain('中通、');
    }

    // one hub: its carriers from a day, five vehicles with their drivers (the bureau sees the mobile whole), its routes
    await hubs.filter({ hasText: HONGXU_HUB }).click();
    await page.waitForURL(/\/courier\/hubs\/\d+$/);
    await expect.poll(() => page.getByTestId('courier-hub-name').textContent()).toContain(HONGXU_HUB);
    await expect.poll(() => page.getByTestId('courier-vehicle-row').count()).toBe(5);
    expect(await page.getByTestId('courier-vehicle-mobile').first().textContent()).toMatch(/^1[3-9]\d{9}$/);
    // 京东 joined 洪绪 six weeks ago: its period shows from that day
    expect(await page.getByTestId('courier-hub-carrier-periods').textContent()).toContain('京东');
    await expect.poll(() => page.getByTestId('courier-hub-route').count()).toBeGreaterThan(1);
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, `courier-hub-${viewport.width}.png`), fullPage: true });
    if (viewport === DESK) {
      const sheet = await exported(page, 'courier-hub-vehicles');
      expect(sheet.rows).toHaveLength(1 + 5);
      expect(sheet.rows[0]!.slice(0, 3)).toEqual(['共配中心', '车牌', '车型']);
      expect(sheet.rows.slice(1).every((r) => r[0] === HONGXU_HUB && /^1[3-9]\d{9}$/.test(String(r[6])))).toBe(true);
    }

    // 线路: every hub's routes, their days as chips (one of the demo's runs four days a week)
    await page.goto('/courier/routes');
    await expect.poll(() => page.getByTestId('courier-route-row').count()).toBeGreaterThan(10);
    const days = await page.getByTestId('courier-weekdays').evaluateAll((els) => els.map((e) => e.getAttribute('data-days')));
    expect(days).toContain('1,2,3,4,5,6,7');
    expect(days).toContain('1,3,5,6');
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, `courier-routes-${viewport.width}.png`), fullPage: true });
    if (viewport === DESK) {
      const sheet = await exported(page);
      expect(sheet.rows.length).toBe(1 + (await page.getByTestId('courier-route-row').count()));
      expect(sheet.rows.map((r) => r[3])).toContain('一、三、五、六');
    }

    // the editor: the stops in order beside their plot
    await openRoute(page, route);
    const before = await stopOrder(page);
    const seqs = await page.getByTestId('courier-route-stop').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))));
    expect(seqs).toEqual(before.map((_id, i) => i + 1));
    expect(Number(await page.getByTestId('courier-route-plot').getAttribute('data-points'))).toBe(before.length);

    // move the first stop down two places: by dragging its handle on the desk, by the buttons on the phone
    const expected = [before[1], before[2], before[0], ...before.slice(3)];
    if (viewport === DESK) {
      const stops = page.getByTestId('courier-route-stop');
      await drag(page, stops.nth(0).locator('[data-drag-handle]'), stops.nth(2));
    } else {
      await page.getByTestId('courier-route-stop-down').nth(0).click();
      await page.getByTestId('courier-route-stop-down').nth(1).click();
    }
    await expect.poll(() => stopOrder(page)).toEqual(expected);
    expect(await page.getByTestId('courier-route-dirty').isVisible()).toBe(true);

    // a day already run is refused, in the server's words; tomorrow is taken
    const effective = page.getByTestId('courier-route-effective');
    await effective.fill(shanghaiDay(-1));
    await page.getByTestId('courier-route-save').click();
    await expect.poll(() => page.getByTestId('courier-route-save-error').textContent()).toContain('只能从今天');
    const tomorrow = shanghaiDay(1);
    await effective.fill(tomorrow);
    await page.getByTestId('courier-route-save').click();
    await expect.poll(() => page.locator('.el-message--success').first().textContent()).toContain(tomorrow);
    await expect.poll(() => page.getByTestId('courier-route-version').first().getAttribute('data-from')).toBe(tomorrow);
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, `courier-route-editor-${viewport.width}.png`), fullPage: true });

    // reloaded, the editor starts from the latest version: the new order, from tomorrow, scheduled
    await page.reload();
    await expect.poll(() => page.getByTestId('courier-route-stop').count()).toBe(before.length);
    expect(await stopOrder(page)).toEqual(expected);
    const latest = page.getByTestId('courier-route-version').first();
    expect(await latest.getAttribute('data-from')).toBe(tomorrow);
    expect(await latest.textContent()).toContain('待生效');
    expect(await latest.textContent()).toContain('正在显示');
    // the version in force today still has the old order
    const inForce = page.getByTestId('courier-route-version').filter({ hasText: '现行' });
    expect(await inForce.locator('.route-version__stops').textContent()).not.toBe(await latest.locator('.route-version__stops').textContent());
    expect(await hasHorizontalScroll(page)).toBe(false);
    await context.close();
  }, 120_000);

  it('the staff of 洪绪镇’s hub see their hub only, with masked mobiles, and cannot change a thing', async () => {
    const context = await newContext(app.browser, app.url, PHONE);
    const page = await openPage(context, 'courier-setup-hub-staff');
    await login(page, HUB_STAFF, DEMO_PASSWORD);

    await page.goto('/courier/hubs');
    const hubs = page.getByTestId('courier-hub-row');
    await expect.poll(() => hubs.count()).toBe(1);
    expect(await hubs.textContent()).toBe(HONGXU_HUB);
    expect(await page.getByTestId('courier-hub-create').count()).toBe(0);
    expect(await page.getByTestId('courier-carrier-create').count()).toBe(0);
    expect(await page.getByTestId('courier-carrier-edit').count()).toBe(0);
    expect(await page.locator('[data-testid="courier-carrier-active"].is-disabled').count()).toBe(await page.getByTestId('courier-carrier').count());
    expect(await hasHorizontalScroll(page)).toBe(false);

    await hubs.click();
    await page.waitForURL(/\/courier\/hubs\/\d+$/);
    const ownId = Number(new URL(page.url()).pathname.split('/').at(-1));
    await expect.poll(() => page.getByTestId('courier-vehicle-row').count()).toBe(5);
    // ... in their export too
    const sheet = await exported(page, 'courier-hub-vehicles');
    expect(sheet.rows.slice(1).every((r) => /^1\d{2}\*{4}\d{4}$/.test(String(r[6])))).toBe(true);
    // a driver's mobile is personal: masked for everyone but the bureau
    expect(await page.getByTestId('courier-vehicle-mobile').first().textContent()).toMatch(/^1\d{2}\*{4}\d{4}$/);
    for (const action of ['courier-hub-edit', 'courier-hub-carrier-add', 'courier-hub-carrier-end', 'courier-vehicle-create', 'courier-vehicle-edit', 'courier-hub-route-create']) {
      expect(await page.getByTestId(action).count(), action).toBe(0);
    }
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'courier-hub-staff-360.png'), fullPage: true });

    // another hub is not theirs: refused, in words
    await page.goto(`/courier/hubs/${ownId === 1 ? 2 : 1}`);
    await expect.poll(() => page.getByTestId('courier-hub').getByRole('alert').textContent()).toContain('无权');
    expect(await page.getByTestId('courier-vehicle-row').count()).toBe(0);

    // their hub's routes only, and no new route
    await page.goto('/courier/routes');
    await expect.poll(() => page.getByTestId('courier-route-row').count()).toBeGreaterThan(1);
    const rows = page.getByTestId('courier-routes-table').locator('.el-table__body .el-table__row');
    expect(new Set((await rows.allTextContents()).map((text) => text.includes(HONGXU_HUB)))).toEqual(new Set([true]));
    expect(await page.getByTestId('courier-route-create').count()).toBe(0);

    // the editor reads: stops, times and the plot, but no handles, buttons or save
    await openRoute(page, '洪绪镇1号线');
    expect(await page.getByTestId('courier-route-readonly').isVisible()).toBe(true);
    for (const control of ['courier-route-save', 'courier-route-new-version', 'courier-route-add-stop', 'courier-route-stop-up', 'courier-route-stop-down', 'courier-route-stop-remove', 'courier-route-estimate']) {
      expect(await page.getByTestId(control).count(), control).toBe(0);
    }
    expect(await page.locator('[data-drag-handle]').count()).toBe(0);
    expect(await page.getByTestId('courier-route-depart').isDisabled()).toBe(true);
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'courier-route-editor-hub-staff-360.png'), fullPage: true });
    await context.close();
  }, 90_000);
});
