import { sql, type Kysely } from 'kysely';
import type { z } from 'zod';
import type { Database } from '../../db/types';
import { likePattern, offsetOf } from '../../lib/list';
import type { Actor } from '../auth/actor';
import { regionScope } from '../auth/scope';
import { requiredSessionsSql } from './completion';
import { courseScope, inRegion } from './training.scope';
import type { courseListInput, createCourseInput } from './training.schemas';

type CourseInput = z.output<typeof createCourseInput>;

/**
 * Courses as they are shown. The linked station is named only when the reader may see its region:
 * a course cannot be made to read back another town's station.
 */
export function courseRows(db: Kysely<Database>, actor: Actor) {
  return db
    .selectFrom('courses as c')
    .innerJoin('regions as r', 'r.code', 'c.region_code')
    .leftJoin('stations as s', (join) => join.onRef('s.id', '=', 'c.station_id').on(regionScope.where(actor, 's.region_code')))
    // the session count once per course: shown, and the completion rule is read from it
    .leftJoinLateral(
      (eb) => eb.selectFrom('course_sessions as cs').select((e) => e.fn.countAll<number>().as('n')).whereRef('cs.course_id', '=', 'c.id').as('sc'),
      (join) => join.onTrue(),
    )
    .select([
      'c.id',
      'c.title',
      'c.topic',
      'c.organiser',
      'c.trainers',
      'c.region_code',
      'r.name as region_name',
      's.id as station_id',
      's.name as station_name',
      'c.venue',
      'c.capacity',
      'c.planned_start',
      'c.planned_end',
      'c.status',
      'c.completion_min_sessions',
      'c.version',
      'sc.n as session_count',
      requiredSessionsSql(sql.ref('sc.n'), sql.ref('c.completion_min_sessions')).as('required_sessions'),
      (eb) =>
        eb
          .selectFrom('attendance as a')
          .innerJoin('course_sessions as cs', 'cs.id', 'a.session_id')
          .select(sql<number>`count(distinct a.trainee_id)`.as('n'))
          .whereRef('cs.course_id', '=', 'c.id')
          .as('trainee_count'),
    ]);
}

export type CourseRow = Awaited<ReturnType<ReturnType<typeof courseRows>['executeTakeFirstOrThrow']>>;

/** A page of the courses in the actor's regions, filtered and sorted, and how many there are. */
export async function courseList(db: Kysely<Database>, actor: Actor, input: z.output<typeof courseListInput>) {
  const f = input.filter ?? {};
  let query = courseRows(db, actor).where(courseScope.where(actor, 'c.region_code'));
  if (f.regionCode) query = query.where(inRegion('c.region_code', f.regionCode));
  if (f.topic) query = query.where('c.topic', '=', f.topic);
  if (f.status) query = query.where('c.status', '=', f.status);
  if (f.q) query = query.where('c.title', 'ilike', likePattern(f.q));
  if (f.year) {
    const year = f.year;
    query = query.where((eb) =>
      eb.or([
        eb.exists(eb.selectFrom('course_sessions as cs').select(sql`1`.as('one')).whereRef('cs.course_id', '=', 'c.id').where('cs.session_date', '>=', `${year}-01-01`).where('cs.session_date', '<=', `${year}-12-31`)),
        eb.and([eb('c.planned_start', '>=', `${year}-01-01`), eb('c.planned_start', '<=', `${year}-12-31`)]),
      ]),
    );
  }
  const total = await query.clearSelect().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const column = { title: 'c.title', plannedStart: 'c.planned_start', status: 'c.status' } as const;
  const sort = input.sort ?? { key: 'plannedStart', order: 'desc' as const };
  const rows = await query
    .orderBy(column[sort.key], sort.order)
    .orderBy('c.id', 'desc')
    .limit(input.pageSize)
    .offset(offsetOf(input))
    .execute();
  return { rows, total: Number(total.n) };
}

/** What scope and state checks need of a course. */
export function courseById(db: Kysely<Database>, id: number) {
  return db.selectFrom('courses').select(['id', 'region_code', 'status', 'version']).where('id', '=', id).executeTakeFirst();
}

/** The whole course row, locked for an update. */
export function lockCourse(trx: Kysely<Database>, id: number) {
  return trx.selectFrom('courses').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** A region's level (town, county, village…), or undefined for a code that does not exist. */
export async function regionLevel(db: Kysely<Database>, code: string) {
  return (await db.selectFrom('regions').select('level').where('code', '=', code).executeTakeFirst())?.level;
}

/** Whether the station exists under the region (its town, or a town of its county). */
export async function stationUnder(db: Kysely<Database>, stationId: number, regionCode: string): Promise<boolean> {
  const station = await db.selectFrom('stations as s').select('s.id').where('s.id', '=', stationId).where(inRegion('s.region_code', regionCode)).executeTakeFirst();
  return station !== undefined;
}

export function courseColumns(input: CourseInput) {
  return {
    title: input.title,
    topic: input.topic,
    organiser: input.organiser,
    trainers: input.trainers,
    region_code: input.regionCode,
    station_id: input.stationId,
    venue: input.venue,
    capacity: input.capacity,
    planned_start: input.plannedStart,
    planned_end: input.plannedEnd,
    completion_min_sessions: input.completionMinSessions,
  };
}

export function insertCourse(trx: Kysely<Database>, input: CourseInput, createdBy: number | null) {
  return trx
    .insertInto('courses')
    .values({ ...courseColumns(input), created_by: createdBy })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function updateCourseRow(trx: Kysely<Database>, id: number, set: ReturnType<typeof courseColumns> & { status: CourseRow['status']; version: number }) {
  return trx
    .updateTable('courses')
    .set({ ...set, updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
