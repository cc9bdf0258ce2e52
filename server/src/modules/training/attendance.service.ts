import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { AttendanceMethod, Database } from '../../db/types';
import { badRequest, forbidden, notFound } from '../../lib/app-error';
import { onceByClientKey } from '../../lib/client-key';
import { shanghaiToday } from '../../lib/dates';
import { appSecret } from '../../lib/secrets';
import { recordAudit, type AuditEntry, type AuditWho } from '../audit/audit.service';
import type { ServiceContext } from '../service-context';
import { checkInKnown, insertAttendance, readAttendance } from './attendance.repository';
import { checkInDecision, windowOf } from './check-in-window';
import { findOrRegisterTrainee, ID_CARD_KEY } from './registration.service';
import { sessionFor } from './sessions.service';
import { maskName, sameName } from './trainee-identity';
import { registeredName, toTraineeView, traineeRows, type TraineeRow } from './trainees.repository';
import { courseScope, missingCourseRow } from './training.scope';
import type { checkInInput, checkInOutput } from './training.schemas';
import { enqueueTrainingRecompute } from './training.recompute';

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
export async function checkIn(ctx: ServiceContext, input: CheckInInput, now = new Date()): Promise<CheckInResult> {
  if ('walkIn' in input) {
    const result = await walkIn(ctx, input, now);
    if (result.status === 'checked_in') await enqueueTrainingRecompute(ctx);
    return result;
  }
  // With the outbox's key: the one statement and the key's record in one transaction; a replay
  // answers the first result (`checked_in`, not `already_checked_in`) and enqueues nothing.
  const { value, replay } = input.clientKey
    ? await ctx.db.transaction().execute((trx) => onceByClientKey(trx, ctx.actor, 'training.attendance.checkIn', input.clientKey, () => attendKnown({ ...ctx, db: trx }, input, now)))
    : { value: await attendKnown(ctx, input, now), replay: false };
  if (value.status === 'checked_in' && !replay) await enqueueTrainingRecompute(ctx);
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

/** A known trainee's check-in: one statement (attendance.repository.ts), its refusals told apart here. */
async function attendKnown(ctx: ServiceContext, input: Extract<CheckInInput, { traineeId: number }>, now: Date): Promise<CheckInResult> {
  const { db, actor } = ctx;
  const { sessionId, traineeId, late } = input;
  const row = await checkInKnown(db, actor, ctx.who, { sessionId, traineeId, late }, now);
  if (row.s_id === null) throw missingCourseRow(actor, 'SESSION_NOT_FOUND');
  if (!row.s_in_scope) throw forbidden('FORBIDDEN_SCOPE', { kind: courseScope.kind });
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
async function walkIn(ctx: ServiceContext, input: Extract<CheckInInput, { walkIn: unknown }>, now: Date): Promise<CheckInResult> {
  const { db, actor, who } = ctx;
  const session = await sessionFor(db, actor, input.sessionId);
  if (session.status === 'cancelled') throw badRequest('COURSE_CANCELLED');
  const { lateEntry } = checkInDecision(windowOf(session), now, input.late);
  const idKey = await appSecret(db, ID_CARD_KEY);
  return db.transaction().execute(async (trx): Promise<CheckInResult> => {
    const found = await findOrRegisterTrainee(trx, who, input.walkIn, shanghaiToday(now), idKey);
    if (!found.created && !input.confirmName) {
      const registered = await registeredName(trx, found.id);
      if (!sameName(registered, found.identity.name)) return { status: 'confirm_name', maskedName: maskName(registered) };
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
export async function attendSession(trx: Kysely<Database>, who: AuditWho, a: { sessionId: number; traineeId: number; method: AttendanceMethod; lateEntry: boolean }) {
  const [inserted] = await insertAttendance(trx, { method: a.method, recordedBy: who.id, rows: [a] }).execute();
  if (inserted) await recordAudit(trx, who, checkInAudit(a));
  return { inserted: Boolean(inserted), row: inserted ?? (await readAttendance(trx, a.sessionId, a.traineeId)) };
}
