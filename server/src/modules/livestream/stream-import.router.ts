import { auditWho } from '../../trpc/context';
import { router } from '../../trpc/trpc';
import { livestreamStaff } from './livestream.procedures';
import { commitStreamImport, previewStreamImport, streamImportHosts } from './stream-import';
import {
  streamImportCommitInput,
  streamImportCommitOutput,
  streamImportHostsInput,
  streamImportHostsOutput,
  streamImportPreviewInput,
  streamImportPreviewOutput,
} from './stream-import.schemas';

/** Import of platform export files (presets for Taobao Live, Douyin, WeChat Channels; free mapping). */
export const streamImportRouter = router({
  /** Dry run: the header, the mapping, every row's result (a page of them), totals. Writes nothing. */
  preview: livestreamStaff
    .input(streamImportPreviewInput)
    .output(streamImportPreviewOutput)
    .mutation(({ ctx, input }) => previewStreamImport(ctx.db, ctx.actor, ctx.lang, input)),
  /** All rows or none, or the good rows and the rejected ones back as Excel; the same file twice adds nothing. */
  commit: livestreamStaff
    .input(streamImportCommitInput)
    .output(streamImportCommitOutput)
    .mutation(({ ctx, input }) => commitStreamImport(ctx, ctx.actor, auditWho(ctx), ctx.lang, input)),
  /** The hosts (in the caller's bases) a file without an account column can be imported for. */
  hosts: livestreamStaff
    .input(streamImportHostsInput)
    .output(streamImportHostsOutput)
    .query(({ ctx, input }) => streamImportHosts(ctx.db, ctx.actor, input)),
});
