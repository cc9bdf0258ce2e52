/**
 * The login page and the training dashboard on a slow 3G line (750 kbit/s down and up, 300 ms
 * latency, emulated by Chromium over CDP), for a first visit and for a returning user whose shell
 * (every script and style, the service worker's precache) is on the phone. Starts the built app
 * the way the README does (`pnpm start`: build, seed the demo county, serve) on a database of its
 * own, and prints the figures.
 *
 *   pnpm bench:slow-3g            (DATABASE_URL set: PostgreSQL; unset: embedded PGlite)
 *
 * Each figure is from navigation to the page being usable: the login form's button shown; the
 * dashboard's person-times card and its funnel chart drawn. Median of RUNS visits (default 3).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '@cuntong/seeds/demo';
import { launchBrowser, startApp } from '../support/browser';

const RUNS = Number(process.env.RUNS ?? 3);
const SLOW_3G = { offline: false, latency: 300, downloadThroughput: (750 * 1000) / 8, uploadThroughput: (750 * 1000) / 8 };

async function throttled(context: BrowserContext, page: Page): Promise<void> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', SLOW_3G);
}

async function timed(page: Page, url: string, ready: (page: Page) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await page.goto(url, { waitUntil: 'commit', timeout: 120_000 });
  await ready(page);
  return performance.now() - started;
}

const loginReady = (page: Page) => page.getByTestId('login-submit').waitFor({ timeout: 120_000 });
const dashboardReady = async (page: Page) => {
  await page.getByTestId('progress-ytd').waitFor({ timeout: 120_000 });
  await page.locator('[data-testid="funnel-chart"] canvas').first().waitFor({ timeout: 120_000 });
};

async function logIn(page: Page): Promise<void> {
  await page.getByTestId('login-name').fill('demo.staff');
  await page.getByTestId('login-password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.waitForURL((u) => u.pathname === '/', { timeout: 120_000 });
}

/** One phone: first visit (nothing cached), then, once its service worker holds the shell, a returning visit. */
async function onePhone(browser: Browser, url: string) {
  const context = await browser.newContext({ baseURL: url, viewport: { width: 390, height: 844 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  await throttled(context, page);
  const firstLogin = await timed(page, '/login', loginReady);
  await logIn(page);
  const firstDashboard = await timed(page, '/training/dashboard', dashboardReady);
  // the service worker has installed (its precache fetched) and controls the page
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 120_000 }).catch(async () => {
    await page.reload({ waitUntil: 'commit' });
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 120_000 });
  });
  const returningDashboard = await timed(page, '/training/dashboard', dashboardReady);
  // a returning visitor who logged out: the login page from the cached shell
  await page.evaluate(() => fetch('/trpc/auth.session.logout', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }));
  const returningLogin = await timed(page, '/login', loginReady);
  await context.close();
  return { firstLogin, firstDashboard, returningLogin, returningDashboard };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function main(): Promise<void> {
  console.log('starting the built app (pnpm start: build, seed, serve)…');
  const app = await startApp();
  const browser = await launchBrowser();
  try {
    const runs: Awaited<ReturnType<typeof onePhone>>[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await onePhone(browser, app.url));
    const row = (label: string, key: keyof (typeof runs)[number]) => console.log(`${label.padEnd(34)} ${seconds(median(runs.map((r) => r[key]))).padStart(8)}   (${runs.map((r) => seconds(r[key])).join(', ')})`);
    console.log(`\nslow 3G (750 kbit/s down and up, 300 ms), median of ${RUNS}:`);
    row('login page, first visit', 'firstLogin');
    row('training dashboard, first visit', 'firstDashboard');
    row('login page, returning (shell cached)', 'returningLogin');
    row('training dashboard, returning', 'returningDashboard');
  } finally {
    await browser.close();
    await app.stop();
  }
}

await main();
