import type { z } from 'zod';
import { badRequest, notFound } from '../../lib/app-error';
import { shanghaiToday } from '../../lib/dates';
import { recordAudit } from '../audit/audit.service';
import type { ServiceContext } from '../service-context';
import { assertTraineeOwned } from './training.scope';
import { enqueueTrainingRecompute } from './training.recompute';
import type { outcomeView, recordOutcomeInput } from './training.schemas';

/**
 * 转化成果: what a trainee did after training, dated, with evidence and who recorded it. Outcomes
 * are their home's business: a coordinator records and reads them for the trainees they own, not
 * for one from elsewhere who came to their class (whose home coordinator follows them up).
 */
export async function recordOutcome(ctx: ServiceContext, input: z.output<typeof recordOutcomeInput>) {
  const { actor, who } = ctx;
  await assertTraineeOwned(ctx.db, actor, input.traineeId);
  if (input.occurredOn > shanghaiToday()) throw badRequest('OUTCOME_DATE_IN_FUTURE', { date: input.occurredOn });
  const id = await ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('training_outcomes')
      .values({
        trainee_id: input.traineeId,
        kind: input.kind,
        occurred_on: input.occurredOn,
        platform: input.platform,
        shop_url: input.shopUrl,
        amount_fen: input.amountFen,
        evidence: input.evidence,
        recorded_by: who.id,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, who, { entity: 'training_outcome', entityId: row.id, action: 'create', after: row });
    return row.id;
  });
  await enqueueTrainingRecompute(ctx);
  const [view] = await listOutcomes(ctx, input.traineeId).then((rows) => rows.filter((r) => r.id === id));
  if (!view) throw notFound('TRAINEE_NOT_FOUND');
  return view;
}

export async function listOutcomes(ctx: ServiceContext, traineeId: number): Promise<z.infer<typeof outcomeView>[]> {
  const { db, actor } = ctx;
  await assertTraineeOwned(db, actor, traineeId);
  const rows = await db
    .selectFrom('training_outcomes as o')
    .leftJoin('users as u', 'u.id', 'o.recorded_by')
    .selectAll('o')
    .select('u.display_name as recorded_by_name')
    .where('o.trainee_id', '=', traineeId)
    .orderBy('o.occurred_on')
    .orderBy('o.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    traineeId: r.trainee_id,
    kind: r.kind,
    occurredOn: r.occurred_on,
    platform: r.platform,
    shopUrl: r.shop_url,
    amountFen: r.amount_fen === null ? null : Number(r.amount_fen),
    evidence: r.evidence,
    recordedBy: r.recorded_by_name ?? null,
    createdAt: new Date(r.created_at).toISOString(),
  }));
}
