import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Database } from '../../db/types';
import type { recordOutcomeInput } from './training.schemas';

export function insertOutcome(trx: Kysely<Database>, input: z.output<typeof recordOutcomeInput>, recordedBy: number | null) {
  return trx
    .insertInto('training_outcomes')
    .values({
      trainee_id: input.traineeId,
      kind: input.kind,
      occurred_on: input.occurredOn,
      platform: input.platform,
      shop_url: input.shopUrl,
      amount_fen: input.amountFen,
      evidence: input.evidence,
      recorded_by: recordedBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A trainee's outcomes, oldest first, with who recorded each. */
export function outcomeRows(db: Kysely<Database>, traineeId: number) {
  return db
    .selectFrom('training_outcomes as o')
    .leftJoin('users as u', 'u.id', 'o.recorded_by')
    .selectAll('o')
    .select('u.display_name as recorded_by_name')
    .where('o.trainee_id', '=', traineeId)
    .orderBy('o.occurred_on')
    .orderBy('o.id')
    .execute();
}
