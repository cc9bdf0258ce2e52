import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '@cuntong/seeds/demo';
import { DESKTOP, hasChromium, hasHorizontalScroll, login, newContext, NO_CHROMIUM_REASON, openPage, SCREENSHOTS, useBrowserApp } from '../support/browser';

/** A phone as wide as the brief's (390 px). */
const PHONE_390 = { width: 390, height: 844 };

/** A tRPC query from the page itself, with its session cookie: what the server says the user may see. */
const query = (page: Page, procedure: string, input: unknown) =>
  page.evaluate(
    async ([p, i]) => {
      const res = await fetch(`/trpc/${p}?input=${encodeURIComponent(JSON.stringify(i))}`);
      return (await res.json()).result.data;
    },
    [procedure, input] as const,
  );

const digits = (text: string | null) => Number((text ?? '').replace(/\D/g, ''));

describe.runIf(hasChromium)(`the training dashboard and follow-up list in Chromium${hasChromium ? '' : ` (skipped: ${NO_CHROMIUM_REASON})`}`, () => {
  const app = useBrowserApp();

  it('staff see the year’s person-times against the target, pace and the funnel, on a phone without sideways scrolling', async () => {
    const context = await newContext(app.browser, app.url, PHONE_390);
    const page = await openPage(context, 'training-dashboard-staff');
    await login(page, 'demo.staff', DEMO_PASSWORD);
    await page.waitForURL((url) => url.pathname === '/');
    await page.goto('/training/dashboard');
    await page.getByTestId('progress-card').waitFor();

    const year = Number(await page.evaluate(() => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date())));
    const progress = await query(page, 'training.conversion.progress', { year });
    expect(progress.headline.personTimes).toBeGreaterThan(0); // the demo's year so far
    expect(progress.headline.target).toBe(1500);
    await expect.poll(() => page.getByTestId('progress-ytd').textContent().then(digits)).toBe(progress.headline.personTimes);
    expect(digits(await page.getByTestId('progress-target').textContent())).toBe(1500);
    expect(digits(await page.getByTestId('progress-pace').textContent())).toBe(progress.headline.pace);
    expect(digits(await page.getByTestId('progress-projection').textContent())).toBe(progress.headline.projection);
    expect(await page.getByTestId('progress-status').textContent()).toMatch(progress.headline.status === 'behind' ? /落后于时间进度/ : /进度正常/);
    expect(await page.getByTestId('progress-pace-marker').count()).toBe(1);

    // the funnel: a drawn chart and its stage figures, as the summary says
    const summary = await query(page, 'training.conversion.summary', { year });
    expect(summary.funnel.completed).toBeGreaterThan(0);
    await expect.poll(() => page.locator('[data-testid="funnel-chart"] canvas').count()).toBeGreaterThan(0);
    expect(digits(await page.getByTestId('funnel-completed').textContent())).toBe(summary.funnel.completed);
    expect(digits(await page.getByTestId('funnel-registered').textContent())).toBe(summary.funnel.registered);
    await expect.poll(() => page.locator('[data-testid="cut-table"] .el-table__body tr').count()).toBeGreaterThan(0);
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'training-dashboard-phone.png'), fullPage: true });
    await context.close();
  });

  it('the coordinator sees full mobiles as tel: links in the follow-up list; staff see them masked', async () => {
    const context = await newContext(app.browser, app.url, PHONE_390);
    const page = await openPage(context, 'training-follow-up-trainer');
    await login(page, 'demo.trainer', DEMO_PASSWORD);
    await page.waitForURL((url) => url.pathname === '/');
    await page.goto('/training/follow-up');
    await page.getByTestId('follow-up-table').waitFor();

    // the first stage with anyone to call in the coordinator's towns
    let stage: number | null = null;
    for (const s of [30, 90, 180]) {
      const list = await query(page, 'training.conversion.followUp.list', { filter: { stage: s }, pageSize: 1 });
      if (list.total > 0) {
        stage = s;
        break;
      }
    }
    expect(stage, 'the demo has someone for demo.trainer to call').not.toBeNull();
    await page.getByTestId(`follow-up-stage-${stage}`).click();
    const tel = page.locator('[data-testid="follow-up-table"] a[href^="tel:"]').first();
    await tel.waitFor();
    expect(await tel.textContent()).toMatch(/^1[3-9]\d{9}$/);
    expect(await tel.getAttribute('href')).toMatch(/^tel:1[3-9]\d{9}$/);
    expect(await page.locator('[data-testid="follow-up-table"] [data-testid="follow-up-mobile"]').allTextContents()).not.toContainEqual(expect.stringContaining('*'));
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'training-follow-up-phone.png'), fullPage: true });
    await context.close();

    const desk = await newContext(app.browser, app.url, DESKTOP);
    const wide = await openPage(desk, 'training-follow-up-staff');
    await login(wide, 'demo.staff', DEMO_PASSWORD);
    await wide.waitForURL((url) => url.pathname === '/');
    await wide.goto('/training/follow-up');
    await wide.getByTestId(`follow-up-stage-${stage}`).click();
    await expect.poll(() => wide.locator('[data-testid="follow-up-table"] [data-testid="follow-up-mobile"]').count()).toBeGreaterThan(0);
    expect(await wide.locator('[data-testid="follow-up-table"] a[href^="tel:"]').count()).toBe(0);
    for (const text of await wide.locator('[data-testid="follow-up-table"] [data-testid="follow-up-mobile"]').allTextContents()) expect(text).toMatch(/^\d{3}\*{4}\d{4}$/);
    await desk.close();
  });

  it('a spot-check sample is drawn again from its seed, with masked mobiles', async () => {
    const context = await newContext(app.browser, app.url, PHONE_390);
    const page = await openPage(context, 'training-spot-check');
    await login(page, 'demo.staff', DEMO_PASSWORD);
    await page.waitForURL((url) => url.pathname === '/');
    await page.goto('/training/spot-check');
    const seed = page.getByTestId('spot-check-seed');
    expect(await seed.inputValue()).toMatch(/^[a-z0-9]{8}$/); // pre-filled, shown, editable
    const names = () => page.locator('[data-testid="spot-check-table"] .el-table__body tr td:nth-child(2)').allTextContents();
    const draw = async (value: string) => {
      await seed.fill(value);
      await page.getByTestId('spot-check-generate').click();
      await expect.poll(() => page.getByTestId('spot-check-result').textContent()).toContain(value);
      await expect.poll(async () => (await names()).length).toBe(20);
      return names();
    };
    const first = await draw('audit-2026');
    const other = await draw('audit-2026-b');
    expect(other).not.toEqual(first);
    expect(await draw('audit-2026')).toEqual(first);
    for (const mobile of await page.locator('[data-testid="spot-check-table"] .el-table__body tr td:nth-child(3)').allTextContents()) expect(mobile).toMatch(/^\d{3}\*{4}\d{4}$/);
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'training-spot-check-phone.png'), fullPage: true });
    await context.close();
  });
});
