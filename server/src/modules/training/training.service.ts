import { sql, type Kysely } from 'kysely';
import type { z } from 'zod';
import type { Db } from '../../db/create-db';
import type { AttendanceMethod, Database } from '../../db/types';
import type { JobQueue } from '../../jobs/queue';
import type { Logger } from '../../lib/logger';
import { badRequest, conflict, forbidden, notFound } from '../../lib/app-error';
import { shanghaiToday } from '../../lib/dates';
import { likePattern, maskMobile, offsetOf } from '../../lib/list';
import { appSecret } from '../../lib/secrets';
import { recordAudit, type AuditWho } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { actorCoversRegion, isUnscoped, regionPrefix } from '../auth/scope';
import { requiredSessionsSql } from './completion';
import { traineeIdentity } from './trainee-identity';
import type {
  addSessionInput,
  checkInInput,
  checkInOutput,
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

// ---- who may see what ----------------------------------------------------------------------------
// Admin and staff see every course and trainee; a coordinator the courses of their towns, and the
// trainees who live there or have attended one of those courses.

function assertCourseRegion(actor: Actor, regionCode: string): void {
  if (!actorCoversRegion(actor, regionCode)) throw forbidden('FORBIDDEN_SCOPE', { kind: 'region' });
}

/** A filter on `c.region_code` matching the actor's regions (nothing for a coordinator without any). */
export function coursesInScope(actor: Actor) {
  return (eb: any) =>
    isUnscoped(actor)
      ? eb.val(true)
      : actor.scopes.regions.length
        ? eb.or(actor.scopes.regions.map((code) => eb('c.region_code', 'like', `${regionPrefix(code)}%`)))
        : eb.val(false);
}

/**
 * Trainees the actor may see, as a filter on `t.id`. A trainee merged into another is no longer a
 * live person (its attendance and outcomes moved to the one kept) unless asked for with `merged`.
 */
export function traineesInScope(actor: Actor, options: { merged?: boolean } = {}): (eb: any) => any {
  return (eb: any) => {
    if (!options.merged) return eb.and([eb('t.merged_into_id', 'is', null), traineesInScope(actor, { merged: true })(eb)]);
    if (isUnscoped(actor)) return eb.val(true);
    if (!actor.scopes.regions.length) return eb.val(false);
    const prefixes = actor.scopes.regions.map(regionPrefix);
    return eb.or([
      ...prefixes.map((p) => eb('t.village_code', 'like', `${p}%`)),
      eb.exists(
        eb
          .selectFrom('attendance as a')
          .innerJoin('course_sessions as cs', 'cs.id', 'a.session_id')
          .innerJoin('courses as c', 'c.id', 'cs.course_id')
          .select(sql`1`.as('one'))
          .whereRef('a.trainee_id', '=', 't.id')
          .where((inner: any) => inner.or(prefixes.map((p) => inner('c.region_code', 'like', `${p}%`)))),
      ),
    ]);
  };
}

// ---- courses -------------------------------------------------------------------------------------

function courseRows(db: Kysely<Database>) {
  return db
    .selectFrom('courses as c')
    .innerJoin('regions as r', 'r.code', 'c.region_code')
    .leftJoin('stations as s', 's.id', 'c.station_id')
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
      'c.station_id',
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

/** The course, if the actor may see it; else NOT_FOUND or FORBIDDEN_SCOPE. */
export async function courseFor(db: Kysely<Database>, actor: Actor, id: number) {
  const course = await db.selectFrom('courses').select(['id', 'region_code', 'status', 'version']).where('id', '=', id).executeTakeFirst();
  if (!course) throw notFound('COURSE_NOT_FOUND');
  assertCourseRegion(actor, course.region_code);
  return course;
}

async function assertCourseRefs(trx: Trx, input: z.output<typeof createCourseInput>): Promise<void> {
  const region = await trx.selectFrom('regions').select('level').where('code', '=', input.regionCode).executeTakeFirst();
  if (!region || (region.level !== 'town' && region.level !== 'county')) throw badRequest('COURSE_REGION_INVALID', { regionCode: input.regionCode });
  if (input.stationId !== null) {
    const station = await trx.selectFrom('stations').select('id').where('id', '=', input.stationId).executeTakeFirst();
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
  assertCourseRegion(actor, input.regionCode);
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
  assertCourseRegion(actor, input.regionCode);
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('courses').selectAll().where('id', '=', input.id).forUpdate().executeTakeFirst();
    if (!before) throw notFound('COURSE_NOT_FOUND');
    assertCourseRegion(actor, before.region_code);
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
  return toCourseView(await courseRows(db).where('c.id', '=', id).executeTakeFirstOrThrow());
}

export async function listCourses(db: Db, actor: Actor, input: z.output<typeof courseListInput>) {
  const f = input.filter ?? {};
  let query = courseRows(db).where(coursesInScope(actor));
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
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('course_sessions')
      .values({ course_id: input.courseId, session_date: input.date, starts_at: input.startsAt, ends_at: input.endsAt, venue: input.venue })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, who, { entity: 'course_session', entityId: row.id, action: 'create', after: row });
    return sessionViewOf({ ...row, attendance: 0 });
  });
}

function sessionViewOf(row: { id: number; course_id: number; session_date: string; starts_at: string; ends_at: string; venue: string | null; attendance: number | string }) {
  return {
    id: row.id,
    courseId: row.course_id,
    date: row.session_date,
    startsAt: row.starts_at.slice(0, 5),
    endsAt: row.ends_at.slice(0, 5),
    venue: row.venue,
    attendance: Number(row.attendance),
  };
}

function sessionRows(db: Kysely<Database>) {
  return db
    .selectFrom('course_sessions as cs')
    .selectAll('cs')
    .select((eb) => eb.selectFrom('attendance as a').select(eb.fn.countAll<number>().as('n')).whereRef('a.session_id', '=', 'cs.id').as('attendance'));
}

export async function listSessions(db: Db, actor: Actor, courseId: number) {
  await courseFor(db, actor, courseId);
  const rows = await sessionRows(db).where('cs.course_id', '=', courseId).orderBy('cs.session_date').orderBy('cs.starts_at').execute();
  return rows.map((r) => sessionViewOf({ ...r, attendance: r.attendance ?? 0 }));
}

export async function getSession(db: Db, actor: Actor, sessionId: number) {
  await sessionFor(db, actor, sessionId);
  const row = await sessionRows(db).where('cs.id', '=', sessionId).executeTakeFirstOrThrow();
  return sessionViewOf({ ...row, attendance: row.attendance ?? 0 });
}

/** The session and its course, if the actor may work on it. */
export async function sessionFor(db: Kysely<Database>, actor: Actor, sessionId: number) {
  const session = await db
    .selectFrom('course_sessions as cs')
    .innerJoin('courses as c', 'c.id', 'cs.course_id')
    .select(['cs.id', 'cs.session_date', 'cs.starts_at', 'cs.ends_at', 'c.id as course_id', 'c.region_code', 'c.status'])
    .where('cs.id', '=', sessionId)
    .executeTakeFirst();
  if (!session) throw notFound('SESSION_NOT_FOUND');
  assertCourseRegion(actor, session.region_code);
  return session;
}

// ---- trainees ------------------------------------------------------------------------------------

export function traineeRows(db: Kysely<Database>) {
  return db
    .selectFrom('trainees as t')
    .leftJoin('regions as v', 'v.code', 't.village_code')
    .select(['t.id', 't.name', 't.mobile', 't.id_card_last4', 't.gender', 't.birth_date', 't.village_code', 'v.name as village_name', 't.tags']);
}

export type TraineeRow = Awaited<ReturnType<ReturnType<typeof traineeRows>['executeTakeFirstOrThrow']>>;

/** As lists show a trainee: the mobile masked, the ID card by its last four only. */
export function toTraineeView(row: TraineeRow): TraineeView {
  return {
    id: row.id,
    name: row.name,
    mobile: maskMobile(row.mobile)!,
    idCardLast4: row.id_card_last4,
    gender: row.gender,
    birthDate: row.birth_date,
    villageCode: row.village_code,
    villageName: row.village_name ?? null,
    tags: row.tags,
  };
}

/**
 * The trainee with this mobile, made if new. A person is one trainee across all courses: an
 * existing trainee keeps their record (a walk-in's typed name does not overwrite it), and gains an
 * ID card, village or tags only where none was known.
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
    return { id: inserted.id, created: true };
  }
  // a mobile merged into another trainee (trainees.merge) still finds its person: the one kept
  // locked, so a merge under way is waited for and its outcome (merged_into_id) read as committed
  const existing = await trx.selectFrom('trainees').select(['id', 'merged_into_id']).where('mobile', '=', identity.mobile).forKeyShare().executeTakeFirstOrThrow();
  return { id: existing.merged_into_id ?? existing.id, created: false };
}

export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const e = error as { code?: string; constraint?: string; message?: string };
  return e?.code === '23505' && (e.constraint === constraint || (e.message ?? '').includes(constraint));
}

/** Check-in search: part of the name, pinyin initials, or the mobile's last digits, among trainees the actor may see. */
export async function searchTrainees(db: Db, actor: Actor, input: z.output<typeof traineeSearchInput>) {
  if (input.sessionId !== undefined) await sessionFor(db, actor, input.sessionId);
  const q = input.q.replace(/\s+/g, '');
  const digits = /^\d+$/.test(q);
  const initials = /^[a-z]+$/i.test(q);
  const rows = await traineeRows(db)
    .select((eb) =>
      input.sessionId === undefined
        ? sql<boolean>`false`.as('checked_in')
        : eb.exists(eb.selectFrom('attendance as a').select(sql`1`.as('one')).whereRef('a.trainee_id', '=', 't.id').where('a.session_id', '=', input.sessionId)).as('checked_in'),
    )
    .where(traineesInScope(actor))
    .where((eb) =>
      digits
        ? eb('t.mobile', 'like', `%${q}`)
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

// ---- attendance ----------------------------------------------------------------------------------

/**
 * Check a trainee in to a session: one row per (session, trainee), so sending the same check-in
 * again (a double tap, a retry on a weak signal, twenty at once) writes nothing and answers
 * `already_checked_in`. The attendance row carries its own provenance (method, recorded by, time);
 * a new walk-in's registration is audited like any other write.
 */
export async function checkIn(deps: Deps, actor: Actor, who: AuditWho, input: z.output<typeof checkInInput>, method: AttendanceMethod = 'search') {
  const { db } = deps;
  // The common case, a known trainee, is one statement (scope checks included). A walk-in
  // registers and checks in within one transaction.
  let result: z.infer<typeof checkInOutput>;
  if ('walkIn' in input) {
    const session = await sessionFor(db, actor, input.sessionId);
    if (session.status === 'cancelled') throw badRequest('COURSE_CANCELLED');
    result = await registerAndAttend(db, who, input.sessionId, input.walkIn, method);
  } else {
    result = await attendKnown(db, actor, who, input.sessionId, input.traineeId, method);
  }
  if (result.status === 'checked_in') await enqueueTrainingRecompute(deps);
  return result;
}

/** NOT_FOUND unless the trainee exists and the actor may see them (the same answer either way). */
export async function assertTraineeVisible(db: Kysely<Database>, actor: Actor, traineeId: number): Promise<void> {
  const row = await db.selectFrom('trainees as t').select('t.id').where('t.id', '=', traineeId).where(traineesInScope(actor)).executeTakeFirst();
  if (!row) throw notFound('TRAINEE_NOT_FOUND');
}

/**
 * A known trainee's check-in in one statement, so a hall of phones costs the database one round trip
 * each: the session and whether the actor may work on it, the trainee if the actor may see them,
 * the idempotent insert, and the row already there. Refusals are told apart from what came back.
 */
async function attendKnown(db: Db, actor: Actor, who: AuditWho, sessionId: number, traineeId: number, method: AttendanceMethod) {
  const sessionInScope = isUnscoped(actor)
    ? sql<boolean>`true`
    : actor.scopes.regions.length
      ? sql<boolean>`(${sql.join(actor.scopes.regions.map((code) => sql`c.region_code like ${`${regionPrefix(code)}%`}`), sql` or `)})`
      : sql<boolean>`false`;
  // FOR KEY SHARE (the lock the attendance row's foreign key takes anyway): a merge of this trainee,
  // which locks it FOR UPDATE, is waited for and the row read again as committed — merged, it is no
  // longer a trainee to check in, and no attendance lands on a merged record behind the merge's back.
  const visibleTrainee = traineeRows(db).where('t.id', '=', traineeId).where(traineesInScope(actor)).forKeyShare('t');
  const { rows } = await sql<TraineeRow & { s_id: number | null; s_in_scope: boolean | null; s_status: string | null; ins_at: Date | null; ins_method: AttendanceMethod | null; had_at: Date | null; had_method: AttendanceMethod | null }>`
    with s as (
      select cs.id, c.status, ${sessionInScope} as in_scope
      from course_sessions cs join courses c on c.id = cs.course_id
      where cs.id = ${sessionId}),
    t as (${visibleTrainee}),
    ins as (
      insert into attendance (session_id, trainee_id, method, recorded_by)
      select s.id, t.id, ${method}, ${who.id} from s, t where s.in_scope and s.status <> 'cancelled'
      on conflict (session_id, trainee_id) do nothing
      returning checked_in_at, method)
    select s.id as s_id, s.in_scope as s_in_scope, s.status as s_status, t.*,
      ins.checked_in_at as ins_at, ins.method as ins_method, a.checked_in_at as had_at, a.method as had_method
    from (select 1) as one
      left join s on true
      left join t on true
      left join ins on true
      left join attendance a on a.session_id = ${sessionId} and a.trainee_id = ${traineeId}`.execute(db);
  const row = rows[0]!;
  if (row.s_id === null) throw notFound('SESSION_NOT_FOUND');
  if (!row.s_in_scope) throw forbidden('FORBIDDEN_SCOPE', { kind: 'region' });
  if (row.s_status === 'cancelled') throw badRequest('COURSE_CANCELLED');
  if (row.id === null) throw notFound('TRAINEE_NOT_FOUND');
  if (row.ins_at) return checkInResult({ inserted: true, row: { checked_in_at: row.ins_at, method: row.ins_method! } }, row);
  // Already there; or written by a concurrent request after this statement's snapshot, read now.
  const had = row.had_at ? { checked_in_at: row.had_at, method: row.had_method! } : await readAttendance(db, sessionId, traineeId);
  return checkInResult({ inserted: false, row: had }, row);
}

async function registerAndAttend(db: Db, who: AuditWho, sessionId: number, walkIn: z.output<typeof traineeFields>, method: AttendanceMethod) {
  const idKey = await appSecret(db, ID_CARD_KEY);
  return db.transaction().execute(async (trx) => {
    const { id } = await findOrRegisterTrainee(trx, who, walkIn, shanghaiToday(), idKey);
    const attended = await attendSession(trx, sessionId, id, method, who.id);
    return checkInResult(attended, await traineeRows(trx).where('t.id', '=', id).executeTakeFirstOrThrow());
  });
}

function checkInResult(attended: Awaited<ReturnType<typeof attendSession>>, trainee: TraineeRow): z.infer<typeof checkInOutput> {
  return {
    status: attended.inserted ? 'checked_in' : 'already_checked_in',
    trainee: toTraineeView(trainee),
    checkedInAt: new Date(attended.row.checked_in_at).toISOString(),
    method: attended.row.method,
  };
}

/** One attendance row per (session, trainee): a repeat writes nothing and reads the first one back. */
export async function attendSession(trx: Trx, sessionId: number, traineeId: number, method: AttendanceMethod, recordedBy: number | null) {
  const inserted = await trx
    .insertInto('attendance')
    .values({ session_id: sessionId, trainee_id: traineeId, method, recorded_by: recordedBy })
    .onConflict((oc) => oc.columns(['session_id', 'trainee_id']).doNothing())
    .returning(['checked_in_at', 'method'])
    .executeTakeFirst();
  return { inserted: Boolean(inserted), row: inserted ?? (await readAttendance(trx, sessionId, traineeId)) };
}

function readAttendance(db: Kysely<Database>, sessionId: number, traineeId: number) {
  return db.selectFrom('attendance').select(['checked_in_at', 'method']).where('session_id', '=', sessionId).where('trainee_id', '=', traineeId).executeTakeFirstOrThrow();
}

/** Person-times follow check-ins within seconds; a burst of a whole class makes one recompute. */
export async function enqueueTrainingRecompute(deps: Deps): Promise<void> {
  try {
    await deps.queue.enqueue('training.recompute', {}, { delayMs: 5000 });
  } catch (err) {
    deps.log.error({ err }, 'could not enqueue training.recompute; the nightly run will catch up');
  }
}
