import { Job, Queue, QueueEvents, Worker, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { Db } from '../db/create-db';
import type { Logger } from '../lib/logger';
import type { JobName, JobPayload } from './contracts';
import type { EnqueuedJob, EnqueueOptions, JobQueue, JobState } from './queue';
import { runRecorded } from './run';
import { backoffDelay, DEFAULT_ATTEMPTS, parsePayload, type JobRegistry } from './registry';

/** One BullMQ queue carries every job; the job's name picks the handler. */
export const QUEUE_NAME = 'jobs';

export interface BullmqOptions {
  redisUrl: string;
  /** Key prefix in Redis, so deployments (and test runs) can share one Redis. */
  prefix: string;
  registry: JobRegistry;
  log: Logger;
}

function connection(redisUrl: string, forWorker: boolean): Redis {
  // Workers block on Redis and must never give up a command (BullMQ requires maxRetriesPerRequest: null).
  return new Redis(redisUrl, { maxRetriesPerRequest: forWorker ? null : 3, enableReadyCheck: true, lazyConnect: false });
}

/** The producer side, used by every server process. */
export function createBullmqQueue(options: BullmqOptions): JobQueue {
  const { registry, prefix } = options;
  const conn = connection(options.redisUrl, false);
  conn.on('error', (err) => options.log.warn({ err: err.message }, 'redis connection error'));
  const queue = new Queue(QUEUE_NAME, { connection: conn as ConnectionOptions, prefix });
  let events: QueueEvents | undefined;
  const queueEvents = async () => {
    if (!events) {
      events = new QueueEvents(QUEUE_NAME, { connection: connection(options.redisUrl, true) as ConnectionOptions, prefix, autorun: true });
      await events.waitUntilReady();
    }
    return events;
  };

  const coalesce = coalescing<EnqueuedJob>();

  return {
    kind: 'bullmq',
    async enqueue<N extends JobName>(name: N, payload: JobPayload<N>, opts: EnqueueOptions = {}): Promise<EnqueuedJob> {
      const def = registry.get(name)!;
      const parsed = parsePayload(name, payload);
      const key = def.dedupeKey?.(parsed as never);
      const add = async (): Promise<EnqueuedJob> => {
        // Listen before adding, so a fast worker cannot finish the job before we subscribe.
        const ev = await queueEvents();
        const job = await queue.add(name, parsed, {
          attempts: def.attempts ?? DEFAULT_ATTEMPTS,
          backoff: { type: 'exponential', delay: backoffDelay(def, 1) },
          delay: opts.delayMs,
          removeOnComplete: { age: 24 * 3600, count: 1000 },
          removeOnFail: { age: 7 * 24 * 3600 },
          ...(key ? { deduplication: { id: key, keepLastIfActive: true } } : {}),
        });
        return { id: job.id!, finished: (timeoutMs = 60_000) => job.waitUntilFinished(ev, timeoutMs) };
      };
      return key ? coalesce(`${key}|${opts.delayMs ?? 0}`, add) : add();
    },
    async ping() {
      await conn.ping();
    },
    async status() {
      const counts = await queue.getJobCounts('waiting', 'delayed', 'active', 'failed', 'completed', 'prioritized');
      const failed = await queue.getFailed(0, 19);
      return {
        kind: 'bullmq' as const,
        counts: {
          waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
          delayed: counts.delayed ?? 0,
          active: counts.active ?? 0,
          failed: counts.failed ?? 0,
          completed: counts.completed ?? 0,
        },
        failed: await Promise.all(failed.filter(Boolean).map((j) => stateOf(j))),
      };
    },
    async job(id) {
      const found = await Job.fromId(queue, id);
      return found ? stateOf(found) : null;
    },
    async retry(id) {
      const found = await Job.fromId(queue, id);
      if (!found || !(await found.isFailed())) return false;
      await found.retry('failed');
      return true;
    },
    async close() {
      await events?.close();
      await queue.close();
      conn.disconnect();
    },
  };
}

async function stateOf(job: Job): Promise<JobState> {
  const state = await job.getState();
  const known = ['waiting', 'delayed', 'active', 'completed', 'failed'] as const;
  return {
    id: job.id!,
    name: job.name,
    state: (known as readonly string[]).includes(state) ? (state as JobState['state']) : state === 'prioritized' || state === 'waiting-children' ? 'waiting' : 'unknown',
    progress: typeof job.progress === 'number' ? job.progress : 0,
    attemptsMade: job.attemptsMade,
    failedReason: job.failedReason ?? null,
    finishedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
  };
}

/**
 * Adds of one deduplicated job, coalesced in this process: while one is on its way to Redis, the
 * callers after it wait and share the next one, sent when it returns. Every caller's add is still
 * sent after the caller asked (after its commit), so the job it is given runs after that commit —
 * sharing an add already under way would not promise that. A hall of check-ins then costs two
 * Redis round trips at a time instead of one each, and Redis sends back one event, not hundreds.
 */
function coalescing<T>() {
  const lanes = new Map<string, { sending: boolean; waiting: { resolve: (v: T) => void; reject: (e: unknown) => void }[] }>();
  return (key: string, send: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const lane = lanes.get(key) ?? { sending: false, waiting: [] };
      lanes.set(key, lane);
      lane.waiting.push({ resolve, reject });
      const pump = () => {
        lane.sending = true;
        const batch = lane.waiting.splice(0);
        send()
          .then((v) => batch.forEach((w) => w.resolve(v)), (e) => batch.forEach((w) => w.reject(e)))
          .finally(() => {
            lane.sending = false;
            if (lane.waiting.length) pump();
            else lanes.delete(key);
          });
      };
      if (!lane.sending) pump();
    });
}

export interface BullmqWorkerHandle {
  close(): Promise<void>;
}

/**
 * The consumer side: runs the registry's handlers for jobs taken from Redis, and (idempotently)
 * registers the cron schedules, so any number of workers on any number of machines share the work.
 */
export async function startBullmqWorker(
  options: BullmqOptions & { db: Db; queue: JobQueue; concurrency: number },
): Promise<BullmqWorkerHandle> {
  const { registry, prefix, log, db, queue } = options;
  const schedulerConn = connection(options.redisUrl, false);
  const scheduler = new Queue(QUEUE_NAME, { connection: schedulerConn as ConnectionOptions, prefix });
  for (const def of registry.values()) {
    if (!def.schedule) continue;
    await scheduler.upsertJobScheduler(
      `schedule:${def.name}`,
      { pattern: def.schedule.pattern, tz: def.schedule.tz },
      { name: def.name, data: def.schedule.payload, opts: { attempts: def.attempts ?? DEFAULT_ATTEMPTS, backoff: { type: 'exponential', delay: backoffDelay(def, 1) } } },
    );
  }
  await scheduler.close();
  schedulerConn.disconnect();

  const worker = new Worker(
    QUEUE_NAME,
    async (job) => {
      const def = registry.get(job.name as JobName);
      if (!def) throw new Error(`no handler for job "${job.name}"`);
      const payload = parsePayload(def.name, job.data);
      const jobLog = log.child({ job: def.name, jobId: job.id, attempt: job.attemptsMade + 1 });
      return runRecorded(def, payload, { db, log: jobLog, queue, progress: (p) => job.updateProgress(p) }, { jobId: job.id!, attempt: job.attemptsMade + 1 });
    },
    { connection: connection(options.redisUrl, true) as ConnectionOptions, prefix, concurrency: options.concurrency },
  );
  worker.on('failed', (job, err) => log.warn({ job: job?.name, jobId: job?.id, attempts: job?.attemptsMade, err: err.message }, 'job failed'));
  worker.on('error', (err) => log.error({ err: err.message }, 'worker error'));
  await worker.waitUntilReady();
  return { close: () => worker.close() };
}
