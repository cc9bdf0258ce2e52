import crypto from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '@cuntong/server/db/create-db';
import { createBullmqQueue, QUEUE_NAME, startBullmqWorker } from '@cuntong/server/jobs/bullmq-queue';
import { jobDefinitions } from '@cuntong/server/jobs/handlers';
import type { JobQueue } from '@cuntong/server/jobs/queue';
import { buildRegistry } from '@cuntong/server/jobs/registry';
import { computeTrainingMetrics } from '@cuntong/server/modules/training/training.metrics';
import { createTestDb } from '../support/db';
import { hasRedis, NO_REDIS_REASON, REDIS_URL } from '../support/env';
import { silentLog } from '../support/harness';
import { evenings, HONGXU } from './metrics-fixture';

/**
 * The job path: 'livestream.recompute' enqueued through BullMQ on a real Redis, run by a worker
 * against the database; a trainee who started livestreaming gains the outcome, and the worker then
 * runs training.recompute, whose conversion figures count it.
 */
describe.runIf(hasRedis)(`livestream.recompute through BullMQ${hasRedis ? '' : ` (skipped: ${NO_REDIS_REASON})`}`, () => {
  let handle: DbHandle;
  let queue: JobQueue;
  let close: () => Promise<void>;
  let hostId: number;
  let traineeId: number;

  beforeAll(async () => {
    handle = await createTestDb();
    const db = handle.db;
    const prefix = `cuntong-test-${crypto.randomBytes(4).toString('hex')}`;
    const registry = buildRegistry(jobDefinitions);
    const options = { redisUrl: REDIS_URL!, prefix, registry, log: silentLog };
    queue = createBullmqQueue(options);
    const worker = await startBullmqWorker({ ...options, db, queue, concurrency: 2 });
    close = async () => {
      await worker.close();
      await queue.close();
      const conn = new Redis(REDIS_URL!, { maxRetriesPerRequest: null });
      const q = new Queue(QUEUE_NAME, { connection: conn, prefix });
      await q.obliterate({ force: true });
      await q.close();
      conn.disconnect();
    };

    const trainee = await db.insertInto('trainees').values({ name: '学员', mobile: '13800000009' }).returning('id').executeTakeFirstOrThrow();
    traineeId = trainee.id;
    const course = await db.insertInto('courses').values({ title: '直播带货班', topic: 'livestream_selling', region_code: HONGXU }).returning('id').executeTakeFirstOrThrow();
    const session = await db
      .insertInto('course_sessions')
      .values({ course_id: course.id, session_date: '2026-05-20', starts_at: '09:00', ends_at: '11:00' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.insertInto('attendance').values({ session_id: session.id, trainee_id: traineeId, method: 'search' }).execute();
    await computeTrainingMetrics(db);
    const base = await db.insertInto('livestream_bases').values({ name: '洪绪直播基地', region_code: HONGXU }).returning('id').executeTakeFirstOrThrow();
    const host = await db.insertInto('livestream_hosts').values({ base_id: base.id, name: '主播', mobile: '13900000009', trainee_id: traineeId }).returning('id').executeTakeFirstOrThrow();
    hostId = host.id;
    await db
      .insertInto('livestream_streams')
      .values(evenings('2026-06', [3, 9, 15, 21]).map((s) => ({ host_id: hostId, base_id: base.id, platform: 'taobao' as const, started_at: s.at, duration_seconds: 1800, gmv_fen: 5000 })))
      .execute();
  });
  afterAll(async () => {
    await close?.();
    await handle?.close();
  });

  it('a worker runs the recompute: snapshots written, the outcome added once, training recomputed after it', async () => {
    expect(queue.kind).toBe('bullmq');
    const job = await queue.enqueue('livestream.recompute', { month: '2026-06' });
    expect(await job.finished(30_000)).toMatchObject({ months: ['2026-06'], hostMonths: 1, ruleVersions: [1], outcomesAdded: 1 });
    const row = await handle.db.selectFrom('host_month_stats').selectAll().where('host_id', '=', hostId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ month: '2026-06-01', streams: 4, gmv_fen: 20_000, active_at_month_end: true, rule_version: 1, as_of: '2026-06-30' });
    const stats = await handle.db.selectFrom('livestream_active_stats').select(['platform', 'active_hosts']).where('month', '=', '2026-06-01').orderBy('platform').execute();
    expect(stats).toEqual([
      { platform: 'all', active_hosts: 1 },
      { platform: 'taobao', active_hosts: 1 },
    ]);

    // training.recompute follows on the same worker: the county's 2026 conversion counts the outcome
    await expect
      .poll(
        async () =>
          (
            await handle.db
              .selectFrom('metric_values')
              .select('value')
              .where('metric_key', '=', 'training.converted.livestream_started')
              .where('region_code', '=', '370481000000')
              .where('period', '=', '2026')
              .executeTakeFirst()
          )?.value,
        { timeout: 20_000 },
      )
      .toBe(1);

    const again = await queue.enqueue('livestream.recompute', { month: '2026-06' });
    expect(await again.finished(30_000)).toMatchObject({ outcomesAdded: 0, written: 0 });
    expect(await handle.db.selectFrom('training_outcomes').select('occurred_on').where('trainee_id', '=', traineeId).execute()).toEqual([{ occurred_on: '2026-06-03' }]);
  });
});
