import type { TestProject } from 'vitest/node';
import { createDb } from '@cuntong/server/db/create-db';
import { migrateToLatest } from '@cuntong/server/db/migrate';
import { importRegions } from '@cuntong/server/modules/regions/regions.import';
import pg from 'pg';
import { DATABASE_URL, hasPostgres, hasRedis, NO_REDIS_REASON } from './env';
import { hasChromium, NO_CHROMIUM_REASON, startApp } from './browser';

/** Two migrated template databases per run: one empty, one with the national regions imported. */
export const TEMPLATE_EMPTY = `cuntong_tpl_empty_${process.pid}`;
export const TEMPLATE_REGIONS = `cuntong_tpl_regions_${process.pid}`;
/** Every database this run makes starts so, and only those are dropped at the end: runs side by side leave each other alone. */
export const RUN_DATABASE_PREFIX = `cuntong_t_${process.pid}_`;

declare module 'vitest' {
  export interface ProvidedContext {
    templates: { empty: string; regions: string; prefix: string } | null;
    /** The app every browser suite drives, started once per run the way the README starts it; null without Chromium. */
    browserAppUrl: string | null;
  }
}

function adminUrl(databaseUrl: string, database: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function setup(project: TestProject) {
  const requireServices = process.env.CI === 'true' || process.env.CUNTONG_REQUIRE_SERVICES === '1';
  if (requireServices && (!hasPostgres || !hasRedis || !hasChromium)) {
    throw new Error('CI runs every suite on real services: set DATABASE_URL and REDIS_URL and install chromium (nothing may be skipped).');
  }
  if (!hasChromium) console.warn(`[cuntong tests] Browser suites are skipped: ${NO_CHROMIUM_REASON}.`);
  if (!hasPostgres) console.warn('[cuntong tests] DATABASE_URL is not set: database tests run on embedded PGlite.');
  if (!hasRedis) console.warn(`[cuntong tests] Redis suites are skipped: ${NO_REDIS_REASON}.`);
  // One `pnpm start` for all browser suites: each start rebuilds client/dist, so two at once would
  // pull the files from under each other. It boots while the templates are made.
  const appStarting = hasChromium && runsBrowserSuites() ? startApp() : Promise.resolve(null);
  appStarting.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
  const stopApp = async () => (await appStarting.catch(() => null))?.stop();
  try {
    await makeTemplates(project);
    const app = await appStarting;
    project.provide('browserAppUrl', app?.url ?? null);
  } catch (error) {
    await stopApp();
    throw error;
  }
  return async () => {
    await stopApp();
    await dropTestDatabases();
  };
}

/** False when the command names test files and none of them is a browser suite (e.g. `pnpm test tests/stations`). */
function runsBrowserSuites(): boolean {
  const filters = process.argv.slice(2).filter((arg) => !arg.startsWith('-') && arg !== 'run' && !arg.endsWith('vitest'));
  return filters.length === 0 || filters.some((f) => f.includes('browser') || 'tests/browser/'.startsWith(f));
}

async function makeTemplates(project: TestProject) {
  if (!hasPostgres) {
    project.provide('templates', null);
    return;
  }
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  for (const name of [TEMPLATE_EMPTY, TEMPLATE_REGIONS]) {
    await admin.query(`drop database if exists ${name}`);
    await admin.query(`create database ${name}`);
    const handle = await createDb({ databaseUrl: adminUrl(DATABASE_URL!, name), poolSize: 2 });
    await migrateToLatest(handle.db);
    if (name === TEMPLATE_REGIONS) await importRegions(handle.db);
    await handle.close();
  }
  await admin.end();
  project.provide('templates', { empty: TEMPLATE_EMPTY, regions: TEMPLATE_REGIONS, prefix: RUN_DATABASE_PREFIX });
}

async function dropTestDatabases() {
  if (!hasPostgres) return;
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  const leftovers = await client.query<{ datname: string }>(
    `select datname from pg_database where starts_with(datname, $1) or datname in ($2, $3)`,
    [RUN_DATABASE_PREFIX, TEMPLATE_EMPTY, TEMPLATE_REGIONS],
  );
  for (const { datname } of leftovers.rows) await client.query(`drop database if exists ${datname} with (force)`);
  await client.end();
}
