import { parentPort } from 'node:worker_threads';
import type { PlannerProblem, PlannerSolution } from './model';
import { solve, type SolveOptions } from './solve';

/** What the runner sends: the problem, the search's options and the shared stop word. */
export interface WorkerRequest {
  problem: PlannerProblem;
  options: Pick<SolveOptions, 'timeLimitMs' | 'seed' | 'useAllVehicles' | 'maxIterations'>;
  stop: SharedArrayBuffer;
}

export type WorkerMessage =
  | { type: 'progress'; bestCost: number; elapsedMs: number }
  | { type: 'done'; solution: PlannerSolution }
  | { type: 'failed'; message: string };

/** One solve per worker: the runner starts a thread, sends one request, gets progress and the answer. */
parentPort?.once('message', (request: WorkerRequest) => {
  const post = (message: WorkerMessage) => parentPort!.postMessage(message);
  try {
    const solution = solve(request.problem, {
      ...request.options,
      stopFlag: new Int32Array(request.stop),
      onProgress: (bestCost, elapsedMs) => post({ type: 'progress', bestCost, elapsedMs }),
    });
    post({ type: 'done', solution });
  } catch (error) {
    post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
});
