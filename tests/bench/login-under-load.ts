/**
 * Logins and check-ins while lists are hammered. The server runs as `pnpm start` runs it
 * (server/src/main.ts, its own process, behind one trusted proxy so that callers are told apart by
 * X-Forwarded-For) on a database holding the demo county. A second process (list-burst-load.mjs)
 * keeps BENCH_CONCURRENCY list requests in flight for BENCH_SECONDS — the host list sorted by last
 * stream and the trainee list, as bureau staff (who see every host and trainee) — while this one
 * logs someone else in every 250 ms (each time another coordinator from their own office: one
 * account logging in four times a second would be slowed by the login throttle, and rightly), and
 * checks a trainee in from a coordinator's phone every 250 ms. Two runs: all lists from one session (one address),
 * then spread over 20 sessions from 20 addresses (no per-session or per-address limit applies: what
 * protects the logins then is the read pool). Prints login and check-in p50/p95/max and what the
 * lists got (answered, 429 and why, timed out). First, what one page of each list costs the database
 * on these data (EXPLAIN ANALYZE of its statements, best of three).
 *   DATABASE_URL=postgres://…/postgres pnpm bench:login-under-load
 * Options (env): BENCH_SECONDS (default 20), BENCH_CONCURRENCY (default 200); REDIS_URL is passed on
 * (BullMQ) when set. The server's own variables (DB_READ_POOL_SIZE, LIMIT_SESSION_IN_FLIGHT, …) are
 * passed on too. It makes and drops a database of its own on that server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kysely, PostgresDialect, sql, type CompiledQuery } from 'kysely';
import pg from 'pg';
import { createDb, type Db } from '@cuntong/server/db/create-db';
import { migrateToLatest } from '@cuntong/server/db/migrate';
import type { Database } from '@cuntong/server/db/types';
import type { Actor } from '@cuntong/server/modules/auth/actor';
import { listHosts } from '@cuntong/server/modules/livestream/hosts.service';
import { hostListInput } from '@cuntong/server/modules/livestream/livestream.schemas';
import { traineeListInput } from '@cuntong/server/modules/training/trainees.schemas';
import { listTrainees } from '@cuntong/server/modules/training/trainees.service';
import { shanghaiToday } from '@cuntong/server/lib/dates';
import { SYSTEM_ACTOR } from '@cuntong/server/modules/auth/actor';
import { hashPassword } from '@cuntong/server/modules/auth/password';
import { createUserWithPasswordHash } from '@cuntong/server/modules/auth/users.service';
import { DEMO_PASSWORD, seedDemo } from '@cuntong/seeds/demo';
import { benchDatabase, runLoadProcess } from './bench-support';
import { freePort } from '../support/net';
import { depsOver, serviceContext } from '../support/service-context';

const base = process.env.DATABASE_URL;
if (!base) {
  console.error('Set DATABASE_URL (any database on the server; a bench database is made beside it).');
  process.exit(2);
}
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 200);
const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const COORDINATOR = 'demo.trainer';
const TOWN = '370481101000'; // one of the coordinator's towns

const bench = await benchDatabase(base, 'login');
const { url } = bench;
let server: ChildProcess | undefined;
try {
  // the demo county, and a class of today (all day, so any check-in window admits it) in the coordinator's town
  const handle = await createDb({ databaseUrl: url });
  await migrateToLatest(handle.db);
  const seeded = Date.now();
  await seedDemo(handle.db);
  const course = await handle.db.insertInto('courses').values({ title: '压测培训班', topic: 'other', region_code: TOWN }).returning('id').executeTakeFirstOrThrow();
  const classSession = await handle.db
    .insertInto('course_sessions')
    .values({ course_id: course.id, session_date: shanghaiToday(), starts_at: '00:00', ends_at: '23:59' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const trainees = (
    await handle.db.selectFrom('trainees').select('id').where('village_code', 'like', `${TOWN.slice(0, 9)}%`).where('merged_into_id', 'is', null).orderBy('id').execute()
  ).map((r) => r.id);
  // the people who log in during the burst: coordinators of the town, one login each
  const people = 2 * Math.ceil(SECONDS * 4 + 10) + 10; // at rest, then the two runs
  const hash = await hashPassword(DEMO_PASSWORD);
  for (let i = 1; i <= people; i++) {
    const loginName = `bench.coord${i}`;
    await createUserWithPasswordHash({ db: handle.db, who: SYSTEM_ACTOR }, { loginName, displayName: `协调员${i}`, mobile: null, role: 'training_coordinator', scopes: { regions: [TOWN] }, mustChangePassword: false, passwordHash: hash });
  }
  const counts = await sql<{ hosts: number; streams: number; trainees: number }>`
    select (select count(*) from livestream_hosts) as hosts, (select count(*) from livestream_streams) as streams, (select count(*) from trainees) as trainees`.execute(handle.db);
  const c = counts.rows[0]!;
  console.log(`demo county seeded in ${((Date.now() - seeded) / 1000).toFixed(0)} s: ${c.hosts} hosts, ${c.streams} streams, ${c.trainees} trainees`);
  await sql`analyze`.execute(handle.db); // as autovacuum would have by now
  await handle.close();
  await explainLists(url);

  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: repo,
    env: {
      ...process.env,
      DATABASE_URL: url,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      TRUST_PROXY: '1',
      SEED_DEMO: 'false',
      ADMIN_PASSWORD: `Bench#${crypto.randomBytes(6).toString('hex')}`,
      QUEUE_PREFIX: `cuntong-bench-${crypto.randomBytes(3).toString('hex')}`,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await until(async () => (await fetch(`${origin}/healthz`)).ok);

  let addressSeq = 0;
  const newAddress = (net8: number) => `10.${net8}.${Math.floor(++addressSeq / 250)}.${addressSeq % 250}`;
  let probeSeq = 0;
  /** Someone else logging in, from their own office. */
  const someoneLogsIn = () => login(`bench.coord${++probeSeq}`, newAddress(2));
  async function login(loginName: string, address: string) {
    const started = performance.now();
    const res = await fetch(`${origin}/trpc/auth.session.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin, 'x-forwarded-for': address },
      body: JSON.stringify({ loginName, password: DEMO_PASSWORD }),
    });
    const body = (await res.json()) as Answer;
    return { ms: performance.now() - started, ok: res.ok, why: why(res, body), cookie: res.headers.getSetCookie().map((s) => s.split(';')[0]).join('; ') };
  }
  const phone = await login(COORDINATOR, newAddress(3));
  if (!phone.ok) throw new Error(`login failed: ${phone.why}`);
  let nextTrainee = 0;
  async function checkIn() {
    const started = performance.now();
    const res = await fetch(`${origin}/trpc/training.attendance.checkIn`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin, cookie: phone.cookie, 'x-forwarded-for': '10.3.0.0' },
      body: JSON.stringify({ sessionId: classSession.id, traineeId: trainees[nextTrainee++ % trainees.length] }),
    });
    return { ms: performance.now() - started, ok: res.ok, why: why(res, (await res.json()) as Answer) };
  }

  // at rest, for comparison
  const idle = { login: [] as Timed[], checkIn: [] as Timed[] };
  for (let i = 0; i < 8; i++) {
    idle.login.push(await someoneLogsIn());
    idle.checkIn.push(await checkIn());
  }
  console.log(`at rest: login ${summary(idle.login)}; check-in ${summary(idle.checkIn)}`);

  for (const sessions of [1, 20]) {
    const hammer: { cookie: string; address: string }[] = [];
    for (let i = 0; i < sessions; i++) {
      const address = newAddress(1);
      const staff = await login('demo.staff', address);
      if (!staff.ok) throw new Error(`login failed: ${staff.why}`);
      hammer.push({ cookie: staff.cookie, address });
    }
    const load = runLoad(origin, hammer);
    await new Promise((r) => setTimeout(r, 500)); // the burst is on
    const probes = { login: [] as Promise<Timed>[], checkIn: [] as Promise<Timed>[] };
    const tick = setInterval(() => {
      probes.login.push(someoneLogsIn());
      probes.checkIn.push(checkIn());
    }, 250);
    const result = await load;
    clearInterval(tick);
    const [logins, checkIns] = [await Promise.all(probes.login), await Promise.all(probes.checkIn)];
    const answers = Object.entries(result.answers)
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${n} ${k === 'ok' ? 'answered' : k}`)
      .join(', ');
    console.log(`\n${CONCURRENCY} list requests in flight for ${SECONDS} s from ${sessions} session${sessions > 1 ? `s (${sessions} addresses)` : ' (one address)'}:`);
    console.log(`  lists: ${result.sent} sent (${Math.round(result.sent / result.seconds)}/s): ${answers}`);
    console.log(`  login every 250 ms (another address):  ${summary(logins)}`);
    console.log(`  check-in every 250 ms (the coordinator's phone): ${summary(checkIns)}`);
  }
} finally {
  server?.kill('SIGTERM');
  if (server) await new Promise((r) => server!.once('exit', r));
  await bench.drop();
}

/** One page of each hammered list as bureau staff: its statements (count, page) under EXPLAIN ANALYZE. */
async function explainLists(databaseUrl: string) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  const statements: CompiledQuery[] = [];
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: (e) => void (e.level === 'query' && statements.push(e.query)) }) as Db;
  const staff = await db.selectFrom('users').select(['id', 'login_name', 'display_name', 'role']).where('login_name', '=', 'demo.staff').executeTakeFirstOrThrow();
  const actor: Actor = { id: staff.id, loginName: staff.login_name, displayName: staff.display_name, role: staff.role, scopes: { regions: [], stations: [], bases: [] } };
  const lists: [string, () => Promise<unknown>][] = [
    ['hosts sorted by last stream', () => listHosts(serviceContext(depsOver(db), actor), hostListInput.parse({ sort: { key: 'lastStream', order: 'desc' } }))],
    ['trainees', () => listTrainees(serviceContext(depsOver(db), actor), traineeListInput.parse({}))],
  ];
  for (const [name, list] of lists) {
    statements.length = 0;
    await list();
    const times = [];
    for (const q of [...statements]) {
      let best = Infinity;
      for (let i = 0; i < 3; i++) {
        const { rows } = await pool.query(`explain (analyze) ${q.sql}`, [...q.parameters]);
        best = Math.min(best, Number(/Execution Time: ([\d.]+)/.exec(rows.map((r) => r['QUERY PLAN']).join('\n'))![1]));
      }
      times.push(best.toFixed(2));
    }
    console.log(`one page of ${name}: ${times.join(' ms + ')} ms in PostgreSQL (EXPLAIN ANALYZE of its ${times.length} statements, best of 3)`);
  }
  await db.destroy();
}

interface Timed {
  ms: number;
  ok: boolean;
  /** A refusal's status and code. */
  why: string;
}
type Answer = { error?: { data?: { appCode?: string } } };
function why(res: Response, body: Answer): string {
  return res.ok ? '' : `${res.status} ${body.error?.data?.appCode ?? '?'}`;
}

function summary(list: Timed[]): string {
  const ms = list.map((t) => t.ms).sort((a, b) => a - b);
  const at = (q: number) => Math.round(ms[Math.min(ms.length - 1, Math.ceil(q * ms.length) - 1)]!);
  const failed = list.filter((t) => !t.ok);
  const statuses = failed.length ? ` (${[...new Set(failed.map((t) => t.why))].join(', ')})` : '';
  return `n ${list.length}, p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${Math.round(ms.at(-1)!)} ms, failed ${failed.length}${statuses}`;
}

/** The hammering: another process, as the attacker's machine would be. */
async function runLoad(origin: string, sessions: { cookie: string; address: string }[]) {
  return runLoadProcess<{ sent: number; seconds: number; answers: Record<string, number> }>(path.join(here, 'list-burst-load.mjs'), {
    ORIGIN: origin,
    COOKIES: sessions.map((s) => s.cookie).join(','),
    ADDRESSES: sessions.map((s) => s.address).join(','),
    CONCURRENCY: String(CONCURRENCY),
    SECONDS: String(SECONDS),
  });
}


async function until(ready: () => Promise<boolean>, timeoutMs = 60_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await ready()) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > end) throw new Error('the server did not start');
    await new Promise((r) => setTimeout(r, 250));
  }
}

process.exit(0);
