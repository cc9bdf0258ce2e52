import { z } from 'zod';
import { exportInput, exportOutput, toXlsx } from '../../lib/excel';
import { idSchema, regionCodeSchema, yearSchema } from '../../lib/schema';
import { adminProcedure, authedProcedure, router } from '../../trpc/trpc';
import { INDICATOR_KEYS } from './indicators';
import {
  indicatorCatalogue,
  listBaseTargets,
  listTargets,
  previewSplit,
  scopedProgress,
  setTownTargets,
  upsertBaseTarget,
  upsertTarget,
} from './targets.service';
import { withHomeCounty } from '../service-context';

const targetSchema = z.object({
  year: z.number(),
  regionCode: z.string(),
  regionName: z.string(),
  metricKey: z.string(),
  value: z.number(),
  updatedAt: z.string(),
  updatedBy: z.string().nullable(),
});

/** A target's value: the column is numeric(14, 2); the indicator decides whole or ratio (targets.service.ts). */
const valueSchema = z.number().min(0).max(999_999_999_999.99).multipleOf(0.01);
const indicatorSchema = z.enum(INDICATOR_KEYS);
const targetsFilter = z.object({ year: yearSchema.optional(), regionCode: regionCodeSchema.optional() });

const progressSchema = z.object({
  indicator: indicatorSchema,
  regionCode: z.string(),
  year: z.number(),
  asOf: z.string(),
  actual: z.number(),
  target: z.number().nullable(),
  expected: z.number().nullable(),
  projection: z.number().nullable(),
  paceRatio: z.number().nullable(),
  status: z.enum(['ahead', 'on_pace', 'behind', 'far_behind', 'no_target']),
  months: z.array(z.object({ period: z.string(), value: z.number().nullable() })),
});


export const targetsRouter = router({
  /** The indicators, their unit and the levels a target may be set at. */
  metrics: authedProcedure
    .output(z.array(z.object({ key: indicatorSchema, kind: z.enum(['cumulative', 'level']), unit: z.enum(['count', 'ratio', 'fen']), levels: z.array(z.enum(['county', 'town', 'base'])) })))
    .query(() => indicatorCatalogue()),
  list: authedProcedure
    .input(targetsFilter)
    .output(z.array(targetSchema))
    .query(({ ctx, input }) => listTargets(withHomeCounty(ctx), input)),
  export: authedProcedure
    .input(exportInput(targetsFilter, { year: 'plain', regionCode: 'text', regionName: 'text', metricKey: 'text', value: 'count', updatedAt: 'date', updatedBy: 'text' }))
    .output(exportOutput)
    .mutation(async ({ ctx, input }) =>
      toXlsx(await listTargets(withHomeCounty(ctx), input.list), input.columns, { sheetName: input.sheetName, filenameStem: 'targets' }),
    ),
  upsert: adminProcedure
    .input(z.object({ year: yearSchema, regionCode: regionCodeSchema, metricKey: indicatorSchema, value: valueSchema }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await upsertTarget(ctx, input);
      return { ok: true as const };
    }),
  split: router({
    /** The county's target shared out to its towns in proportion to a basis; writes nothing. */
    preview: adminProcedure
      .input(z.object({ year: yearSchema, metricKey: indicatorSchema, basis: z.enum(['last_year', 'villages', 'even']) }))
      .output(
        z.object({
          year: z.number(),
          metricKey: indicatorSchema,
          basis: z.enum(['last_year', 'villages', 'even']),
          countyCode: z.string(),
          countyName: z.string(),
          countyValue: z.number().nullable(),
          towns: z.array(z.object({ regionCode: z.string(), regionName: z.string(), basisValue: z.number(), proposed: z.number(), current: z.number().nullable() })),
          proposedSum: z.number(),
          currentSum: z.number().nullable(),
        }),
      )
      .query(({ ctx, input }) => previewSplit(withHomeCounty(ctx), input)),
    /** The towns' targets of one indicator, set together (by hand or as previewed), each change audited. */
    commit: adminProcedure
      .input(z.object({ year: yearSchema, metricKey: indicatorSchema, towns: z.array(z.object({ regionCode: regionCodeSchema, value: valueSchema })).min(1).max(500) }))
      .output(z.object({ changed: z.number(), townSum: z.number(), countyValue: z.number().nullable() }))
      .mutation(({ ctx, input }) => setTownTargets(withHomeCounty(ctx), input)),
  }),
  bases: router({
    list: authedProcedure
      .input(z.object({ year: yearSchema.optional() }))
      .output(z.array(z.object({ year: z.number(), baseId: z.number(), baseName: z.string(), metricKey: z.string(), value: z.number(), updatedAt: z.string(), updatedBy: z.string().nullable() })))
      .query(({ ctx, input }) => listBaseTargets(withHomeCounty(ctx), input)),
    upsert: adminProcedure
      .input(z.object({ year: yearSchema, baseId: idSchema, metricKey: z.literal('active_hosts'), value: valueSchema }))
      .output(z.object({ ok: z.literal(true) }))
      .mutation(async ({ ctx, input }) => {
        await upsertBaseTarget(ctx, input);
        return { ok: true as const };
      }),
  }),
  /** Progress against the targets of the caller's own scope, with pace and projection. */
  progress: authedProcedure
    .input(z.object({ year: yearSchema, regionCode: regionCodeSchema.optional() }))
    .output(
      z.object({
        regions: z.array(progressSchema.extend({ regionName: z.string(), level: z.enum(['county', 'town']) })),
        bases: z.array(progressSchema.extend({ baseId: z.number(), baseName: z.string() })),
      }),
    )
    .query(({ ctx, input }) => scopedProgress(withHomeCounty(ctx), input)),
});
