import type { z } from 'zod';
import { badRequest, notFound } from '../../lib/app-error';
import { shanghaiToday } from '../../lib/dates';
import { recordAudit } from '../audit/audit.service';
import type { ServiceContext } from '../service-context';
import { insertOutcome, outcomeRows } from './outcomes.repository';
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
    const row = await insertOutcome(trx, input, who.id);
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
  const rows = await outcomeRows(db, traineeId);
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
