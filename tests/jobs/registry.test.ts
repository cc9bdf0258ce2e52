import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '@cuntong/server/db/create-db';
import { jobDefinitions } from '@cuntong/server/jobs/handlers';
import { createInlineQueue } from '@cuntong/server/jobs/inline-queue';
import { buildRegistry, defineJob, type JobDefinition, type JobRegistry } from '@cuntong/server/jobs/registry';
import { AppError } from '@cuntong/server/lib/app-error';
import { computeRegionRollups } from '@cuntong/server/modules/regions/regions.metrics';
import { createTestDb } from '../support/db';
import { silentLog } from '../support/harness';

describe('job registry', () => {
  it('accepts exactly one handler per declared job', () => {
    expect([...buildRegistry(jobDefinitions).keys()]).toEqual(['regions.rollup', 'stations.recompute', 'auth.housekeeping', 'training.recompute', 'livestream.recompute', 'notifications.evaluate', 'taobao.evaluate', 'courier.recompute', 'planner.plan', 'operations.recompute', 'reports.monthly', 'reports.recompute']);
  });

  it('refuses to start when a job has no handler', () => {
    expect(() => buildRegistry([])).toThrow(/no handler for "regions.rollup", "stations.recompute", "auth.housekeeping", "training.recompute", "livestream.recompute"/);
  });

  it('refuses to start when a job has two handlers', () => {
    expect(() => buildRegistry([...jobDefinitions, ...jobDefinitions])).toThrow(/"regions.rollup" has two handlers/);
  });

  it('refuses a handler for a job that is not declared', () => {
    const stray = { name: 'stations.nope', handler: async () => null } as unknown as JobDefinition;
    expect(() => buildRegistry([...jobDefinitions, stray])).toThrow(/"stations.nope" is not declared/);
  });
});

/** The real registry, but regions.rollup runs a test-controlled handler (with the real payload contract). */
function registryWith(handler: JobDefinition<'regions.rollup'>['handler'], extra: Partial<JobDefinition<'regions.rollup'>> = {}): JobRegistry {
  const others = jobDefinitions.filter((d) => d.name !== 'regions.rollup');
  return buildRegistry([defineJob({ name: 'regions.rollup', handler, backoffMs: 10, ...extra }), ...others]);
}

describe('in-process queue', () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await createTestDb();
  });
  afterAll(() => handle.close());

  it('runs the real regions.rollup handler with the same result as calling it directly', async () => {
    const queue = createInlineQueue({ db: handle.db, log: silentLog, registry: buildRegistry(jobDefinitions), runSchedules: false });
    const job = await queue.enqueue('regions.rollup', { countyCode: '370481000000' });
    expect(await job.finished()).toEqual({ counties: 1, towns: 21 });
    expect(await computeRegionRollups(handle.db, '370481000000')).toEqual({ counties: 1, towns: 21 });
    await queue.close();
  });

  it('retries a failing job with backoff and succeeds within its attempts', async () => {
    let calls = 0;
    const times: number[] = [];
    const queue = createInlineQueue({
      db: handle.db,
      log: silentLog,
      runSchedules: false,
      registry: registryWith(async () => {
        times.push(Date.now());
        if (++calls < 3) throw new Error(`flaky ${calls}`);
        return 'ok';
      }),
    });
    const job = await queue.enqueue('regions.rollup', {});
    expect(await job.finished()).toBe('ok');
    expect(calls).toBe(3);
    // exponential: ≥10 ms before the 2nd try, ≥20 ms before the 3rd
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(9);
    expect(times[2] - times[1]).toBeGreaterThanOrEqual(19);
    await queue.close();
  });

  it('gives up after its attempts and reports the failure', async () => {
    let calls = 0;
    const queue = createInlineQueue({
      db: handle.db,
      log: silentLog,
      runSchedules: false,
      registry: registryWith(async () => {
        calls++;
        throw new Error('always broken');
      }, { attempts: 2 }),
    });
    const job = await queue.enqueue('regions.rollup', {});
    await expect(job.finished()).rejects.toThrow('always broken');
    expect(calls).toBe(2);
    await queue.close();
  });

  it('refuses an invalid payload before anything runs', async () => {
    const queue = createInlineQueue({ db: handle.db, log: silentLog, registry: buildRegistry(jobDefinitions), runSchedules: false });
    const error = await queue.enqueue('regions.rollup', { countyCode: '3704' }).catch((e) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe('JOB_PAYLOAD_INVALID');
    await queue.close();
  });

  it('deduplicates: a waiting job absorbs repeats; a running job gets one follow-up with the latest payload', async () => {
    const seen: (string | undefined)[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const queue = createInlineQueue({
      db: handle.db,
      log: silentLog,
      runSchedules: false,
      registry: registryWith(
        async ({ countyCode }) => {
          seen.push(countyCode);
          if (seen.length === 1) await gate;
          return seen.length;
        },
        { dedupeKey: () => 'one-key' },
      ),
    });
    const a = await queue.enqueue('regions.rollup', { countyCode: '370481000000' }, { delayMs: 20 });
    const a2 = await queue.enqueue('regions.rollup', { countyCode: '370482000000' });
    expect(a2.id).toBe(a.id); // still waiting: the repeat is absorbed
    await new Promise((r) => setTimeout(r, 60)); // now a is running, held by the gate
    const b = await queue.enqueue('regions.rollup', { countyCode: '370483000000' });
    const c = await queue.enqueue('regions.rollup', { countyCode: '370484000000' });
    expect(c.id).toBe(b.id);
    release();
    expect(await a.finished()).toBe(1);
    expect(await b.finished()).toBe(2);
    expect(seen).toEqual(['370481000000', '370484000000']);
    await queue.close();
  });

  it('runs cron schedules in-process, like the BullMQ job scheduler', async () => {
    let runs = 0;
    const queue = createInlineQueue({
      db: handle.db,
      log: silentLog,
      registry: registryWith(async () => ++runs, { schedule: { pattern: '* * * * * *', tz: 'Asia/Shanghai', payload: {} } }),
    });
    const deadline = Date.now() + 4000;
    while (runs < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await queue.close();
    expect(runs).toBeGreaterThanOrEqual(2);
  });
});
