/**
 * Check-in throughput through the real HTTP path: the server as `pnpm start` runs it (Hono on
 * node, tRPC, PostgreSQL, BullMQ), a coordinator's session cookie, and N trainees each checked in
 * twice, as a weak signal makes phones resend. Counts what was lost and what was duplicated.
 *   DATABASE_URL=postgres://…/postgres REDIS_URL=redis://… pnpm bench:check-in
 * Options (env): BENCH_TRAINEES (default 20000), BENCH_CONCURRENCY (default 64). The requests come
 * from a second process (check-in-load.mjs), as they would from phones.
 * It makes and drops a database of its own on that server.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
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

const base = process.env.DATABASE_URL;
if (!base || !process.env.REDIS_URL) {
  console.error('Set DATABASE_URL (any database on the server; a bench database is made beside it) and REDIS_URL.');
  process.exit(2);
}
const N = Number(process.env.BENCH_TRAINEES ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const TOWN = '370481101000';

const database = `cuntong_bench_checkin_${process.pid}`;
const admin = new pg.Client({ connectionString: base });
await admin.connect();
await admin.query(`create database ${database}`);
const url = new URL(base);
url.pathname = `/${database}`;

const config = loadConfig({ ...process.env, DATABASE_URL: url.toString(), QUEUE_PREFIX: `cuntong-bench-${crypto.randomBytes(3).toString('hex')}`, LOG_LEVEL: 'warn', RUN_WORKER: 'true' });
const platform = await createPlatform(config, createLogger('warn'), { runSchedules: false });
const { db } = platform.deps;
try {
  await importRegions(db);
  await createUser(db, SYSTEM_ACTOR, { loginName: 'bench.coord', displayName: '压测专员', mobile: null, role: 'training_coordinator', password: 'Bench#2026x', scopes: { regions: [TOWN] }, mustChangePassword: false });
  const course = await db.insertInto('courses').values({ title: '压测培训班', topic: 'other', region_code: TOWN }).returning('id').executeTakeFirstOrThrow();
  const session = await db.insertInto('course_sessions').values({ course_id: course.id, session_date: shanghaiToday(), starts_at: '00:00', ends_at: '23:59' }).returning('id').executeTakeFirstOrThrow();
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
  // body and answers, on this machine. Check-in throughput is read against it.
  const empty = new Hono().post('/empty', async (c) => {
    await c.req.json();
    return c.json({ result: { data: { status: 'checked_in' } } });
  });
  const ceilingServer = serve({ fetch: empty.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((r) => ceilingServer.once('listening', r));
  const ceiling = await runLoad(`http://127.0.0.1:${(ceilingServer.address() as AddressInfo).port}`, '', session.id, ids, '/empty');
  ceilingServer.close();

  const { requests, seconds, statuses } = await runLoad(origin, cookie, session.id, ids);
  server.close();

  const rows = await db.selectFrom('attendance').select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.count<number>('trainee_id').distinct().as('people')]).where('session_id', '=', session.id).executeTakeFirstOrThrow();
  console.log(`${requests} check-in requests (${N} trainees, each sent twice) over HTTP, ${CONCURRENCY} at a time: ${seconds.toFixed(2)} s`);
  console.log(`throughput: ${Math.round(requests / seconds)} requests/s`);
  console.log(`ceiling on this machine (same load, a handler that only parses and answers): ${Math.round(ceiling.requests / ceiling.seconds)} requests/s`);
  console.log(`answers: ${statuses.checked_in} checked in, ${statuses.already_checked_in} already checked in, ${statuses.failed} failed`);
  console.log(`attendance rows: ${rows.n} for ${rows.people} trainees → lost ${N - Number(rows.people)}, duplicated ${Number(rows.n) - Number(rows.people)}`);
} finally {
  await platform.close();
  await admin.query(`drop database if exists ${database} with (force)`);
  await admin.end();
}
/** The phones: another process, so the server has its core to itself. */
async function runLoad(origin: string, cookie: string, sessionId: number, ids: number[], targetPath?: string) {
  const load = spawn(process.execPath, [path.join(path.dirname(fileURLToPath(import.meta.url)), 'check-in-load.mjs')], {
    env: { ...process.env, ORIGIN: origin, COOKIE: cookie, SESSION_ID: String(sessionId), TRAINEE_IDS: ids.join(','), CONCURRENCY: String(CONCURRENCY), ...(targetPath ? { TARGET_PATH: targetPath } : {}) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  load.stdout.on('data', (d) => (out += d));
  const code = await new Promise((r) => load.once('exit', r));
  if (code !== 0) throw new Error(`load process exited with ${code}`);
  return JSON.parse(out) as { requests: number; seconds: number; statuses: Record<string, number> };
}

process.exit(0); // BullMQ's blocking connections would otherwise keep the process a while
