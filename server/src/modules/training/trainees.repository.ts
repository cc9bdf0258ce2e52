import { sql, type Kysely, type SqlBool } from 'kysely';
import type { z } from 'zod';
import type { Database } from '../../db/types';
import { likePattern, maskMobile } from '../../lib/list';
import type { Actor } from '../auth/actor';
import type { TraineeIdentity } from './trainee-identity';
import { traineeOwned, traineeVisible } from './training.scope';
import type { traineeFields, traineeView } from './training.schemas';

type TraineeView = z.infer<typeof traineeView>;

/** Trainees as `t` with their village, and whether the actor owns them (training.scope.ts). */
export function traineeRows(db: Kysely<Database>, actor: Actor) {
  return db
    .selectFrom('trainees as t')
    .leftJoin('regions as v', 'v.code', 't.village_code')
    .select(['t.id', 't.name', 't.mobile', 't.id_card_last4', 't.gender', 't.birth_date', 't.village_code', 'v.name as village_name', 't.tags'])
    .select(traineeOwned(actor, { merged: true }).as('owned'));
}

export type TraineeRow = Awaited<ReturnType<ReturnType<typeof traineeRows>['executeTakeFirstOrThrow']>>;

/**
 * As lists show a trainee: the mobile masked, the ID card by its last four only. A trainee the
 * actor does not own (one from elsewhere who came to their course) by name and masked mobile only.
 */
export function toTraineeView(row: TraineeRow): TraineeView {
  const base = { id: row.id, name: row.name, mobile: maskMobile(row.mobile)! };
  if (!row.owned) return { ...base, idCardLast4: null, gender: null, birthDate: null, villageCode: null, villageName: null, tags: [], limited: true };
  return {
    ...base,
    idCardLast4: row.id_card_last4,
    gender: row.gender,
    birthDate: row.birth_date,
    villageCode: row.village_code,
    villageName: row.village_name ?? null,
    tags: row.tags,
    limited: false,
  };
}

/**
 * Digits typed to find a trainee: the mobile's last digits. Of a trainee the actor does not own,
 * only the last four match — the four the masked mobile shows — so a longer run of digits cannot
 * probe the rest of their number.
 */
export function mobileEndsWith(actor: Actor, digits: string, column: 't.mobile' | 'm.mobile' = 't.mobile') {
  const matches = sql<boolean>`${sql.ref(column)} like ${`%${digits}`}`;
  return digits.length <= 4 ? matches : sql<boolean>`(${matches} and ${traineeOwned(actor, { merged: true })})`;
}

/** Whether trainee `t` is checked in to the session: a column of traineeRows for the check-in screens. */
export function checkedInTo(sessionId: number | undefined) {
  if (sessionId === undefined) return sql<boolean>`false`.as('checked_in');
  return sql<boolean>`exists (select 1 from attendance a where a.trainee_id = t.id and a.session_id = ${sessionId})`.as('checked_in');
}

/** Check-in search among the trainees the actor may see: the mobile's last digits, pinyin initials, or part of the name. */
export function searchRows(db: Kysely<Database>, actor: Actor, input: { q: string; sessionId?: number; limit: number }) {
  const { q } = input;
  const digits = /^\d+$/.test(q);
  const initials = /^[a-z]+$/i.test(q);
  return traineeRows(db, actor)
    .select(checkedInTo(input.sessionId))
    .where(traineeVisible(actor))
    .where((eb) =>
      digits
        ? mobileEndsWith(actor, q)
        : initials
          ? eb.or([eb('t.name_initials', 'like', `${q.toLowerCase()}%`), eb('t.name', 'ilike', likePattern(q))])
          : eb('t.name', 'like', likePattern(q)),
    )
    .orderBy('t.name')
    .orderBy('t.id')
    .limit(input.limit)
    .execute();
}

/** Who attended any session of the course, among the trainees the actor may see, with whether they are checked in to `sessionId`. */
export function rosterRows(db: Kysely<Database>, actor: Actor, courseId: number, sessionId: number, max: number) {
  return traineeRows(db, actor)
    .select(checkedInTo(sessionId))
    .where(sql<SqlBool>`exists (select 1 from attendance a join course_sessions cs on cs.id = a.session_id where a.trainee_id = t.id and cs.course_id = ${courseId})`)
    .where(traineeVisible(actor))
    .orderBy('t.name')
    .orderBy('t.id')
    .limit(max)
    .execute();
}

/** Of these ids, the trainees the actor may see. */
export function visibleTraineeIds(db: Kysely<Database>, actor: Actor, ids: readonly number[]) {
  return db.selectFrom('trainees as t').select('t.id').where('t.id', 'in', ids).where(traineeVisible(actor)).execute();
}

/** A new trainee, unless the mobile is registered already (then undefined). */
export function insertTrainee(trx: Kysely<Database>, identity: TraineeIdentity, fields: Pick<z.output<typeof traineeFields>, 'villageCode' | 'tags'>, createdBy: number | null) {
  return trx
    .insertInto('trainees')
    .values({
      name: identity.name,
      name_initials: identity.nameInitials,
      mobile: identity.mobile,
      id_card_hash: identity.idCard?.hash ?? null,
      id_card_last4: identity.idCard?.last4 ?? null,
      birth_date: identity.idCard?.birthDate ?? null,
      gender: identity.idCard?.gender ?? null,
      village_code: fields.villageCode,
      tags: fields.tags,
      created_by: createdBy,
    })
    .onConflict((oc) => oc.column('mobile').doNothing())
    .returning('id')
    .executeTakeFirst();
}

/**
 * The trainee registered under this mobile, locked FOR KEY SHARE: a merge under way (which locks
 * it FOR UPDATE) is waited for and its outcome (merged_into_id) read as committed.
 */
export function traineeByMobile(trx: Kysely<Database>, mobile: string) {
  return trx.selectFrom('trainees').select(['id', 'merged_into_id']).where('mobile', '=', mobile).forKeyShare().executeTakeFirstOrThrow();
}
