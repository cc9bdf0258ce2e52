import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import pg from 'pg';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, onTestFailed } from 'vitest';
import { DATABASE_URL, REDIS_URL } from './env';
import { freePort } from './net';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = fs.existsSync(CHROMIUM);
export const NO_CHROMIUM_REASON = `needs Debian's chromium at ${CHROMIUM} (apt-get install chromium)`;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const ARTIFACTS = path.join(repoRoot, 'test-results');
/** What `pnpm start` is given as ADMIN_PASSWORD: the first admin must change it at the first login. */
export const FIRST_ADMIN_PASSWORD = 'Tengzhou#2026';
/** The admin's password once startApp has changed it (once per run, as the first login must): the one suites log in with. */
export const ADMIN_PASSWORD = 'Shandong#2026';

async function adminQuery(sql: string) {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface RunningApp {
  url: string;
  stop(): Promise<void>;
  log(): string;
}

/**
 * Start the platform the way the README does — `pnpm start` (build the client, seed the demo county
 * on an empty database, serve) — on a free port with a database of its own: embedded PGlite in a
 * temporary folder, or a fresh PostgreSQL database and BullMQ when the run has the real services.
 */
export async function startApp(): Promise<RunningApp> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuntong-e2e-'));
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), DATA_DIR: dataDir, ADMIN_PASSWORD: FIRST_ADMIN_PASSWORD, LOG_LEVEL: 'warn', NO_COLOR: '1' };
  let database: string | null = null;
  if (DATABASE_URL) {
    // started from the global setup: the run's own prefix, so the run's teardown finds it
    database = `cuntong_t_${process.pid}_e2e_${crypto.randomBytes(4).toString('hex')}`;
    await adminQuery(`create database ${database}`);
    const url = new URL(DATABASE_URL);
    url.pathname = `/${database}`;
    env.DATABASE_URL = url.toString();
  } else {
    delete env.DATABASE_URL;
  }
  if (REDIS_URL) env.QUEUE_PREFIX = `cuntong-e2e-${crypto.randomBytes(4).toString('hex')}`;
  else delete env.REDIS_URL;

  let output = '';
  const child: ChildProcess = spawn('pnpm', ['start'], { cwd: repoRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`pnpm start exited with ${child.exitCode}:\n${output.slice(-3000)}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`no /healthz within 180 s:\n${output.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  await replaceFirstAdminPassword(url);
  return {
    url,
    log: () => output,
    async stop() {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        /* already gone */
      }
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
      fs.rmSync(dataDir, { recursive: true, force: true });
      if (database) await adminQuery(`drop database if exists ${database} with (force)`);
    },
  };
}

/** The first admin's first login, over the API as a script would: the password printed or configured at the first start is replaced. */
async function replaceFirstAdminPassword(url: string): Promise<void> {
  const call = async (procedure: string, input: unknown, cookie = '') => {
    const res = await fetch(`${url}/trpc/${procedure}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(input) });
    if (!res.ok) throw new Error(`${procedure} answered ${res.status}: ${await res.text()}`);
    return res;
  };
  const login = await call('auth.session.login', { loginName: 'admin', password: FIRST_ADMIN_PASSWORD });
  const body = (await login.json()) as { result: { data: { mustChangePassword: boolean } } };
  if (!body.result.data.mustChangePassword) throw new Error('the first admin was not asked to change the first password');
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  await call('auth.password.change', { currentPassword: FIRST_ADMIN_PASSWORD, newPassword: ADMIN_PASSWORD }, cookie);
  await call('auth.session.logout', null, cookie);
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 360, height: 740 };

export async function newContext(browser: Browser, baseURL: string, viewport = DESKTOP): Promise<BrowserContext> {
  return browser.newContext({ baseURL, viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true });
}

export const SCREENSHOTS = path.join(ARTIFACTS, 'screenshots');

/**
 * For a browser suite: the one app the run started (see global-setup) and a Chromium of the suite's
 * own. Each suite uses its own logins, so suites do not disturb one another.
 */
export function useBrowserApp(): { readonly url: string; readonly browser: Browser } {
  const state = { url: '', browser: undefined as unknown as Browser };
  beforeAll(async () => {
    const url = inject('browserAppUrl');
    if (!url) throw new Error('no app was started for the browser suites (is chromium installed?)');
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    state.url = url;
    state.browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await state.browser?.close();
  });
  return state;
}

/** A page that keeps a full-page picture of itself if the test fails, to see what the user saw. */
export async function openPage(context: BrowserContext, name: string): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  onTestFailed(async () => {
    await page.screenshot({ path: path.join(SCREENSHOTS, `failed-${name}.png`), fullPage: true }).catch(() => {});
  });
  return page;
}

/** Fill in the login form and press the button, as a person would; what happens next is the caller's. */
export async function submitLogin(page: Page, loginName: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByTestId('login-name').fill(loginName);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

/**
 * Log in and wait until the app has taken the user past the login page. A login is the heaviest
 * request a suite makes (argon2 on a machine busy with other suites), so it gets more time than a
 * click; when it is refused, the failure says what the login page said.
 */
export async function login(page: Page, loginName: string, password: string): Promise<void> {
  await submitLogin(page, loginName, password);
  try {
    await page.waitForURL((url) => url.pathname !== '/login', { timeout: 30_000 });
  } catch (error) {
    const said = await page.getByTestId('login-error').textContent({ timeout: 1_000 }).catch(() => null);
    throw new Error(`${loginName} was not let in${said ? `: the login page says "${said.trim()}"` : ''}`, { cause: error });
  }
}

export const menuEntries = (page: Page) =>
  page.getByTestId('side-menu').locator('[data-testid^="menu-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));

export const hasHorizontalScroll = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);

/**
 * Choose `text` in the Element Plus select `testId` and make sure it took: under load a click can
 * land while the dropdown is still opening, so open and click again until the select shows it.
 */
export async function pickOption(page: Page, testId: string, text: string): Promise<void> {
  const select = page.getByTestId(testId);
  const option = page.locator('.el-select-dropdown__item:visible', { hasText: text }).first();
  await expect
    .poll(async () => {
      if ((await select.textContent())?.includes(text)) return true;
      if (!(await option.isVisible())) await select.click();
      await option.click({ timeout: 2_000 }).catch(() => {});
      return (await select.textContent())?.includes(text) ?? false;
    })
    .toBe(true);
}

/** Clicks "Export to Excel" (the first on the page, or the one inside `within`) and opens the workbook the browser saved: its file name and its first sheet's rows. */
export async function exported(page: Page, within?: string): Promise<{ filename: string; rows: unknown[][] }> {
  const button = within ? page.getByTestId(within).getByTestId('export-excel') : page.getByTestId('export-excel').first();
  const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile((await download.path())!);
  const rows: unknown[][] = [];
  workbook.worksheets[0].eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return { filename: download.suggestedFilename(), rows };
}

/**
 * The app's database — the one `pnpm start` got from the run's global setup — for a test file to
 * check what its pages wrote; connected on first use, closed after the file.
 */
export function useAppDb(): { query: <R extends pg.QueryResultRow>(text: string, params?: unknown[]) => Promise<R[]> } {
  let db: Promise<pg.Client> | null = null;
  const connect = async () => {
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    const { rows } = await admin.query<{ datname: string }>('select datname from pg_database where datname like $1', [`cuntong_t_${process.ppid}_e2e_%`]);
    await admin.end();
    if (rows.length !== 1) throw new Error(`expected the run's one app database, found ${rows.map((r) => r.datname).join(', ') || 'none'}`);
    const url = new URL(DATABASE_URL!);
    url.pathname = `/${rows[0]!.datname}`;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    return client;
  };
  afterAll(async () => {
    await (await db)?.end();
    db = null;
  });
  return { query: async (text, params = []) => (await (db ??= connect())).query(text, params).then((r) => r.rows) };
}
