import { exportList, exportOutput, toXlsx } from '../../lib/excel';
import { router } from '../../trpc/trpc';
import {
  cutExportInput,
  followUpExportInput,
  followUpInput,
  followUpOutput,
  progressExportInput,
  progressInput,
  progressOutput,
  spotCheckExportInput,
  spotCheckInput,
  spotCheckOutput,
  summaryInput,
  summaryOutput,
} from './conversion.schemas';
import { conversionSummary, listFollowUps, spotCheck, trainingProgress } from './conversion.service';
import { trainingStaff } from './training.procedures';

/** 培训转化: progress against the year's target, conversion and its funnel, follow-up and spot-check lists. */
export const conversionRouter = router({
  progress: trainingStaff.input(progressInput).output(progressOutput).query(({ ctx, input }) => trainingProgress(ctx, input.year)),
  progressExport: trainingStaff
    .input(progressExportInput)
    .output(exportOutput)
    .mutation(async ({ ctx, input }) => {
      const progress = await trainingProgress(ctx, input.list.year);
      return toXlsx(progress.rows, input.columns, { sheetName: input.sheetName, filenameStem: `training-progress-${input.list.year}` });
    }),
  summary: trainingStaff.input(summaryInput).output(summaryOutput).query(({ ctx, input }) => conversionSummary(ctx, input)),
  /** One cut's table (by course, topic, trainer, town or cohort month) as a spreadsheet. */
  cutExport: trainingStaff
    .input(cutExportInput)
    .output(exportOutput)
    .mutation(async ({ ctx, input }) => {
      const summary = await conversionSummary(ctx, input.list);
      return toXlsx(summary.cuts[input.list.cut], input.columns, { sheetName: input.sheetName, filenameStem: `conversion-${input.list.cut}-${input.list.year}` });
    }),
  followUp: router({
    list: trainingStaff.input(followUpInput).output(followUpOutput).query(({ ctx, input }) => listFollowUps(ctx, input)),
    /** The call list: the same rows and mobile rule, with empty 回访结果 and 备注 columns. */
    export: trainingStaff
      .input(followUpExportInput)
      .output(exportOutput)
      .mutation(({ ctx, input }) =>
        exportList(input, `follow-up-${input.list.filter?.stage ?? 30}`, (list) => listFollowUps(ctx, list), (r) => ({ ...r, callResult: null, note: null })),
      ),
  }),
  spotCheck: router({
    sample: trainingStaff.input(spotCheckInput).output(spotCheckOutput).query(({ ctx, input }) => spotCheck(ctx, input)),
    export: trainingStaff
      .input(spotCheckExportInput)
      .output(exportOutput)
      .mutation(async ({ ctx, input }) => {
        const sample = await spotCheck(ctx, input.list);
        return toXlsx(sample.items, input.columns, { sheetName: input.sheetName, filenameStem: `spot-check-${input.list.seed.replace(/[^\w-]/g, '_')}` });
      }),
  }),
});
