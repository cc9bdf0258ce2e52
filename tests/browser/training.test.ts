import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '@cuntong/seeds/demo';
import { hasChromium, hasHorizontalScroll, login, newContext, NO_CHROMIUM_REASON, openPage, PHONE, SCREENSHOTS, useBrowserApp } from '../support/browser';

/** A mainland mobile no demo trainee has: 139 and eight random digits. */
const freshMobile = () => `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;

/**
 * Pick an option of the Element Plus select (or time select) under this test id, until the select
 * shows it (a click while a dialog is still sliding in can miss), and wait for its list to close
 * (a time select's options repeat in the next one).
 */
async function choose(page: Page, testId: string, option: string) {
  const select = page.getByTestId(testId);
  const open = page.locator('.el-select-dropdown:visible');
  await expect
    .poll(async () => {
      if ((await select.textContent())?.includes(option)) return true;
      if (!(await open.count())) await select.click();
      await page.locator('.el-select-dropdown__item:visible', { hasText: option }).first().click({ timeout: 2_000 }).catch(() => {});
      return (await select.textContent())?.includes(option) ?? false;
    })
    .toBe(true);
  await expect.poll(() => open.count()).toBe(0);
}

describe.runIf(hasChromium)(`the training pages in Chromium${hasChromium ? '' : ` (skipped: ${NO_CHROMIUM_REASON})`}`, () => {
  const app = useBrowserApp();

  it('at 360×740 a coordinator plans a course and a session, checks in a walk-in by search, and a trainee checks in from the QR code without logging in', async () => {
    const context = await newContext(app.browser, app.url, PHONE);
    const page = await openPage(context, 'training-coordinator');
    await login(page, 'demo.trainer', DEMO_PASSWORD);
    await page.waitForURL((url) => url.pathname === '/');

    // a course in 洪绪镇, through the create dialog
    await page.goto('/training/courses');
    await page.getByTestId('courses-table').waitFor();
    const title = `直播带货实训班 ${Date.now().toString(36)}`;
    await page.getByTestId('courses-create').click();
    await page.getByTestId('course-form-title').fill(title);
    await choose(page, 'course-form-topic', '直播带货');
    await choose(page, 'course-form-town', '洪绪镇');
    await page.getByTestId('course-form-submit').click();
    await page.waitForURL(/\/training\/courses\/\d+$/);
    await expect.poll(() => page.getByTestId('course-detail-title').textContent()).toBe(title);
    expect(await hasHorizontalScroll(page)).toBe(false);

    // a session today that spans now
    await page.getByTestId('session-add').click();
    await choose(page, 'session-form-start', '00:00');
    await choose(page, 'session-form-end', '23:45');
    await page.getByTestId('session-form-submit').click();
    await expect.poll(() => page.getByTestId('course-session').count()).toBe(1);
    expect(await page.getByTestId('course-session-today').count()).toBe(1);
    await expect.poll(() => page.getByTestId('course-detail-rule').textContent()).toContain('1 / 1');

    // the course starts: its status changed in the edit dialog
    await page.getByTestId('course-edit').click();
    await choose(page, 'course-form-status', '进行中');
    await page.getByTestId('course-form-submit').click();
    await expect.poll(() => page.getByTestId('course-detail-status').textContent()).toBe('进行中');

    // the check-in screen: a walk-in registered and checked in at once
    await page.getByTestId('session-check-in').click();
    await page.waitForURL(/\/training\/sessions\/\d+\/check-in/);
    const sessionId = Number(new URL(page.url()).pathname.split('/')[3]);
    await expect.poll(() => page.getByTestId('checkin-count').getAttribute('data-count')).toBe('0');
    // the session has loaded (its course link above shifts the page down): only then tap
    await page.getByTestId('checkin-when').waitFor();
    // the check-in window is shown, and open: no warning
    await expect.poll(() => page.getByTestId('checkin-window').getAttribute('data-state')).toBe('open');
    expect(await page.getByTestId('checkin-window').textContent()).toMatch(/签到时间 \d{2}:\d{2}–\d{2}:\d{2}/);
    expect(await page.getByTestId('checkin-window-alert').count()).toBe(0);
    const name = '欧阳镜湖';
    const mobile = freshMobile();
    await page.getByTestId('checkin-walkin-open').click();
    await page.getByTestId('checkin-walkin-name').fill(name);
    await page.getByTestId('checkin-walkin-mobile').fill(mobile);
    await page.getByTestId('checkin-walkin-submit').click();
    await expect.poll(() => page.getByTestId('checkin-last').textContent()).toContain(`${name} 已签到`);
    await expect.poll(() => page.getByTestId('checkin-count').getAttribute('data-count')).toBe('1');

    // the same mobile typed with another name: nothing is done until confirmed, and only a masked name is shown
    await page.getByTestId('checkin-walkin-name').fill('欧阳静');
    await page.getByTestId('checkin-walkin-mobile').fill(mobile);
    await page.getByTestId('checkin-walkin-submit').click();
    await expect.poll(() => page.getByTestId('checkin-name-confirm').textContent()).toContain('欧***');
    expect(await page.getByTestId('checkin-name-confirm').textContent()).not.toContain(name);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'training-check-in-confirm-name.png'), fullPage: true });
    await page.getByTestId('checkin-name-confirm-yes').click();
    await expect.poll(() => page.getByTestId('checkin-name-confirm').count()).toBe(0);
    await expect.poll(() => page.getByTestId('checkin-last').textContent()).toContain('已签到过');
    expect(await page.getByTestId('checkin-count').getAttribute('data-count')).toBe('1');

    // found again by pinyin initials, already ticked; a second tap writes nothing and says so
    await page.getByTestId('checkin-search').fill('oyjh');
    const row = page.getByTestId('checkin-result').filter({ hasText: name });
    await expect.poll(() => row.getAttribute('data-checked')).toBe('true');
    expect(await row.textContent()).toMatch(/1\d{2}\*{4}\d{4}/);
    await row.click();
    await expect.poll(() => row.getByTestId('checkin-result-state').textContent()).toContain('已签到过');
    await expect.poll(() => page.getByTestId('checkin-last').textContent()).toContain(`${name} 已签到过`);
    expect(await page.getByTestId('checkin-count').getAttribute('data-count')).toBe('1');
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'training-check-in-phone.png'), fullPage: true });

    // the projector's QR code, pointing at the public page with the current token
    await page.goto(`/training/sessions/${sessionId}/qr`);
    await page.getByTestId('qr-canvas').waitFor({ state: 'visible' });
    await expect.poll(() => page.getByTestId('qr-url').getAttribute('data-url')).toMatch(/\/checkin\?t=\d+\.\d+\./);
    const checkInUrl = (await page.getByTestId('qr-url').getAttribute('data-url'))!;
    await expect.poll(() => page.getByTestId('qr-count').getAttribute('data-count')).toBe('1');
    await expect.poll(() => page.getByTestId('qr-window').getAttribute('data-state')).toBe('open');
    expect(await page.getByTestId('qr-window-alert').count()).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'training-qr.png'), fullPage: true });

    // a trainee's own phone, not logged in
    const phone = await newContext(app.browser, app.url, PHONE);
    const trainee = await openPage(phone, 'training-public-check-in');
    await trainee.goto(checkInUrl);
    await trainee.getByTestId('public-checkin-name').fill('李秀兰');
    await trainee.getByTestId('public-checkin-mobile').fill(freshMobile());
    expect(await trainee.getByTestId('public-checkin-mobile').getAttribute('inputmode')).toBe('tel');
    expect(await hasHorizontalScroll(trainee)).toBe(false);
    await trainee.getByTestId('public-checkin-submit').click();
    await expect.poll(() => trainee.getByTestId('public-checkin-success').textContent()).toContain(`签到成功：${title}`);
    expect(new URL(trainee.url()).pathname).toBe('/checkin');
    expect(await hasHorizontalScroll(trainee)).toBe(false);
    await trainee.screenshot({ path: path.join(SCREENSHOTS, 'training-public-check-in.png'), fullPage: true });

    // a forged token is refused with the server's words; the phone remembered who was typed
    await trainee.goto('/checkin?t=1.1.AAAAAAAAAAAAAAAAAAAAAA');
    await expect.poll(() => trainee.getByTestId('public-checkin-name').inputValue()).toBe('李秀兰');
    await trainee.getByTestId('public-checkin-mobile').fill(freshMobile());
    await trainee.getByTestId('public-checkin-submit').click();
    await expect.poll(() => trainee.getByTestId('public-checkin-error').textContent()).toContain('二维码无效');
    await phone.close();

    // the projector's count follows
    await expect.poll(() => page.getByTestId('qr-count').getAttribute('data-count')).toBe('2');

    // and the course list finds the course, with its session and both trainees
    await page.goto('/training/courses');
    await page.getByTestId('courses-search').fill(title);
    const listed = page.locator('[data-testid="courses-table"] .el-table__body tr').filter({ hasText: title });
    await expect.poll(() => listed.count()).toBe(1);
    expect(await listed.textContent()).toContain('洪绪镇');
    expect(await hasHorizontalScroll(page)).toBe(false);
    await context.close();
  }, 90_000);
});
