import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '@cuntong/seeds/demo';
import { hasChromium, hasHorizontalScroll, login, newContext, NO_CHROMIUM_REASON, openPage, PHONE, SCREENSHOTS, useBrowserApp } from '../support/browser';

/** The two widths the issue asks for: a phone and a common office screen. */
const WIDTHS = [PHONE, { width: 1366, height: 768 }] as const;

describe.runIf(hasChromium)(`Taobao village cultivation in Chromium${hasChromium ? '' : ` (skipped: ${NO_CHROMIUM_REASON})`}`, () => {
  const app = useBrowserApp();

  it.each(WIDTHS)('bureau staff at $width px: the candidates nearest the line first, a village’s answer and evidence, an action recorded, the board, the export', async (viewport) => {
    const context = await newContext(app.browser, app.url, viewport);
    const page = await openPage(context, `taobao-${viewport.width}`);
    await login(page, 'demo.staff', DEMO_PASSWORD);
    await page.goto('/taobao/candidates');
    const rows = page.getByTestId('taobao-row');
    await expect.poll(() => rows.count()).toBeGreaterThan(10);
    // the demo's qualifying village comes first, its bars full; the others show what they lack
    await expect.poll(() => page.locator('[data-testid="taobao-candidates-table"] .el-table__body tr').first().textContent()).toContain('已达标');
    expect(await page.getByTestId('taobao-gap-bars').count()).toBeGreaterThan(10);
    expect(await page.getByTestId('taobao-sparkline').count()).toBeGreaterThan(10);
    expect(await page.getByTestId('taobao-evidence').first().textContent()).toContain('学员开店');
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, `taobao-candidates-${viewport.width}.png`), fullPage: true });

    if (viewport.width > 1000) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-excel').click()]);
      expect(download.suggestedFilename()).toMatch(/^taobao-candidates-\d{4}.*\.xlsx$/);
    }

    // the second row: a village near the line, with its gaps, projection, chart and evidence
    const code = await rows.nth(1).getAttribute('data-code');
    await rows.nth(1).click();
    await page.getByTestId('taobao-place').waitFor();
    await page.getByTestId('taobao-place-answer').waitFor();
    await page.getByTestId('taobao-place-evidence').waitFor();
    await expect.poll(() => page.locator('[data-testid="taobao-place-chart"] canvas').count()).toBeGreaterThan(0);
    expect(page.url()).toContain(`/taobao/places/${code}`);
    const note = `走访-${viewport.width}`;
    await page.getByTestId('taobao-action-note').fill(note);
    await page.getByTestId('taobao-action-add').click();
    await expect.poll(() => page.getByTestId('taobao-place-actions').textContent()).toContain(note);
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, `taobao-place-${viewport.width}.png`), fullPage: true });

    // the board: five stages, the demo's candidates on it, this village among them now
    await page.goto('/taobao/board');
    await expect.poll(() => page.getByTestId('taobao-board-column').count()).toBe(5);
    await expect.poll(() => page.locator(`[data-testid="taobao-board-card"][data-code="${code}"]`).count()).toBe(1);
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, `taobao-board-${viewport.width}.png`), fullPage: true });
    await context.close();
  });

  it('a coordinator sees only their towns’ villages, and a 街道 that would qualify is marked not eligible for the bureau', async () => {
    const context = await newContext(app.browser, app.url, PHONE);
    const page = await openPage(context, 'taobao-coordinator');
    await login(page, 'demo.trainer', DEMO_PASSWORD);
    await page.goto('/taobao/candidates');
    await expect.poll(() => page.getByTestId('taobao-row').count()).toBeGreaterThan(0);
    const towns = await page.getByTestId('taobao-row').evaluateAll((els) => els.map((e) => e.querySelector('.taobao-muted')?.textContent?.trim()));
    expect(new Set(towns)).toEqual(new Set(['洪绪镇', '南沙河镇']));
    expect(await hasHorizontalScroll(page)).toBe(false);
    await context.close();

    const desk = await newContext(app.browser, app.url, { width: 1366, height: 768 });
    const wide = await openPage(desk, 'taobao-towns');
    await login(wide, 'demo.staff', DEMO_PASSWORD);
    const year = new Date().getUTCMonth() >= 6 ? new Date().getUTCFullYear() : new Date().getUTCFullYear() - 1;
    await wide.goto(`/taobao/candidates?level=town&year=${year}`);
    const jinghe = wide.locator('[data-testid="taobao-row"][data-code="370481001000"]');
    await expect.poll(() => jinghe.count()).toBe(1);
    const row = wide.locator('[data-testid="taobao-candidates-table"] .el-table__body tr', { has: jinghe });
    expect(await row.textContent()).toContain('不符合参评条件');
    const dawu = wide.locator('[data-testid="taobao-candidates-table"] .el-table__body tr', { has: wide.locator('[data-code="370481103000"]') });
    expect(await dawu.textContent()).toContain('已达标');
    await desk.close();
  });
});
