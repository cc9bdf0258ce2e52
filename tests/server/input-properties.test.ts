import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '@cuntong/server/db/types';
import { addDays } from '@cuntong/server/lib/dates';
import { mobileSchema } from '@cuntong/server/lib/mobile';
import { daySchema, idRefSchema, idSchema, monthSchema, pageSchema, regionCodeSchema, timeSchema, yearSchema } from '@cuntong/server/lib/schema';
import { uploadBase64 } from '@cuntong/server/lib/upload-limits';
import { appRouter } from '@cuntong/server/router';
import { settlingQueue, trackChanges, type ChangeLog } from '../support/change-log';
import { createHarness, type Harness } from '../support/harness';
import { sheetXlsx } from '../support/hostile-xlsx';
import { buildTwoScopes, type TwoScopes } from '../support/two-scopes';
import { arbitraryFor, hostile } from '../support/zod-arbitrary';

/**
 * Issue 10, item 16: every procedure's input schema, generated (tests/support/zod-arbitrary.ts) and
 * broken one spot at a time (NUL, lone surrogates, 2^31, 2026-02-30, 100,000 characters, wrong
 * types, a field dropped, a key renamed), called through the real router on the two-scope fixture
 * as the admin and as the scoped user of the procedure's domain: never an INTERNAL (500), and a
 * refused call changes no row of any table (tests/support/change-log.ts). Seeded per procedure, so
 * a run is the same every time; a failure names the procedure, the role and the input.
 */

/** Runs per procedure and role: about half generated, half broken. */
const RUNS = 12;

/** Procedures left out, and why. */
const SKIPPED: Record<string, string> = {
  'regions.import': 'takes no input and re-reads the national division files (minutes, every region row): its refusals are tested in tests/regions',
};

/** Rows a refused call writes on purpose: the throttling that counts failures. */
const WRITES_WHEN_REFUSED: Record<string, string[]> = {
  'auth.session.login': ['login_attempts', 'audit_log'],
  'auth.password.change': ['login_attempts', 'audit_log'],
  'training.qr.checkIn': ['qr_check_in_attempts'],
};

/** Files whose cells are out of bounds: figures past a day's ledger, counts past an integer column. */
function hostileFiles(f: TwoScopes): string[] {
  const yesterday = addDays(f.today, -1);
  return [
    sheetXlsx([
      ['站点编码', '日期', '收件', '快递收入'],
      [f.stations.ours.code, yesterday, '200000', '99999999999'],
    ]),
    sheetXlsx([
      ['主播ID', '开播时间', '直播时长', '观看人数', '成交金额'],
      ['hongxu-a', `${yesterday} 20:00:00`, '01:00:00', '9000000000', '99999999999999999'],
    ]),
  ].map((file) => file.toString('base64'));
}

/** The scoped user each domain is also called as. */
const scopedRoleOf = (path: string): Role =>
  path.startsWith('stations.') || path.startsWith('courier.') ? 'station_operator' : path.startsWith('livestream.') ? 'livestream_manager' : 'training_coordinator';

type Procedure = { _def: { type: string; inputs: unknown[] } };
const PROCEDURES = Object.entries(appRouter._def.procedures as unknown as Record<string, Procedure>).map(([path, p]) => ({ path, input: p._def.inputs[0] }));
const MODULES = [...new Set(PROCEDURES.map((p) => p.path.split('.')[0]))];

/** A stable seed per procedure and role. */
const seedOf = (text: string) => [...text].reduce((h, c) => (h * 31 + c.charCodeAt(0)) | 0, 7);

describe('any input to any procedure: never a 500, and a refused call changes nothing', () => {
  const jobs = settlingQueue();
  let h: Harness;
  let f: TwoScopes;
  let changes: ChangeLog;
  let known: Map<unknown, fc.Arbitrary<unknown>>;

  beforeAll(async () => {
    h = await createHarness({ queue: jobs.create });
    f = await buildTwoScopes(h);
    await jobs.settle();
    changes = await trackChanges(h.db);
    const small = (max: number) => fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max }) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 2_147_483_647 }) });
    // the shared building blocks, as a client fills them in: rows and days that exist
    known = new Map<unknown, fc.Arbitrary<unknown>>([
      [idSchema, small(12)],
      [idRefSchema, small(12).map(String)],
      [pageSchema, small(3)],
      [yearSchema, fc.integer({ min: 2024, max: 2027 })],
      [daySchema, fc.integer({ min: -400, max: 40 }).map((d) => addDays(f.today, d))],
      [monthSchema, fc.integer({ min: -14, max: 2 }).map((m) => addDays(`${f.today.slice(0, 7)}-15`, m * 30).slice(0, 7))],
      [timeSchema, fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([hh, mm]) => `${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}`)],
      [regionCodeSchema, fc.constantFrom('370481000000', '370481101000', '370481102000', '370481106000', '370481101201', '370481102201', '370402001000', '370481199000')],
      [mobileSchema, fc.oneof(fc.constantFrom('13900001111', '13900002222', '13800001111', '+86 138-0000-2222'), fc.stringMatching(/^1[3-9]\d{9}$/))],
      [uploadBase64, fc.constantFrom(f.files.ledger, f.files.signIn, f.files.streams, f.files.stations, ...hostileFiles(f), '', 'bm90IGFuIHhsc3g=', '!!!!')],
    ]);
  });
  afterAll(() => h.close());

  it('knows every procedure it skips', () => {
    for (const path of Object.keys(SKIPPED)) expect(PROCEDURES.map((p) => p.path)).toContain(path);
  });

  it.each(MODULES)('%s.*', async (module) => {
    const problems: string[] = [];
    for (const { path, input } of PROCEDURES.filter((p) => p.path.startsWith(`${module}.`))) {
      if (SKIPPED[path]) continue;
      const valid = input === undefined ? fc.constant(undefined) : arbitraryFor(input, known);
      const inputs = fc.oneof(valid, hostile(valid));
      for (const role of ['admin', scopedRoleOf(path)] as const) {
        const caller = h.caller(f.users[role as keyof TwoScopes['users']].actor);
        const call = path.split('.').reduce<any>((node, key) => node[key], caller);
        const property = fc.asyncProperty(inputs, async (value) => {
          await jobs.settle();
          const mark = await changes.mark();
          let refused = false;
          try {
            await call(value);
          } catch (err) {
            if ((err as Error).name !== 'TRPCError') throw err;
            const { code, cause } = err as { code: string; cause?: Error };
            if (code === 'INTERNAL_SERVER_ERROR') throw new Error(`500: ${cause?.message ?? (err as Error).message}`.slice(0, 300));
            refused = true;
          }
          await jobs.settle();
          if (!refused) return;
          const changed = (await changes.since(mark)).filter((t) => !(WRITES_WHEN_REFUSED[path] ?? []).includes(t));
          if (changed.length) throw new Error(`refused, yet changed ${changed.join(', ')}`);
        });
        const run = await fc.check(property, { seed: seedOf(`${path}:${role}`), numRuns: RUNS, endOnFailure: true });
        if (run.failed) problems.push(`${path} as ${role}: ${(run.errorInstance as Error)?.message} ← ${fc.stringify(run.counterexample).slice(0, 300)}`);
      }
    }
    expect(problems).toEqual([]);
  }, 120_000);
});
