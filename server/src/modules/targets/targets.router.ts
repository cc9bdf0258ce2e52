import { z } from 'zod';
import { adminProcedure, authedProcedure, router } from '../../trpc/trpc';
import { listTargets, TARGET_METRIC_KEYS, upsertTarget } from './targets.service';
import { exportInput, exportOutput, toXlsx } from '../../lib/excel';
import { regionCodeSchema, yearSchema } from '../../lib/schema';

const targetSchema = z.object({
  year: z.number(),
  regionCode: z.string(),
  regionName: z.string(),
  metricKey: z.string(),
  value: z.number(),
  updatedAt: z.string(),
  updatedBy: z.string().nullable(),
});

const targetsFilter = z.object({ year: yearSchema.optional(), regionCode: regionCodeSchema.optional() });

export const targetsRouter = router({
  metrics: authedProcedure.output(z.array(z.string())).query(() => [...TARGET_METRIC_KEYS]),
  list: authedProcedure
    .input(targetsFilter)
    .output(z.array(targetSchema))
    .query(({ ctx, input }) => listTargets(ctx, input)),
  export: authedProcedure
    .input(exportInput(targetsFilter, { year: 'plain', regionCode: 'text', regionName: 'text', metricKey: 'text', value: 'count', updatedAt: 'date', updatedBy: 'text' }))
    .output(exportOutput)
    .mutation(async ({ ctx, input }) =>
      toXlsx(await listTargets(ctx, input.list), input.columns, { sheetName: input.sheetName, filenameStem: 'targets' }),
    ),
  upsert: adminProcedure
    .input(
      z.object({
        year: yearSchema,
        regionCode: regionCodeSchema,
        metricKey: z.enum(TARGET_METRIC_KEYS),
        value: z.number().min(0).max(999_999_999_999.99).multipleOf(0.01), // the column is numeric(14, 2)
      }),
    )
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await upsertTarget(ctx, input);
      return { ok: true as const };
    }),
});
