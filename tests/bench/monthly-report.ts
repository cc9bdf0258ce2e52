/**
 * The monthly report at province scale: every town of Shandong (province 37, ~1,800 towns from the
 * division codes) with a year of monthly figures for every metric the report reads, then the
 * province's report of last month built (BENCH_ROUNDS drafts: the report's data — summary against
 * targets, every town on every indicator, the sections, the quiet list — and its workbook, stored),
 * and the month closed (version 1). Prints the times and the workbook's size.
 *   DATABASE_URL=postgres://…/postgres pnpm bench:monthly-report
 * It makes and drops a database of its own.
 */
import crypto from 'node:crypto';
import { sql } from 'kysely';
import { loadConfig } from '@cuntong/server/config';
import { createLogger } from '@cuntong/server/lib/logger';
import { importRegions } from '@cuntong/server/modules/regions/regions.import';
import { SYSTEM_ACTOR } from '@cuntong/server/modules/auth/actor';
import { buildDraft, closeMonth, previousMonth } from '@cuntong/server/modules/reports/reports.service';
import { INDICATORS, INDICATOR_KEYS } from '@cuntong/server/modules/targets/indicators';
import { createPlatform } from '@cuntong/server/platform';
import { benchDatabase } from './bench-support';

const base = process.env.DATABASE_URL;
if (!base) {
  console.error('Set DATABASE_URL (any database on the server; a bench database is made beside it).');
  process.exit(2);
}
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PROVINCE = '370000000000';

const bench = await benchDatabase(base, 'monthly_report');
const config = loadConfig({ ...process.env, DATABASE_URL: bench.url, REDIS_URL: '', QUEUE_PREFIX: `cuntong-bench-${crypto.randomBytes(3).toString('hex')}`, LOG_LEVEL: 'warn' });
const platform = await createPlatform(config, createLogger('warn'), { runSchedules: false });
const { db } = platform.deps;
const ms = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e6;
try {
  console.log('loading the division codes…');
  await importRegions(db);
  const period = previousMonth();
  const year = Number(period.slice(0, 4));
  // every metric the report reads: the indicators' and the sections'
  const keys = [
    ...new Set([
      ...INDICATOR_KEYS.map((k) => INDICATORS[k].metricKey as string),
      ...['training.person_times', 'training.completed_trainees', 'training.converted_trainees', 'training.conversion'],
      ...['livestream.active_hosts', 'livestream.active_hosts.all', 'livestream.streams', 'livestream.gmv_fen'],
      ...['stations.sales_amount_fen', 'stations.purchase_amount_fen', 'stations.parcels', 'stations.income_fen', 'stations.active_share', 'stations.reporting', 'stations.villages_covered', 'stations.coverage'],
    ]),
  ];
  const months = Array.from({ length: Number(period.slice(5)) }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);
  console.log(`seeding ${keys.length} metrics × ${months.length} months for every town, county and the province of Shandong…`);
  const seeded = await sql<{ n: number }>`
    with regions_ as (
      select code from regions where code like '37%' and level in ('province', 'city', 'county', 'town')
    ),
    rows as (
      insert into metric_values (metric_key, region_code, period, value, rule_version)
      select k, r.code, p, (abs(hashtext(k || r.code || p)) % 100000)::numeric / case when k like '%share' or k like '%conversion' then 100000 else 1 end, 0
      from regions_ r cross join unnest(${keys}::text[]) as k cross join unnest(${[...months, String(year)]}::text[]) as p
      returning 1
    )
    select count(*)::int as n from rows`.execute(db);
  await sql`
    insert into targets (year, region_code, metric_key, value)
    select ${year}, r.code, k, case when k = 'station_activity' then 0.8 else 1000000 end from regions r cross join unnest(${[...INDICATOR_KEYS]}::text[]) as k
    where r.code like '37%' and r.level in ('province', 'town')
    on conflict do nothing`.execute(db);
  const towns = await db.selectFrom('regions').select((eb) => eb.fn.countAll<string>().as('n')).where('code', 'like', '37%').where('level', '=', 'town').executeTakeFirstOrThrow();
  console.log(`${seeded.rows[0].n} metric values; ${towns.n} towns`);

  const ctx = { db, who: SYSTEM_ACTOR, regionCode: PROVINCE };
  const builds: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t = process.hrtime.bigint();
    await buildDraft(ctx, period);
    builds.push(ms(t));
  }
  const t = process.hrtime.bigint();
  const closed = await closeMonth(ctx, period);
  const closeMs = ms(t);
  const { size } = await db.selectFrom('report_versions').select(sql<number>`length(workbook)`.as('size')).where('period', '=', period).where('version', '=', closed.version).executeTakeFirstOrThrow();
  console.log(`build the province's report of ${period} (data + workbook, stored as the draft): best ${Math.min(...builds).toFixed(0)} ms, all ${builds.map((b) => b.toFixed(0)).join(' / ')} ms`);
  console.log(`close ${period} (build and store version ${closed.version}): ${closeMs.toFixed(0)} ms; workbook ${(size / 1024).toFixed(0)} KiB`);
} finally {
  await platform.close();
  await bench.drop();
}
