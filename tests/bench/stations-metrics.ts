/**
 * The station metrics at province scale: the recompute the nightly job runs, against the same
 * aggregates as bare SQL in psql, on the same data. Needs psql and a PostgreSQL seeded with
 *   DATABASE_URL=postgres://… pnpm seed --scale province
 * then:
 *   DATABASE_URL=postgres://… pnpm bench:stations
 * Two runs of the job are timed, each against the bare SQL (goal ≤ 1.3×), best of BENCH_RUNS (3):
 * - rebuild: every snapshot table emptied first, so every row is written (a new installation);
 * - nightly: the snapshots as of yesterday are in place and the run is as of today, as at 02:15.
 * The bare SQL (stations-metrics.sql) is what one would type in psql; its rows go to /dev/null.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { createDb } from '@cuntong/server/db/create-db';
import { addDays, shanghaiToday } from '@cuntong/server/lib/dates';
import { computeStationMetrics } from '@cuntong/server/modules/stations/stations.metrics';
import { requirePsql } from './bench-support';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL must point at a PostgreSQL seeded with `pnpm seed --scale province`.');
  process.exit(2);
}
requirePsql();
const BARE_SQL = path.join(path.dirname(fileURLToPath(import.meta.url)), 'stations-metrics.sql');
const handle = await createDb({ databaseUrl: url, poolSize: 2 });
const db = handle.db;
const asOf = process.env.BENCH_AS_OF ?? shanghaiToday();
const runs = Number(process.env.BENCH_RUNS ?? 3);

const counts = await sql<{ stations: number; ledger: number }>`
  select (select count(*) from stations) as stations, (select count(*) from ledger_entries) as ledger`.execute(db);
console.log(`data: ${counts.rows[0].stations} stations, ${counts.rows[0].ledger} ledger rows; as of ${asOf}`);
await sql`vacuum analyze`.execute(db);

/** Best of `runs`: `prepare` runs untimed before each timed `fn`. */
async function best(label: string, fn: () => Promise<unknown>, prepare: () => Promise<unknown> = async () => {}): Promise<number> {
  let min = Infinity;
  let last: unknown;
  for (let i = 0; i < runs; i++) {
    await prepare();
    const t0 = performance.now();
    last = await fn();
    min = Math.min(min, performance.now() - t0);
  }
  console.log(`${label.padEnd(52)} ${(min / 1000).toFixed(2)} s (best of ${runs})`);
  if (last && typeof last === 'object' && 'written' in last) console.log(`${''.padEnd(52)} ${JSON.stringify(last)}`);
  return min;
}

async function bareSql(): Promise<void> {
  const run = spawnSync('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-v', `as_of=${asOf}`, '-o', '/dev/null', '-f', BARE_SQL, url!], {
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`psql failed: ${run.stderr}`);
}

const emptySnapshots = () => sql`truncate station_month_stats, station_activity`.execute(db).then(() =>
  sql`delete from metric_values where metric_key like 'stations.%'`.execute(db));

const bare = await best('bare SQL in psql (stations-metrics.sql)', bareSql);
const rebuild = await best('job, rebuild (empty snapshots, every row written)', () => computeStationMetrics(db, { asOf }), emptySnapshots);
const nightly = await best('job, nightly (snapshots as of the day before)', () => computeStationMetrics(db, { asOf }), () =>
  computeStationMetrics(db, { asOf: addDays(asOf, -1) }));
console.log(`ratio rebuild / bare SQL: ${(rebuild / bare).toFixed(2)}×; nightly / bare SQL: ${(nightly / bare).toFixed(2)}× (goal ≤ 1.3×)`);
await handle.close();
