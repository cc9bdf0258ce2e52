import { router } from '../../trpc/trpc';
import { importProgressProcedure } from '../../imports/progress';
import { livestreamStaff } from './livestream.procedures';
import { streamImport, streamImportHosts } from './stream-import';
import { streamImportHostsInput, streamImportHostsOutput } from './stream-import.schemas';

/** Import of platform export files (presets for Taobao Live, Douyin, WeChat Channels; free mapping), on imports/sheet-import.ts. */
export const streamImportRouter = router({
  /** Dry run: the header, the mapping, every row's result (a page of them), totals. Writes nothing. */
  preview: livestreamStaff.input(streamImport.schemas.previewInput).output(streamImport.schemas.previewOutput).mutation(({ ctx, input }) => streamImport.preview(ctx, input)),
  /** All rows or none, or the good rows and the rejected ones back as Excel; the same file twice adds nothing. */
  commit: livestreamStaff.input(streamImport.schemas.commitInput).output(streamImport.schemas.commitOutput).mutation(({ ctx, input }) => streamImport.commit(ctx, input)),
  progress: importProgressProcedure(livestreamStaff),
  /** The hosts (in the caller's bases) a file without an account column can be imported for. */
  hosts: livestreamStaff.input(streamImportHostsInput).output(streamImportHostsOutput).query(({ ctx, input }) => streamImportHosts(ctx, input)),
});
