import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { AttendanceMethod, Database } from '../../db/types';
import type { AuditWho } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { checkInAllowedSql, lateEntrySql, sessionWindow } from './check-in-window';
import { traineeRows, type TraineeRow } from './trainees.repository';
import { courseScope, traineeVisible } from './training.scope';

/** Who was checked in, and how, to a session. */
export interface NewAttendance {
  sessionId: number;
  traineeId: number;
  /** Taken after the session's check-in window closed (search check-in only). */
  lateEntry?: boolean;
}

/** Attendance rows to write: the same method and recorder for all, a whole class or sheet at once. */
export interface AttendanceBatch {
  method: AttendanceMethod;
  recordedBy: number | null;
  rows: readonly NewAttendance[];
}

/**
 * THE attendance insert: one row per (session, trainee), so a repeat writes nothing, and back come
 * the rows written now. Every way in uses it — search check-in (inside its one statement, where the
 * rows are a select of its own), QR check-in, bulk mark and the sign-in import. The rows are a
 * batch (sent as arrays, one statement whatever its size) or a select of
 * (session_id, trainee_id, method, recorded_by, late_entry).
 */
export function insertAttendance(db: Kysely<Database>, source: AttendanceBatch | RawBuilder<unknown>) {
  const rows =
    'rows' in source
      ? sql`select u.s, u.t, ${source.method}::text, ${source.recordedBy}::int, u.l
          from unnest(${source.rows.map((r) => r.sessionId)}::int[], ${source.rows.map((r) => r.traineeId)}::int[], ${source.rows.map((r) => r.lateEntry ?? false)}::boolean[]) as u(s, t, l)`
      : source;
  return db
    .insertInto('attendance')
    .columns(['session_id', 'trainee_id', 'method', 'recorded_by', 'late_entry'])
    .expression(rows)
    .onConflict((oc) => oc.columns(['session_id', 'trainee_id']).doNothing())
    .returning(['session_id', 'trainee_id', 'checked_in_at', 'method', 'late_entry']);
}

/** The attendance row of a trainee at a session (it exists). */
export function readAttendance(db: Kysely<Database>, sessionId: number, traineeId: number) {
  return db.selectFrom('attendance').select(['checked_in_at', 'method', 'late_entry']).where('session_id', '=', sessionId).where('trainee_id', '=', traineeId).executeTakeFirstOrThrow();
}

export type KnownCheckInRow = TraineeRow & {
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
};

/**
 * A known trainee's check-in in one statement, so a hall of phones costs the database one round
 * trip each: the session, whether the actor may work on it and whether its window takes a check-in
 * now; the trainee if the actor may see them; the idempotent insert; its audit row; and the row
 * already there. The caller tells refusals apart from what came back.
 */
export async function checkInKnown(db: Kysely<Database>, actor: Actor, who: AuditWho, input: { sessionId: number; traineeId: number; late: boolean }, now: Date): Promise<KnownCheckInRow> {
  const { sessionId, traineeId, late } = input;
  // FOR KEY SHARE (the lock the attendance row's foreign key takes anyway): a merge of this trainee,
  // which locks it FOR UPDATE, is waited for and the row read again as committed — merged, it is no
  // longer a trainee to check in, and no attendance lands on a merged record behind the merge's back.
  const visibleTrainee = traineeRows(db, actor).where('t.id', '=', traineeId).where(traineeVisible(actor)).forKeyShare('t');
  const insert = insertAttendance(
    db,
    sql`select s.id, t.id, 'search', ${who.id}::int, s.late_entry from s, t where s.in_scope and s.status <> 'cancelled' and s.allowed`,
  );
  const { rows } = await sql<KnownCheckInRow>`
    with s as (
      select cs.id, c.status, ${courseScope.where(actor, 'c.region_code')} as in_scope,
        w.starts, w.opens, w.closes, ${checkInAllowedSql(now, late)} as allowed, ${lateEntrySql(now)} as late_entry
      from course_sessions cs
        join courses c on c.id = cs.course_id
        left join ${sessionWindow} w on true
      where cs.id = ${sessionId}),
    t as (${visibleTrainee}),
    ins as (${insert}),
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
  return rows[0]!;
}
