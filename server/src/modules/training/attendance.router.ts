import { auditWho } from '../../trpc/context';
import { router } from '../../trpc/trpc';
import { checkInInput, checkInOutput } from './training.schemas';
import { checkIn } from './training.service';
import { trainingStaff } from './training.procedures';

/** 签到: taking attendance — one trainee at a time, from a paper list, or from a sign-in sheet. */
export const attendanceRouter = router({
  checkIn: trainingStaff.input(checkInInput).output(checkInOutput).mutation(({ ctx, input }) => checkIn(ctx, ctx.actor, auditWho(ctx), input)),
});
