import { z } from 'zod';
import { daySchema, pageSchema } from '../../lib/schema';
import { adminProcedure, authedProcedure, router } from '../../trpc/trpc';
import { thresholdsRule } from './notifications.rules';
import { createThresholdVersion, listNotifications, listThresholdVersions, markRead, todoFor, unreadCount } from './notifications.service';
import { withHomeCounty } from '../service-context';

const item = z.object({ kind: z.string(), subjectKey: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])), link: z.string() });

/** 待办与提醒: each user's own, in their own scope. */
export const notificationsRouter = router({
  list: authedProcedure
    .input(z.object({ page: pageSchema.default(1), pageSize: z.number().int().min(1).max(100).default(20) }))
    .output(
      z.object({
        items: z.array(z.object({ id: z.number(), kind: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])), link: z.string().nullable(), day: z.string(), createdAt: z.string(), read: z.boolean() })),
        total: z.number(),
        unread: z.number(),
      }),
    )
    .query(({ ctx, input }) => listNotifications(ctx, input)),
  unreadCount: authedProcedure.output(z.object({ count: z.number() })).query(async ({ ctx }) => ({ count: await unreadCount(ctx) })),
  markRead: authedProcedure
    .input(z.object({ ids: z.array(z.number().int().min(1)).min(1).max(200) }))
    .output(z.object({ updated: z.number() }))
    .mutation(async ({ ctx, input }) => ({ updated: await markRead(ctx, input.ids) })),
  markAllRead: authedProcedure.output(z.object({ updated: z.number() })).mutation(async ({ ctx }) => ({ updated: await markRead(ctx, 'all') })),
  /** The caller's to-do list now (the home page): the same evaluation the notifications come from. */
  todo: authedProcedure.output(z.object({ items: z.array(item), ruleVersion: z.number() })).query(({ ctx }) => todoFor(withHomeCounty(ctx))),
  rule: router({
    list: adminProcedure.query(({ ctx }) => listThresholdVersions(ctx.db)),
    create: adminProcedure
      .input(z.object({ params: thresholdsRule.params, effectiveFrom: daySchema }))
      .output(z.object({ version: z.number() }))
      .mutation(({ ctx, input }) => createThresholdVersion(ctx, input)),
  }),
});
