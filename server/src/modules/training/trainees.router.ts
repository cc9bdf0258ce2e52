import { z } from 'zod';
import { exportList, exportOutput } from '../../lib/excel';
import { idSchema } from '../../lib/schema';
import { router } from '../../trpc/trpc';
import { traineeSearchInput, traineeSearchOutput } from './training.schemas';
import { trainingStaff } from './training.procedures';
import {
  duplicatesInput,
  duplicatesOutput,
  mergeTraineesInput,
  mergeTraineesOutput,
  traineeExportInput,
  traineeListInput,
  traineeListOutput,
  traineeProfile,
  updateTraineeInput,
} from './trainees.schemas';
import { findDuplicates, getTraineeProfile, listTrainees, mergeTrainees, searchTrainees, updateTrainee } from './trainees.service';

/** 学员: one person across all courses. */
export const traineesRouter = router({
  search: trainingStaff.input(traineeSearchInput).output(traineeSearchOutput).query(({ ctx, input }) => searchTrainees(ctx, input)),
  list: trainingStaff.input(traineeListInput).output(traineeListOutput).query(({ ctx, input }) => listTrainees(ctx, input)),
  export: trainingStaff
    .input(traineeExportInput)
    .output(exportOutput)
    .mutation(({ ctx, input }) => exportList(input, 'trainees', (list) => listTrainees(ctx, list))),
  get: trainingStaff.input(z.object({ id: idSchema })).output(traineeProfile).query(({ ctx, input }) => getTraineeProfile(ctx, input.id)),
  update: trainingStaff.input(updateTraineeInput).output(traineeProfile).mutation(({ ctx, input }) => updateTrainee(ctx, input)),
  /** Possible duplicates (same name, same village, another mobile), grouped. */
  duplicates: trainingStaff.input(duplicatesInput).output(duplicatesOutput).query(({ ctx, input }) => findDuplicates(ctx, input)),
  merge: trainingStaff.input(mergeTraineesInput).output(mergeTraineesOutput).mutation(({ ctx, input }) => mergeTrainees(ctx, input)),
});
