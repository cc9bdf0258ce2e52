import { CronExpressionParser } from 'cron-parser';
import type { Db } from '../db/create-db';
import type { Logger } from '../lib/logger';
import type { JobName, JobPayload } from './contracts';
import type { EnqueuedJob, EnqueueOptions, JobQueue, JobState } from './queue';
import { runRecorded } from './run';
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
/** How many finished jobs the in-process queue remembers for the operations page. */
const KEPT_JOBS = 200;

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
  // What the operations page reads: each job's state (the latest KEPT_JOBS), and how many completed.
  const states = new Map<string, JobState & { job: InlineJob }>();
  let completed = 0;
  const track = (job: InlineJob, change: Partial<JobState>) => {
    const now = states.get(job.id) ?? { id: job.id, name: job.def.name, state: 'waiting', progress: 0, attemptsMade: 0, failedReason: null, finishedAt: null, job };
    states.delete(job.id);
    states.set(job.id, { ...now, ...change });
    for (const id of states.keys()) {
      if (states.size <= KEPT_JOBS) break;
      if (states.get(id)!.state === 'completed' || states.get(id)!.state === 'failed') states.delete(id);
      else break;
    }
  };
  const view = ({ job: _job, ...state }: JobState & { job: InlineJob }): JobState => state;

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
      track(job, { state: options.delayMs ? 'delayed' : 'waiting' });
      later(() => start(job), options.delayMs ?? 0);
      return handle(job);
    },
    async ping() {},
    async status() {
      const all = [...states.values()];
      const count = (state: JobState['state']) => all.filter((s) => s.state === state).length;
      return {
        kind: 'inline' as const,
        counts: { waiting: count('waiting'), delayed: count('delayed'), active: count('active'), failed: count('failed'), completed },
        failed: all.filter((s) => s.state === 'failed').reverse().slice(0, 20).map(view),
      };
    },
    async job(id) {
      const state = states.get(id);
      return state ? view(state) : null;
    },
    async retry(id) {
      const state = states.get(id);
      if (!state || state.state !== 'failed') return false;
      states.delete(id);
      await queue.enqueue(state.job.def.name, state.job.payload as never);
      return true;
    },
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
    track(job, { state: 'active' });
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
        track(job, { attemptsMade: attempt - 1 });
        const progress = async (percent: number) => track(job, { progress: percent });
        const result = await runRecorded(job.def, job.payload, { db, log: jobLog, queue, progress }, { jobId: job.id, attempt });
        completed++;
        track(job, { state: 'completed', progress: 100, attemptsMade: attempt, finishedAt: new Date().toISOString() });
        job.done.resolve(result);
        return;
      } catch (error) {
        if (attempt >= attempts || closed) {
          jobLog.error({ err: error, attempt }, 'job failed');
          track(job, { state: 'failed', attemptsMade: attempt, failedReason: error instanceof Error ? error.message : String(error), finishedAt: new Date().toISOString() });
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
