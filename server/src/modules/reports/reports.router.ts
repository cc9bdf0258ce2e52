import { z } from 'zod';
import { jobStateSchema } from '../../jobs/job-state';
import { exportInput, exportOutput, toXlsx } from '../../lib/excel';
import { monthSchema } from '../../lib/schema';
import { adminProcedure, roleProcedure, router } from '../../trpc/trpc';
import { buildDraft, closeMonth, downloadReport, getReport, listMonths, reopenMonth, reportJob, startRecompute } from './reports.service';

const bureau = roleProcedure('admin', 'staff');
/** The report is the home county's (a province's deployment would pass the province). */
const home = <C extends { config: { HOME_COUNTY_CODE: string } }>(ctx: C) => ({ ...ctx, regionCode: ctx.config.HOME_COUNTY_CODE });
const period = z.object({ period: monthSchema });

/** 月度通报: the bureau reads and builds; closing, recomputing a closed month and reopening are the administrator's. */
export const reportsRouter = router({
  months: bureau
    .output(z.array(z.object({ period: z.string(), status: z.enum(['open', 'closed']), version: z.number(), closedAt: z.string().nullable(), versions: z.array(z.object({ version: z.number(), builtAt: z.string(), builtBy: z.string().nullable() })) })))
    .query(({ ctx }) => listMonths(ctx.db)),
  /** The months list in Excel: each month's status, issued version and when it was closed. */
  export: bureau
    .input(exportInput(z.object({}), { period: 'text', status: 'text', version: 'plain', closedAt: 'date' }))
    .output(exportOutput)
    .mutation(async ({ ctx, input }) => toXlsx(await listMonths(ctx.db), input.columns, { sheetName: input.sheetName, filenameStem: 'monthly-reports' })),
  /** The report's content (for the printable page): a stored version, or an open month's report built now. */
  get: bureau.input(period.extend({ version: z.number().int().min(0).max(10_000).optional() })).query(({ ctx, input }) => getReport(home(ctx), input.period, input.version)),
  download: bureau
    .input(period.extend({ version: z.number().int().min(0).max(10_000) }))
    .output(z.object({ filename: z.string(), contentBase64: z.string() }))
    .mutation(({ ctx, input }) => downloadReport(ctx.db, input.period, input.version)),
  /** An open month's draft, rebuilt from today's snapshots. */
  build: bureau.input(period).output(z.object({ period: z.string(), version: z.number() })).mutation(({ ctx, input }) => buildDraft(home(ctx), input.period)),
  close: adminProcedure
    .input(period)
    .output(z.object({ period: z.string(), version: z.number(), closed: z.boolean() }))
    .mutation(({ ctx, input }) => closeMonth(home(ctx), input.period)),
  /** A closed month's recompute, queued: every snapshot, then the next version; `job` follows it. */
  recompute: adminProcedure
    .input(period)
    .output(z.object({ jobId: z.string() }))
    .mutation(({ ctx, input }) => startRecompute(home(ctx), input.period)),
  job: bureau
    .input(z.object({ id: z.string().min(1).max(200) }))
    .output(jobStateSchema.nullable())
    .query(({ ctx, input }) => reportJob(ctx.queue, input.id)),
  reopen: adminProcedure
    .input(period.extend({ reason: z.string().trim().min(2).max(500) }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await reopenMonth(ctx, input.period, input.reason);
      return { ok: true as const };
    }),
});
