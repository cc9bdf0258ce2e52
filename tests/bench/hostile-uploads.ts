/**
 * Two hostile uploads at once against the server as production runs it (`tsx src/main.ts`, its
 * own process, so its memory is its own): the 3.3 GB shared-strings bomb of issue 10 (a 3.7 MB
 * workbook) and a 1,000,000-row sheet, both to the station register's preview, while another user
 * logs in every 200 ms. Prints the server's resident memory before and at its peak (the kernel's
 * high-water mark, VmHWM, workers included), each upload's answer and time, and the login latencies.
 *   DATABASE_URL=postgres://…/postgres pnpm bench:hostile-uploads
 * It makes and drops a database of its own on that server; the server runs with the in-process
 * queue (uploads enqueue nothing).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDb } from '@cuntong/server/db/create-db';
import { migrateToLatest } from '@cuntong/server/db/migrate';
import { SYSTEM_ACTOR } from '@cuntong/server/modules/auth/actor';
import { createUser } from '@cuntong/server/modules/auth/users.service';
import { inflationBomb, manyRowsXlsx } from '../support/hostile-xlsx';
import { benchDatabase } from './bench-support';
import { freePort } from '../support/net';

const base = process.env.DATABASE_URL;
if (!base) {
  console.error('Set DATABASE_URL (any database on the server; a bench database is made beside it).');
  process.exit(2);
}
const PASSWORD = 'Bench#2026upload';
const serverDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../server');
const ms = (from: number) => Math.round(performance.now() - from);
const mb = (kb: number) => Math.round(kb / 1024);

/** A field of /proc/<pid>/status in kB (VmRSS now, VmHWM the peak so far). */
const procStatus = (pid: number, field: 'VmRSS' | 'VmHWM') => Number(fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`${field}:\\s+(\\d+)`))?.[1] ?? 0);

const bench = await benchDatabase(base, 'uploads');
const { url } = bench;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuntong-bench-uploads-'));
let server: ReturnType<typeof spawn> | null = null;

try {
  const handle = await createDb({ databaseUrl: url, poolSize: 2 });
  await migrateToLatest(handle.db);
  for (const loginName of ['bench.uploader', 'bench.login']) {
    await createUser({ db: handle.db, who: SYSTEM_ACTOR }, { loginName, displayName: loginName, mobile: null, role: 'staff', password: PASSWORD, scopes: undefined, mustChangePassword: false });
  }
  await handle.close();

  let t = performance.now();
  const bomb = inflationBomb('sharedStrings', 3_300);
  const million = manyRowsXlsx(['层级'], 1_000_000, () => ['乡级']);
  console.log(`files: shared-strings bomb ${(bomb.length / 1e6).toFixed(2)} MB (3,300 MB of strings inflated), 1,000,000-row sheet ${(million.length / 1e6).toFixed(2)} MB; built in ${ms(t)} ms`);

  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  // the production command (`tsx src/main.ts`) without tsx's wrapper process, so the pid is the server's
  server = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: serverDir,
    env: { ...process.env, DATABASE_URL: url, REDIS_URL: '', PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const pid = server.pid!;
  for (let tries = 0; ; tries++) {
    if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}`);
    if (tries > 600) throw new Error('no /healthz within 60 s');
    if (await fetch(`${origin}/healthz`).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 100));
  }

  const login = async (loginName: string) => {
    const started = performance.now();
    const res = await fetch(`${origin}/trpc/auth.session.login`, { method: 'POST', headers: { 'content-type': 'application/json', origin }, body: JSON.stringify({ loginName, password: PASSWORD }) });
    if (!res.ok) throw new Error(`login ${loginName}: ${res.status} ${await res.text()}`);
    return { ms: performance.now() - started, cookie: res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ') };
  };
  const { cookie } = await login('bench.uploader');
  await login('bench.login'); // warm: the first login pays for loading argon2
  const quiet: number[] = []; // the same logins with nothing else going on, to read the others against
  for (let i = 0; i < 10; i++) {
    quiet.push((await login('bench.login')).ms);
    await new Promise((r) => setTimeout(r, 200));
  }
  const before = procStatus(pid, 'VmRSS');
  const bootPeak = procStatus(pid, 'VmHWM');

  let sampledPeak = before;
  const sampler = setInterval(() => (sampledPeak = Math.max(sampledPeak, procStatus(pid, 'VmRSS'))), 50);
  const upload = async (name: string, file: Buffer) => {
    const started = performance.now();
    const res = await fetch(`${origin}/trpc/stations.import.preview`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin, cookie },
      body: JSON.stringify({ fileBase64: file.toString('base64') }),
    });
    const body = (await res.json()) as { error?: { message: string; data: { appCode: string } }; result?: unknown };
    return { name, ms: ms(started), status: res.status, answer: body.error ? `${body.error.data.appCode}: ${body.error.message}` : JSON.stringify(body.result).slice(0, 120) };
  };

  const logins: number[] = [];
  let uploading = true;
  const loginLoop = (async () => {
    while (uploading) {
      const next = new Promise((r) => setTimeout(r, 200));
      logins.push((await login('bench.login')).ms);
      await next;
    }
  })();
  t = performance.now();
  const answers = await Promise.all([upload('shared-strings bomb', bomb), upload('1,000,000-row sheet', million)]);
  const bothMs = ms(t);
  await new Promise((r) => setTimeout(r, 1_000)); // a second more of logins after
  uploading = false;
  await loginLoop;
  clearInterval(sampler);
  const peak = procStatus(pid, 'VmHWM');
  const healthy = await fetch(`${origin}/healthz`).then((r) => r.ok, () => false);

  const pct = (values: number[], p: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!);
  };
  for (const a of answers) console.log(`${a.name}: HTTP ${a.status} in ${a.ms} ms → ${a.answer}`);
  console.log(`both answered in ${bothMs} ms; the server is ${healthy ? 'up' : 'DOWN'} afterwards`);
  console.log(`server RSS: ${mb(before)} MB before the uploads (boot peak ${mb(bootPeak)} MB), peak ${mb(peak)} MB (VmHWM; sampled every 50 ms: ${mb(sampledPeak)} MB)`);
  console.log(`logins during the uploads (one every 200 ms, ${logins.length} in all): p50 ${pct(logins, 50)} ms, p95 ${pct(logins, 95)} ms, max ${pct(logins, 100)} ms`);
  console.log(`logins before, with no upload (10): p50 ${pct(quiet, 50)} ms, max ${pct(quiet, 100)} ms`);
} finally {
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((r) => server!.once('exit', r));
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
  await bench.drop();
}
