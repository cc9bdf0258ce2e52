import { router } from '../../trpc/trpc';
import { traineeSearchInput, traineeSearchOutput } from './training.schemas';
import { searchTrainees } from './training.service';
import { trainingStaff } from './training.procedures';

/** 学员: one person across all courses. */
export const traineesRouter = router({
  search: trainingStaff.input(traineeSearchInput).output(traineeSearchOutput).query(({ ctx, input }) => searchTrainees(ctx.db, ctx.actor, input)),
});
