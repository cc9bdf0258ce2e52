import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '@cuntong/seeds/demo';
import { DEMO_OPERATORS } from '@cuntong/server/modules/stations/stations.demo';
import { addDays, shanghaiToday } from '../../client/src/utils/shanghai-time';
import { DATABASE_URL } from '../support/env';
import { hasChromium, login, newContext, NO_CHROMIUM_REASON, openPage, PHONE, SCREENSHOTS, useAppDb, useBrowserApp } from '../support/browser';
import { courseInput, sessionNowInput } from '../training/course-fixture';

/**
 * Field forms with the network cut mid-work (Chromium's offline emulation over CDP): a ledger day,
 * a check-in and a stream saved offline wait on the phone — through a reload with no signal, the
 * shell then coming from the service worker — and arrive exactly once when the network returns,
 * even when the queue is sent twice (a second tab, and the same keys replayed by hand twice).
 * Each arrival is counted in the app's database.
 */

const appDb = useAppDb();
const count = async (text: string, params: unknown[]) => Number((await appDb.query<{ n: string }>(`select count(*) as n from (${text}) q`, params))[0]!.n);

/** What waits in the page's outbox (IndexedDB), read as the page sees it. */
function outboxEntries(page: Page): Promise<{ key: string; kind: string; payload: Record<string, unknown>; state: string }[]> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('cuntong-outbox');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction('entries').objectStore('entries').getAll();
          all.onsuccess = () => resolve(all.result);
          all.onerror = () => reject(all.error);
        };
      }),
  );
}

/** Send the same entries again, twice, with their keys, as a phone that never heard the answers would. */
async function replayTwice(page: Page, entries: { key: string; kind: string; payload: Record<string, unknown> }[]): Promise<number[]> {
  return page.evaluate(async (list) => {
    const statuses: number[] = [];
    for (let round = 0; round < 2; round++) {
      for (const e of list) {
        const res = await fetch(`/trpc/${e.kind}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...e.payload, clientKey: e.key }) });
        statuses.push(res.status);
      }
    }
    return statuses;
  }, entries);
}

/** A page controlled by the service worker, its shell cached. */
async function underServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: 30_000 }).toBe(true);
}

async function call(page: Page, procedure: string, input: unknown): Promise<any> {
  return page.evaluate(
    async ({ procedure, input }) => {
      const res = await fetch(`/trpc/${procedure}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) });
      return (await res.json()).result?.data;
    },
    { procedure, input },
  );
}

describe.runIf(hasChromium && !!DATABASE_URL)(`offline field forms in Chromium${hasChromium ? '' : ` (skipped: ${NO_CHROMIUM_REASON})`}`, () => {
  const app = useBrowserApp();
  const contexts: BrowserContext[] = [];
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
  });
  const phone = async (name: string) => {
    const context = await newContext(app.browser, app.url, PHONE);
    contexts.push(context);
    return { context, page: await openPage(context, name) };
  };

  it('a ledger day saved offline survives a reload with no signal (the shell from the service worker) and arrives once, however often it is sent', async () => {
    const operator = DEMO_OPERATORS[2];
    const { context, page } = await phone('offline-ledger');
    await login(page, operator.loginName, DEMO_PASSWORD);
    await page.waitForURL((url) => url.pathname === '/');
    await page.goto('/ledger');
    await underServiceWorker(page);
    await page.getByTestId('ledger-station').click();
    await page.locator('.el-select-dropdown__item:visible:not(.is-disabled)').first().click();
    await expect.poll(() => page.getByTestId('ledger-form').getAttribute('data-station-id')).toMatch(/^\d+$/);
    const stationId = Number(await page.getByTestId('ledger-form').getAttribute('data-station-id'));
    await page.getByTestId('ledger-day-prev').click();
    const date = addDays(shanghaiToday(), -2);
    // the day as stored (its version is what an offline edit is based on) has loaded before the signal drops
    const dayLoaded = page.waitForResponse((r) => r.url().includes('stations.ledger.day') && decodeURIComponent(r.url()).includes(date));
    await page.getByTestId('ledger-day-prev').click();
    await dayLoaded;
    await expect.poll(() => page.getByTestId('ledger-form').getAttribute('data-date')).toBe(date);
    const audits = () => count(`select 1 from audit_log where entity = 'ledger_entry' and entity_id = $1 and actor_login = $2`, [`${stationId}:${date}`, operator.loginName]);
    const auditsBefore = await audits();

    // the signal drops mid-work: the save stays on the phone
    await context.setOffline(true);
    await page.getByTestId('ledger-parcelsIn').fill('4321');
    await page.getByTestId('ledger-save').click();
    await expect.poll(() => page.getByTestId('header-pending').textContent()).toContain('待上传 1 条');

    // reloaded with no signal: the app, not the browser's offline page; the entry still waits
    await page.reload();
    await expect.poll(() => page.getByTestId('header-pending').textContent(), { timeout: 20_000 }).toContain('待上传 1 条');
    expect(await page.title()).toContain('村通');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'offline-ledger-reloaded.png'), fullPage: true });
    const waiting = await outboxEntries(page);
    expect(waiting.map((e) => [e.kind, e.state, e.payload.parcelsIn])).toEqual([['stations.ledger.upsert', 'waiting', 4321]]);

    // a second tab of the same phone: both send the queue when the network returns
    const second = await context.newPage();
    await second.goto('/ledger').catch(() => {});
    await context.setOffline(false);
    await expect.poll(() => page.getByTestId('header-pending').count(), { timeout: 30_000 }).toBe(0);
    expect(await replayTwice(page, waiting)).toEqual([200, 200]);

    expect(await appDb.query('select parcels_in from ledger_entries where station_id = $1 and entry_date = $2', [stationId, date])).toEqual([{ parcels_in: 4321 }]);
    expect(await audits()).toBe(auditsBefore + 1);
    expect(await count('select 1 from client_keys where key = $1', [waiting[0].key])).toBe(1);
  }, 120_000);

  it('a check-in and a stream made offline arrive once each, sent twice', async () => {
    // the coordinator's class on now (the demo's classes of today may be outside their check-in window at this hour)
    const { context, page } = await phone('offline-check-in');
    await login(page, 'demo.trainer', DEMO_PASSWORD);
    await page.waitForURL((url) => url.pathname === '/');
    const course = await call(page, 'training.courses.create', courseInput('370481101000', '离线签到演练班'));
    const session = await call(page, 'training.sessions.add', sessionNowInput(course.id));
    const people = await appDb.query<{ id: number; name: string; mobile: string }>(
      `select id, name, mobile from trainees where village_code like '370481101%' and merged_into_id is null order by id limit 1`,
    );
    const trainee = people[0];
    await page.goto(`/training/sessions/${session.id}/check-in`);
    await underServiceWorker(page);
    await page.getByTestId('checkin-when').waitFor();
    await page.getByTestId('checkin-search').fill(trainee.mobile.slice(-4));
    const row = page.getByTestId('checkin-result').filter({ hasText: trainee.name });
    await row.waitFor();

    await context.setOffline(true);
    await row.click();
    await expect.poll(() => row.getByTestId('checkin-result-state').textContent()).toContain('待上传');
    await expect.poll(() => page.getByTestId('header-pending').textContent()).toContain('待上传 1 条');
    const checkIns = await outboxEntries(page);
    await context.setOffline(false);
    await expect.poll(() => page.getByTestId('header-pending').count(), { timeout: 30_000 }).toBe(0);
    expect(await replayTwice(page, checkIns)).toEqual([200, 200]);
    expect(await count('select 1 from attendance where session_id = $1 and trainee_id = $2', [session.id, trainee.id])).toBe(1);
    expect(await count(`select 1 from audit_log where entity = 'course_session' and entity_id = $1 and action = 'attendance.check_in'`, [String(session.id)])).toBe(1);

    // a base manager's stream, typed offline
    const live = await phone('offline-stream');
    await login(live.page, 'demo.live', DEMO_PASSWORD);
    await live.page.waitForURL((url) => url.pathname === '/');
    await live.page.goto('/livestream/streams/new');
    await underServiceWorker(live.page);
    await live.page.getByTestId('stream-entry-host').click();
    const firstHost = live.page.locator('.el-select-dropdown__item:visible').first();
    await firstHost.waitFor();
    await firstHost.click();
    await live.page.getByTestId('stream-entry').getByText('拼多多', { exact: true }).click();
    await live.page.getByTestId('stream-entry-date').fill('2026-01-06');
    await live.page.getByTestId('stream-entry-time').fill('05:43');
    await live.page.getByTestId('stream-entry-duration').fill('61');
    await live.context.setOffline(true);
    await live.page.getByTestId('stream-entry-submit').click();
    await expect.poll(() => live.page.getByTestId('stream-entry-result').getAttribute('data-status')).toBe('queued');
    const streams = await outboxEntries(live.page);
    expect(streams.map((e) => e.kind)).toEqual(['livestream.streams.create']);
    await live.page.reload();
    await expect.poll(() => live.page.getByTestId('header-pending').textContent(), { timeout: 20_000 }).toContain('待上传 1 条');
    await live.context.setOffline(false);
    await expect.poll(() => live.page.getByTestId('header-pending').count(), { timeout: 30_000 }).toBe(0);
    expect(await replayTwice(live.page, streams)).toEqual([200, 200]);
    const hostId = streams[0].payload.hostId;
    expect(await count(`select 1 from livestream_streams where host_id = $1 and platform = 'pinduoduo' and duration_seconds = 3660`, [hostId])).toBe(1);
    expect(await count('select 1 from client_keys where key = $1', [streams[0].key])).toBe(1);
  }, 120_000);
});
