import { z } from 'zod';
import { adminProcedure, router } from '../../trpc/trpc';
import { isoDate, likePattern, listInput, listOutput, offsetOf } from '../../lib/list';

const filter = z.object({
  actorUserId: z.number().int().optional(),
  entity: z.string().max(64).optional(),
  entityId: z.string().max(64).optional(),
  action: z.string().max(64).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  q: z.string().max(64).optional(),
});

const entry = z.object({
  id: z.number(),
  at: z.string(),
  actorUserId: z.number().nullable(),
  actorLogin: z.string().nullable(),
  entity: z.string(),
  entityId: z.string().nullable(),
  action: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  ip: z.string().nullable(),
});

export const auditRouter = router({
  log: router({
    list: adminProcedure
      .input(listInput(filter, ['at', 'entity', 'action'] as const))
      .output(listOutput(entry))
      .query(async ({ ctx, input }) => {
        const f = input.filter ?? {};
        const base = ctx.db
          .selectFrom('audit_log')
          .$if(f.actorUserId !== undefined, (q) => q.where('actor_user_id', '=', f.actorUserId!))
          .$if(!!f.entity, (q) => q.where('entity', '=', f.entity!))
          .$if(!!f.entityId, (q) => q.where('entity_id', '=', f.entityId!))
          .$if(!!f.action, (q) => q.where('action', '=', f.action!))
          .$if(!!f.from, (q) => q.where('at', '>=', new Date(f.from!)))
          .$if(!!f.to, (q) => q.where('at', '<', new Date(f.to!)))
          .$if(!!f.q, (q) => q.where('actor_login', 'ilike', likePattern(f.q!)));
        const sort = input.sort ?? { key: 'at', order: 'desc' };
        const [rows, count] = await Promise.all([
          base
            .selectAll()
            .orderBy(sort.key, sort.order)
            .orderBy('id', 'desc')
            .limit(input.pageSize)
            .offset(offsetOf(input))
            .execute(),
          base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
        ]);
        return {
          total: Number(count.n),
          items: rows.map((r) => ({
            id: r.id,
            at: isoDate(r.at)!,
            actorUserId: r.actor_user_id,
            actorLogin: r.actor_login,
            entity: r.entity,
            entityId: r.entity_id,
            action: r.action,
            before: r.before,
            after: r.after,
            ip: r.ip,
          })),
        };
      }),
  }),
});
