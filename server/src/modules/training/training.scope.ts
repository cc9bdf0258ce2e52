import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { Database } from '../../db/types';
import { notFound } from '../../lib/app-error';
import type { MessageKey } from '../../i18n/messages';
import type { Actor } from '../auth/actor';
import { isUnscoped, missingRow, regionPrefix, regionScope, type ColumnRef } from '../auth/scope';

/**
 * Row scope for training, in one place. Admin and staff see every course and every trainee. A
 * training coordinator works in their regions (towns, or a county): the courses held there, and of
 * the trainees —
 *
 * - OWNED: the trainee's home is in the coordinator's regions. Full profile (village, tags, ID
 *   last four, gender, birth date, outcomes, every course), the mobile in full where one is shown,
 *   editable, mergeable, in duplicates, followed up.
 * - ATTENDED ONLY: home elsewhere, but attended a session of one of the coordinator's courses (a
 *   person is one trainee in the whole county, and people do go to a class in the next town). The
 *   coordinator sees their name, masked mobile and their attendance in the coordinator's own
 *   courses, nothing else, and changes nothing about them; their home coordinator follows them up.
 *
 * A trainee's HOME is their village. A trainee with no village belongs to the region of the course
 * of their first recorded attendance (the earliest check-in), and one with no attendance either
 * (a registration whose check-in never came) to the coordinator who registered them.
 *
 * Conditions are typed SQL on the usual aliases — a course by any region-code column
 * (`courseScope.where(actor, 'c.region_code')`), a trainee as `t` — so that a Kysely query
 * (`.where(traineeOwned(actor))`) and the raw one-statement check-in use the very same text. Every
 * region condition is the scope module's (auth/scope.ts); none is written out here.
 */

/** The region-code column lies under `code` (a filter the user chose, checked against their scope first). */
export function inRegion(column: ColumnRef, code: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`${sql.ref(column)} like ${`${regionPrefix(code)}%`}`;
}

/** Courses and sessions by their course's region: FORBIDDEN_SCOPE outside the actor's regions (scope.ts). */
export const courseScope = regionScope;

/**
 * A course or session asked for by id (`row`, with its course's region), if it is in the actor's
 * regions. A coordinator hears the same for one that does not exist as for another town's
 * (FORBIDDEN_SCOPE), so ids cannot be probed for what exists elsewhere; the bureau hears `missing`.
 */
export function courseRow<R extends { region_code: string }>(actor: Actor, row: R | undefined, missing: MessageKey): R {
  return courseScope.row(actor, row, (r) => r.region_code, missing);
}

/** What courseRow answers for a course or session that does not exist. */
export const missingCourseRow = (actor: Actor, missing: MessageKey) => missingRow(actor, courseScope.kind, missing);

/** A merged trainee is a record pointing at the person kept, not a live trainee (unless asked for). */
const live = (options: { merged?: boolean }) => (options.merged ? sql<SqlBool>`true` : sql<SqlBool>`t.merged_into_id is null`);

/** Trainee `t`'s home is in the actor's regions (see above): always, for admin and staff. */
export function traineeOwned(actor: Actor, options: { merged?: boolean } = {}): RawBuilder<SqlBool> {
  if (isUnscoped(actor)) return live(options);
  // the first course's region, null when there is no attendance (home_* aliases: this sits inside
  // queries that have their own a, cs and c)
  const firstCourseInRegions = sql<SqlBool>`(
    select ${regionScope.where(actor, 'home.region_code')}
    from (select home_c.region_code
          from attendance home_a
          join course_sessions home_cs on home_cs.id = home_a.session_id
          join courses home_c on home_c.id = home_cs.course_id
          where home_a.trainee_id = t.id
          order by home_a.checked_in_at, home_a.session_id
          limit 1) home)`;
  return sql<SqlBool>`(${live(options)} and case
    when t.village_code is not null then ${regionScope.where(actor, 't.village_code')}
    else coalesce(${firstCourseInRegions}, t.created_by = ${actor.id}) end)`;
}

/** Trainee `t` attended a session of a course in the actor's regions. */
function attendedActorCourse(actor: Actor): RawBuilder<SqlBool> {
  return sql<SqlBool>`exists (
    select 1 from attendance seen_a
    join course_sessions seen_cs on seen_cs.id = seen_a.session_id
    join courses seen_c on seen_c.id = seen_cs.course_id
    where seen_a.trainee_id = t.id and ${regionScope.where(actor, 'seen_c.region_code')})`;
}

/** Trainee `t` is owned by the actor or attended one of their courses: someone they may see at all. */
export function traineeVisible(actor: Actor, options: { merged?: boolean } = {}): RawBuilder<SqlBool> {
  if (isUnscoped(actor)) return live(options);
  return sql<SqlBool>`(${live(options)} and (${traineeOwned(actor, { merged: true })} or ${attendedActorCourse(actor)}))`;
}

/** May the actor read an owned (`owned`) trainee's mobile in full? An admin, or the coordinator whose trainee it is; staff read it masked. */
export function mobileInFull(actor: Actor, owned: boolean): boolean {
  return actor.role === 'admin' || (actor.role === 'training_coordinator' && owned);
}

/**
 * The trainee, if the actor may see them, and whether they own them. A trainee outside the
 * actor's scope and one that does not exist get the same answer (TRAINEE_NOT_FOUND).
 */
export async function traineeAccess(db: Kysely<Database>, actor: Actor, traineeId: number, options: { merged?: boolean } = {}): Promise<{ owned: boolean }> {
  const row = await db
    .selectFrom('trainees as t')
    .select(traineeOwned(actor, { merged: true }).as('owned'))
    .where('t.id', '=', traineeId)
    .where(traineeVisible(actor, options))
    .executeTakeFirst();
  if (!row) throw notFound('TRAINEE_NOT_FOUND');
  return { owned: Boolean(row.owned) };
}

/** Refuse, as if the trainee did not exist, unless the actor owns them (edits, merges, outcomes). */
export async function assertTraineeOwned(db: Kysely<Database>, actor: Actor, traineeId: number, options: { merged?: boolean } = {}): Promise<void> {
  const { owned } = await traineeAccess(db, actor, traineeId, options);
  if (!owned) throw notFound('TRAINEE_NOT_FOUND');
}
