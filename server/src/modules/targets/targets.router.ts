import { z } from 'zod';
import { auditWho } from '../../trpc/context';
import { adminProcedure, authedProcedure, router } from '../../trpc/trpc';
import { listTargets, TARGET_METRIC_KEYS, upsertTarget } from './targets.service';

const targetSchema = z.object({
  year: z.number(),
  regionCode: z.string(),
  regionName: z.string(),
  metricKey: z.string(),
  value: z.number(),
  updatedAt: z.string(),
  updatedBy: z.string().nullable(),
});

export const targetsRouter = router({
  metrics: authedProcedure.output(z.array(z.string())).query(() => [...TARGET_METRIC_KEYS]),
  list: authedProcedure
    .input(z.object({ year: z.number().int().min(2000).max(2100).optional(), regionCode: z.string().regex(/^\d{12}$/).optional() }))
    .output(z.array(targetSchema))
    .query(({ ctx, input }) => listTargets(ctx.db, input)),
  upsert: adminProcedure
    .input(
      z.object({
        year: z.number().int().min(2000).max(2100),
        regionCode: z.string().regex(/^\d{12}$/),
        metricKey: z.enum(TARGET_METRIC_KEYS),
        value: z.number().min(0).max(1e12).multipleOf(0.01),
      }),
    )
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await upsertTarget(ctx.db, auditWho(ctx), input);
      return { ok: true as const };
    }),
});
