/**
 * The station metrics at province scale: the full recompute the nightly job runs, against the same
 * aggregates as bare SQL, on the same data. Needs a PostgreSQL seeded with
 *   DATABASE_URL=postgres://… pnpm seed --scale province
 * then:
 *   DATABASE_URL=postgres://… pnpm bench:stations
 * It prints both times and their ratio (goal ≤ 1.3×). Each is the best of three runs.
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { createDb } from '@cuntong/server/db/create-db';
import { shanghaiToday } from '@cuntong/server/lib/dates';
import { computeStationMetrics } from '@cuntong/server/modules/stations/stations.metrics';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL must point at a PostgreSQL seeded with `pnpm seed --scale province`.');
  process.exit(2);
}
const handle = await createDb({ databaseUrl: url, poolSize: 2 });
const db = handle.db;
const asOf = shanghaiToday();
const runs = Number(process.env.BENCH_RUNS ?? 3);

const counts = await sql<{ stations: number; ledger: number }>`
  select (select count(*) from stations) as stations, (select count(*) from ledger_entries) as ledger`.execute(db);
console.log(`data: ${counts.rows[0].stations} stations, ${counts.rows[0].ledger} ledger rows; as of ${asOf}`);

async function best(label: string, fn: () => Promise<unknown>): Promise<number> {
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    min = Math.min(min, performance.now() - t0);
  }
  console.log(`${label.padEnd(48)} ${(min / 1000).toFixed(2)} s (best of ${runs})`);
  return min;
}

const ACTIVE = sql`(le.parcels_in + le.parcels_out + le.purchase_orders + le.sales_orders + le.villagers_served
  + le.purchase_amount_fen + le.sales_amount_fen + le.income_parcel_fen + le.income_commission_fen + le.income_bill_fen + le.income_other_fen) > 0`;

// The same aggregates, read only: what psql would run to answer the questions by hand.
const bareMonth = sql`
  select count(*) from (
    select le.station_id, date_trunc('month', le.entry_date), count(*), count(*) filter (where ${ACTIVE}),
      sum(le.parcels_in), sum(le.parcels_out), sum(le.purchase_orders), sum(le.purchase_amount_fen), sum(le.sales_orders),
      sum(le.sales_amount_fen), sum(le.income_parcel_fen), sum(le.income_commission_fen), sum(le.income_bill_fen),
      sum(le.income_other_fen), sum(le.income_parcel_fen + le.income_commission_fen + le.income_bill_fen + le.income_other_fen),
      sum(le.villagers_served)
    from ledger_entries le where le.entry_date <= ${asOf}
    group by le.station_id, date_trunc('month', le.entry_date)) m`;
const bareActivity = sql`
  select count(*) from (
    select s.id, max(le.entry_date), max(le.entry_date) filter (where ${ACTIVE}),
      count(*) filter (where ${ACTIVE} and le.entry_date > ${asOf}::date - 30)
    from stations s left join ledger_entries le on le.station_id = s.id and le.entry_date <= ${asOf}
    group by s.id) a`;
const bareRollup = sql`
  select count(*) from (
    select substr(s.region_code, 1, 9), to_char(m.month, 'YYYY-MM'), sum(m.sales_amount_fen), sum(m.purchase_amount_fen),
      sum(m.parcels_in + m.parcels_out), sum(m.income_total_fen)
    from station_month_stats m join stations s on s.id = m.station_id
    group by 1, 2) r`;

const job = await best('full recompute (stations.recompute, all)', () => computeStationMetrics(db, { asOf }));
const bare = await best('bare SQL of the same aggregates (read only)', async () => {
  await bareMonth.execute(db);
  await bareActivity.execute(db);
  await bareRollup.execute(db);
});
console.log(`ratio job / bare SQL: ${(job / bare).toFixed(2)}× (goal ≤ 1.3×)`);
await handle.close();
