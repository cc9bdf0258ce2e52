import { z } from 'zod';
import { exportList, exportOutput } from '../../lib/excel';
import { idSchema } from '../../lib/schema';
import { router } from '../../trpc/trpc';
import { livestreamStaff } from './livestream.procedures';
import { createStreamInput, createStreamOutput, deleteStreamInput, streamExportInput, streamListInput, streamListOutput, streamView, updateStreamInput } from './livestream.schemas';
import { createStream, deleteStream, getStreamFor, listStreams, toExportRow, updateStream } from './streams.service';

/** 直播场次: list, manual entry, update, delete, export. */
export const streamsRouter = router({
  list: livestreamStaff.input(streamListInput).output(streamListOutput).query(({ ctx, input }) => listStreams(ctx, input)),
  export: livestreamStaff
    .input(streamExportInput)
    .output(exportOutput)
    .mutation(({ ctx, input }) => exportList(input, 'livestream-streams', (list) => listStreams(ctx, list), toExportRow)),
  get: livestreamStaff.input(z.object({ id: idSchema })).output(streamView).query(({ ctx, input }) => getStreamFor(ctx, input.id)),
  /** Manual entry; the same host, platform and start again is answered `exists`, never a second row. */
  create: livestreamStaff.input(createStreamInput).output(createStreamOutput).mutation(({ ctx, input }) => createStream(ctx, input)),
  update: livestreamStaff.input(updateStreamInput).output(streamView).mutation(({ ctx, input }) => updateStream(ctx, input)),
  delete: livestreamStaff.input(deleteStreamInput).output(z.object({ id: z.number() })).mutation(({ ctx, input }) => deleteStream(ctx, input)),
});
