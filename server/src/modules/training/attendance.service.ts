import { sql, type Kysely } from 'kysely';
import type { z } from 'zod';
import type { Db } from '../../db/create-db';
import type { AttendanceMethod, Database } from '../../db/types';
import { badRequest, forbidden, notFound } from '../../lib/app-error';
import { onceByClientKey } from '../../lib/client-key';
import { shanghaiToday } from '../../lib/dates';
import { appSecret } from '../../lib/secrets';
import { recordAudit, type AuditEntry, type AuditWho } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { checkInAllowedSql, checkInDecision, lateEntrySql, sessionWindow, windowOf } from './check-in-window';
import { maskName, sameName } from './trainee-identity';
import { inActorRegions, missingCourseRow, traineeVisible } from './training.scope';
import type { checkInInput, checkInOutput } from './training.schemas';
import { enqueueTrainingRecompute, findOrRegisterTrainee, ID_CARD_KEY, sessionFor, toTraineeView, traineeRows, type TraineeRow } from './training.service';

type Deps = Parameters<typeof enqueueTrainingRecompute>[0];
type Trx = Kysely<Database>;
type CheckInInput = z.output<typeof checkInInput>;
type CheckInResult = z.infer<typeof checkInOutput>;
type Attended = { checked_in_at: Date | string; method: AttendanceMethod; late_entry: boolean };

/**
 * 签到, one person at a time: a known trainee tapped in the search results, or a walk-in typed in.
 * One row per (session, trainee), so sending the same check-in again (a double tap, a retry on a
 * weak signal, twenty at once) writes nothing and answers `already_checked_in`. Taken within the
 * session's check-in window (check-in-window.ts), or explicitly as a late entry. Each check-in that
 * writes a row leaves one audit row; a repeat leaves none.
 */
export async function checkIn(deps: Deps, actor: Actor, who: AuditWho, input: CheckInInput, now = new Date()): Promise<CheckInResult> {
  if ('walkIn' in input) {
    const result = await walkIn(deps.db, actor, who, input, now);
    if (result.status === 'checked_in') await enqueueTrainingRecompute(deps);
    return result;
  }
  // With the outbox's key: the one statement and the key's record in one transaction; a replay
  // answers the first result (`checked_in`, not `already_checked_in`) and enqueues nothing.
  const { value, replay } = input.clientKey
    ? await deps.db.transaction().execute((trx) => onceByClientKey(trx, actor, 'training.attendance.checkIn', input.clientKey, () => attendKnown(trx, actor, who, input, now)))
    : { value: await attendKnown(deps.db, actor, who, input, now), replay: false };
  if (value.status === 'checked_in' && !replay) await enqueueTrainingRecompute(deps);
  return value;
}

/** The audit row of one check-in. attendKnown writes the same row in SQL, inside its statement. */
function checkInAudit(a: { sessionId: number; traineeId: number; method: AttendanceMethod; lateEntry: boolean }): AuditEntry {
  return {
    entity: 'course_session',
    entityId: a.sessionId,
    action: a.lateEntry ? 'attendance.late_entry' : 'attendance.check_in',
    after: { traineeId: a.traineeId, method: a.method, lateEntry: a.lateEntry },
  };
}

/**
 * A known trainee's check-in in one statement, so a hall of phones costs the database one round
 * trip each: the session, whether the actor may work on it and whether its window takes a check-in
 * now; the trainee if the actor may see them; the idempotent insert; its audit row; and the row
 * already there. Refusals are told apart from what came back.
 */
async function attendKnown(db: Db, actor: Actor, who: AuditWho, input: Extract<CheckInInput, { traineeId: number }>, now: Date): Promise<CheckInResult> {
  const { sessionId, traineeId, late } = input;
  // FOR KEY SHARE (the lock the attendance row's foreign key takes anyway): a merge of this trainee,
  // which locks it FOR UPDATE, is waited for and the row read again as committed — merged, it is no
  // longer a trainee to check in, and no attendance lands on a merged record behind the merge's back.
  const visibleTrainee = traineeRows(db, actor).where('t.id', '=', traineeId).where(traineeVisible(actor)).forKeyShare('t');
  const { rows } = await sql<
    TraineeRow & {
      s_id: number | null;
      s_in_scope: boolean | null;
      s_status: string | null;
      s_allowed: boolean | null;
      s_starts: Date | null;
      s_opens: Date | null;
      s_closes: Date | null;
      ins_at: Date | null;
      ins_method: AttendanceMethod | null;
      ins_late: boolean | null;
      had_at: Date | null;
      had_method: AttendanceMethod | null;
      had_late: boolean | null;
    }
  >`
    with s as (
      select cs.id, c.status, ${inActorRegions(actor, 'c.region_code')} as in_scope,
        w.starts, w.opens, w.closes, ${checkInAllowedSql(now, late)} as allowed, ${lateEntrySql(now)} as late_entry
      from course_sessions cs
        join courses c on c.id = cs.course_id
        left join ${sessionWindow} w on true
      where cs.id = ${sessionId}),
    t as (${visibleTrainee}),
    ins as (
      insert into attendance (session_id, trainee_id, method, recorded_by, late_entry)
      select s.id, t.id, 'search', ${who.id}::int, s.late_entry from s, t where s.in_scope and s.status <> 'cancelled' and s.allowed
      on conflict (session_id, trainee_id) do nothing
      returning session_id, trainee_id, checked_in_at, method, late_entry),
    audit as (
      insert into audit_log (actor_user_id, actor_login, ip, entity, entity_id, action, after)
      select ${who.id}::int, ${who.loginName}::text, ${who.ip}::text, 'course_session', ins.session_id::text,
        case when ins.late_entry then 'attendance.late_entry' else 'attendance.check_in' end,
        jsonb_build_object('traineeId', ins.trainee_id, 'method', ins.method, 'lateEntry', ins.late_entry)
      from ins)
    select s.id as s_id, s.in_scope as s_in_scope, s.status as s_status, s.allowed as s_allowed,
      s.starts as s_starts, s.opens as s_opens, s.closes as s_closes, t.*,
      ins.checked_in_at as ins_at, ins.method as ins_method, ins.late_entry as ins_late,
      a.checked_in_at as had_at, a.method as had_method, a.late_entry as had_late
    from (select 1) as one
      left join s on true
      left join t on true
      left join ins on true
      left join attendance a on a.session_id = ${sessionId} and a.trainee_id = ${traineeId}`.execute(db);
  const row = rows[0]!;
  if (row.s_id === null) throw missingCourseRow(actor, 'SESSION_NOT_FOUND');
  if (!row.s_in_scope) throw forbidden('FORBIDDEN_SCOPE', { kind: 'region' });
  if (row.s_status === 'cancelled') throw badRequest('COURSE_CANCELLED');
  if (row.id === null) throw notFound('TRAINEE_NOT_FOUND');
  if (row.ins_at) return checkInResult(true, { checked_in_at: row.ins_at, method: row.ins_method!, late_entry: Boolean(row.ins_late) }, row);
  // Already there (a repeat says so even after the window has closed: it writes nothing)…
  if (row.had_at) return checkInResult(false, { checked_in_at: row.had_at, method: row.had_method!, late_entry: Boolean(row.had_late) }, row);
  // …or refused by the window, said in its words…
  if (!row.s_allowed) checkInDecision(windowOf({ starts: row.s_starts, opens: row.s_opens, closes: row.s_closes }), now, late);
  // …or written by a concurrent request after this statement's snapshot: read it now.
  return checkInResult(false, await readAttendance(db, sessionId, traineeId), row);
}

/**
 * A walk-in, in one transaction: registered with what was typed, or — a person is one trainee in
 * the whole county — found by their mobile. A known mobile under another name (compared without
 * spaces and case) is not checked in until the coordinator confirms; until then they learn only a
 * masked form of the registered name, and after it only what they typed.
 */
async function walkIn(db: Db, actor: Actor, who: AuditWho, input: Extract<CheckInInput, { walkIn: unknown }>, now: Date): Promise<CheckInResult> {
  const session = await sessionFor(db, actor, input.sessionId);
  if (session.status === 'cancelled') throw badRequest('COURSE_CANCELLED');
  const { lateEntry } = checkInDecision(windowOf(session), now, input.late);
  const idKey = await appSecret(db, ID_CARD_KEY);
  return db.transaction().execute(async (trx): Promise<CheckInResult> => {
    const found = await findOrRegisterTrainee(trx, who, input.walkIn, shanghaiToday(now), idKey);
    if (!found.created && !input.confirmName) {
      const registered = await trx.selectFrom('trainees').select('name').where('id', '=', found.id).executeTakeFirstOrThrow();
      if (!sameName(registered.name, found.identity.name)) return { status: 'confirm_name', maskedName: maskName(registered.name) };
    }
    const attended = await attendSession(trx, who, { sessionId: session.id, traineeId: found.id, method: 'search', lateEntry });
    const trainee = await traineeRows(trx, actor).where('t.id', '=', found.id).executeTakeFirstOrThrow();
    return checkInResult(attended.inserted, attended.row, trainee.owned ? trainee : { ...trainee, name: found.identity.name });
  });
}

function checkInResult(inserted: boolean, row: Attended, trainee: TraineeRow): CheckInResult {
  return {
    status: inserted ? 'checked_in' : 'already_checked_in',
    trainee: toTraineeView(trainee),
    checkedInAt: new Date(row.checked_in_at).toISOString(),
    method: row.method,
    lateEntry: row.late_entry,
  };
}

/**
 * One attendance row per (session, trainee), audited when written: a repeat writes nothing and
 * reads the first one back. The caller has checked the session's window (or that it took place).
 */
export async function attendSession(trx: Trx, who: AuditWho, a: { sessionId: number; traineeId: number; method: AttendanceMethod; lateEntry: boolean }) {
  const inserted = await trx
    .insertInto('attendance')
    .values({ session_id: a.sessionId, trainee_id: a.traineeId, method: a.method, recorded_by: who.id, late_entry: a.lateEntry })
    .onConflict((oc) => oc.columns(['session_id', 'trainee_id']).doNothing())
    .returning(['checked_in_at', 'method', 'late_entry'])
    .executeTakeFirst();
  if (inserted) await recordAudit(trx, who, checkInAudit(a));
  return { inserted: Boolean(inserted), row: inserted ?? (await readAttendance(trx, a.sessionId, a.traineeId)) };
}

function readAttendance(db: Kysely<Database>, sessionId: number, traineeId: number) {
  return db.selectFrom('attendance').select(['checked_in_at', 'method', 'late_entry']).where('session_id', '=', sessionId).where('trainee_id', '=', traineeId).executeTakeFirstOrThrow();
}
