import { z } from 'zod';
import { idSchema } from '../../lib/schema';
import { router } from '../../trpc/trpc';
import { bulkMark, courseRoster } from './bulk-mark';
import { signInImport } from './sign-in-import';
import { importProgressProcedure } from '../../imports/progress';
import { bulkMarkInput, bulkMarkOutput } from './sign-in-import.schemas';
import { checkInInput, checkInOutput, traineeSearchOutput } from './training.schemas';
import { checkIn } from './attendance.service';
import { trainingStaff } from './training.procedures';

/** 签到: taking attendance — one trainee at a time, from a paper list, or from a sign-in sheet. */
export const attendanceRouter = router({
  checkIn: trainingStaff.input(checkInInput).output(checkInOutput).mutation(({ ctx, input }) => checkIn(ctx, input)),
  /** A sign-in sheet (imports/sheet-import.ts): preview, commit, progress; the same sheet twice adds nothing. */
  import: router({
    preview: trainingStaff.input(signInImport.schemas.previewInput).output(signInImport.schemas.previewOutput).mutation(({ ctx, input }) => signInImport.preview(ctx, input)),
    commit: trainingStaff.input(signInImport.schemas.commitInput).output(signInImport.schemas.commitOutput).mutation(({ ctx, input }) => signInImport.commit(ctx, input)),
    progress: importProgressProcedure(trainingStaff),
  }),
  /** Who attended any session of the session's course, and whether they are checked in to this one. */
  roster: trainingStaff
    .input(z.object({ sessionId: idSchema }))
    .output(traineeSearchOutput)
    .query(({ ctx, input }) => courseRoster(ctx, input.sessionId)),
  /** Mark many from a paper list at once (method 'bulk'); marking again writes nothing. */
  bulkMark: trainingStaff.input(bulkMarkInput).output(bulkMarkOutput).mutation(({ ctx, input }) => bulkMark(ctx, input)),
});
