/**
 * Sign-in sheet import at scale: a 100,000-row messy sheet (merged title rows, full-width digits,
 * stray spaces, blank rows, date serials, duplicate lines, about 1 % bad rows) for one course,
 * previewed and committed through the service as the procedures call it, against PostgreSQL.
 * 10,000 of the people are known trainees already, 5,000 of them already checked in.
 *   DATABASE_URL=postgres://…/postgres pnpm bench:sign-in-import
 * Options (env): BENCH_ROWS (default 100000). It makes and drops a database of its own on that server.
 */
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { createApp } from '@cuntong/server/app';
import { loadConfig } from '@cuntong/server/config';
import { createDb } from '@cuntong/server/db/create-db';
import { migrateToLatest } from '@cuntong/server/db/migrate';
import type { JobQueue } from '@cuntong/server/jobs/queue';
import { idCardCheckChar } from '@cuntong/server/lib/id-card';
import { createLogger } from '@cuntong/server/lib/logger';
import { readSheet } from '@cuntong/server/lib/sheet';
import { SYSTEM_ACTOR } from '@cuntong/server/modules/auth/actor';
import { createUser } from '@cuntong/server/modules/auth/users.service';
import { importRegions } from '@cuntong/server/modules/regions/regions.import';
import { signInImport } from '@cuntong/server/modules/training/sign-in-import';
import { UPLOAD_MAX_BASE64 } from '@cuntong/server/lib/upload-limits';
import { benchDatabase } from './bench-support';
import { idleQueueStatus } from '../support/queue-parts';

const base = process.env.DATABASE_URL;
if (!base) {
  console.error('Set DATABASE_URL (any database on the server; a bench database is made beside it).');
  process.exit(2);
}
const N = Number(process.env.BENCH_ROWS ?? 100_000);
const TOWN = '370481101000';
const DATES = ['2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05', '2026-11-06'];
const VILLAGES = Array.from({ length: 20 }, (_, i) => ({ code: `370481101${String(201 + i)}`, name: `第${i + 1}村` }));

const fullWidth = (s: string) => s.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
const serialOf = (day: string) => (Date.parse(`${day}T00:00:00Z`) - Date.UTC(1899, 11, 30)) / 86_400_000;
const mobileOf = (i: number) => `15${String(i).padStart(9, '0')}`;

/** The sheet and what it holds: how many rows are bad, blank, repeated. */
async function buildSheet() {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('签到表');
  ws.addRow(['2026年洪绪镇电商培训班 学员签到表']);
  ws.mergeCells(1, 1, 1, 7);
  ws.addRow(['培训时间：2026年11月2日至6日']);
  ws.mergeCells(2, 1, 2, 7);
  ws.addRow(['序号', '姓 名', '联系电话', '身份证号', '所在村', '培训日期', '签名']);
  const expected = { rows: 0, bad: 0, duplicate: 0, blank: 0 };
  let previous: unknown[] = [];
  for (let i = 1; i <= N; i++) {
    if (i % 500 === 0) {
      ws.addRow([]);
      expected.blank++;
    }
    if (i % 1000 === 0) {
      ws.addRow(previous); // a line copied twice
      expected.rows++;
      expected.duplicate++;
    }
    const day = DATES[i % DATES.length]!;
    let mobile = mobileOf(i);
    if (i % 10 === 0) mobile = fullWidth(mobile);
    else if (i % 10 === 1) mobile = `${mobile.slice(0, 3)} ${mobile.slice(3, 7)} ${mobile.slice(7)}`;
    let dateCell: unknown = i % 3 === 0 ? serialOf(day) : i % 3 === 1 ? new Date(`${day}T00:00:00Z`) : day.replace(/-0?/g, '.'); // 2026.11.2
    let idCard: string | null = null;
    if (i % 3 === 0) {
      // unique per row: sequence, day and month from i
      const month = String(1 + (Math.floor(i / 18_000) % 12)).padStart(2, '0');
      const first17 = `370481${1970 + (i % 30)}${month}${10 + (Math.floor(i / 1000) % 18)}${String(i % 1000).padStart(3, '0')}`;
      idCard = first17 + idCardCheckChar(first17);
    }
    let bad = false;
    if (i % 211 === 0) (mobile = `1${String(i).slice(0, 5)}`), (bad = true);
    else if (i % 307 === 0 && idCard) (idCard = idCard.slice(0, 17) + (idCard[17] === '0' ? '1' : '0')), (bad = true);
    else if (i % 401 === 0) (dateCell = '2026年12月25日'), (bad = true);
    if (bad) expected.bad++;
    const village = VILLAGES[i % VILLAGES.length]!.name;
    previous = [i, i % 17 === 0 ? ` 学员${i} ` : `学员${i}`, mobile, idCard, i % 50 === 0 ? '外地村' : village, dateCell, '✓'];
    ws.addRow(previous);
    expected.rows++;
  }
  return { buffer: Buffer.from(await wb.xlsx.writeBuffer()), expected };
}

const bench = await benchDatabase(base, 'signin');
const { url } = bench;

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
const handle = await createDb({ databaseUrl: url, poolSize: 4 });
const { db } = handle;
let enqueued = 0;
const queue: JobQueue = {
  kind: 'inline',
  async enqueue() {
    enqueued++; // the recompute is the jobs' business, timed elsewhere
    return { id: String(enqueued), finished: async () => undefined };
  },
  async ping() {},
  async close() {},
  ...idleQueueStatus,
};
const deps = { db, queue, log: createLogger('warn'), config: loadConfig({ ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' }) };
const ms = (from: number) => Math.round(performance.now() - from);

try {
  await migrateToLatest(db);
  await importRegions(db);
  await db.insertInto('regions').values(VILLAGES.map((v) => ({ ...v, level: 'village' as const, parent_code: TOWN, village_kind: 'villagers_committee' as const }))).execute();
  const { user } = await createUser({ db, who: SYSTEM_ACTOR }, { loginName: 'bench.coord', displayName: '压测专员', mobile: null, role: 'training_coordinator', password: 'Bench#2026x', scopes: { regions: [TOWN] }, mustChangePassword: false });
  const actor = { id: user.id, loginName: user.loginName, displayName: user.displayName, role: user.role, scopes: user.scopes };
  const who = { id: user.id, loginName: user.loginName, ip: '127.0.0.1' };
  const ctx = { ...deps, actor, who, lang: 'zh-CN' as const };
  const { previewInput, commitInput } = signInImport.schemas;
  const course = await db.insertInto('courses').values({ title: '压测培训班', topic: 'other', region_code: TOWN }).returning('id').executeTakeFirstOrThrow();
  await db.insertInto('course_sessions').values(DATES.map((d) => ({ course_id: course.id, session_date: d, starts_at: '09:00', ends_at: '17:00' }))).execute();
  // 10,000 of the sheet's people are known; the first 5,000 of them already checked in to their day
  await sql`
    insert into trainees (name, name_initials, mobile)
    select '学员' || g, 'xy', '15' || lpad(g::text, 9, '0') from generate_series(1, ${Math.min(10_000, N)}) g`.execute(db);
  await sql`
    insert into attendance (session_id, trainee_id, method)
    select cs.id, t.id, 'search' from trainees t
      join course_sessions cs on cs.course_id = ${course.id}
        and cs.session_date = (array[${sql.join(DATES.map((d) => sql`${d}::date`))}])[(substr(t.mobile, 3)::int % ${DATES.length}) + 1]
    where substr(t.mobile, 3)::int <= 5000`.execute(db);

  let t = performance.now();
  const { buffer, expected } = await buildSheet();
  const fileBase64 = buffer.toString('base64');
  console.log(`sheet: ${expected.rows} rows (${expected.bad} bad, ${expected.duplicate} repeated lines, ${expected.blank} blank lines), ${(buffer.length / 1e6).toFixed(2)} MB xlsx, ${(fileBase64.length / 1e6).toFixed(2)} M base64 chars (limit ${(UPLOAD_MAX_BASE64 / 1e6).toFixed(0)} M); built in ${ms(t)} ms`);

  t = performance.now();
  const parsed = await readSheet(fileBase64, (h) => h === '联系电话');
  console.log(`read workbook alone (streamed, rows to cells): ${ms(t)} ms, ${parsed.rows.length} rows`);

  t = performance.now();
  const preview = await signInImport.preview(ctx, previewInput.parse({ courseId: course.id, fileBase64, pageSize: 100 }));
  const previewMs = ms(t);
  console.log(`parse + preview: ${previewMs} ms →`, JSON.stringify(preview.totals), `missing ${JSON.stringify(preview.missing)}`);

  // the same preview through the HTTP path (Hono, tRPC, the JSON body of the whole file)
  const app = createApp(deps, { clientDir: '/nonexistent' });
  const login = await app.request('http://bench/trpc/auth.session.login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ loginName: 'bench.coord', password: 'Bench#2026x' }),
  });
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  t = performance.now();
  const overHttp = await app.request('http://bench/trpc/training.attendance.import.preview', {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ courseId: course.id, fileBase64, only: 'problems', pageSize: 20 }),
  });
  const httpBody = (await overHttp.json()) as { result?: { data: { totals: unknown } } };
  console.log(`preview over HTTP (${((fileBase64.length + 60) / 1e6).toFixed(1)} MB request): ${ms(t)} ms, status ${overHttp.status} →`, JSON.stringify(httpBody.result?.data.totals ?? httpBody));

  t = performance.now();
  const commit = await signInImport.commit(ctx, commitInput.parse({ courseId: course.id, fileBase64, mode: 'skip_invalid' }));
  const commitMs = ms(t);
  const { rejects, ...counts } = commit;
  console.log(`commit (skip_invalid, parse included): ${commitMs} ms →`, JSON.stringify(counts), `rejects workbook ${rejects ? `${rejects.rows} rows, ${(rejects.contentBase64.length / 1e3).toFixed(0)} k base64 chars` : 'none'}`);

  t = performance.now();
  const again = await signInImport.commit(ctx, commitInput.parse({ courseId: course.id, fileBase64, mode: 'skip_invalid' }));
  console.log(`re-import of the same sheet: ${ms(t)} ms → newTrainees ${again.newTrainees}, newAttendance ${again.newAttendance}, alreadyPresent ${again.alreadyPresent}`);

  const stored = await db
    .selectFrom('attendance')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.count<number>('trainee_id').distinct().as('people')])
    .where('method', '=', 'import')
    .executeTakeFirstOrThrow();
  console.log(`attendance rows by import: ${stored.n} (${stored.people} people); recompute enqueued ${enqueued}×; peak RSS ${Math.round(peakRss / 1e6)} MB`);
  console.log(`figures: ${expected.rows} rows — preview ${(previewMs / 1000).toFixed(1)} s, commit ${(commitMs / 1000).toFixed(1)} s`);
} finally {
  clearInterval(sampler);
  await handle.close();
  await bench.drop();
}
