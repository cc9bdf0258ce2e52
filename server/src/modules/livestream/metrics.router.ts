import { exportList, exportOutput, toXlsx, yuanCell } from '../../lib/excel';
import { adminProcedure, router } from '../../trpc/trpc';
import { livestreamStaff } from './livestream.procedures';
import {
  activeByMonthExportInput,
  activeByMonthInput,
  activeByMonthOutput,
  byBaseExportInput,
  byBaseInput,
  byBaseOutput,
  hostMonthsExportInput,
  hostMonthsInput,
  hostMonthsOutput,
  leaderboardExportInput,
  leaderboardInput,
  leaderboardOutput,
  progressInput,
  progressOutput,
  ruleCreateInput,
  ruleCreateOutput,
  ruleListOutput,
} from './metrics.schemas';
import { activeByBase, activeByMonth, createRuleVersion, hostMonths, leaderboard, listRuleVersions, livestreamProgress } from './metrics.service';

/** Money as yuan cells, per hour too: what a spreadsheet reader sums. */
const withYuan = <T extends { gmvFen: number; gmvPerHourFen?: number | null }>(row: T) => ({
  ...row,
  gmvYuan: yuanCell(row.gmvFen),
  gmvPerHourYuan: row.gmvPerHourFen === null || row.gmvPerHourFen === undefined ? null : yuanCell(row.gmvPerHourFen),
});

/** Active hosts, progress against the target, monthly host stats, leaderboards; the active-host rule versions. */
export const livestreamMetricsRouter = router({
  progress: livestreamStaff.input(progressInput).output(progressOutput).query(({ ctx, input }) => livestreamProgress(ctx, input.year)),
  activeByMonth: livestreamStaff.input(activeByMonthInput).output(activeByMonthOutput).query(({ ctx, input }) => activeByMonth(ctx, input)),
  activeByMonthExport: livestreamStaff
    .input(activeByMonthExportInput)
    .output(exportOutput)
    .mutation(async ({ ctx, input }) => {
      const { items } = await activeByMonth(ctx, input.list);
      return toXlsx(items.map(withYuan), input.columns, { sheetName: input.sheetName, filenameStem: `active-hosts-${input.list.year}` });
    }),
  byBase: livestreamStaff.input(byBaseInput).output(byBaseOutput).query(({ ctx, input }) => activeByBase(ctx, input)),
  byBaseExport: livestreamStaff
    .input(byBaseExportInput)
    .output(exportOutput)
    .mutation(async ({ ctx, input }) => {
      const result = await activeByBase(ctx, input.list);
      return toXlsx(result.items.map(withYuan), input.columns, { sheetName: input.sheetName, filenameStem: `livestream-bases-${result.month}` });
    }),
  /** Hosts of a month ranked by GMV, hours, streams or GMV per hour. Mobiles are never part of it. */
  leaderboard: livestreamStaff.input(leaderboardInput).output(leaderboardOutput).query(({ ctx, input }) => leaderboard(ctx, input)),
  leaderboardExport: livestreamStaff
    .input(leaderboardExportInput)
    .output(exportOutput)
    .mutation(({ ctx, input }) => exportList(input, `leaderboard-${input.list.month}-${input.list.by}`, (list) => leaderboard(ctx, list), withYuan)),
  hostMonths: livestreamStaff.input(hostMonthsInput).output(hostMonthsOutput).query(({ ctx, input }) => hostMonths(ctx, input.hostId)),
  hostMonthsExport: livestreamStaff
    .input(hostMonthsExportInput)
    .output(exportOutput)
    .mutation(async ({ ctx, input }) => {
      const result = await hostMonths(ctx, input.list.hostId);
      return toXlsx(result.items.map(withYuan), input.columns, { sheetName: input.sheetName, filenameStem: `host-${result.hostId}-months` });
    }),
  /** 活跃主播规则: its versions, and (admin) a new version from a date. */
  rule: router({
    list: livestreamStaff.output(ruleListOutput).query(({ ctx }) => listRuleVersions(ctx)),
    create: adminProcedure.input(ruleCreateInput).output(ruleCreateOutput).mutation(({ ctx, input }) => createRuleVersion(ctx, input)),
  }),
});
