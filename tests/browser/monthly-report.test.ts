import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, hasChromium, hasHorizontalScroll, login, newContext, NO_CHROMIUM_REASON, openPage, PHONE, SCREENSHOTS, useBrowserApp } from '../support/browser';

/** Last month ('YYYY-MM') in Asia/Shanghai, the month the bureau closes. */
function lastMonth(): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  return new Date(Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)) - 2, 1)).toISOString().slice(0, 7);
}

describe.runIf(hasChromium)(`the monthly report in Chromium${hasChromium ? '' : ` (skipped: ${NO_CHROMIUM_REASON})`}`, () => {
  const app = useBrowserApp();

  it('the admin closes last month; its printable report reads at 1366 px and 360 px and prints on A4 without the app around it', async () => {
    const period = lastMonth();
    const context = await newContext(app.browser, app.url, { width: 1366, height: 768 });
    const page = await openPage(context, 'monthly-report');
    await login(page, 'admin', ADMIN_PASSWORD);
    await page.waitForURL((url) => url.pathname === '/');
    await page.goto('/reports');
    await page.getByTestId(`report-close-${period}`).click();
    await expect.poll(() => page.getByTestId(`report-status-${period}`).textContent()).toContain('第 1 版');

    await page.goto(`/reports/${period}/print?version=1`);
    const block = page.getByTestId('report-title-block');
    await block.waitFor();
    expect(await block.textContent()).toContain('滕州市商务局');
    expect(await block.textContent()).toContain('月度通报');
    expect(await page.getByTestId('report-version').textContent()).toContain('第 1 版');
    for (const id of ['report-summary', 'report-ranking', 'report-sections']) expect(await page.getByTestId(id).count()).toBe(1);
    await expect.poll(() => page.locator('[data-testid="report-ranking"] tbody tr').count()).toBe(21);
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'monthly-report-1366.png'), fullPage: true });

    // printed: no header, menu or toolbar; the title block stays; A4 pages, one section each
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.app-header').isVisible()).toBe(false);
    expect(await page.locator('.report-print__toolbar').isVisible()).toBe(false);
    expect(await block.isVisible()).toBe(true);
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    expect(pages).toBeGreaterThanOrEqual(3);
    await page.emulateMedia({ media: 'screen' });

    // on a phone: readable, no sideways scrolling of the page (wide tables scroll in their own box)
    await page.setViewportSize(PHONE);
    await page.reload();
    await block.waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'monthly-report-360.png'), fullPage: true });
    expect(await hasHorizontalScroll(page)).toBe(false);
    await context.close();
  });
});
