import { Worker } from 'node:worker_threads';
import type { PlannerProblem, PlannerSolution } from './model';
import type { SolveOptions } from './solve';
import type { WorkerMessage, WorkerRequest } from './worker';

export type RunOptions = Pick<SolveOptions, 'timeLimitMs' | 'seed' | 'useAllVehicles' | 'maxIterations' | 'signal' | 'onProgress'>;

/** Time a worker gets beyond its budget to answer before it is presumed stuck and stopped. */
const GRACE_MS = 30_000;

/**
 * The worker's entry: worker-entry.mjs registers tsx in the thread and loads worker.ts when the
 * server runs from its TypeScript sources (server/package.json starts it with tsx; vitest runs the
 * tests), since Node 20 does not carry the parent's loader into a worker; a compiled build starts
 * worker.js directly.
 */
function workerEntry(): URL {
  return new URL(import.meta.url.endsWith('.ts') ? './worker-entry.mjs' : './worker.js', import.meta.url);
}

/**
 * Solves in a worker thread, so the server keeps answering for the seconds a plan takes. Progress
 * arrives as the search improves; aborting the signal stops the search, which still answers with
 * the best plan found so far.
 */
export function solveInWorker(problem: PlannerProblem, options: RunOptions): Promise<PlannerSolution> {
  const { signal, onProgress, ...searchOptions } = options;
  const stop = new SharedArrayBuffer(4);
  const stopWord = new Int32Array(stop);
  const worker = new Worker(workerEntry());
  return new Promise<PlannerSolution>((resolve, reject) => {
    const onAbort = () => Atomics.store(stopWord, 0, 1);
    const timer = setTimeout(() => settle(new Error('planner: the solver did not answer in time')), options.timeLimitMs + GRACE_MS);
    const settle = (error: Error | null, solution?: PlannerSolution) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      worker.removeAllListeners();
      void worker.terminate();
      if (error) reject(error);
      else resolve(solution!);
    };
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'progress') onProgress?.(message.bestCost, message.elapsedMs);
      else if (message.type === 'done') settle(null, message.solution);
      else settle(new Error(`planner: ${message.message}`));
    });
    worker.on('error', (error) => settle(error));
    worker.on('exit', (code) => settle(new Error(`planner: the solver's thread exited (${code})`)));
    const request: WorkerRequest = { problem, options: searchOptions, stop };
    worker.postMessage(request);
  });
}
