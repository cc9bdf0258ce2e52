import { z } from 'zod';
import { jobStateSchema } from '../../jobs/job-state';
import { adminProcedure, router } from '../../trpc/trpc';
import { jobState, lastRuns, queueStatus, retryJob, startRecompute } from './operations.service';

const jobIdSchema = z.string().min(1).max(200);

/** 运维: the queue, the jobs' last runs, and "recompute now" (the administrator). */
export const operationsRouter = router({
  queue: router({
    status: adminProcedure
      .output(
        z.object({
          kind: z.enum(['bullmq', 'inline']),
          counts: z.object({ waiting: z.number(), delayed: z.number(), active: z.number(), failed: z.number(), completed: z.number() }),
          failed: z.array(jobStateSchema),
        }),
      )
      .query(({ ctx }) => queueStatus(ctx)),
    retry: adminProcedure
      .input(z.object({ id: jobIdSchema }))
      .output(z.object({ ok: z.literal(true) }))
      .mutation(async ({ ctx, input }) => {
        await retryJob(ctx, input.id);
        return { ok: true as const };
      }),
  }),
  runs: adminProcedure
    .output(
      z.array(
        z.object({
          name: z.string(),
          lastStartedAt: z.string().nullable(),
          lastDurationMs: z.number().nullable(),
          lastStatus: z.enum(['ok', 'failed']).nullable(),
          lastError: z.string().nullable(),
          recentRuns: z.number(),
          recentFailures: z.number(),
          averageMs: z.number().nullable(),
        }),
      ),
    )
    .query(({ ctx }) => lastRuns(ctx)),
  recompute: router({
    start: adminProcedure.output(z.object({ id: z.string() })).mutation(({ ctx }) => startRecompute(ctx)),
    status: adminProcedure
      .input(z.object({ id: jobIdSchema }))
      .output(jobStateSchema.nullable())
      .query(({ ctx, input }) => jobState(ctx, input.id)),
  }),
});
