import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { z } from 'zod';
import type { Database } from '../../db/types';
import { likePattern, maskMobile } from '../../lib/list';
import type { Actor } from '../auth/actor';
import { isUnscoped } from '../auth/scope';
import type { TraineeIdentity } from './trainee-identity';
import { courseScope, inRegion, traineeOwned, traineeVisible } from './training.scope';
import type { traineeListInput } from './trainees.schemas';
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

/** The name a trainee is registered under. */
export async function registeredName(db: Kysely<Database>, id: number): Promise<string> {
  return (await db.selectFrom('trainees').select('name').where('id', '=', id).executeTakeFirstOrThrow()).name;
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

// ---- the trainee list ----------------------------------------------------------------------------

/** A name as people are told apart: no spaces, lower case (张 小红 = 张小红, Li Na = lina). */
export const normalisedName = sql<string>`lower(regexp_replace(t.name, '[[:space:]]+', '', 'g'))`;

/**
 * Trainees with what they have done: courses and sessions attended, outcomes recorded. Of a
 * trainee the actor does not own, only what they did in the actor's own courses is counted.
 */
export function listRows(db: Kysely<Database>, actor: Actor) {
  const owned = traineeOwned(actor, { merged: true });
  return traineeRows(db, actor)
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('attendance as a')
          .innerJoin('course_sessions as cs', 'cs.id', 'a.session_id')
          .innerJoin('courses as c', 'c.id', 'cs.course_id')
          .select([
            (e) => e.fn.countAll<number>().as('sessions'),
            sql<number>`count(distinct cs.course_id)`.as('courses'),
            (e) => e.fn.max('cs.session_date').as('last_day'),
          ])
          .whereRef('a.trainee_id', '=', 't.id')
          .where(sql<SqlBool>`(${owned} or ${courseScope.where(actor, 'c.region_code')})`)
          .as('att'),
      (join) => join.onTrue(),
    )
    .select([
      'att.sessions as attendance_count',
      'att.courses as course_count',
      'att.last_day as last_attended_on',
      't.created_at',
      sql<number>`case when ${owned} then (select count(*) from training_outcomes o where o.trainee_id = t.id) else 0 end`.as('outcome_count'),
    ]);
}

/**
 * The sessions listRows counts for trainee `t`, as a sort key: all of them for a trainee the actor
 * owns (from the attendance index alone), only those of the actor's own courses for another's — or
 * sorting by it would rank a visitor by what they did in other towns.
 */
export function attendedSessions(actor: Actor): RawBuilder<number> {
  const all = sql<number>`(select count(*) from attendance a where a.trainee_id = t.id)`;
  if (isUnscoped(actor)) return all;
  const ours = sql<number>`(select count(*) from attendance a
    join course_sessions cs on cs.id = a.session_id join courses c on c.id = cs.course_id
    where a.trainee_id = t.id and ${courseScope.where(actor, 'c.region_code')})`;
  return sql<number>`case when ${traineeOwned(actor, { merged: true })} then ${all} else ${ours} end`;
}

export type ListRow = Awaited<ReturnType<ReturnType<typeof listRows>['executeTakeFirstOrThrow']>>;

/**
 * The list's filter as one condition on `t`. `q` reads like check-in search: digits are the
 * mobile's last digits (a mobile merged into this trainee counts too), latin letters pinyin
 * initials, anything else part of the name. What only an owned trainee's profile shows (tags,
 * outcomes, other mobiles, other towns' courses) filters only owned trainees, so a filter cannot
 * tell the actor anything about the others. The caller checks a region filter is one of the actor's regions.
 */
export function listFilter(actor: Actor, filter: NonNullable<z.output<typeof traineeListInput>['filter']>): RawBuilder<SqlBool> {
  const owned = traineeOwned(actor, { merged: true });
  const conditions: RawBuilder<SqlBool>[] = [];
  const q = (filter.q ?? '').replace(/\s+/g, '');
  if (q) {
    if (/^\d+$/.test(q)) {
      const mergedMobile = sql<SqlBool>`exists (select 1 from trainees m where m.merged_into_id = t.id and m.mobile like ${`%${q}`})`;
      conditions.push(sql<SqlBool>`(${mobileEndsWith(actor, q)} or (${mergedMobile} and ${owned}))`);
    } else if (/^[a-z]+$/i.test(q)) {
      conditions.push(sql<SqlBool>`(t.name_initials like ${`${q.toLowerCase()}%`} or t.name ilike ${likePattern(q)})`);
    } else {
      conditions.push(sql<SqlBool>`t.name like ${likePattern(q)}`);
    }
  }
  if (filter.regionCode) conditions.push(inRegion('t.village_code', filter.regionCode));
  if (filter.tag) conditions.push(sql<SqlBool>`(${filter.tag} = any(t.tags) and ${owned})`);
  if (filter.hasOutcome !== undefined) {
    conditions.push(sql<SqlBool>`(exists (select 1 from training_outcomes o where o.trainee_id = t.id) = ${filter.hasOutcome} and ${owned})`);
  }
  if (filter.courseId !== undefined) {
    conditions.push(sql<SqlBool>`exists (
      select 1 from attendance a join course_sessions cs on cs.id = a.session_id join courses c on c.id = cs.course_id
      where a.trainee_id = t.id and cs.course_id = ${filter.courseId} and (${owned} or ${courseScope.where(actor, 'c.region_code')}))`);
  }
  return conditions.length ? sql<SqlBool>`(${sql.join(conditions, sql` and `)})` : sql<SqlBool>`true`;
}

/** The trainee row, locked FOR UPDATE, if the actor owns it (merged ones too when asked). */
export function lockOwnedTrainee(trx: Kysely<Database>, actor: Actor, id: number, options: { merged?: boolean } = {}) {
  return trx.selectFrom('trainees as t').selectAll('t').where('t.id', '=', id).where(traineeOwned(actor, options)).forUpdate().executeTakeFirst();
}

/**
 * A merge's moves, from trainee `fromId` to `toId`: every attendance (where both attended a
 * session, the earlier check-in is the row kept, on `toId`) and every outcome. Counts what moved.
 */
export async function moveAttendanceAndOutcomes(trx: Kysely<Database>, fromId: number, toId: number) {
  await sql`
    update attendance k set method = m.method, recorded_by = m.recorded_by, checked_in_at = m.checked_in_at
    from attendance m
    where k.trainee_id = ${toId} and m.trainee_id = ${fromId} and m.session_id = k.session_id and m.checked_in_at < k.checked_in_at`.execute(trx);
  const overlapping = await trx
    .deleteFrom('attendance')
    .where('trainee_id', '=', fromId)
    .where('session_id', 'in', (eb) => eb.selectFrom('attendance').select('session_id').where('trainee_id', '=', toId))
    .executeTakeFirst();
  const moved = await trx.updateTable('attendance').set({ trainee_id: toId }).where('trainee_id', '=', fromId).executeTakeFirst();
  const outcomes = await trx.updateTable('training_outcomes').set({ trainee_id: toId }).where('trainee_id', '=', fromId).executeTakeFirst();
  return { moved: Number(moved.numUpdatedRows), overlapping: Number(overlapping.numDeletedRows), outcomes: Number(outcomes.numUpdatedRows) };
}
