import { sql, type Kysely } from 'kysely';
import type { z } from 'zod';
import type { Db } from '../../db/create-db';
import type { Database } from '../../db/types';
import type { JobQueue } from '../../jobs/queue';
import type { Logger } from '../../lib/logger';
import { badRequest, conflict } from '../../lib/app-error';
import { likePattern, maskMobile, offsetOf } from '../../lib/list';
import { recordAudit, type AuditWho } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { regionPrefix } from '../auth/scope';
import { sessionWindow, windowOf, windowView } from './check-in-window';
import { requiredSessionsSql } from './completion';
import { traineeIdentity } from './trainee-identity';
import { assertTrainingRegion, inActorRegions, rowInActorRegions, traineeOwned, traineeVisible } from './training.scope';
import type {
  addSessionInput,
  courseListInput,
  courseView,
  createCourseInput,
  traineeFields,
  traineeSearchInput,
  traineeView,
  updateCourseInput,
} from './training.schemas';

type CourseView = z.infer<typeof courseView>;
type TraineeView = z.infer<typeof traineeView>;
type Trx = Kysely<Database>;
type Deps = { db: Db; queue: JobQueue; log: Logger };

/** The secret under which ID-card numbers are hashed. */
export const ID_CARD_KEY = 'training.id_card';

// Who may see what is training.scope.ts: admin and staff everything; a coordinator the courses of
// their regions, the trainees who live there, and (limited) those who came to one of their courses.

// ---- courses -------------------------------------------------------------------------------------

/**
 * Courses as they are shown. The linked station is named only when the reader may see its region:
 * a course cannot be made to read back another town's station.
 */
function courseRows(db: Kysely<Database>, actor: Actor) {
  return db
    .selectFrom('courses as c')
    .innerJoin('regions as r', 'r.code', 'c.region_code')
    .leftJoin('stations as s', (join) => join.onRef('s.id', '=', 'c.station_id').on(inActorRegions(actor, 's.region_code')))
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

type CourseRow = Awaited<ReturnType<ReturnType<typeof courseRows>['executeTakeFirstOrThrow']>>;

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
  const course = await db.selectFrom('courses').select(['id', 'region_code', 'status', 'version']).where('id', '=', id).executeTakeFirst();
  return rowInActorRegions(actor, course, 'COURSE_NOT_FOUND');
}

async function assertCourseRefs(trx: Trx, input: z.output<typeof createCourseInput>): Promise<void> {
  const region = await trx.selectFrom('regions').select('level').where('code', '=', input.regionCode).executeTakeFirst();
  if (!region || (region.level !== 'town' && region.level !== 'county')) throw badRequest('COURSE_REGION_INVALID', { regionCode: input.regionCode });
  if (input.stationId !== null) {
    // a station of the course's own town (or county): one elsewhere is answered as one that does
    // not exist, so station ids cannot be probed for other towns' stations
    const station = await trx
      .selectFrom('stations')
      .select('id')
      .where('id', '=', input.stationId)
      .where('region_code', 'like', `${regionPrefix(input.regionCode)}%`)
      .executeTakeFirst();
    if (!station) throw badRequest('STATION_NOT_FOUND');
  }
  if (input.plannedStart && input.plannedEnd && input.plannedEnd < input.plannedStart) throw badRequest('COURSE_DATES_INVALID');
}

function courseColumns(input: z.output<typeof createCourseInput>) {
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

export async function createCourse(db: Db, actor: Actor, who: AuditWho, input: z.output<typeof createCourseInput>): Promise<CourseView> {
  assertTrainingRegion(actor, input.regionCode);
  const id = await db.transaction().execute(async (trx) => {
    await assertCourseRefs(trx, input);
    const row = await trx
      .insertInto('courses')
      .values({ ...courseColumns(input), created_by: who.id })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, who, { entity: 'course', entityId: row.id, action: 'create', after: row });
    return row.id;
  });
  return getCourse(db, actor, id);
}

export async function updateCourse(db: Db, actor: Actor, who: AuditWho, input: z.output<typeof updateCourseInput>): Promise<CourseView> {
  assertTrainingRegion(actor, input.regionCode);
  await db.transaction().execute(async (trx) => {
    const before = rowInActorRegions(actor, await trx.selectFrom('courses').selectAll().where('id', '=', input.id).forUpdate().executeTakeFirst(), 'COURSE_NOT_FOUND');
    if (before.version !== input.version) throw conflict('COURSE_VERSION_CONFLICT');
    await assertCourseRefs(trx, input);
    const after = await trx
      .updateTable('courses')
      .set({ ...courseColumns(input), status: input.status, version: before.version + 1, updated_at: new Date() })
      .where('id', '=', input.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, who, { entity: 'course', entityId: input.id, action: 'update', before, after });
  });
  return getCourse(db, actor, input.id);
}

export async function getCourse(db: Db, actor: Actor, id: number): Promise<CourseView> {
  await courseFor(db, actor, id);
  return toCourseView(await courseRows(db, actor).where('c.id', '=', id).executeTakeFirstOrThrow());
}

export async function listCourses(db: Db, actor: Actor, input: z.output<typeof courseListInput>) {
  const f = input.filter ?? {};
  let query = courseRows(db, actor).where(inActorRegions(actor, 'c.region_code'));
  if (f.regionCode) query = query.where('c.region_code', 'like', `${regionPrefix(f.regionCode)}%`);
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
  return { items: rows.map(toCourseView), total: Number(total.n) };
}

// ---- sessions ------------------------------------------------------------------------------------

export async function addSession(db: Db, actor: Actor, who: AuditWho, input: z.output<typeof addSessionInput>) {
  const course = await courseFor(db, actor, input.courseId);
  if (course.status === 'cancelled') throw badRequest('COURSE_CANCELLED');
  if (input.endsAt <= input.startsAt) throw badRequest('SESSION_TIMES_INVALID');
  const id = await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('course_sessions')
      .values({ course_id: input.courseId, session_date: input.date, starts_at: input.startsAt, ends_at: input.endsAt, venue: input.venue })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, who, { entity: 'course_session', entityId: row.id, action: 'create', after: row });
    return row.id;
  });
  return sessionViewOf(await sessionRows(db).where('cs.id', '=', id).executeTakeFirstOrThrow());
}

/** Sessions with their attendance so far and their check-in window. */
function sessionRows(db: Kysely<Database>) {
  return db
    .selectFrom('course_sessions as cs')
    .leftJoin(sessionWindow.as('w'), (join) => join.onTrue())
    .selectAll('cs')
    .select(['w.starts', 'w.opens', 'w.closes'])
    .select((eb) => eb.selectFrom('attendance as a').select(eb.fn.countAll<number>().as('n')).whereRef('a.session_id', '=', 'cs.id').as('attendance'));
}

function sessionViewOf(row: Awaited<ReturnType<ReturnType<typeof sessionRows>['executeTakeFirstOrThrow']>>, now = new Date()) {
  return {
    id: row.id,
    courseId: row.course_id,
    date: row.session_date,
    startsAt: row.starts_at.slice(0, 5),
    endsAt: row.ends_at.slice(0, 5),
    venue: row.venue,
    attendance: Number(row.attendance ?? 0),
    checkInWindow: windowView(windowOf(row), now),
  };
}

export async function listSessions(db: Db, actor: Actor, courseId: number) {
  await courseFor(db, actor, courseId);
  const rows = await sessionRows(db).where('cs.course_id', '=', courseId).orderBy('cs.session_date').orderBy('cs.starts_at').execute();
  return rows.map((r) => sessionViewOf(r));
}

export async function getSession(db: Db, actor: Actor, sessionId: number) {
  await sessionFor(db, actor, sessionId);
  return sessionViewOf(await sessionRows(db).where('cs.id', '=', sessionId).executeTakeFirstOrThrow());
}

/** A session with its course's region and status, and its check-in window (check-in-window.ts). */
export function sessionWithCourse(db: Kysely<Database>) {
  return db
    .selectFrom('course_sessions as cs')
    .innerJoin('courses as c', 'c.id', 'cs.course_id')
    .leftJoin(sessionWindow.as('w'), (join) => join.onTrue())
    .select(['cs.id', 'cs.session_date', 'cs.starts_at', 'cs.ends_at', 'c.id as course_id', 'c.title', 'c.region_code', 'c.status', 'w.starts', 'w.opens', 'w.closes']);
}

/** The session and its course, if the actor may work on it; else FORBIDDEN_SCOPE (or, to the bureau, SESSION_NOT_FOUND). */
export async function sessionFor(db: Kysely<Database>, actor: Actor, sessionId: number) {
  return rowInActorRegions(actor, await sessionWithCourse(db).where('cs.id', '=', sessionId).executeTakeFirst(), 'SESSION_NOT_FOUND');
}

// ---- trainees ------------------------------------------------------------------------------------

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

/**
 * The trainee with this mobile, made if new. A person is one trainee across all courses: an
 * existing trainee keeps their record as it is (what a walk-in typed does not change it), and the
 * caller is told whether they were made now.
 */
export async function findOrRegisterTrainee(trx: Trx, who: AuditWho, input: z.output<typeof traineeFields>, today: string, idKey: Buffer) {
  const identity = traineeIdentity(input, { today, idKey });
  if (input.villageCode) {
    const village = await trx.selectFrom('regions').select('level').where('code', '=', input.villageCode).executeTakeFirst();
    if (village?.level !== 'village') throw badRequest('TRAINEE_VILLAGE_INVALID', { code: input.villageCode });
  }
  const inserted = await trx
    .insertInto('trainees')
    .values({
      name: identity.name,
      name_initials: identity.nameInitials,
      mobile: identity.mobile,
      id_card_hash: identity.idCard?.hash ?? null,
      id_card_last4: identity.idCard?.last4 ?? null,
      birth_date: identity.idCard?.birthDate ?? null,
      gender: identity.idCard?.gender ?? null,
      village_code: input.villageCode,
      tags: input.tags,
      created_by: who.id,
    })
    .onConflict((oc) => oc.column('mobile').doNothing())
    .returning('id')
    .executeTakeFirst()
    .catch((error: unknown) => {
      // the same ID card under another mobile: one person must not become two trainees
      if (isUniqueViolation(error, 'trainees_id_card_hash_key')) throw conflict('TRAINEE_ID_CARD_TAKEN');
      throw error;
    });
  if (inserted) {
    await recordAudit(trx, who, { entity: 'trainee', entityId: inserted.id, action: 'create', after: { name: identity.name, mobile: maskMobile(identity.mobile), villageCode: input.villageCode, tags: input.tags } });
    return { id: inserted.id, created: true, identity };
  }
  // a mobile merged into another trainee (trainees.merge) still finds its person: the one kept
  // locked, so a merge under way is waited for and its outcome (merged_into_id) read as committed
  const existing = await trx.selectFrom('trainees').select(['id', 'merged_into_id']).where('mobile', '=', identity.mobile).forKeyShare().executeTakeFirstOrThrow();
  return { id: existing.merged_into_id ?? existing.id, created: false, identity };
}

export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const e = error as { code?: string; constraint?: string; message?: string };
  return e?.code === '23505' && (e.constraint === constraint || (e.message ?? '').includes(constraint));
}

/**
 * Check-in search: part of the name, pinyin initials, or the mobile's last digits, among trainees
 * the actor may see. Each result carries what tells namesakes apart: the masked mobile (its last
 * four digits) and, of a trainee the actor owns, the village.
 */
export async function searchTrainees(db: Db, actor: Actor, input: z.output<typeof traineeSearchInput>) {
  if (input.sessionId !== undefined) await sessionFor(db, actor, input.sessionId);
  const q = input.q.replace(/\s+/g, '');
  const digits = /^\d+$/.test(q);
  const initials = /^[a-z]+$/i.test(q);
  const rows = await traineeRows(db, actor)
    .select((eb) =>
      input.sessionId === undefined
        ? sql<boolean>`false`.as('checked_in')
        : eb.exists(eb.selectFrom('attendance as a').select(sql`1`.as('one')).whereRef('a.trainee_id', '=', 't.id').where('a.session_id', '=', input.sessionId)).as('checked_in'),
    )
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
  return rows.map((row) => ({ ...toTraineeView(row), checkedIn: Boolean(row.checked_in) }));
}

/** Person-times follow check-ins within seconds; a burst of a whole class makes one recompute. */
export async function enqueueTrainingRecompute(deps: Deps): Promise<void> {
  try {
    await deps.queue.enqueue('training.recompute', {}, { delayMs: 5000 });
  } catch (err) {
    deps.log.error({ err }, 'could not enqueue training.recompute; the nightly run will catch up');
  }
}
