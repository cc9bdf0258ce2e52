import { z } from 'zod';
import { idSchema } from '../../lib/schema';
import { adminProcedure, publicProcedure, router } from '../../trpc/trpc';
import { createLink, listLinks, revokeLink, screenFor } from './display.service';

/** 数据大屏: the admin's links, and the screen itself (public, by its link's token; county aggregates only). */
export const displayRouter = router({
  links: router({
    list: adminProcedure
      .output(z.array(z.object({ id: z.number(), label: z.string(), createdAt: z.string(), createdBy: z.string().nullable(), revokedAt: z.string().nullable(), lastSeenAt: z.string().nullable() })))
      .query(({ ctx }) => listLinks(ctx.db)),
    create: adminProcedure
      .input(z.object({ label: z.string().trim().min(1).max(60) }))
      .output(z.object({ id: z.number(), token: z.string() }))
      .mutation(({ ctx, input }) => createLink(ctx, input.label)),
    revoke: adminProcedure
      .input(z.object({ id: idSchema }))
      .output(z.object({ ok: z.literal(true) }))
      .mutation(async ({ ctx, input }) => {
        await revokeLink(ctx, input.id);
        return { ok: true as const };
      }),
  }),
  screen: publicProcedure.input(z.object({ token: z.string().max(200) })).query(({ ctx, input }) => screenFor(ctx.db, ctx.config.HOME_COUNTY_CODE, input.token)),
});
