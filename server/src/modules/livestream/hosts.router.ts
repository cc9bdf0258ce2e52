import { z } from 'zod';
import { exportList, exportOutput } from '../../lib/excel';
import { idSchema } from '../../lib/schema';
import { router } from '../../trpc/trpc';
import { createHost, getHostProfile, linkTrainee, listHosts, unlinkTrainee, updateHost } from './hosts.service';
import { livestreamBureau, livestreamStaff } from './livestream.procedures';
import { createHostInput, hostExportInput, hostListInput, hostListOutput, hostProfile, linkTraineeInput, unlinkTraineeInput, updateHostInput } from './livestream.schemas';

/** 主播: list, get, create, update (with accounts), trainee link. */
export const hostsRouter = router({
  list: livestreamStaff.input(hostListInput).output(hostListOutput).query(({ ctx, input }) => listHosts(ctx, input)),
  export: livestreamStaff
    .input(hostExportInput)
    .output(exportOutput)
    .mutation(({ ctx, input }) => exportList(input, 'livestream-hosts', (list) => listHosts(ctx, list))),
  get: livestreamStaff.input(z.object({ id: idSchema })).output(hostProfile).query(({ ctx, input }) => getHostProfile(ctx, input.id)),
  create: livestreamStaff.input(createHostInput).output(hostProfile).mutation(({ ctx, input }) => createHost(ctx, input)),
  update: livestreamStaff.input(updateHostInput).output(hostProfile).mutation(({ ctx, input }) => updateHost(ctx, input)),
  /** The bureau confirms the suggested trainee (same mobile) or links one picked; a base manager only sees the link. Audited. */
  linkTrainee: livestreamBureau.input(linkTraineeInput).output(hostProfile).mutation(({ ctx, input }) => linkTrainee(ctx, input)),
  unlinkTrainee: livestreamBureau.input(unlinkTraineeInput).output(hostProfile).mutation(({ ctx, input }) => unlinkTrainee(ctx, input)),
});
