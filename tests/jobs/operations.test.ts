import crypto from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '@cuntong/server/db/create-db';
import { createBullmqQueue, QUEUE_NAME, startBullmqWorker } from '@cuntong/server/jobs/bullmq-queue';
import { jobDefinitions } from '@cuntong/server/jobs/handlers';
import { createInlineQueue } from '@cuntong/server/jobs/inline-queue';
import type { JobQueue } from '@cuntong/server/jobs/queue';
import { buildRegistry, defineJob } from '@cuntong/server/jobs/registry';
import { createTestDb } from '../support/db';
import { hasRedis, NO_REDIS_REASON, REDIS_URL } from '../support/env';
import { createHarness, silentLog, type Harness } from '../support/harness';

/** regions.rollup made to fail on its first run and succeed after, run once per try (no retries). */
function failingOnce() {
  let calls = 0;
  return buildRegistry([
    ...jobDefinitions.filter((d) => d.name !== 'regions.rollup'),
    defineJob({
      name: 'regions.rollup',
      attempts: 1,
      handler: async () => {
        if (++calls === 1) throw new Error('连接中断 (first run)');
        return calls;
      },
    }),
  ]);
}

const until = async <T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** What both queues must do for the operations page: a failure shown with its reason, retried once asked, every run recorded. */
async function failureAndRetry(queue: JobQueue, db: DbHandle['db']) {
  const first = await queue.enqueue('regions.rollup', { countyCode: '370481000000' });
  await expect(first.finished(20_000)).rejects.toThrow(/连接中断/);
  const status = await until(() => queue.status(), (s) => s.counts.failed === 1);
  expect(status.counts.failed).toBe(1);
  expect(status.failed[0]).toMatchObject({ id: first.id, name: 'regions.rollup', state: 'failed', failedReason: '连接中断 (first run)' });
  expect(await queue.retry('no-such-job')).toBe(false);
  expect(await queue.retry(first.id)).toBe(true);
  const after = await until(() => queue.status(), (s) => s.counts.failed === 0 && s.counts.completed >= 1);
  expect(after.counts).toMatchObject({ failed: 0, active: 0 });
  expect(after.counts.completed).toBeGreaterThanOrEqual(1);
  const runs = await db.selectFrom('job_runs').select(['job_name', 'status', 'error', 'duration_ms']).where('job_name', '=', 'regions.rollup').orderBy('id').execute();
  expect(runs.map((r) => [r.status, r.error])).toEqual([
    ['failed', '连接中断 (first run)'],
    ['ok', null],
  ]);
  expect(runs.every((r) => r.duration_ms >= 0)).toBe(true);
}

describe('the in-process queue for the operations page', () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await createTestDb();
  });
  afterAll(() => handle?.close());

  it('shows a failed job with its reason, retries it, and records every run', async () => {
    const queue = createInlineQueue({ db: handle.db, log: silentLog, registry: failingOnce(), runSchedules: false });
    try {
      await failureAndRetry(queue, handle.db);
    } finally {
      await queue.close();
    }
  });
});

describe.runIf(hasRedis)(`BullMQ on real Redis for the operations page${hasRedis ? '' : ` (skipped: ${NO_REDIS_REASON})`}`, () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await createTestDb();
  });
  afterAll(() => handle?.close());

  it('shows a failed job with its reason, retries it, and records every run', async () => {
    const prefix = `cuntong-test-${crypto.randomBytes(4).toString('hex')}`;
    const options = { redisUrl: REDIS_URL!, prefix, registry: failingOnce(), log: silentLog };
    const queue = createBullmqQueue(options);
    const worker = await startBullmqWorker({ ...options, db: handle.db, queue, concurrency: 1 });
    try {
      await failureAndRetry(queue, handle.db);
    } finally {
      await worker.close();
      await queue.close();
      const conn = new Redis(REDIS_URL!, { maxRetriesPerRequest: null });
      const q = new Queue(QUEUE_NAME, { connection: conn, prefix });
      await q.obliterate({ force: true });
      await q.close();
      conn.disconnect();
    }
  });
});

describe('recompute now', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h?.close());

  it('runs every module’s snapshots with progress, for the administrator only, audited', async () => {
    const admin = h.caller((await h.user('admin')).actor);
    const { id } = await admin.operations.recompute.start();
    const done = await until(() => admin.operations.recompute.status({ id }), (s) => s?.state === 'completed' || s?.state === 'failed');
    expect(done).toMatchObject({ state: 'completed', progress: 100 });
    const runs = await admin.operations.runs();
    expect(runs.find((r) => r.name === 'operations.recompute')).toMatchObject({ lastStatus: 'ok', recentRuns: 1 });
    // every declared job is listed, run or not
    expect(runs.map((r) => r.name)).toContain('stations.recompute');
    const audit = await h.db.selectFrom('audit_log').select(['entity', 'action']).where('entity', '=', 'job').execute();
    expect(audit).toEqual([{ entity: 'job', action: 'recompute' }]);
  });
});
