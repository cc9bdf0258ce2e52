import { z } from 'zod';
import { exportList, exportOutput } from '../../lib/excel';
import { idSchema } from '../../lib/schema';
import { roleProcedure, router } from '../../trpc/trpc';
import { baseOptions, createBase, getBase, listBases, updateBase } from './bases.service';
import { livestreamStaff } from './livestream.procedures';
import { baseExportInput, baseListInput, baseListOutput, baseOptionsOutput, baseView, createBaseInput, updateBaseInput } from './livestream.schemas';

/** Who sets up bases: the bureau. */
const bureau = roleProcedure('admin', 'staff');

/** 直播基地: list, get, create, update (admin/staff write; managers read their own). */
export const basesRouter = router({
  list: livestreamStaff.input(baseListInput).output(baseListOutput).query(({ ctx, input }) => listBases(ctx, input)),
  /** Bases for pickers (filters, the users form): all for the bureau, a manager's own for a manager. */
  options: livestreamStaff.output(baseOptionsOutput).query(({ ctx }) => baseOptions(ctx)),
  export: livestreamStaff
    .input(baseExportInput)
    .output(exportOutput)
    .mutation(({ ctx, input }) => exportList(input, 'livestream-bases', (list) => listBases(ctx, list))),
  get: livestreamStaff.input(z.object({ id: idSchema })).output(baseView).query(({ ctx, input }) => getBase(ctx, input.id)),
  create: bureau.input(createBaseInput).output(baseView).mutation(({ ctx, input }) => createBase(ctx, input)),
  update: bureau.input(updateBaseInput).output(baseView).mutation(({ ctx, input }) => updateBase(ctx, input)),
});
