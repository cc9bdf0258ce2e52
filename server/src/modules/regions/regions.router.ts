import { z } from 'zod';
import { REGION_LEVELS, TOWNSHIP_KINDS, VILLAGE_KINDS } from '../../db/types';
import { adminProcedure, authedProcedure, router } from '../../trpc/trpc';
import { listOutput } from '../../lib/list';
import { exportInput, exportList, exportOutput } from '../../lib/excel';
import { pageSchema, regionCodeSchema as code12 } from '../../lib/schema';
import { addVillage, getRegion, listChildren, regionNames, runRegionImport, searchRegions } from './regions.service';


const node = z.object({
  code: z.string(),
  name: z.string(),
  level: z.enum(REGION_LEVELS),
  parentCode: z.string().nullable(),
  townshipKind: z.enum(TOWNSHIP_KINDS).nullable(),
  villageKind: z.enum(VILLAGE_KINDS).nullable(),
  childCount: z.number(),
});

const searchInput = z.object({
  page: pageSchema.default(1),
  pageSize: z.number().int().min(1).max(200).default(20),
  filter: z.object({ q: z.string().trim().max(50), level: z.enum(REGION_LEVELS).optional(), underCode: code12.optional() }),
});

const pathItem = z.object({ code: z.string(), name: z.string(), level: z.enum(REGION_LEVELS) });

export const regionsRouter = router({
  get: authedProcedure
    .input(z.object({ code: code12 }))
    .output(
      node.extend({
        path: z.array(pathItem),
        rollup: z
          .object({ townCount: z.number(), villageCount: z.number(), administrativeVillageCount: z.number(), computedAt: z.string() })
          .nullable(),
      }),
    )
    .query(({ ctx, input }) => getRegion(ctx.db, input.code)),
  /** Names for codes (e.g. a coordinator's towns), in the order asked; unknown codes are left out. */
  names: authedProcedure
    .input(z.object({ codes: z.array(code12).max(500) }))
    .output(z.array(z.object({ code: z.string(), name: z.string() })))
    .query(({ ctx, input }) => regionNames(ctx.db, input.codes)),
  tree: router({
    /** Children of a region; without a parent, the provinces. */
    children: authedProcedure
      .input(z.object({ parentCode: code12.nullish() }))
      .output(z.array(node))
      .query(({ ctx, input }) => listChildren(ctx.db, input.parentCode ?? null)),
  }),
  search: authedProcedure
    .input(searchInput)
    .output(listOutput(node.extend({ parentName: z.string().nullable(), grandparentName: z.string().nullable() })))
    .query(({ ctx, input }) => searchRegions(ctx.db, input)),
  export: authedProcedure
    .input(exportInput(searchInput, { code: 'text', name: 'text', level: 'text', townshipKind: 'text', villageKind: 'text', parentName: 'text', grandparentName: 'text' }))
    .output(exportOutput)
    .mutation(({ ctx, input }) => exportList(input, 'regions', (list) => searchRegions(ctx.db, list))),
  villages: router({
    add: adminProcedure
      .input(z.object({ townCode: code12, code: z.string().trim(), name: z.string().trim().min(1).max(50) }))
      .output(node)
      .mutation(({ ctx, input }) => addVillage(ctx, input)),
  }),
  import: adminProcedure
    .output(
      z.object({
        read: z.record(z.string(), z.number()),
        inserted: z.number(),
        updated: z.number(),
        unchanged: z.number(),
        skipped: z.array(z.object({ code: z.string(), name: z.string(), reason: z.string() })),
        ms: z.number(),
      }),
    )
    .mutation(({ ctx }) => runRegionImport(ctx, ctx.who)),
});
