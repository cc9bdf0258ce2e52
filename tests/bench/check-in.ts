/**
 * Check-in throughput through the real HTTP path: the server as `pnpm start` runs it (Hono on
 * node, tRPC, PostgreSQL, BullMQ), a coordinator's session cookie, and N trainees each checked in
 * twice, as a weak signal makes phones resend. Counts what was lost and what was duplicated.
 * In the same run, the same load goes to a bare endpoint — Hono and pg, the same insert-on-conflict
 * into the same attendance table through a pool of the same size, nothing else — and the real
 * path is read against it (the goal: at least half of it). An empty handler gives the HTTP ceiling.
 *   DATABASE_URL=postgres://…/postgres REDIS_URL=redis://… pnpm bench:check-in
 * Options (env): BENCH_TRAINEES (default 20000), BENCH_CONCURRENCY (default 64), BENCH_ROUNDS
 * (default 2: bare then real, each round on fresh class sessions; the best round of each counts),
 * BENCH_PROFILE (a folder: a CPU profile of this process during each real round is written there,
 * for Chrome's DevTools or speedscope), BENCH_WORKER (default false: the server runs without its
 * in-process worker, as the API servers of a province do, so the round measures the requests; true:
 * the training.recompute the check-ins ask for, every 5 s or more, runs on the same cores).
 * The requests come from a second process (check-in-load.mjs), as they would from phones.
 * The request limits are raised for the run (one session sends CONCURRENCY at a time: a load no
 * phone makes), so they are counted but refuse nothing. It makes and drops a database of its own.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { sql } from 'kysely';
import pg from 'pg';
import { createApp } from '@cuntong/server/app';
import { loadConfig } from '@cuntong/server/config';
import { shanghaiToday } from '@cuntong/server/lib/dates';
import { createLogger } from '@cuntong/server/lib/logger';
import { SYSTEM_ACTOR } from '@cuntong/server/modules/auth/actor';
import { createUser } from '@cuntong/server/modules/auth/users.service';
import { importRegions } from '@cuntong/server/modules/regions/regions.import';
import { createPlatform } from '@cuntong/server/platform';
import { benchDatabase, runLoadProcess } from './bench-support';

const base = process.env.DATABASE_URL;
if (!base || !process.env.REDIS_URL) {
  console.error('Set DATABASE_URL (any database on the server; a bench database is made beside it) and REDIS_URL.');
  process.exit(2);
}
const N = Number(process.env.BENCH_TRAINEES ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const WORKER = process.env.BENCH_WORKER === 'true';
const TOWN = '370481101000';

const bench = await benchDatabase(base, 'checkin');
const { database, admin, url } = bench;

const config = loadConfig({
  ...process.env,
  DATABASE_URL: url,
  QUEUE_PREFIX: `cuntong-bench-${crypto.randomBytes(3).toString('hex')}`,
  LOG_LEVEL: 'warn',
  RUN_WORKER: String(WORKER),
  LIMIT_SESSION_IN_FLIGHT: String(CONCURRENCY),
  LIMIT_SESSION_PER_MINUTE: '0',
  LIMIT_ADDRESS_IN_FLIGHT: String(CONCURRENCY),
  LIMIT_ADDRESS_PER_MINUTE: '0',
});
const platform = await createPlatform(config, createLogger('warn'), { runSchedules: false });
const { db } = platform.deps;
try {
  await importRegions(db);
  const { user: coordinator } = await createUser({ db, who: SYSTEM_ACTOR }, { loginName: 'bench.coord', displayName: '压测专员', mobile: null, role: 'training_coordinator', password: 'Bench#2026x', scopes: { regions: [TOWN] }, mustChangePassword: false });
  const course = await db.insertInto('courses').values({ title: '压测培训班', topic: 'other', region_code: TOWN }).returning('id').executeTakeFirstOrThrow();
  /** A class session of today, for one round of one endpoint. */
  const newSession = async () =>
    (await db.insertInto('course_sessions').values({ course_id: course.id, session_date: shanghaiToday(), starts_at: '00:00', ends_at: '23:59' }).returning('id').executeTakeFirstOrThrow()).id;
  // N trainees living in a village of the town (set-based), so the coordinator may check each in
  await db.insertInto('regions').values({ code: '370481101201', name: '压测村', level: 'village', parent_code: TOWN, village_kind: 'villagers_committee' }).execute();
  await sql`
    insert into trainees (name, name_initials, mobile, village_code)
    select '学员' || g, 'xy', '13' || lpad(g::text, 9, '0'), '370481101201' from generate_series(1, ${N}) g`.execute(db);
  const ids = (await db.selectFrom('trainees').select('id').orderBy('id').execute()).map((r) => r.id);

  const server = serve({ fetch: createApp(platform.deps, { clientDir: '/nonexistent' }).fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((r) => server.once('listening', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const login = await fetch(`${origin}/trpc/auth.session.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin },
    body: JSON.stringify({ loginName: 'bench.coord', password: 'Bench#2026x' }),
  });
  if (!login.ok) throw new Error(`login failed: ${login.status} ${await login.text()}`);
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');

  // The ceiling: the same requests from the same load process to a handler that only parses the
  // body and answers, on this machine.
  const empty = new Hono().post('/empty', async (c) => {
    await c.req.json();
    return c.json({ result: { data: { status: 'checked_in' } } });
  });
  // The bare endpoint the real path is read against: the same insert-on-conflict into the same
  // table, a pg pool of the same size, in the same process; no session, scope, audit or queue.
  const barePool = new pg.Pool({ connectionString: url, max: config.DB_POOL_SIZE });
  const bare = new Hono().post('/bare', async (c) => {
    const { sessionId, traineeId } = await c.req.json<{ sessionId: number; traineeId: number }>();
    const { rowCount } = await barePool.query(
      `insert into attendance (session_id, trainee_id, method, recorded_by) values ($1, $2, 'search', $3)
       on conflict (session_id, trainee_id) do nothing returning checked_in_at, method`,
      [sessionId, traineeId, coordinator.id],
    );
    return c.json({ result: { data: { status: rowCount ? 'checked_in' : 'already_checked_in' } } });
  });
  const listen = async (app: Hono) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise((r) => s.once('listening', r));
    return { server: s, origin: `http://127.0.0.1:${(s.address() as AddressInfo).port}` };
  };
  const emptyServer = await listen(empty);
  const bareServer = await listen(bare);

  const ceiling = await runLoad(emptyServer.origin, '', await newSession(), ids, '/empty');
  const results = { bare: [] as Outcome[], real: [] as Outcome[] };
  for (let round = 1; round <= ROUNDS; round++) {
    results.bare.push(await measure(await newSession(), (id) => runLoad(bareServer.origin, '', id, ids, '/bare')));
    results.real.push(await measure(await newSession(), (id) => profiled(`check-in-real-${round}`, () => runLoad(origin, cookie, id, ids))));
    const [b, r] = [results.bare.at(-1)!, results.real.at(-1)!];
    const cost = (o: Outcome) => `${o.cpuPerRequest} µs node${o.dbCpuPerRequest === null ? '' : ` + ${o.dbCpuPerRequest} µs PostgreSQL`} CPU each`;
    console.log(`round ${round}: bare ${b.rate} requests/s (${cost(b)}), real ${r.rate} requests/s (${cost(r)})`);
  }
  server.close();
  emptyServer.server.close();
  bareServer.server.close();
  await barePool.end();

  const best = (list: Outcome[]) => list.reduce((a, b) => (b.rate > a.rate ? b : a));
  const [real, bareBest] = [best(results.real), best(results.bare)];
  console.log(`\n${real.requests} check-in requests (${N} trainees, each sent twice) over HTTP, ${CONCURRENCY} at a time; best of ${ROUNDS} rounds`);
  console.log(`real path (server, tRPC, PostgreSQL, BullMQ${WORKER ? ', and the worker in the same process' : '; no worker running'}): ${real.rate} requests/s`);
  console.log(`bare Hono + pg, the same insert-on-conflict:   ${bareBest.rate} requests/s`);
  console.log(`real / bare: ${Math.round((100 * real.rate) / bareBest.rate)} % (goal ≥ 50 %)`);
  console.log(`empty handler (HTTP ceiling of this machine):  ${Math.round(ceiling.requests / ceiling.seconds)} requests/s`);
  for (const [name, list] of Object.entries(results)) {
    for (const r of list) {
      console.log(`${name}: answers ${r.statuses.checked_in} checked in, ${r.statuses.already_checked_in} already, ${r.statuses.failed} failed; rows ${r.rows} for ${r.people} trainees → lost ${N - r.people}, duplicated ${r.rows - r.people}`);
    }
  }
} finally {
  await platform.close();
  await bench.drop();
}
interface Outcome {
  requests: number;
  rate: number;
  /** CPU this process (the server side: HTTP, tRPC, pg, BullMQ and its worker) spent per request, µs. */
  cpuPerRequest: number;
  /** CPU the bench database's PostgreSQL backends spent per request, µs (null: not on this machine). */
  dbCpuPerRequest: number | null;
  statuses: Record<string, number>;
  rows: number;
  people: number;
}

/** One endpoint's round on a fresh class session: its rate, its answers, and what landed in the table. */
async function measure(sessionId: number, load: (sessionId: number) => ReturnType<typeof runLoad>): Promise<Outcome> {
  const cpu = process.cpuUsage();
  const dbBefore = await backendCpu();
  const { requests, seconds, statuses } = await load(sessionId);
  const { user, system } = process.cpuUsage(cpu);
  const dbAfter = await backendCpu();
  const row = await platform.deps.db
    .selectFrom('attendance')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.count<number>('trainee_id').distinct().as('people')])
    .where('session_id', '=', sessionId)
    .executeTakeFirstOrThrow();
  const dbCpu = dbBefore && dbAfter ? [...dbAfter].reduce((sum, [pid, t]) => sum + t - (dbBefore.get(pid) ?? 0), 0) : null;
  return {
    requests,
    rate: Math.round(requests / seconds),
    cpuPerRequest: Math.round((user + system) / requests),
    dbCpuPerRequest: dbCpu === null ? null : Math.round(dbCpu / requests),
    statuses,
    rows: Number(row.n),
    people: Number(row.people),
  };
}

/**
 * CPU (µs) each PostgreSQL backend of the bench database has used, from /proc: only when the server
 * runs on this machine (else null). The check-in's statement does more than the bare insert (scope,
 * window, audit row), and on a small machine that CPU is taken from the same cores.
 */
async function backendCpu(): Promise<Map<number, number> | null> {
  const { rows } = await admin.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [database]);
  const usage = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      usage.set(pid, ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100); // utime + stime, in clock ticks of 10 ms
    } catch {
      return null;
    }
  }
  return usage;
}

/** With BENCH_PROFILE, `run` under the V8 profiler, written to BENCH_PROFILE/<name>.cpuprofile. */
async function profiled<T>(name: string, run: () => Promise<T>): Promise<T> {
  const dir = process.env.BENCH_PROFILE;
  if (!dir) return run();
  const inspector = new Session();
  inspector.connect();
  await inspector.post('Profiler.enable');
  await inspector.post('Profiler.start');
  try {
    return await run();
  } finally {
    const { profile } = await inspector.post('Profiler.stop');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    inspector.disconnect();
  }
}

/** The phones: another process, so the server has its core to itself. */
async function runLoad(origin: string, cookie: string, sessionId: number, ids: number[], targetPath?: string) {
  return runLoadProcess<{ requests: number; seconds: number; statuses: Record<string, number> }>(path.join(path.dirname(fileURLToPath(import.meta.url)), 'check-in-load.mjs'), {
    ORIGIN: origin,
    COOKIE: cookie,
    SESSION_ID: String(sessionId),
    TRAINEE_IDS: ids.join(','),
    CONCURRENCY: String(CONCURRENCY),
    ...(targetPath ? { TARGET_PATH: targetPath } : {}),
  });
}

process.exit(0); // BullMQ's blocking connections would otherwise keep the process a while
