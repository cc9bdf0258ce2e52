import { z } from 'zod';
import { collectAll, exportOutput, toXlsx } from '../../lib/excel';
import { adminProcedure, router } from '../../trpc/trpc';
import { auditExportInput, auditListInput, auditListOutput } from './audit.schemas';
import { auditFacets, listAudit } from './audit.service';

export const auditRouter = router({
  log: router({
    list: adminProcedure.input(auditListInput).output(auditListOutput).query(({ ctx, input }) => listAudit(ctx.db, input)),
    /** The entities and actions that occur, for the filter selects. */
    facets: adminProcedure
      .output(z.object({ entities: z.array(z.string()), actions: z.array(z.string()) }))
      .query(({ ctx }) => auditFacets(ctx.db)),
    export: adminProcedure
      .input(auditExportInput)
      .output(exportOutput)
      .mutation(async ({ ctx, input }) => {
        const rows = await collectAll((page, pageSize) => listAudit(ctx.db, { ...input.list, page, pageSize }));
        return toXlsx(rows, input.columns, { sheetName: input.sheetName, filenameStem: 'audit-log' });
      }),
  }),
});
