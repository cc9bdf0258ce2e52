import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { Database } from '../../db/types';
import { notFound } from '../../lib/app-error';
import type { MessageKey } from '../../i18n/messages';
import type { Actor } from '../auth/actor';
import { assertRegionScope, isUnscoped, missingRow, regionPrefix } from '../auth/scope';

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
 * Conditions are SQL on the usual aliases — a course as `c` (or any region-code column), a trainee
 * as `t` — so that a Kysely query (`.where(traineeOwned(actor))`) and the raw one-statement
 * check-in use the very same text.
 */

/** The region-code column lies in one of the actor's regions (every region for admin and staff). */
export function inActorRegions(actor: Actor, column: string): RawBuilder<SqlBool> {
  if (isUnscoped(actor)) return sql<SqlBool>`true`;
  const prefixes = actor.scopes.regions.map(regionPrefix);
  if (!prefixes.length) return sql<SqlBool>`false`;
  return sql<SqlBool>`(${sql.join(
    prefixes.map((p) => sql`${sql.ref(column)} like ${`${p}%`}`),
    sql` or `,
  )})`;
}

/** Refuse (FORBIDDEN_SCOPE, region) a course, session or filter region outside the actor's regions. */
export const assertTrainingRegion = assertRegionScope;

/**
 * A course or session asked for by id (`row`, with its course's region), if it is in the actor's
 * regions. A coordinator hears the same for one that does not exist as for another town's
 * (FORBIDDEN_SCOPE), so ids cannot be probed for what exists elsewhere; the bureau hears `missing`.
 */
export function rowInActorRegions<R extends { region_code: string }>(actor: Actor, row: R | undefined, missing: MessageKey): R {
  if (row === undefined) throw missingCourseRow(actor, missing);
  assertTrainingRegion(actor, row.region_code);
  return row;
}

/** What rowInActorRegions answers for a course or session that does not exist. */
export const missingCourseRow = (actor: Actor, missing: MessageKey) => missingRow(actor, 'region', missing);

/** A merged trainee is a record pointing at the person kept, not a live trainee (unless asked for). */
const live = (options: { merged?: boolean }) => (options.merged ? sql<SqlBool>`true` : sql<SqlBool>`t.merged_into_id is null`);

/** Trainee `t`'s home is in the actor's regions (see above): always, for admin and staff. */
export function traineeOwned(actor: Actor, options: { merged?: boolean } = {}): RawBuilder<SqlBool> {
  if (isUnscoped(actor)) return live(options);
  // the first course's region, null when there is no attendance (home_* aliases: this sits inside
  // queries that have their own a, cs and c)
  const firstCourseInRegions = sql<SqlBool>`(
    select ${inActorRegions(actor, 'home.region_code')}
    from (select home_c.region_code
          from attendance home_a
          join course_sessions home_cs on home_cs.id = home_a.session_id
          join courses home_c on home_c.id = home_cs.course_id
          where home_a.trainee_id = t.id
          order by home_a.checked_in_at, home_a.session_id
          limit 1) home)`;
  return sql<SqlBool>`(${live(options)} and case
    when t.village_code is not null then ${inActorRegions(actor, 't.village_code')}
    else coalesce(${firstCourseInRegions}, t.created_by = ${actor.id}) end)`;
}

/** Trainee `t` attended a session of a course in the actor's regions. */
function attendedActorCourse(actor: Actor): RawBuilder<SqlBool> {
  return sql<SqlBool>`exists (
    select 1 from attendance seen_a
    join course_sessions seen_cs on seen_cs.id = seen_a.session_id
    join courses seen_c on seen_c.id = seen_cs.course_id
    where seen_a.trainee_id = t.id and ${inActorRegions(actor, 'seen_c.region_code')})`;
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
