import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Database } from '../../db/types';
import { badRequest, conflict } from '../../lib/app-error';
import { maskMobile } from '../../lib/list';
import { isUniqueViolation } from '../../lib/pg-error';
import { recordAudit, type AuditWho } from '../audit/audit.service';
import { regionLevel } from './courses.repository';
import { traineeIdentity } from './trainee-identity';
import { insertTrainee, traineeByMobile } from './trainees.repository';
import type { traineeFields } from './training.schemas';

/** The secret under which ID-card numbers are hashed. */
export const ID_CARD_KEY = 'training.id_card';

/**
 * The trainee with this mobile, made if new. A person is one trainee across all courses: an
 * existing trainee keeps their record as it is (what a walk-in typed does not change it), and the
 * caller is told whether they were made now.
 */
export async function findOrRegisterTrainee(trx: Kysely<Database>, who: AuditWho, input: z.output<typeof traineeFields>, today: string, idKey: Buffer) {
  const identity = traineeIdentity(input, { today, idKey });
  if (input.villageCode && (await regionLevel(trx, input.villageCode)) !== 'village') throw badRequest('TRAINEE_VILLAGE_INVALID', { code: input.villageCode });
  const inserted = await insertTrainee(trx, identity, input, who.id).catch((error: unknown) => {
    // the same ID card under another mobile: one person must not become two trainees
    if (isUniqueViolation(error, 'trainees_id_card_hash_key')) throw conflict('TRAINEE_ID_CARD_TAKEN');
    throw error;
  });
  if (inserted) {
    await recordAudit(trx, who, { entity: 'trainee', entityId: inserted.id, action: 'create', after: { name: identity.name, mobile: maskMobile(identity.mobile), villageCode: input.villageCode, tags: input.tags } });
    return { id: inserted.id, created: true, identity };
  }
  // a mobile merged into another trainee (trainees.merge) still finds its person: the one kept
  const existing = await traineeByMobile(trx, identity.mobile);
  return { id: existing.merged_into_id ?? existing.id, created: false, identity };
}
