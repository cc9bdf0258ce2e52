import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '@cuntong/seeds/demo';
import { DESKTOP, hasChromium, hasHorizontalScroll, login, newContext, NO_CHROMIUM_REASON, openPage, pickOption, SCREENSHOTS, useBrowserApp } from '../support/browser';

/** The narrow phone the trainee pages are made for. */
const PHONE_390 = { width: 390, height: 844 };
const FULL_MOBILE = /(?<!\d)1[3-9]\d{9}(?!\d)/;
const MASKED_MOBILE = /^1\d{2}\*{4}\d{4}$/;

describe.runIf(hasChromium)(`the trainee pages in Chromium${hasChromium ? '' : ` (skipped: ${NO_CHROMIUM_REASON})`}`, () => {
  const app = useBrowserApp();

  it('at 390 px a coordinator lists trainees with masked mobiles, opens a profile, records an outcome and merges a demo duplicate pair', async () => {
    const context = await newContext(app.browser, app.url, PHONE_390);
    const page = await openPage(context, 'training-trainees');
    await login(page, 'demo.trainer', DEMO_PASSWORD);
    await page.waitForURL((url) => url.pathname === '/');

    // the list: masked mobiles only, no sideways scroll
    await page.goto('/training/trainees');
    const mobiles = page.getByTestId('trainee-row-mobile');
    await expect.poll(() => mobiles.count()).toBeGreaterThan(5);
    for (const text of await mobiles.allTextContents()) expect(text.trim()).toMatch(MASKED_MOBILE);
    expect(await page.getByTestId('trainees-table').textContent()).not.toMatch(FULL_MOBILE);
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'training-trainees-phone.png'), fullPage: true });

    // filtered by tag, then a profile with its course history
    await pickOption(page, 'trainees-filter-tag', '返乡青年');
    const rows = page.locator('[data-testid="trainees-table"] .el-table__body tr');
    await expect.poll(async () => (await rows.count()) > 0 && (await rows.filter({ hasNotText: '返乡青年' }).count()) === 0).toBe(true);
    const first = page.getByTestId('trainee-row').first();
    const name = (await first.textContent())!.trim();
    await first.click();
    await page.waitForURL(/\/training\/trainees\/\d+$/);
    await expect.poll(() => page.getByTestId('trainee-profile-name').textContent()).toBe(name);
    await expect.poll(() => page.getByTestId('trainee-history-course').count()).toBeGreaterThan(0);
    expect(await hasHorizontalScroll(page)).toBe(false);

    // an outcome through the dialog
    const outcomesBefore = await page.getByTestId('trainee-outcome').count();
    await page.getByTestId('trainee-record-outcome').click();
    await pickOption(page, 'trainee-outcome-kind', '开设网店');
    await page.getByTestId('trainee-outcome-platform').fill('抖音');
    await page.getByTestId('trainee-outcome-evidence').fill('电话回访');
    await page.getByTestId('trainee-outcome-submit').click();
    await expect.poll(() => page.getByTestId('trainee-outcome').count()).toBe(outcomesBefore + 1);
    expect(await page.getByTestId('trainee-outcomes').textContent()).toContain('开设网店');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'training-trainee-profile-phone.png'), fullPage: true });

    // the duplicates page, from the list: a demo pair (one of them registered under a 136… mobile)
    await page.goto('/training/trainees');
    await page.getByTestId('trainees-duplicates-link').click();
    await page.waitForURL(/\/training\/trainees\/duplicates$/);
    const groups = page.getByTestId('duplicate-group');
    await expect.poll(() => groups.count()).toBeGreaterThan(0);
    const groupsBefore = await groups.count();
    const pair = groups.filter({ has: page.getByTestId('duplicate-member-mobile').filter({ hasText: /^\s*136/ }) }).first();
    const key = await pair.getAttribute('data-key');
    const members = pair.getByTestId('duplicate-member');
    expect(await members.count()).toBeGreaterThanOrEqual(2);
    for (const text of await pair.getByTestId('duplicate-member-mobile').allTextContents()) expect(text.trim()).toMatch(MASKED_MOBILE);
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'training-trainee-duplicates-phone.png'), fullPage: true });

    // keep the 136… one, merge the other into it
    const kept = members.filter({ has: page.getByTestId('duplicate-member-mobile').filter({ hasText: /^\s*136/ }) }).first();
    const keptId = Number(await kept.getAttribute('data-id'));
    const attendance = async (member: typeof kept) => Number((await member.getByTestId('duplicate-member-attendance').textContent())!.replace(/\D/g, ''));
    const other = members.filter({ hasNot: page.getByTestId('duplicate-member-mobile').filter({ hasText: /^\s*136/ }) }).first();
    const total = (await attendance(kept)) + (await attendance(other));
    await kept.getByTestId('duplicate-keep').click();
    await expect.poll(() => kept.getAttribute('class')).toContain('duplicate-member--kept');
    await pair.getByTestId('duplicate-merge').click();
    const confirm = page.getByTestId('duplicate-confirm');
    await expect.poll(() => confirm.textContent()).toContain('合并');
    await page.getByTestId('duplicate-confirm-merge').click();
    await expect.poll(() => page.locator(`[data-testid="duplicate-group"][data-key="${key}"]`).count()).toBe(0);
    expect(await groups.count()).toBe(groupsBefore - 1);

    // the kept trainee now holds both mobiles (shown in full to this coordinator of their town) and the attendance
    await page.goto(`/training/trainees/${keptId}`);
    await expect.poll(async () => (await page.getByTestId('trainee-profile-other-mobiles').textContent()) ?? '').toMatch(FULL_MOBILE);
    expect(await page.getByTestId('trainee-profile-mobile').textContent()).toMatch(/^\s*136\d{8}\s*$/);
    const sessions = await page.locator('.trainee-history__sessions li').count();
    expect(sessions).toBeLessThanOrEqual(total);
    expect(sessions).toBeGreaterThanOrEqual(total - 1); // a session attended under both mobiles is kept once

    // corrected through the edit dialog: a tag added
    const tags = async () => (await page.locator('.trainee-profile__heading').textContent()) ?? '';
    const hadVeteran = (await tags()).includes('退役军人');
    await page.getByTestId('trainee-edit').click();
    await page.getByTestId('trainee-edit-tags').getByText('退役军人').click();
    await page.getByTestId('trainee-edit-submit').click();
    await expect.poll(async () => (await tags()).includes('退役军人')).toBe(!hadVeteran);
    expect(await hasHorizontalScroll(page)).toBe(false);
    await context.close();

    // on a desktop the same pages, side by side where there is room
    const desktop = await newContext(app.browser, app.url, DESKTOP);
    const wide = await openPage(desktop, 'training-trainees-desktop');
    await login(wide, 'demo.trainer', DEMO_PASSWORD);
    await wide.waitForURL((url) => url.pathname === '/');
    await wide.goto('/training/trainees/duplicates');
    await expect.poll(() => wide.getByTestId('duplicate-group').count()).toBe(groupsBefore - 1);
    expect(await hasHorizontalScroll(wide)).toBe(false);
    await wide.screenshot({ path: path.join(SCREENSHOTS, 'training-trainee-duplicates.png'), fullPage: false });
    await wide.goto('/training/trainees');
    await expect.poll(() => wide.getByTestId('trainee-row').count()).toBeGreaterThan(5);
    expect(await hasHorizontalScroll(wide)).toBe(false);
    await wide.screenshot({ path: path.join(SCREENSHOTS, 'training-trainees.png'), fullPage: false });
    await desktop.close();
  }, 120_000);
});
