import { z } from 'zod';
import { idSchema } from '../../lib/schema';
import { auditWho } from '../../trpc/context';
import { router } from '../../trpc/trpc';
import { bulkMark, courseRoster } from './bulk-mark';
import { commitSignInImport, previewSignInImport } from './sign-in-import';
import { bulkMarkInput, bulkMarkOutput, signInCommitInput, signInCommitOutput, signInPreviewInput, signInPreviewOutput } from './sign-in-import.schemas';
import { checkInInput, checkInOutput, traineeSearchOutput } from './training.schemas';
import { checkIn } from './attendance.service';
import { trainingStaff } from './training.procedures';

/** 签到: taking attendance — one trainee at a time, from a paper list, or from a sign-in sheet. */
export const attendanceRouter = router({
  checkIn: trainingStaff.input(checkInInput).output(checkInOutput).mutation(({ ctx, input }) => checkIn(ctx, input)),
  import: router({
    /** Dry run of a sign-in sheet: the mapping, every row's result (a page of them), totals. Writes nothing. */
    preview: trainingStaff
      .input(signInPreviewInput)
      .output(signInPreviewOutput)
      .mutation(({ ctx, input }) => previewSignInImport(ctx.db, ctx.actor, ctx.lang, input)),
    /** All rows or none, or the good rows and the rejected ones back as Excel; the same sheet twice adds nothing. */
    commit: trainingStaff
      .input(signInCommitInput)
      .output(signInCommitOutput)
      .mutation(({ ctx, input }) => commitSignInImport(ctx, ctx.actor, auditWho(ctx), ctx.lang, input)),
  }),
  /** Who attended any session of the session's course, and whether they are checked in to this one. */
  roster: trainingStaff
    .input(z.object({ sessionId: idSchema }))
    .output(traineeSearchOutput)
    .query(({ ctx, input }) => courseRoster(ctx, input.sessionId)),
  /** Mark many from a paper list at once (method 'bulk'); marking again writes nothing. */
  bulkMark: trainingStaff.input(bulkMarkInput).output(bulkMarkOutput).mutation(({ ctx, input }) => bulkMark(ctx, input)),
});
