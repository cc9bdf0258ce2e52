import crypto from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '@cuntong/server/db/create-db';
import { createBullmqQueue, QUEUE_NAME, startBullmqWorker } from '@cuntong/server/jobs/bullmq-queue';
import { jobDefinitions } from '@cuntong/server/jobs/handlers';
import { createInlineQueue } from '@cuntong/server/jobs/inline-queue';
import type { JobQueue } from '@cuntong/server/jobs/queue';
import { buildRegistry, defineJob, type JobRegistry } from '@cuntong/server/jobs/registry';
import { createTestDb } from '../support/db';
import { hasRedis, NO_REDIS_REASON, REDIS_URL } from '../support/env';
import { silentLog } from '../support/harness';

const COUNTY = '370481000000';

/** A BullMQ producer and worker on a key prefix of their own, so parallel runs never share jobs. */
async function bullmqPair(db: DbHandle['db'], registry: JobRegistry) {
  const prefix = `cuntong-test-${crypto.randomBytes(4).toString('hex')}`;
  const options = { redisUrl: REDIS_URL!, prefix, registry, log: silentLog };
  const queue = createBullmqQueue(options);
  const worker = await startBullmqWorker({ ...options, db, queue, concurrency: 2 });
  return {
    queue,
    prefix,
    async close() {
      await worker.close();
      await queue.close();
      const conn = new Redis(REDIS_URL!, { maxRetriesPerRequest: null });
      const q = new Queue(QUEUE_NAME, { connection: conn, prefix });
      await q.obliterate({ force: true });
      await q.close();
      conn.disconnect();
    },
  };
}

const rollupRows = (db: DbHandle['db']) =>
  db
    .selectFrom('region_rollups')
    .select(['region_code', 'level', 'town_count', 'village_count', 'administrative_village_count'])
    .where('region_code', 'like', '370481%')
    .orderBy('region_code')
    .execute();

describe.runIf(hasRedis)(`BullMQ on real Redis${hasRedis ? '' : ` (skipped: ${NO_REDIS_REASON})`}`, () => {
  let handle: DbHandle;
  let pair: Awaited<ReturnType<typeof bullmqPair>>;
  let queue: JobQueue;

  beforeAll(async () => {
    handle = await createTestDb();
    // Villages with known kinds: in 洪绪镇 two 居委会 and three 村委会; in 南沙河镇 one 村委会.
    await handle.db
      .insertInto('regions')
      .values(
        [
          ['370481101001', '370481101000'],
          ['370481101002', '370481101000'],
          ['370481101201', '370481101000'],
          ['370481101202', '370481101000'],
          ['370481101203', '370481101000'],
          ['370481102201', '370481102000'],
        ].map(([code, parent]) => ({
          code,
          parent_code: parent,
          name: `村${code.slice(-3)}`,
          level: 'village' as const,
          village_kind: Number(code.slice(-3)) < 200 ? ('residents_committee' as const) : ('villagers_committee' as const),
        })),
      )
      .execute();
    pair = await bullmqPair(handle.db, buildRegistry(jobDefinitions));
    queue = pair.queue;
  });
  afterAll(async () => {
    await pair?.close();
    await handle?.close();
  });

  it('round trip: enqueue regions.rollup, a worker runs it against the database, the snapshot holds the right counts', async () => {
    expect(queue.kind).toBe('bullmq');
    const job = await queue.enqueue('regions.rollup', { countyCode: COUNTY });
    expect(await job.finished(20_000)).toEqual({ counties: 1, towns: 21 });
    const rows = await rollupRows(handle.db);
    expect(rows).toHaveLength(22);
    expect(rows.find((r) => r.region_code === COUNTY)).toEqual({
      region_code: COUNTY,
      level: 'county',
      town_count: 21,
      village_count: 6,
      administrative_village_count: 4,
    });
    expect(rows.find((r) => r.region_code === '370481101000')).toMatchObject({ village_count: 5, administrative_village_count: 3 });
    expect(rows.find((r) => r.region_code === '370481102000')).toMatchObject({ village_count: 1, administrative_village_count: 1 });
    expect(rows.find((r) => r.region_code === '370481103000')).toMatchObject({ village_count: 0, administrative_village_count: 0 });
  });

  it('running it twice leaves the same rows', async () => {
    const first = await rollupRows(handle.db);
    await (await queue.enqueue('regions.rollup', { countyCode: COUNTY })).finished(20_000);
    await (await queue.enqueue('regions.rollup', { countyCode: COUNTY })).finished(20_000);
    expect(await rollupRows(handle.db)).toEqual(first);
  });

  it('the in-process queue runs the same handler with the same result', async () => {
    const viaBull = await rollupRows(handle.db);
    await handle.db.deleteFrom('region_rollups').execute();
    const inline = createInlineQueue({ db: handle.db, log: silentLog, registry: buildRegistry(jobDefinitions), runSchedules: false });
    expect(await (await inline.enqueue('regions.rollup', { countyCode: COUNTY })).finished()).toEqual({ counties: 1, towns: 21 });
    await inline.close();
    expect(await rollupRows(handle.db)).toEqual(viaBull);
  });

  it('runs the stations recompute job against the database', async () => {
    const center = await handle.db
      .insertInto('stations')
      .values({ code: 'BQ-C', name: '中心', tier: 'county_center', region_code: COUNTY, status: 'active', status_since: '2026-11-01' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await handle.db.insertInto('ledger_entries').values({ station_id: center.id, entry_date: '2026-11-10', parcels_in: 7 }).execute();
    const job = await queue.enqueue('stations.recompute', { countyCode: COUNTY, asOf: '2026-11-20' });
    expect(await job.finished(20_000)).toMatchObject({ stations: 1, monthRows: 1, ruleVersion: 1 });
    const activity = await handle.db.selectFrom('station_activity').selectAll().where('station_id', '=', center.id).executeTakeFirstOrThrow();
    expect(activity).toMatchObject({ as_of: '2026-11-20', last_active_date: '2026-11-10', quiet: false, quiet_days: 10 });
  });

  it('registers the nightly schedule with the BullMQ job scheduler (idempotently)', async () => {
    const conn = new Redis(REDIS_URL!, { maxRetriesPerRequest: null });
    const q = new Queue(QUEUE_NAME, { connection: conn, prefix: pair.prefix });
    const schedulers = await q.getJobSchedulers();
    await q.close();
    conn.disconnect();
    expect(schedulers.map((s) => ({ key: s.key, pattern: s.pattern, tz: s.tz })).sort((a, b) => a.key.localeCompare(b.key))).toEqual([
      { key: 'schedule:auth.housekeeping', pattern: '5 3 * * *', tz: 'Asia/Shanghai' },
      { key: 'schedule:courier.recompute', pattern: '40 3 * * *', tz: 'Asia/Shanghai' },
      { key: 'schedule:livestream.recompute', pattern: '15 3 * * *', tz: 'Asia/Shanghai' },
      { key: 'schedule:notifications.evaluate', pattern: '0 7,18 * * *', tz: 'Asia/Shanghai' },
      { key: 'schedule:regions.rollup', pattern: '30 2 * * *', tz: 'Asia/Shanghai' },
      { key: 'schedule:reports.monthly', pattern: '0 6 1 * *', tz: 'Asia/Shanghai' },
      { key: 'schedule:stations.recompute', pattern: '15 2 * * *', tz: 'Asia/Shanghai' },
      { key: 'schedule:taobao.evaluate', pattern: '30 3 * * *', tz: 'Asia/Shanghai' },
      { key: 'schedule:training.recompute', pattern: '45 2 * * *', tz: 'Asia/Shanghai' },
    ]);
  });

  it('coalesces a burst of enqueues of one deduplicated job: two adds reach Redis, every caller is given the job', async () => {
    const jobs = await Promise.all(Array.from({ length: 50 }, () => queue.enqueue('training.recompute', {}, { delayMs: 60_000 })));
    expect(new Set(jobs.map((j) => j.id)).size).toBe(1);
    // the first caller's add made the job; the 49 who came while it was under way shared one more add
    const redis = new Redis(REDIS_URL!, { maxRetriesPerRequest: null });
    try {
      const events = await redis.xrange(`${pair.prefix}:${QUEUE_NAME}:events`, '-', '+');
      const deduplicated = events.filter(([, fields]) => fields[1] === 'deduplicated' && fields.includes('training.recompute'));
      expect(deduplicated).toHaveLength(1);
    } finally {
      redis.disconnect();
    }
  });

  it('retries a failing job with backoff, and deduplicates a waiting job by its key', async () => {
    let calls = 0;
    const flaky = await bullmqPair(
      handle.db,
      buildRegistry([
        ...jobDefinitions.filter((d) => d.name !== 'regions.rollup'),
        defineJob({
          name: 'regions.rollup',
          backoffMs: 50,
          dedupeKey: ({ countyCode }) => `rollup:${countyCode ?? 'all'}`,
          handler: async () => {
            if (++calls < 3) throw new Error(`flaky ${calls}`);
            return calls;
          },
        }),
      ]),
    );
    try {
      const a = await flaky.queue.enqueue('regions.rollup', { countyCode: COUNTY }, { delayMs: 300 });
      const b = await flaky.queue.enqueue('regions.rollup', { countyCode: COUNTY }, { delayMs: 300 });
      expect(b.id).toBe(a.id);
      expect(await a.finished(20_000)).toBe(3);
      expect(calls).toBe(3);
    } finally {
      await flaky.close();
    }
  });
});
