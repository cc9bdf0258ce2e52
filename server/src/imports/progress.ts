import { setImmediate as nextTurn } from 'node:timers/promises';
import { z } from 'zod';
import type { roleProcedure } from '../trpc/trpc';

/**
 * How far a large import has got, for the wizard's progress bar: the client makes a key
 * (crypto.randomUUID) for each preview or commit it sends and asks `progress` with it while it
 * waits. Kept in this process for ten minutes, under the user's id, so nobody reads another's.
 * (One server process serves a county; behind several, a poll that reaches another process hears
 * "nothing yet" and the bar waits, as it does while the file is read.)
 */
export const IMPORT_STAGES = ['reading', 'checking', 'writing', 'done'] as const;
export type ImportStage = (typeof IMPORT_STAGES)[number];

export const progressKeySchema = z.uuid();
export const importProgressInput = z.object({ progressKey: progressKeySchema });
export const importProgressOutput = z.object({ stage: z.enum(IMPORT_STAGES), done: z.number(), total: z.number() }).nullable();
export type ImportProgress = NonNullable<z.infer<typeof importProgressOutput>>;

const KEEP_MS = 10 * 60_000;
const runs = new Map<string, ImportProgress & { at: number }>();
const keyOf = (userId: number, progressKey: string) => `${userId}:${progressKey}`;

export interface ProgressReporter {
  stage(stage: ImportStage, total?: number): void;
  /**
   * Rows done of the stage's total; cheap enough to await for every row. Every 100th row it is
   * stored and yields to the event loop, so that a 100,000-row sheet neither holds up other users'
   * requests nor the poll that asks how far it has got.
   */
  advance(done: number): Promise<void>;
}

const YIELD_EVERY = 100;
const STORE_EVERY = 100;
const yieldEvery = (done: number) => (done % YIELD_EVERY === 0 ? nextTurn() : Promise.resolve());
const SILENT: ProgressReporter = { stage: () => {}, advance: async (done) => yieldEvery(done) };

export function progressReporter(userId: number, progressKey: string | undefined): ProgressReporter {
  if (!progressKey) return SILENT;
  const key = keyOf(userId, progressKey);
  let current: ImportProgress = { stage: 'reading', done: 0, total: 0 };
  const store = () => {
    const now = Date.now();
    for (const [k, run] of runs) if (now - run.at > KEEP_MS) runs.delete(k);
    runs.set(key, { ...current, at: now });
  };
  store();
  return {
    stage(stage, total = 0) {
      current = { stage, done: stage === 'done' ? total : 0, total };
      store();
    },
    async advance(done) {
      current.done = done;
      if (done % STORE_EVERY === 0 || done === current.total) store();
      await yieldEvery(done);
    },
  };
}

export function importProgress(userId: number, progressKey: string): ImportProgress | null {
  const run = runs.get(keyOf(userId, progressKey));
  return run ? { stage: run.stage, done: run.done, total: run.total } : null;
}

/** The `progress` procedure of an import router, for the same roles as its preview and commit. */
export const importProgressProcedure = (base: ReturnType<typeof roleProcedure>) =>
  base
    .input(importProgressInput)
    .output(importProgressOutput)
    .query(({ ctx, input }) => importProgress(ctx.actor.id, input.progressKey));
