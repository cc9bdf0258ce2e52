/**
 * The courier recompute at province scale: every town of Shandong (province 37, ~1,850 towns from the
 * division codes) with ~22 villages each, a village point in every village (~40,700), a hub at the
 * town station of five towns in six (~1,530; a town without one is served from its county's first
 * hub), each hub's points cut into routes of about 12 stops (~3,300, most daily, one in nine four days a
 * week, one point in forty on no route), one route in ten changed on 1 July (stops reversed, a
 * four-day route made daily, half of them dropping a stop), the coverage rule's K lowered from 5 to 4
 * on the same day, and every run of 2026 (~1.15 M runs, ~14 M run stops, 3 % missed with a reason,
 * parcels for about 2–3 of the hub's carriers at each stop reached, from the carriers taking part
 * at the hub that day: ~33 M rows). Generated set-based in SQL; its time is printed apart and is not
 * part of the figure. Timed, best of BENCH_RUNS (3), taken in turns:
 * - the job's recompute (`courier.recompute` for the province as of 31 December: the twelve months'
 *   stats per hub and carrier, the day stats per hub, day and carrier, and coverage, villages served
 *   and reached and parcels by town and county, in one transaction under the job's lock, the old
 *   stats deleted and written again);
 * - the same computation as bare SQL in psql: the very statements the job sends, recorded from an
 *   untimed first run (so a statement added to the job is timed on both sides), their parameters
 *   written in, into temporary tables (no transaction, no lock, no deletes), timed statement by
 *   statement by psql's \timing (the check of the answers after them is not timed).
 * The job is timed twice a round: a rebuild (no answers stored) and again (the answers in place:
 * the stats deleted and written again, a metric rewritten only when it changed). Both sides' rows
 * must agree (a count and a digest of every column but computed_at). Goal: job ≤ 1.3× bare.
 *   DATABASE_URL=postgres://…/postgres pnpm bench:courier
 * (BENCH_PROVINCE=640000000000, 宁夏 with ~240 towns, makes a small trial of the same shape.)
 * It makes and drops a database of its own (about 6 GB while it runs, with the WAL); about two
 * minutes of generation and twenty of timing on two cores. The run stops and parcels are written
 * with the foreign-key triggers off (session_replication_role = replica, so DATABASE_URL must name a
 * superuser): they are made from the very runs, stops and hub carriers they reference, and the
 * triggers would check some 125 M references one row at a time.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql, type CompiledQuery, type KyselyPlugin, type RawBuilder } from 'kysely';
import { createDb, type Db } from '@cuntong/server/db/create-db';
import { migrateToLatest } from '@cuntong/server/db/migrate';
import { regionPrefix } from '@cuntong/server/modules/auth/scope';
import { computeCourierMetrics } from '@cuntong/server/modules/courier/courier.metrics';
import { computeRegionRollups } from '@cuntong/server/modules/regions/regions.metrics';
import { importRegions } from '@cuntong/server/modules/regions/regions.import';
import { benchDatabase, benchServerUrl, requirePsql } from './bench-support';

const base = benchServerUrl();
requirePsql();
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PROVINCE = process.env.BENCH_PROVINCE ?? '370000000000';
const IN_PROVINCE = `${regionPrefix(PROVINCE)}%`;
const AS_OF = '2026-12-31';
const FIRST_RUN = '2026-01-01';
const CHANGED_ON = '2026-07-01';
const STOPS_PER_ROUTE = 12;

/** A pseudo-random 0 … n − 1 from a bigint expression: the same data on every run. */
const draw = (seed: RawBuilder<unknown>, n: number) => sql`((hashint8(${seed}) & 2147483647) % ${sql.lit(n)})`;

/** Every hub of the province, its routes, their versions and stops, and a year of runs (see the header). */
async function generate(db: Db) {
  await db.transaction().execute(async (trx) => {
    const step = async (label: string, statement: RawBuilder<unknown>) => {
      const t = performance.now();
      const result = await statement.execute(trx);
      const rows = result.numAffectedRows === undefined ? '' : `${result.numAffectedRows} rows`;
      console.log(`  ${label.padEnd(24)} ${rows.padStart(16)} ${((performance.now() - t) / 1000).toFixed(1).padStart(7)} s`);
    };
    // generation only: big hash joins in memory, and the references below are known to hold
    await sql`set local work_mem = '512MB'`.execute(trx);

    // ~22 villages a town, numbered as 村委会 (201…) with a few 居委会 (001…), as bench:taobao makes them
    await step('villages', sql`
      insert into regions (code, name, level, parent_code, village_kind, urban_rural_class)
      select substr(t.code, 1, 9) || lpad((case when i <= 2 then i else 198 + i end)::text, 3, '0'),
        t.name || '第' || i || (case when i <= 2 then '社区' else '村' end), 'village', t.code,
        case when i <= 2 then 'residents_committee' else 'villagers_committee' end,
        case when i <= 2 then '121' else '220' end
      from regions t cross join generate_series(1, 15 + abs(hashtext(t.code)) % 15) as i
      where t.level = 'town' and t.code like ${IN_PROVINCE}`);
    // the station tree the hierarchy trigger asks for: county centre, town station, village point
    await step('county centres', sql`
      insert into stations (code, name, tier, region_code, status, opened_on)
      select 'BC' || substr(c.code, 1, 6), c.name || '电子商务公共服务中心', 'county_center', c.code, 'active', '2024-01-01'
      from regions c where c.level = 'county' and c.code like ${IN_PROVINCE}
        and exists (select 1 from regions t where t.parent_code = c.code and t.level = 'town')`);
    await step('town stations', sql`
      insert into stations (code, name, tier, region_code, parent_id, status, opened_on)
      select 'BT' || substr(t.code, 1, 9), t.name || '服务站', 'town_station', t.code, c.id, 'active', '2024-01-01'
      from regions t join stations c on c.code = 'BC' || substr(t.parent_code, 1, 6)
      where t.level = 'town' and t.code like ${IN_PROVINCE}`);
    await step('village points', sql`
      insert into stations (code, name, tier, region_code, parent_id, status, opened_on)
      select 'BV' || v.code, v.name || '服务点', 'village_point', v.code, t.id, 'active', '2024-06-01'
      from regions v join stations t on t.code = 'BT' || substr(v.parent_code, 1, 9)
      where v.level = 'village' and v.code like ${IN_PROVINCE}`);

    await step('hubs', sql`
      insert into courier_hubs (name, station_id)
      select t.name || '快递共配站' || substr(t.code, 1, 9), s.id
      from regions t join stations s on s.code = 'BT' || substr(t.code, 1, 9)
      where t.level = 'town' and t.code like ${IN_PROVINCE} and abs(hashtext(t.code)) % 6 <> 0`);
    await step('vehicles', sql`
      insert into courier_vehicles (hub_id, plate, capacity_parcels, cost_per_km_fen, cost_per_day_fen)
      select id, '鲁B' || lpad(id::text, 5, '0'), 500, 150, 10000 from courier_hubs`);
    // about five of the eight carriers all year; at one hub in five one more joins on 1 July, at one
    // in seven one leaves after September
    await step('hub carriers', sql`
      insert into courier_hub_carriers (hub_id, carrier_id, from_date, to_date)
      select h.id, c.id, case when (h.id + c.id) % 3 = 0 then ${CHANGED_ON}::date else date '2025-01-01' end,
        case when (h.id + c.id) % 3 = 1 and h.id % 7 = 0 then date '2026-09-30' end
      from courier_hubs h cross join courier_carriers c
      where (h.id + c.id) % 3 <> 0 or h.id % 5 = 0`);

    // each village point's hub, route and stop: a hub's points in code order, cut into routes of as
    // near 12 stops as their number allows; one point in forty on no route
    await step('route plan', sql`
      create temp table bench_plan on commit drop as
      with towns as (
        select t.code, t.parent_code as county, h.id as hub_id
        from regions t join stations s on s.code = 'BT' || substr(t.code, 1, 9) left join courier_hubs h on h.station_id = s.id
        where t.level = 'town' and t.code like ${sql.lit(IN_PROVINCE)}
      ),
      town_hubs as (
        -- a town without a hub of its own is served from its county's first hub
        select code, coalesce(hub_id, first_value(hub_id) over (partition by county order by hub_id is null, code)) as hub_id from towns
      ),
      points as (
        select p.id as station_id, th.hub_id, row_number() over (partition by th.hub_id order by p.region_code) - 1 as i,
          count(*) over (partition by th.hub_id) as n
        from stations p join regions v on v.code = p.region_code join town_hubs th on th.code = v.parent_code
        where p.tier = 'village_point' and th.hub_id is not null and abs(hashtext(p.region_code)) % 40 <> 0
      ),
      routed as (
        select hub_id, station_id, i, (i * greatest(1, round(n / ${sql.lit(STOPS_PER_ROUTE)}::numeric)::int) / n + 1)::int as route_no from points
      )
      select hub_id, station_id, route_no, row_number() over (partition by hub_id, route_no order by i)::int as seq from routed`);
    await step('routes', sql`
      insert into courier_routes (hub_id, name) select distinct hub_id, route_no || '号线' from bench_plan order by 1, 2`);
    await sql`alter table bench_plan add column route_id integer`.execute(trx);
    await sql`update bench_plan p set route_id = r.id from courier_routes r where r.hub_id = p.hub_id and r.name = p.route_no || '号线'`.execute(trx);
    await step('route versions', sql`
      insert into courier_route_versions (route_id, version, effective_from, vehicle_id, days, depart_at)
      select r.id, v.version, case when v.version = 1 then date '2025-06-01' else ${CHANGED_ON}::date end, ve.id,
        case when r.id % 9 = 4 and v.version = 1 then '{1,3,5,6}'::smallint[] else '{1,2,3,4,5,6,7}'::smallint[] end,
        to_char(time '07:00' + make_interval(mins => r.id % 60), 'HH24:MI')
      from courier_routes r join courier_vehicles ve on ve.hub_id = r.hub_id
      cross join lateral (select 1 as version union all select 2 where r.id % 10 = 3) v`);
    // version 2 runs the stops the other way round; half of the changed routes leave out the first one
    await step('route stops', sql`
      insert into courier_route_stops (route_id, version, seq, station_id, planned_at)
      select route_id, version, seq, station_id, to_char(depart_at::time + make_interval(mins => 20 + (seq - 1) * 15), 'HH24:MI')
      from (
        select v.route_id, v.version, v.depart_at, p.station_id,
          case when v.version = 1 then p.seq else row_number() over (partition by v.route_id, v.version order by p.seq desc)::int end as seq
        from courier_route_versions v join bench_plan p on p.route_id = v.route_id
        where v.version = 1 or v.route_id % 20 <> 3 or p.seq > 1
      ) s`);

    // every day of the year each version in force runs, in date order as the sheets come in
    await step('runs', sql`
      insert into courier_runs (route_id, route_version, run_date, vehicle_id, departed_at, returned_at, km, cost_fen, subsidy_fen, source)
      select v.route_id, v.version, d::date, v.vehicle_id,
        to_char(v.depart_at::time + make_interval(mins => ${draw(sql`v.route_id::bigint * 1000 + (d::date - ${FIRST_RUN}::date)`, 20)}::int - 5), 'HH24:MI'),
        to_char(v.depart_at::time + make_interval(mins => 40 + v.stops * 15 + ${draw(sql`v.route_id::bigint * 1000 + (d::date - ${FIRST_RUN}::date) + 500`, 40)}::int), 'HH24:MI'),
        k.km, round(k.km * 150 + 5000), round((k.km * 150 + 5000) * 0.3), 'imported'
      from (
        select rv.route_id, rv.version, rv.vehicle_id, rv.days, rv.depart_at,
          greatest(rv.effective_from, ${FIRST_RUN}::date) as first_day,
          coalesce(lead(rv.effective_from) over (partition by rv.route_id order by rv.effective_from) - 1, ${AS_OF}::date) as last_day,
          (select count(*)::int from courier_route_stops st where st.route_id = rv.route_id and st.version = rv.version) as stops
        from courier_route_versions rv
      ) v
      cross join generate_series(v.first_day, v.last_day, interval '1 day') as d
      cross join lateral (select round(30 + v.stops * 4 + ${draw(sql`v.route_id::bigint * 1000 + (d::date - ${FIRST_RUN}::date) + 900`, 100)} / 10.0, 1) as km) k
      where extract(isodow from d)::smallint = any (v.days)
      order by d, v.route_id`);
    await sql`set local session_replication_role = replica`.execute(trx);
    // 3 % missed, with a reason; 2 % of the rest without a time (a paper sheet); one in ten late
    await step('run stops', sql`
      insert into courier_run_stops (run_id, station_id, arrived_at, missed, missed_reason)
      select r.id, st.station_id,
        case when x.h % 100 < 3 or x.h / 100 % 50 = 0 then null
          else to_char(st.planned_at::time + make_interval(mins => case when x.h / 5000 % 10 = 0 then 20 + x.h / 50000 % 26 else x.h / 50000 % 18 - 5 end), 'HH24:MI') end,
        x.h % 100 < 3,
        case when x.h % 100 < 3 then (array['road', 'weather', 'vehicle', 'closed', 'no_parcels', 'other'])[1 + x.h / 100 % 6] end
      from courier_runs r
      join courier_route_stops st on st.route_id = r.route_id and st.version = r.route_version
      cross join lateral (select hashint8(r.id::bigint * 16 + st.seq) & 2147483647 as h) x
      order by r.id, st.seq`);
    await step('run parcels', sql`
      insert into courier_run_parcels (run_id, station_id, carrier_id, delivered, collected)
      select rs.run_id, rs.station_id, hc.carrier_id, 1 + x.h / 100 % 14, case when x.h / 1400 % 10 < 4 then 1 + x.h / 14000 % 6 else 0 end
      from courier_run_stops rs
      join courier_runs r on r.id = rs.run_id
      join courier_routes rt on rt.id = r.route_id
      join courier_hub_carriers hc on hc.hub_id = rt.hub_id and hc.from_date <= r.run_date and (hc.to_date is null or hc.to_date >= r.run_date)
      cross join lateral (select hashint8((rs.run_id::bigint * 100000 + rs.station_id) * 16 + hc.carrier_id) & 2147483647 as h) x
      where not rs.missed and x.h % 100 < 45`);

    // from 1 July a village counts as served at four weekdays a week, and a stop is on time within 20 minutes
    await sql`
      insert into rule_versions (rule_key, version, params, effective_from)
      values ('courier.coverage', 2, '{"minDaysPerWeek": 4, "onTimeMinutes": 20}', ${CHANGED_ON})`.execute(trx);
  });
}

/**
 * The statements one run of the job sends, compiled, in order: the bench takes the bare side from
 * these rather than from a list of its own, so a statement added to the job is timed on both sides.
 */
function recorder(db: Db) {
  const statements: CompiledQuery[] = [];
  const plugin: KyselyPlugin = {
    transformQuery: ({ node, queryId }) => {
      statements.push(db.getExecutor().compileQuery(node, queryId));
      return node;
    },
    transformResult: async ({ result }) => result,
  };
  return { db: db.withPlugin(plugin), statements };
}

/** A table's rows but computed_at, as a count and an order-free digest: what both sides must agree on. */
const answerQuery = (table: string, as: string) => `
  select '${as.padEnd(20)} ' || count(*) || ' rows, digest ' || coalesce(sum(hashtextextended((to_jsonb(x) - 'computed_at')::text, 0)), 0) from ${table} x`;

const bench = await benchDatabase(base, 'courier');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cuntong-courier-'));
const handle = await createDb({ databaseUrl: bench.url, poolSize: 2 });
const db = handle.db;
try {
  await migrateToLatest(db);
  console.log('loading the division codes…');
  await importRegions(db);
  console.log('generating the province: villages, stations, hubs, routes and a year of runs…');
  const t0 = performance.now();
  await generate(db);
  await computeRegionRollups(db);
  await sql`vacuum analyze`.execute(db);
  const counts = await sql<Record<string, number>>`
    select (select count(*)::int from courier_hubs) as hubs,
      (select count(*)::int from stations where tier = 'village_point') as village_points,
      (select count(*)::int from stations s where tier = 'village_point' and not exists (select 1 from courier_route_stops st where st.station_id = s.id)) as unrouted,
      (select count(*)::int from courier_routes) as routes,
      (select count(*)::int from courier_route_versions where version > 1) as changed_routes,
      (select count(*)::int from courier_runs) as runs,
      (select count(*)::int from courier_run_stops) as run_stops,
      (select count(*)::int from courier_run_stops where missed) as missed,
      (select count(*)::int from courier_run_parcels) as parcel_rows`.execute(db);
  console.log(`data: ${JSON.stringify(counts.rows[0])}`);
  console.log(`generated in ${((performance.now() - t0) / 1000).toFixed(1)} s (not part of the figure); as of ${AS_OF}`);

  const job = (on: Db = db) => computeCourierMetrics(on, { regionCode: PROVINCE, asOf: AS_OF });
  // an untimed first run, recorded
  const recording = recorder(db);
  await job(recording.db);

  // the bare side: the job's statements that write, parameters written in, into temporary tables.
  // Left out: the lock, the look-ups whose answers are the parameters (the rules in force), and the
  // deletes that clear what the job writes again (the temporary tables start empty).
  const literal = (v: unknown) => (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' ? String(v) : `'${String(v).replace(/'/g, "''")}'`);
  const writes = recording.statements
    .map((q) => q.sql.replace(/\$(\d+)/g, (_, n) => literal(q.parameters[Number(n) - 1])).trim())
    .filter((text) => !/^select\b/i.test(text) && !/^delete\s+from\b/i.test(text));
  const tables = [...new Set(writes.flatMap((text) => [...text.matchAll(/\binsert\s+into\s+"?(\w+)|\bupdate\s+"?(\w+)"?\s+(?:as\s+\w+\s+)?set\b/gi)].map((m) => m[1] ?? m[2]!)))];
  const bareName = (table: string) => `bare_${table}`;
  const rename = (text: string) => tables.reduce((t, table) => t.replace(new RegExp(`\\b${table}\\b`, 'g'), bareName(table)), text);
  const script = [
    ...tables.map((t) => `create temp table ${bareName(t)} (like ${t} including all);`),
    '\\timing on',
    ...writes.map((text) => `${rename(text)};`),
    '\\timing off',
    ...tables.map((t) => `${answerQuery(bareName(t), t)};`),
  ];
  const file = path.join(scratch, 'bare.sql');
  fs.writeFileSync(file, script.join('\n'));
  /** The statements' time as psql measures it, each from sending to the last row, and the answers after. */
  const bare = () => {
    const run = spawnSync('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-f', file, bench.url], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`psql failed: ${run.stderr}`);
    const lines = run.stdout.trim().split('\n');
    const ms = lines.map((l) => /^Time: ([\d.]+) ms/.exec(l)).reduce((sum, m) => sum + (m ? Number(m[1]) : 0), 0);
    return { ms, answer: lines.filter((l) => !l.startsWith('Time: ')).join('\n') };
  };
  const noAnswers = () => sql.raw(`truncate ${tables.join(', ')}`).execute(db);

  const best = { bare: Infinity, rebuild: Infinity, again: Infinity };
  let bareAnswer = '';
  let jobResult: Awaited<ReturnType<typeof job>> | null = null;
  for (let i = 0; i < RUNS; i++) {
    const b = bare();
    best.bare = Math.min(best.bare, b.ms);
    bareAnswer = b.answer;
    await noAnswers();
    let t = performance.now();
    jobResult = await job();
    best.rebuild = Math.min(best.rebuild, performance.now() - t);
    t = performance.now();
    jobResult = await job();
    best.again = Math.min(best.again, performance.now() - t);
  }
  console.log(`the job's statements: ${recording.statements.length}; the bare side's: ${writes.length}, writing ${tables.join(', ')}`);
  const line = (label: string, ms: number) => console.log(`${label.padEnd(78)} ${(ms / 1000).toFixed(2)} s (best of ${RUNS})`);
  line("bare SQL in psql (the job's writing statements, into temporary tables)", best.bare);
  line('job, rebuild (no answers stored: every row written)', best.rebuild);
  line('job, again (the answers in place: stats rewritten, changed metrics only)', best.again);
  console.log(`  last run: ${jobResult!.monthRows} month stats rows written, ${jobResult!.metricRows} metric rows changed`);
  const figures = await sql<{ period: string; served: number; villages: number; reached: number; parcels: number }>`
    select m.period, sum(m.value) filter (where m.metric_key = 'courier.villages_served')::int as served,
      sum(rr.administrative_village_count) filter (where m.metric_key = 'courier.villages_served')::int as villages,
      sum(m.value) filter (where m.metric_key = 'courier.villages_reached')::int as reached,
      sum(m.value) filter (where m.metric_key = 'courier.parcels')::bigint as parcels
    from metric_values m join region_rollups rr on rr.region_code = m.region_code and rr.level = 'county'
    where m.metric_key like 'courier.%' and m.region_code like ${IN_PROVINCE}
    group by m.period order by m.period`.execute(db);
  for (const f of figures.rows) {
    console.log(`  ${f.period}: ${f.served} of ${f.villages} administrative villages served (${((100 * f.served) / f.villages).toFixed(1)} %), ${f.reached} reached, ${f.parcels} parcels`);
  }
  const jobAnswer = [];
  for (const t of tables) jobAnswer.push(...(await sql.raw<Record<string, string>>(answerQuery(t, t)).execute(db)).rows.map((r) => Object.values(r)[0]));
  console.log(`answers:\n${jobAnswer.map((a) => `  job  ${a}`).join('\n')}\n${bareAnswer.replace(/^/gm, '  bare ')}`);
  if (jobAnswer.join('\n') !== bareAnswer) {
    console.error('the job and the bare SQL disagree');
    process.exitCode = 1;
  }
  console.log(`ratio rebuild / bare SQL: ${(best.rebuild / best.bare).toFixed(2)}×; again / bare SQL: ${(best.again / best.bare).toFixed(2)}× (goal ≤ 1.3×)`);
} finally {
  await handle.close();
  await bench.drop();
  fs.rmSync(scratch, { recursive: true, force: true });
}
