import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Database } from '../../db/types';
import { badRequest, conflict } from '../../lib/app-error';
import { recordAudit } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import type { ServiceContext } from '../service-context';
import { courseById, courseColumns, courseList, courseRows, insertCourse, lockCourse, regionLevel, stationUnder, updateCourseRow, type CourseRow } from './courses.repository';
import { courseRow, courseScope } from './training.scope';
import type { courseListInput, courseView, createCourseInput, updateCourseInput } from './training.schemas';

type CourseView = z.infer<typeof courseView>;

// Who may see what is training.scope.ts: admin and staff everything; a coordinator the courses of
// their regions, the trainees who live there, and (limited) those who came to one of their courses.

function toCourseView(row: CourseRow): CourseView {
  const sessionCount = Number(row.session_count ?? 0);
  return {
    id: row.id,
    title: row.title,
    topic: row.topic,
    organiser: row.organiser,
    trainers: row.trainers,
    regionCode: row.region_code,
    regionName: row.region_name,
    stationId: row.station_id,
    stationName: row.station_name ?? null,
    venue: row.venue,
    capacity: row.capacity,
    plannedStart: row.planned_start,
    plannedEnd: row.planned_end,
    status: row.status,
    completionMinSessions: row.completion_min_sessions,
    requiredSessions: Number(row.required_sessions),
    sessionCount,
    traineeCount: Number(row.trainee_count ?? 0),
    version: row.version,
  };
}

/** The course, if the actor may see it; else FORBIDDEN_SCOPE (or, to the bureau, COURSE_NOT_FOUND). */
export async function courseFor(db: Kysely<Database>, actor: Actor, id: number) {
  return courseRow(actor, await courseById(db, id), 'COURSE_NOT_FOUND');
}

async function assertCourseRefs(trx: Kysely<Database>, input: z.output<typeof createCourseInput>): Promise<void> {
  const level = await regionLevel(trx, input.regionCode);
  if (level !== 'town' && level !== 'county') throw badRequest('COURSE_REGION_INVALID', { regionCode: input.regionCode });
  // a station of the course's own town (or county): one elsewhere is answered as one that does
  // not exist, so station ids cannot be probed for other towns' stations
  if (input.stationId !== null && !(await stationUnder(trx, input.stationId, input.regionCode))) throw badRequest('STATION_NOT_FOUND');
  if (input.plannedStart && input.plannedEnd && input.plannedEnd < input.plannedStart) throw badRequest('COURSE_DATES_INVALID');
}

export async function createCourse(ctx: ServiceContext, input: z.output<typeof createCourseInput>): Promise<CourseView> {
  const { db, actor, who } = ctx;
  courseScope.assert(actor, input.regionCode);
  const id = await db.transaction().execute(async (trx) => {
    await assertCourseRefs(trx, input);
    const row = await insertCourse(trx, input, who.id);
    await recordAudit(trx, who, { entity: 'course', entityId: row.id, action: 'create', after: row });
    return row.id;
  });
  return getCourse(ctx, id);
}

export async function updateCourse(ctx: ServiceContext, input: z.output<typeof updateCourseInput>): Promise<CourseView> {
  const { db, actor, who } = ctx;
  courseScope.assert(actor, input.regionCode);
  await db.transaction().execute(async (trx) => {
    const before = courseRow(actor, await lockCourse(trx, input.id), 'COURSE_NOT_FOUND');
    if (before.version !== input.version) throw conflict('COURSE_VERSION_CONFLICT');
    await assertCourseRefs(trx, input);
    const after = await updateCourseRow(trx, input.id, { ...courseColumns(input), status: input.status, version: before.version + 1 });
    await recordAudit(trx, who, { entity: 'course', entityId: input.id, action: 'update', before, after });
  });
  return getCourse(ctx, input.id);
}

export async function getCourse(ctx: ServiceContext, id: number): Promise<CourseView> {
  await courseFor(ctx.db, ctx.actor, id);
  return toCourseView(await courseRows(ctx.db, ctx.actor).where('c.id', '=', id).executeTakeFirstOrThrow());
}

export async function listCourses(ctx: ServiceContext, input: z.output<typeof courseListInput>) {
  const { rows, total } = await courseList(ctx.db, ctx.actor, input);
  return { items: rows.map(toCourseView), total };
}
