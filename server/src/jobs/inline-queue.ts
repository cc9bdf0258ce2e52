import { CronExpressionParser } from 'cron-parser';
import type { Db } from '../db/create-db';
import type { Logger } from '../lib/logger';
import type { JobName, JobPayload } from './contracts';
import type { EnqueuedJob, EnqueueOptions, JobQueue } from './queue';
import { backoffDelay, DEFAULT_ATTEMPTS, parsePayload, type JobDefinition, type JobRegistry } from './registry';

interface Deferred {
  promise: Promise<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

function deferred(): Deferred {
  let resolve!: (v: unknown) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<unknown>((res, rej) => ((resolve = res), (reject = rej)));
  promise.catch(() => {}); // a failure nobody waits for is logged, not an unhandled rejection
  return { promise, resolve, reject };
}

interface InlineJob {
  id: string;
  def: JobDefinition;
  payload: unknown;
  done: Deferred;
  key: string | undefined;
}

/** Slot per dedupe key: the job waiting to run, or the one running plus at most one to follow it. */
interface KeySlot {
  state: 'waiting' | 'active';
  job: InlineJob;
  next?: InlineJob;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

function handle(job: InlineJob): EnqueuedJob {
  return {
    id: job.id,
    finished: (timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`job ${job.id} did not finish within ${timeoutMs} ms`)), timeoutMs);
        job.done.promise.then(
          (v) => (clearTimeout(timer), resolve(v)),
          (e) => (clearTimeout(timer), reject(e)),
        );
      }),
  };
}

/**
 * In-process execution of the registry's handlers: the embedded default, with no Redis. Same
 * payload validation, retries with backoff, deduplication and cron schedules as the BullMQ queue.
 */
export function createInlineQueue(deps: { db: Db; log: Logger; registry: JobRegistry; runSchedules?: boolean }): JobQueue {
  const { db, log, registry } = deps;
  const slots = new Map<string, KeySlot>();
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  let counter = 0;
  let closed = false;

  const later = (fn: () => void, ms: number) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, Math.min(ms, MAX_TIMER_MS));
    timer.unref();
    timers.add(timer);
  };

  const queue: JobQueue = {
    kind: 'inline',
    async enqueue<N extends JobName>(name: N, payload: JobPayload<N>, options: EnqueueOptions = {}) {
      const def = registry.get(name)!;
      const parsed = parsePayload(name, payload);
      const key = def.dedupeKey?.(parsed as never);
      const job: InlineJob = { id: `${name}:${++counter}`, def, payload: parsed, done: deferred(), key };
      if (key !== undefined) {
        const slot = slots.get(key);
        if (slot?.state === 'waiting') return handle(slot.job);
        if (slot?.state === 'active') {
          // keep the latest payload; it runs once the current run ends
          if (slot.next) slot.next.payload = parsed;
          else slot.next = job;
          return handle(slot.next);
        }
        slots.set(key, { state: 'waiting', job });
      }
      later(() => start(job), options.delayMs ?? 0);
      return handle(job);
    },
    async ping() {},
    async close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await Promise.allSettled([...running]);
    },
  };

  function start(job: InlineJob) {
    if (closed) return job.done.reject(new Error('queue closed'));
    if (job.key !== undefined) slots.set(job.key, { ...slots.get(job.key)!, state: 'active', job });
    const run = execute(job).finally(() => {
      running.delete(run);
      if (job.key === undefined) return;
      const slot = slots.get(job.key);
      if (slot?.next) {
        const next = slot.next;
        slots.set(job.key, { state: 'waiting', job: next });
        later(() => start(next), 0);
      } else {
        slots.delete(job.key);
      }
    });
    running.add(run);
  }

  async function execute(job: InlineJob): Promise<void> {
    const attempts = job.def.attempts ?? DEFAULT_ATTEMPTS;
    const jobLog = log.child({ job: job.def.name, jobId: job.id });
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await job.def.handler(job.payload as never, {
          db,
          log: jobLog,
          queue,
          progress: async (percent) => jobLog.debug({ percent }, 'progress'),
        });
        job.done.resolve(result);
        return;
      } catch (error) {
        if (attempt >= attempts || closed) {
          jobLog.error({ err: error, attempt }, 'job failed');
          job.done.reject(error);
          return;
        }
        jobLog.warn({ err: error, attempt }, 'job failed; retrying');
        await new Promise((r) => setTimeout(r, backoffDelay(job.def, attempt)));
      }
    }
  }

  if (deps.runSchedules !== false) {
    for (const def of registry.values()) {
      if (!def.schedule) continue;
      const { pattern, tz, payload } = def.schedule;
      const arm = () => {
        const next = CronExpressionParser.parse(pattern, { tz, currentDate: new Date() }).next().toDate();
        later(() => {
          queue.enqueue(def.name, payload as never).catch((err) => log.error({ err, job: def.name }, 'scheduled enqueue failed'));
          arm();
        }, next.getTime() - Date.now());
      };
      arm();
    }
  }
  return queue;
}
