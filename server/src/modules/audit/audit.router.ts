import { z } from 'zod';
import { exportList, exportOutput } from '../../lib/excel';
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
      .mutation(({ ctx, input }) => exportList(input, 'audit-log', (list) => listAudit(ctx.db, list))),
  }),
});
