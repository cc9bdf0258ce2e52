import { z } from 'zod';
import { importProgressProcedure } from '../../imports/progress';
import { exportOutput } from '../../lib/excel';
import { listOutput } from '../../lib/list';
import { daySchema, idSchema, regionCodeSchema, yearSchema } from '../../lib/schema';
import { adminProcedure, roleProcedure, router } from '../../trpc/trpc';
import { evaluationView, actionInput, boardCard, candidateExportInput, candidateInput, candidateListInput, candidateView, figureInput, placeView, unmatchedView } from './taobao.schemas';
import { figuresImport, recognitionsImport } from './taobao.import';
import { criteriaRule } from './taobao.rules';
import {
  addAction,
  board,
  candidates,
  closeYear,
  createCriteria,
  enqueueEvaluation,
  exportCandidates,
  getPlace,
  listCriteria,
  listUnmatched,
  reopenYear,
  resolveUnmatched,
  setCandidate,
  upsertFigure,
  years,
} from './taobao.service';

/** The bureau, and coordinators within their towns (taobao.scope.ts). */
const workers = roleProcedure('admin', 'staff', 'training_coordinator');
/** The bureau alone: the official figures' imports, the published list, recomputes. */
const bureau = roleProcedure('admin', 'staff');
const ok = z.object({ ok: z.literal(true) });

export const taobaoRouter = router({
  years: workers.output(z.object({ current: z.number(), years: z.array(z.object({ year: z.number(), closed: z.boolean() })) })).query(({ ctx }) => years(ctx.db)),
  candidates: router({
    list: workers.input(candidateListInput).output(listOutput(candidateView)).query(({ ctx, input }) => candidates(ctx, input)),
    export: workers.input(candidateExportInput).output(exportOutput).mutation(({ ctx, input }) => exportCandidates(ctx, input)),
  }),
  place: router({
    /** A village or town whole; a town with its villages of `year`. */
    get: workers
      .input(z.object({ code: regionCodeSchema, year: yearSchema }))
      .output(z.object({ place: placeView, villages: z.array(evaluationView) }))
      .query(({ ctx, input }) => getPlace(ctx, input.code, input.year)),
  }),
  figures: router({
    upsert: workers.input(figureInput).output(ok).mutation(({ ctx, input }) => upsertFigure(ctx, input)),
    import: router({
      preview: bureau.input(figuresImport.schemas.previewInput).output(figuresImport.schemas.previewOutput).mutation(({ ctx, input }) => figuresImport.preview(ctx, input)),
      commit: bureau.input(figuresImport.schemas.commitInput).output(figuresImport.schemas.commitOutput).mutation(({ ctx, input }) => figuresImport.commit(ctx, input)),
      progress: importProgressProcedure(bureau),
    }),
  }),
  pipeline: router({
    board: workers.input(z.object({ year: yearSchema })).output(z.array(boardCard)).query(({ ctx, input }) => board(ctx, input.year)),
    set: workers.input(candidateInput).output(z.object({ version: z.number() })).mutation(({ ctx, input }) => setCandidate(ctx, input)),
    action: workers.input(actionInput).output(z.object({ id: z.number() })).mutation(({ ctx, input }) => addAction(ctx, input)),
  }),
  recognitions: router({
    import: router({
      preview: bureau.input(recognitionsImport.schemas.previewInput).output(recognitionsImport.schemas.previewOutput).mutation(({ ctx, input }) => recognitionsImport.preview(ctx, input)),
      commit: bureau.input(recognitionsImport.schemas.commitInput).output(recognitionsImport.schemas.commitOutput).mutation(({ ctx, input }) => recognitionsImport.commit(ctx, input)),
      progress: importProgressProcedure(bureau),
    }),
    unmatched: bureau.output(z.array(unmatchedView)).query(({ ctx }) => listUnmatched(ctx)),
    resolve: bureau.input(z.object({ id: idSchema, code: regionCodeSchema })).output(ok).mutation(({ ctx, input }) => resolveUnmatched(ctx, input)),
  }),
  year: router({
    close: adminProcedure.input(z.object({ year: yearSchema })).output(ok).mutation(({ ctx, input }) => closeYear(ctx, input.year)),
    reopen: adminProcedure.input(z.object({ year: yearSchema })).output(ok).mutation(({ ctx, input }) => reopenYear(ctx, input.year)),
  }),
  criteria: router({
    list: bureau.query(({ ctx }) => listCriteria(ctx.db)),
    create: adminProcedure
      .input(z.object({ params: criteriaRule.params, effectiveFrom: daySchema }))
      .output(z.object({ version: z.number() }))
      .mutation(({ ctx, input }) => createCriteria(ctx, input)),
  }),
  /** Evaluate now (after a correction the bureau wants to see at once): the job, queued. */
  recompute: bureau.output(ok).mutation(async ({ ctx }) => {
    await enqueueEvaluation(ctx);
    return { ok: true as const };
  }),
});
