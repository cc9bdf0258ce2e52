/**
 * The cockpit under load: CONCURRENCY bureau users (default 64) each opening the cockpit again the
 * moment it answers, through the real HTTP path (Hono on node, session cookie, tRPC, scope checks,
 * the pace arithmetic) on the demo county, against a bare endpoint in the same run — Hono and a pg
 * pool of the same size running the same two statements (the county's towns; then the targets and
 * the year's monthly metric_values of the county and every town in one read) and returning the rows. Goal: the real
 * path at ≥ 50 % of the bare one. Prints p50/p95/p99 and requests/s of both.
 *   DATABASE_URL=postgres://…/postgres pnpm bench:cockpit
 * Options (env): BENCH_CONCURRENCY (64), BENCH_SECONDS (20 per round), BENCH_ROUNDS (2; the best
 * round of each counts), BENCH_PROCEDURE (cockpit.overview). It makes and drops a database of its own.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import pg from 'pg';
import { createApp } from '@cuntong/server/app';
import { loadConfig } from '@cuntong/server/config';
import { shanghaiToday } from '@cuntong/server/lib/dates';
import { createLogger } from '@cuntong/server/lib/logger';
import { INDICATORS, INDICATOR_KEYS } from '@cuntong/server/modules/targets/indicators';
import { importRegions } from '@cuntong/server/modules/regions/regions.import';
import { createPlatform } from '@cuntong/server/platform';
import { DEMO_COUNTY_CODE, DEMO_PASSWORD, seedDemo } from '@cuntong/seeds/demo';
import { benchDatabase, runLoadProcess } from './bench-support';

const base = process.env.DATABASE_URL;
if (!base) {
  console.error('Set DATABASE_URL (any database on the server; a bench database is made beside it).');
  process.exit(2);
}
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const PROCEDURE = process.env.BENCH_PROCEDURE ?? 'cockpit.overview';
const here = path.dirname(fileURLToPath(import.meta.url));

const bench = await benchDatabase(base, 'cockpit');
const config = loadConfig({
  ...process.env,
  DATABASE_URL: bench.url,
  REDIS_URL: '',
  QUEUE_PREFIX: `cuntong-bench-${crypto.randomBytes(3).toString('hex')}`,
  LOG_LEVEL: 'warn',
  LIMIT_SESSION_IN_FLIGHT: String(CONCURRENCY),
  LIMIT_SESSION_PER_MINUTE: '0',
  LIMIT_ADDRESS_IN_FLIGHT: String(CONCURRENCY),
  LIMIT_ADDRESS_PER_MINUTE: '0',
  // Every user waits for a read connection rather than being refused (the default queue is 32).
  DB_READ_QUEUE: String(CONCURRENCY),
});
const platform = await createPlatform(config, createLogger('warn'), { runSchedules: false });
const { db } = platform.deps;
try {
  console.log('seeding the demo county…');
  await importRegions(db);
  await seedDemo(db);
  const year = Number(shanghaiToday().slice(0, 4));

  const server = serve({ fetch: createApp(platform.deps, { clientDir: '/nonexistent' }).fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((r) => server.once('listening', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const login = await fetch(`${origin}/trpc/auth.session.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin },
    body: JSON.stringify({ loginName: 'demo.staff', password: DEMO_PASSWORD }),
  });
  if (!login.ok) throw new Error(`login failed: ${login.status} ${await login.text()}`);
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const target = `/trpc/${PROCEDURE}?input=${encodeURIComponent(JSON.stringify({ year }))}`;
  const probe = await fetch(`${origin}${target}`, { headers: { cookie } });
  if (!probe.ok) throw new Error(`${PROCEDURE} answered ${probe.status}: ${(await probe.text()).slice(0, 300)}`);

  // The bare endpoint: the same snapshot reads, straight through pg, no session, scope or arithmetic.
  const regionCount = 1 + (await db.selectFrom('regions').select('code').where('parent_code', '=', DEMO_COUNTY_CODE).execute()).length;
  const metricKeys = INDICATOR_KEYS.map((k) => INDICATORS[k].metricKey);
  // Query procedures read through the read pool: the bare endpoint gets a pool of the same size.
  const pool = new pg.Pool({ connectionString: bench.url, max: config.DB_READ_POOL_SIZE });
  pool.on('error', () => {});
  const bare = new Hono().get('/bare', async (c) => {
    // the same two statements the cockpit runs, one after the other: the county's towns, then the
    // targets and the year's monthly figures of the county and its towns in one read
    const towns = await pool.query("select code, name from regions where parent_code = $1 and level = 'town' order by code", [DEMO_COUNTY_CODE]);
    const codes = [DEMO_COUNTY_CODE, ...towns.rows.map((t: { code: string }) => t.code)];
    const rows = await pool.query(
      `select 'target' as kind, region_code, metric_key, '' as period, value from targets
        where year = $1 and region_code = any($2) and metric_key = any($3)
       union all
       select 'figure', region_code, metric_key, period, value from metric_values
        where metric_key = any($4) and region_code = any($2) and period >= $5 and period <= $6 and length(period) = 7`,
      [year, codes, INDICATOR_KEYS, metricKeys, `${year - 1}-12`, `${year}-12`],
    );
    return c.json({ result: { data: { towns: towns.rows, rows: rows.rows } } });
  });
  const bareServer = serve({ fetch: bare.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((r) => bareServer.once('listening', r));
  const bareOrigin = `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}`;

  interface Load { requests: number; rate: number; p50: number; p95: number; p99: number; statuses: Record<string, number> }
  const load = (o: string, t: string, c: string) =>
    runLoadProcess<Load>(path.join(here, 'get-load.mjs'), { ORIGIN: o, TARGET: t, COOKIE: c, CONCURRENCY: String(CONCURRENCY), SECONDS: String(SECONDS) });
  const results = { bare: [] as Load[], real: [] as Load[] };
  for (let round = 1; round <= ROUNDS; round++) {
    results.bare.push(await load(bareOrigin, '/bare', ''));
    results.real.push(await load(origin, target, cookie));
    const [b, r] = [results.bare.at(-1)!, results.real.at(-1)!];
    console.log(`round ${round}: bare ${b.rate}/s p50 ${b.p50} ms p95 ${b.p95} ms; real ${r.rate}/s p50 ${r.p50} ms p95 ${r.p95} ms; answers ${JSON.stringify(r.statuses)}`);
  }
  server.close();
  bareServer.close();
  await pool.end();
  const best = (list: Load[]) => list.reduce((a, b) => (b.rate > a.rate ? b : a));
  const [real, bareBest] = [best(results.real), best(results.bare)];
  console.log(`\n${PROCEDURE} (${regionCount} regions × ${INDICATOR_KEYS.length} indicators), ${CONCURRENCY} concurrent users, ${SECONDS} s a round, best of ${ROUNDS}`);
  console.log(`real path: ${real.rate} requests/s, p50 ${real.p50} ms, p95 ${real.p95} ms, p99 ${real.p99} ms`);
  console.log(`bare Hono + pg, the same snapshot reads: ${bareBest.rate} requests/s, p50 ${bareBest.p50} ms, p95 ${bareBest.p95} ms`);
  console.log(`real / bare: ${Math.round((100 * real.rate) / bareBest.rate)} % (goal ≥ 50 %)`);
} finally {
  await platform.close();
  await bench.drop();
}
