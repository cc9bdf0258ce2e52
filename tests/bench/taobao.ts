/**
 * 淘宝村 evaluation at province scale: every town of Shandong (province 37, ~1,800 towns from the
 * division codes) with ~22 villages each (~40,000 villages), five AliResearch years of monthly figures
 * for every village (~2,400,000 rows) and a yearly figure for some towns. Timed, best of BENCH_RUNS (3),
 * taken in turns:
 * - the job's evaluation of every open year (what `taobao.evaluate` runs: per year, the villages, the
 *   towns and the headline figures written in one transaction, the old answers replaced);
 * - the same computation as bare SQL in psql: the very statements the job runs, their parameters
 *   written in, into temporary tables (no transaction, no lock, no replaced rows, no index to keep).
 * The job is timed twice a round: a rebuild (no answers stored, every row written) and again (the
 * answers in place: a row is rewritten only when it changed, as on most nights). Both sides' counts
 * of qualifying villages and towns per year must agree. Goal: job ≤ 1.3× bare.
 *   DATABASE_URL=postgres://…/postgres pnpm bench:taobao
 * It makes and drops a database of its own.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql, type RawBuilder } from 'kysely';
import { createDb } from '@cuntong/server/db/create-db';
import { migrateToLatest } from '@cuntong/server/db/migrate';
import { importRegions } from '@cuntong/server/modules/regions/regions.import';
import { ruleAt } from '@cuntong/server/rules/rules.service';
import { codePrefix, evaluateTaobao, townStatement, villageStatement, windowYearOf } from '@cuntong/server/modules/taobao/taobao.evaluation';
import { criteriaRule } from '@cuntong/server/modules/taobao/taobao.rules';
import { benchDatabase, benchServerUrl, requirePsql } from './bench-support';

const base = benchServerUrl();
requirePsql();
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PROVINCE = '370000000000';
const AS_OF = '2026-12-01';
const YEARS = 5;

const bench = await benchDatabase(base, 'taobao');
const handle = await createDb({ databaseUrl: bench.url, poolSize: 2 });
const db = handle.db;
try {
  await migrateToLatest(db);
  console.log('loading the division codes…');
  await importRegions(db);
  console.log('seeding villages and five years of monthly figures…');
  const t0 = performance.now();
  // ~22 villages a town, numbered as 村委会 (201…) with a few 居委会 (001…) in each
  await sql`
    insert into regions (code, name, level, parent_code, village_kind, urban_rural_class)
    select substr(t.code, 1, 9) || lpad((case when i <= 2 then i else 198 + i end)::text, 3, '0'),
      t.name || '第' || i || (case when i <= 2 then '社区' else '村' end), 'village', t.code,
      case when i <= 2 then 'residents_committee' else 'villagers_committee' end,
      case when i <= 2 then '121' else '220' end
    from regions t cross join generate_series(1, 15 + abs(hashtext(t.code)) % 15) as i
    where t.level = 'town' and t.code like '37%'`.execute(db);
  const firstMonth = (windowYearOf(AS_OF) - YEARS) * 12 + 6; // July of the first window's start, 0-based month index
  const lastMonth = Number(AS_OF.slice(0, 4)) * 12 + Number(AS_OF.slice(5, 7)) - 2; // the month before AS_OF's
  await sql`
    insert into taobao_figures (region_code, period, sales_fen, active_shops, households, source, as_of)
    select v.code, ((m / 12)::text || '-' || lpad((m % 12 + 1)::text, 2, '0')),
      greatest(0, (h % 900000 + 30000) * 100 + (m - ${firstMonth}) * (h % 9000) * 100 + (hashtext(v.code || m) % 50000) * 100)::bigint,
      greatest(0, h % 130 + (m - ${firstMonth}) / 6),
      300 + h % 1500, 'imported', ${AS_OF}
    from (select code, abs(hashtext(code)) as h from regions where level = 'village' and code like '37%') v
    cross join generate_series(${firstMonth}::int, ${lastMonth}::int) as m`.execute(db);
  await sql`
    insert into taobao_figures (region_code, period, sales_fen, active_shops, source, as_of)
    select code, y::text, (abs(hashtext(code || y)) % 5000000000)::bigint, abs(hashtext(code)) % 600, 'imported', ${AS_OF}
    from regions cross join generate_series(${windowYearOf(AS_OF) - YEARS + 1}::int, ${windowYearOf(AS_OF) - 1}::int) as y
    where level = 'town' and code like '37%' and abs(hashtext(code)) % 10 = 0`.execute(db);
  await sql`vacuum analyze`.execute(db);
  const counts = await sql<{ villages: number; towns: number; figures: number }>`
    select (select count(*)::int from regions where level = 'village' and code like '37%') as villages,
      (select count(*)::int from regions where level = 'town' and code like '37%') as towns,
      (select count(*)::int from taobao_figures) as figures`.execute(db);
  console.log(`data: ${JSON.stringify(counts.rows[0])} in ${((performance.now() - t0) / 1000).toFixed(1)} s; as of ${AS_OF}`);

  // the bare side: the job's statements, parameters written in, into temporary tables
  const prefix = codePrefix(PROVINCE);
  const years = Array.from({ length: YEARS }, (_, i) => windowYearOf(AS_OF) - YEARS + 1 + i);
  const literal = (v: unknown) => (typeof v === 'number' || typeof v === 'bigint' ? String(v) : typeof v === 'boolean' ? String(v) : `'${String(v).replace(/'/g, "''")}'`);
  const inline = (statement: RawBuilder<unknown>) => {
    const { sql: text, parameters } = statement.compile(db);
    return text.replace(/\$(\d+)/g, (_, n) => literal(parameters[Number(n) - 1])).replace(/\btaobao_evaluations\b/g, 'bare_evaluations');
  };
  const script = ['create temp table bare_evaluations (like taobao_evaluations including all);'];
  for (const year of years) {
    const rule = await ruleAt(db, criteriaRule, `${year}-06-30`);
    script.push(`${inline(villageStatement(year, rule, prefix))};`, `${inline(townStatement(year, rule, prefix))};`);
  }
  script.push(`select year || '|' || level || '|' || count(*) filter (where qualifies) from bare_evaluations group by year, level order by year, level;`);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cuntong-taobao-')), 'bare.sql');
  fs.writeFileSync(file, script.join('\n'));
  const bare = () => {
    const run = spawnSync('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-f', file, bench.url], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`psql failed: ${run.stderr}`);
    return run.stdout.trim();
  };
  const job = () => evaluateTaobao(db, { regionCode: PROVINCE, asOf: AS_OF });

  const best = { bare: Infinity, rebuild: Infinity, again: Infinity };
  let bareAnswer = '';
  let jobResult: Awaited<ReturnType<typeof job>> | null = null;
  for (let i = 0; i < RUNS; i++) {
    let t = performance.now();
    bareAnswer = bare();
    best.bare = Math.min(best.bare, performance.now() - t);
    await sql`truncate taobao_evaluations`.execute(db);
    t = performance.now();
    jobResult = await job();
    best.rebuild = Math.min(best.rebuild, performance.now() - t);
    t = performance.now();
    jobResult = await job();
    best.again = Math.min(best.again, performance.now() - t);
  }
  const line = (label: string, ms: number) => console.log(`${label.padEnd(72)} ${(ms / 1000).toFixed(2)} s (best of ${RUNS})`);
  line("bare SQL in psql (the job's statements, into a temporary table)", best.bare);
  line(`job, rebuild (no answers stored: every row written), ${years.length} years`, best.rebuild);
  line(`job, again (the answers in place: only what changed written), ${years.length} years`, best.again);
  for (const y of jobResult!.years) console.log(`  ${y.year} (criteria v${y.ruleVersion}): ${y.villages} villages, ${y.qualifying.villages} qualify; ${y.towns} towns, ${y.qualifying.towns} qualify`);
  const jobAnswer = jobResult!.years.flatMap((y) => [`${y.year}|town|${y.qualifying.towns}`, `${y.year}|village|${y.qualifying.villages}`]).join('\n');
  if (jobAnswer !== bareAnswer) {
    console.error(`the job and the bare SQL disagree:\njob:\n${jobAnswer}\nbare:\n${bareAnswer}`);
    process.exitCode = 1;
  }
  console.log(`ratio rebuild / bare SQL: ${(best.rebuild / best.bare).toFixed(2)}×; again / bare SQL: ${(best.again / best.bare).toFixed(2)}× (goal ≤ 1.3×)`);
} finally {
  await handle.close();
  await bench.drop();
}
