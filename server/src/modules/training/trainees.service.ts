import { sql, type Kysely, type SqlBool } from 'kysely';
import type { z } from 'zod';
import { TRAINEE_TAGS, type Database, type TraineeTag } from '../../db/types';
import { badRequest, conflict, forbidden, notFound } from '../../lib/app-error';
import { shanghaiToday } from '../../lib/dates';
import { maskMobile, offsetOf } from '../../lib/list';
import { isUniqueViolation } from '../../lib/pg-error';
import { appSecret } from '../../lib/secrets';
import { recordAudit } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import type { ServiceContext } from '../service-context';
import { regionLevel } from './courses.repository';
import { requiredSessionsSql } from './completion';
import { listOutcomes } from './outcomes.service';
import { ID_CARD_KEY } from './registration.service';
import { sessionFor } from './sessions.service';
import { traineeIdentity } from './trainee-identity';
import type {
  duplicatesInput,
  duplicatesOutput,
  mergeTraineesInput,
  mergeTraineesOutput,
  traineeListInput,
  traineeListItem,
  traineeProfile,
  updateTraineeInput,
} from './trainees.schemas';
import { attendedSessions, listFilter, listRows, lockOwnedTrainee, moveAttendanceAndOutcomes, normalisedName, searchRows, toTraineeView, traineeRows, type ListRow } from './trainees.repository';
import { courseScope, inRegion, mobileInFull, traineeOwned, traineeVisible } from './training.scope';
import type { traineeSearchInput } from './training.schemas';
import { enqueueTrainingRecompute } from './training.recompute';

type ListItem = z.infer<typeof traineeListItem>;

function toListItem(row: ListRow): ListItem {
  return {
    ...toTraineeView(row),
    courseCount: Number(row.course_count ?? 0),
    attendanceCount: Number(row.attendance_count ?? 0),
    outcomeCount: Number(row.outcome_count ?? 0),
    lastAttendedOn: row.last_attended_on ?? null,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/** What the audit log keeps of a trainee: never the full mobile, the ID number or its hash. */
function auditView(row: { name: string; mobile: string; id_card_last4: string | null; village_code: string | null; tags: TraineeTag[]; version: number }) {
  return { name: row.name, mobile: maskMobile(row.mobile), idCardLast4: row.id_card_last4, villageCode: row.village_code, tags: row.tags, version: row.version };
}

/**
 * The trainee row, locked, if the actor owns it (merged ones too when asked): only the trainees of
 * their own towns are the actor's to edit or merge. Else NOT_FOUND, as for one they cannot see.
 */
async function lockedTrainee(trx: Kysely<Database>, actor: Actor, id: number, options: { merged?: boolean } = {}) {
  const row = await lockOwnedTrainee(trx, actor, id, options);
  if (!row) throw notFound('TRAINEE_NOT_FOUND');
  return row;
}

// ---- list, export, profile -----------------------------------------------------------------------

export async function listTrainees(ctx: ServiceContext, input: z.output<typeof traineeListInput>) {
  const { db, actor } = ctx;
  // a region filter must be one of the actor's regions
  if (input.filter?.regionCode) courseScope.assert(actor, input.filter.regionCode);
  const trainees = db.selectFrom('trainees as t').where(traineeVisible(actor)).where(listFilter(actor, input.filter ?? {}));
  const total = await trainees.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const sort = input.sort ?? { key: 'createdAt' as const, order: 'desc' as const };
  const column = { name: sql`t.name`, createdAt: sql`t.created_at`, attendance: attendedSessions(actor) } as const;
  const order = sql`${column[sort.key]} ${sql.raw(sort.order === 'asc' ? 'asc' : 'desc')}, t.id desc`;
  // The page is chosen from the trainees alone; only its rows get their courses, sessions and
  // outcomes counted (counting them for every trainee in scope made each page cost the whole list).
  const page = trainees.select('t.id').orderBy(order).limit(input.pageSize).offset(offsetOf(input));
  const rows = await listRows(db, actor).where('t.id', 'in', page).orderBy(order).execute();
  return { items: rows.map(toListItem), total: Number(total.n) };
}

/**
 * A trainee's profile. Of a trainee the actor does not own (from elsewhere, who came to their
 * course): name, masked mobile, and the actor's own courses they attended — nothing else.
 */
export async function getTraineeProfile(ctx: ServiceContext, id: number): Promise<z.infer<typeof traineeProfile>> {
  const { db, actor } = ctx;
  const row = await traineeRows(db, actor)
    .select(['t.version', 't.created_at', 't.merged_into_id'])
    .where('t.id', '=', id)
    .where(traineeVisible(actor, { merged: true }))
    .executeTakeFirst();
  if (!row) throw notFound('TRAINEE_NOT_FOUND');
  const owned = Boolean(row.owned);
  const visible = mobileInFull(actor, owned);
  const shown = (mobile: string) => (visible ? mobile : maskMobile(mobile)!);

  const [others, courses, attendance, outcomes] = await Promise.all([
    owned ? db.selectFrom('trainees').select('mobile').where('merged_into_id', '=', id).orderBy('merged_at').execute() : Promise.resolve([]),
    db
      .selectFrom('courses as c')
      .innerJoin('regions as r', 'r.code', 'c.region_code')
      .innerJoinLateral(
        (eb) =>
          eb
            .selectFrom('course_sessions as cs')
            .select([(e) => e.fn.countAll<number>().as('n'), (e) => e.fn.min('cs.session_date').as('first_day'), (e) => e.fn.max('cs.session_date').as('last_day')])
            .whereRef('cs.course_id', '=', 'c.id')
            .as('sc'),
        (join) => join.onTrue(),
      )
      .select(['c.id', 'c.title', 'c.topic', 'c.status', 'r.name as region_name', 'sc.n', 'sc.first_day', 'sc.last_day'])
      .select(requiredSessionsSql(sql.ref('sc.n'), sql.ref('c.completion_min_sessions')).as('required'))
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('attendance as a')
            .innerJoin('course_sessions as cs', 'cs.id', 'a.session_id')
            .select(sql`1`.as('one'))
            .whereRef('cs.course_id', '=', 'c.id')
            .where('a.trainee_id', '=', id),
        ),
      )
      .$if(!owned, (q) => q.where(courseScope.where(actor, 'c.region_code')))
      .orderBy('sc.first_day', 'desc')
      .orderBy('c.id', 'desc')
      .execute(),
    db
      .selectFrom('attendance as a')
      .innerJoin('course_sessions as cs', 'cs.id', 'a.session_id')
      .select(['a.session_id', 'cs.course_id', 'cs.session_date', 'cs.starts_at', 'a.method', 'a.checked_in_at'])
      .where('a.trainee_id', '=', id)
      .orderBy('cs.session_date')
      .orderBy('cs.starts_at')
      .execute(),
    row.merged_into_id === null && owned ? listOutcomes(ctx, id) : Promise.resolve([]),
  ]);

  return {
    trainee: {
      ...toTraineeView(row),
      mobile: shown(row.mobile),
      mobileVisible: visible,
      version: row.version,
      createdAt: new Date(row.created_at).toISOString(),
      mergedIntoId: row.merged_into_id,
      otherMobiles: others.map((o) => shown(o.mobile)),
    },
    courses: courses.map((c) => {
      const sessions = attendance.filter((a) => a.course_id === c.id);
      const required = Number(c.required);
      return {
        courseId: c.id,
        title: c.title,
        topic: c.topic,
        status: c.status,
        regionName: c.region_name,
        firstDay: c.first_day ?? null,
        lastDay: c.last_day ?? null,
        sessionCount: Number(c.n),
        requiredSessions: required,
        attendedSessions: sessions.length,
        completed: c.status !== 'cancelled' && sessions.length >= required,
        attendance: sessions.map((a) => ({
          sessionId: a.session_id,
          date: a.session_date,
          startsAt: a.starts_at.slice(0, 5),
          method: a.method,
          checkedInAt: new Date(a.checked_in_at).toISOString(),
        })),
      };
    }),
    outcomes,
  };
}

// ---- edit ----------------------------------------------------------------------------------------

/**
 * Correct a trainee's name, village, tags, or enter their ID card again. The mobile is the
 * identity and is not edited here (a second mobile is a second trainee, to be merged). Only a
 * trainee the actor owns, and they stay the actor's: a new village in the actor's towns, and no
 * village only if their first course was one of the actor's (training.scope.ts) — whatever the
 * update, a trainee from elsewhere stays out of reach.
 */
export async function updateTrainee(ctx: ServiceContext, input: z.output<typeof updateTraineeInput>) {
  const { db, actor, who } = ctx;
  const idKey = input.idCard?.trim() ? await appSecret(db, ID_CARD_KEY) : null;
  await db.transaction().execute(async (trx) => {
    const before = await lockedTrainee(trx, actor, input.id);
    if (before.version !== input.version) throw conflict('TRAINEE_VERSION_CONFLICT');
    const identity = traineeIdentity({ name: input.name, mobile: before.mobile, idCard: idKey ? input.idCard : null }, { today: shanghaiToday(), idKey: idKey ?? Buffer.alloc(0) });
    if (input.villageCode !== before.village_code && input.villageCode !== null) {
      if ((await regionLevel(trx, input.villageCode)) !== 'village') throw badRequest('TRAINEE_VILLAGE_INVALID', { code: input.villageCode });
      // a coordinator does not move a person out of their towns
      courseScope.assert(actor, input.villageCode);
    }
    const after = await trx
      .updateTable('trainees')
      .set({
        name: identity.name,
        name_initials: identity.nameInitials,
        village_code: input.villageCode,
        tags: TRAINEE_TAGS.filter((tag) => input.tags.includes(tag)),
        ...(identity.idCard
          ? { id_card_hash: identity.idCard.hash, id_card_last4: identity.idCard.last4, birth_date: identity.idCard.birthDate, gender: identity.idCard.gender }
          : {}),
        version: before.version + 1,
        updated_at: new Date(),
      })
      .where('id', '=', input.id)
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch((error: unknown) => {
        if (isUniqueViolation(error, 'trainees_id_card_hash_key')) throw conflict('TRAINEE_ID_CARD_TAKEN');
        throw error;
      });
    // without a village their home is their first course's region: still the actor's, or undone
    const stillOwned = await trx.selectFrom('trainees as t').select('t.id').where('t.id', '=', input.id).where(traineeOwned(actor)).executeTakeFirst();
    if (!stillOwned) throw forbidden('TRAINEE_HOME_OUTSIDE_SCOPE');
    await recordAudit(trx, who, {
      entity: 'trainee',
      entityId: input.id,
      action: identity.idCard ? 'update_with_id_card' : 'update',
      before: auditView(before),
      after: auditView(after),
    });
  });
  return getTraineeProfile(ctx, input.id);
}

// ---- duplicates and merge ------------------------------------------------------------------------

/** The most groups the duplicates page lists at once; merging some shows the next. */
const MAX_DUPLICATE_GROUPS = 200;

/**
 * Possible duplicates among the trainees the actor owns (the ones they may merge): the same name
 * (ignoring spaces and case) in the same village under different mobiles. Each group lists its
 * members oldest first.
 */
export async function findDuplicates(ctx: ServiceContext, input: z.output<typeof duplicatesInput>): Promise<z.infer<typeof duplicatesOutput>> {
  const { db, actor } = ctx;
  if (input.regionCode) courseScope.assert(actor, input.regionCode);
  const underRegion = input.regionCode ? inRegion('t.village_code', input.regionCode) : sql<SqlBool>`true`;
  const keys = await db
    .selectFrom('trainees as t')
    .select(['t.village_code', normalisedName.as('norm')])
    .where(traineeOwned(actor))
    .where('t.village_code', 'is not', null)
    .where(underRegion)
    .groupBy(['t.village_code', normalisedName])
    .having((eb) => eb.fn.count('t.mobile').distinct(), '>', 1)
    .orderBy('t.village_code')
    .orderBy(normalisedName)
    .limit(MAX_DUPLICATE_GROUPS + 1)
    .execute();
  const truncated = keys.length > MAX_DUPLICATE_GROUPS;
  const wanted = keys.slice(0, MAX_DUPLICATE_GROUPS);
  if (!wanted.length) return { groups: [], truncated: false };
  const rows = await listRows(db, actor)
    .select(normalisedName.as('norm'))
    .where(traineeOwned(actor))
    .where((eb) => eb.or(wanted.map((k) => eb.and([eb('t.village_code', '=', k.village_code), eb(normalisedName, '=', k.norm)]))))
    .orderBy('t.id')
    .execute();
  const groups = new Map<string, z.infer<typeof duplicatesOutput>['groups'][number]>();
  for (const k of wanted) groups.set(`${k.village_code}:${k.norm}`, { key: `${k.village_code}:${k.norm}`, name: '', villageCode: k.village_code!, villageName: null, members: [] });
  for (const row of rows) {
    const group = groups.get(`${row.village_code}:${row.norm}`);
    if (!group) continue;
    if (!group.members.length) {
      group.name = row.name;
      group.villageName = row.village_name ?? null;
    }
    group.members.push(toListItem(row));
  }
  return { groups: [...groups.values()].filter((g) => g.members.length > 1), truncated };
}

/**
 * Merge `mergeId` into `keepId`, in one transaction: every attendance moves to the one kept (where
 * both attended a session, the earlier check-in is the row kept), outcomes move, an ID card, village
 * or tags the kept one lacks are taken over, and the merged trainee stays as a record pointing to
 * the kept one, so its mobile still checks in as that person. Audited with both before-states.
 */
export async function mergeTrainees(ctx: ServiceContext, input: z.output<typeof mergeTraineesInput>): Promise<z.infer<typeof mergeTraineesOutput>> {
  const { actor, who } = ctx;
  if (input.keepId === input.mergeId) throw badRequest('TRAINEE_MERGE_SELF');
  const result = await ctx.db.transaction().execute(async (trx) => {
    // lock both in id order, so two merges of the same pair queue rather than deadlock
    const [first, second] = [Math.min(input.keepId, input.mergeId), Math.max(input.keepId, input.mergeId)];
    const a = await lockedTrainee(trx, actor, first, { merged: true });
    const b = await lockedTrainee(trx, actor, second, { merged: true });
    const keep = a.id === input.keepId ? a : b;
    const merge = a.id === input.keepId ? b : a;
    for (const t of [merge, keep]) if (t.merged_into_id !== null) throw conflict('TRAINEE_ALREADY_MERGED', { name: t.name });
    if (keep.id_card_hash && merge.id_card_hash && keep.id_card_hash !== merge.id_card_hash) throw badRequest('TRAINEE_MERGE_ID_CARDS_DIFFER');

    const { moved, overlapping, outcomes } = await moveAttendanceAndOutcomes(trx, merge.id, keep.id);

    const takeIdCard = !keep.id_card_hash && merge.id_card_hash !== null;
    const now = new Date();
    // the merged one first lets go of its ID card (unique), and anyone merged into it follows on
    await trx
      .updateTable('trainees')
      .set({
        merged_into_id: keep.id,
        merged_at: now,
        merged_by: who.id,
        ...(takeIdCard ? { id_card_hash: null, id_card_last4: null } : {}),
        version: merge.version + 1,
        updated_at: now,
      })
      .where('id', '=', merge.id)
      .execute();
    await trx.updateTable('trainees').set({ merged_into_id: keep.id, updated_at: now }).where('merged_into_id', '=', merge.id).execute();
    const after = await trx
      .updateTable('trainees')
      .set({
        village_code: keep.village_code ?? merge.village_code,
        tags: TRAINEE_TAGS.filter((tag) => keep.tags.includes(tag) || merge.tags.includes(tag)),
        ...(takeIdCard
          ? { id_card_hash: merge.id_card_hash, id_card_last4: merge.id_card_last4, birth_date: merge.birth_date, gender: merge.gender }
          : {}),
        version: keep.version + 1,
        updated_at: now,
      })
      .where('id', '=', keep.id)
      .returningAll()
      .executeTakeFirstOrThrow();

    const summary = {
      keepId: keep.id,
      mergedId: merge.id,
      attendanceMoved: moved,
      attendanceOverlapping: overlapping,
      outcomesMoved: outcomes,
    };
    await recordAudit(trx, who, {
      entity: 'trainee',
      entityId: keep.id,
      action: 'merge',
      before: { kept: auditView(keep), merged: { id: merge.id, ...auditView(merge) } },
      after: { ...summary, kept: auditView(after) },
    });
    await recordAudit(trx, who, { entity: 'trainee', entityId: merge.id, action: 'merged_into', before: auditView(merge), after: { mergedIntoId: keep.id } });
    return summary;
  });
  await enqueueTrainingRecompute(ctx);
  return result;
}

// ---- check-in search -----------------------------------------------------------------------------

/**
 * Check-in search: part of the name, pinyin initials, or the mobile's last digits, among trainees
 * the actor may see. Each result carries what tells namesakes apart: the masked mobile (its last
 * four digits) and, of a trainee the actor owns, the village.
 */
export async function searchTrainees(ctx: ServiceContext, input: z.output<typeof traineeSearchInput>) {
  if (input.sessionId !== undefined) await sessionFor(ctx.db, ctx.actor, input.sessionId);
  const rows = await searchRows(ctx.db, ctx.actor, { q: input.q.replace(/\s+/g, ''), sessionId: input.sessionId, limit: input.limit });
  return rows.map((row) => ({ ...toTraineeView(row), checkedIn: Boolean(row.checked_in) }));
}
