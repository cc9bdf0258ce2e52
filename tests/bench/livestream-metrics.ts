/**
 * The livestream metrics at province scale: the full recompute the nightly job runs (active hosts
 * now and at every month's end, host month stats, per-base figures, headline values), against the
 * same aggregates as bare SQL in psql, on the same data. Needs psql and a PostgreSQL seeded with
 *   DATABASE_URL=postgres://… pnpm seed --scale province
 * then:
 *   DATABASE_URL=postgres://… pnpm bench:livestream
 * Two runs of the job are timed, each against the bare SQL (goal ≤ 1.3×), best of BENCH_RUNS (3), the
 * three taken in turns:
 * - rebuild: every livestream snapshot emptied first, so every row is written (a new installation);
 * - again: the snapshots of the same day in place, as when a stream import triggers a recompute.
 * The bare SQL (livestream-metrics.sql) is what one would type in psql, into temporary tables; its
 * province-wide count of Taobao Live hosts active by month is checked against the job's.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { createDb } from '@cuntong/server/db/create-db';
import { shanghaiToday } from '@cuntong/server/lib/dates';
import { computeLivestreamMetrics } from '@cuntong/server/modules/livestream/livestream.metrics';
import { requirePsql } from './bench-support';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL must point at a PostgreSQL seeded with `pnpm seed --scale province`.');
  process.exit(2);
}
requirePsql();
const BARE_SQL = path.join(path.dirname(fileURLToPath(import.meta.url)), 'livestream-metrics.sql');
const handle = await createDb({ databaseUrl: url, poolSize: 2 });
const db = handle.db;
const asOf = process.env.BENCH_AS_OF ?? shanghaiToday();
const runs = Number(process.env.BENCH_RUNS ?? 3);

const counts = await sql<{ bases: number; hosts: number; streams: number }>`
  select (select count(*) from livestream_bases) as bases, (select count(*) from livestream_hosts) as hosts,
    (select count(*) from livestream_streams) as streams`.execute(db);
const { bases, hosts, streams } = counts.rows[0];
if (Number(streams) < 1_000_000) console.warn(`only ${streams} streams: seed the province first (pnpm seed --scale province)`);
console.log(`data: ${bases} bases, ${hosts} hosts, ${streams} streams; as of ${asOf}`);
await sql`vacuum analyze`.execute(db);

/** A timed contender: `prepare` runs untimed before each timed `run`. */
interface Contender {
  label: string;
  run: () => Promise<unknown>;
  prepare?: () => Promise<unknown>;
}

/**
 * Best of `runs` for each contender, taken in turns (bare, rebuild, again, bare, …) so that load
 * from elsewhere on the machine falls on every side alike.
 */
async function bestOf(contenders: Contender[]): Promise<{ ms: number; last: unknown }[]> {
  const results = contenders.map(() => ({ ms: Infinity, last: undefined as unknown }));
  for (let i = 0; i < runs; i++) {
    for (const [k, c] of contenders.entries()) {
      if (c.prepare) await c.prepare();
      const t0 = performance.now();
      results[k].last = await c.run();
      results[k].ms = Math.min(results[k].ms, performance.now() - t0);
    }
  }
  for (const [k, c] of contenders.entries()) console.log(`${c.label.padEnd(56)} ${(results[k].ms / 1000).toFixed(2)} s (best of ${runs})`);
  return results;
}

/** The bare SQL in psql; returns its last query's rows: month|Taobao Live hosts active at its end. */
async function bareSql(): Promise<string> {
  const run = spawnSync('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-v', `as_of=${asOf}`, '-f', BARE_SQL, url!], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`psql failed: ${run.stderr}`);
  return run.stdout.trim();
}

const emptySnapshots = () =>
  sql`truncate host_month_stats, livestream_active_stats`.execute(db).then(() => sql`delete from metric_values where metric_key like 'livestream.%'`.execute(db));

const [bare, rebuild, again] = await bestOf([
  { label: 'bare SQL in psql (livestream-metrics.sql)', run: bareSql },
  { label: 'job, rebuild (empty snapshots, every row written)', run: () => computeLivestreamMetrics(db, { asOf }), prepare: emptySnapshots },
  { label: 'job, again (snapshots of the same day in place)', run: () => computeLivestreamMetrics(db, { asOf }) },
]);
console.log(`rebuild: ${JSON.stringify(rebuild.last)}`);
console.log(`again: written ${(again.last as { written: number }).written} rows`);

// Both sides must have counted the same thing: province-wide Taobao Live hosts active by month
// (a host streams for one base, so the counties' figures add up to the province's).
const job = await sql<{ period: string; n: number }>`
  select period, sum(value)::int as n from metric_values
  where metric_key = 'livestream.active_hosts' and length(period) = 7 and region_code like '______000000'
  group by period order by period`.execute(db);
const jobText = job.rows.map((r) => `${r.period}|${r.n}`).join('\n');
console.log(`Taobao Live hosts active at each month's end: ${job.rows.map((r) => `${r.period} ${r.n}`).join(', ')}`);
if (jobText !== bare.last) {
  console.error(`the job and the bare SQL disagree:\njob:\n${jobText}\nbare SQL:\n${bare.last}`);
  process.exitCode = 1;
}
console.log(`ratio rebuild / bare SQL: ${(rebuild.ms / bare.ms).toFixed(2)}×; again / bare SQL: ${(again.ms / bare.ms).toFixed(2)}× (goal ≤ 1.3×)`);
await handle.close();
