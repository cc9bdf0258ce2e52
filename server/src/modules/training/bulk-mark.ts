import type { z } from 'zod';
import { badRequest, notFound } from '../../lib/app-error';
import { recordAudit } from '../audit/audit.service';
import type { ServiceContext } from '../service-context';
import { insertAttendance } from './attendance.repository';
import { assertStarted, windowOf } from './check-in-window';
import { sessionFor } from './sessions.service';
import { rosterRows, toTraineeView, visibleTraineeIds } from './trainees.repository';
import { enqueueTrainingRecompute } from './training.recompute';
import type { bulkMarkInput, bulkMarkOutput } from './sign-in-import.schemas';
import type { traineeSearchOutput } from './training.schemas';

/**
 * 纸质名单补录: after the class, the coordinator ticks on a paper list who was there. The roster is
 * everyone who attended any session of the course; marking writes one attendance row per
 * (session, trainee) with method 'bulk', so marking the same people again writes nothing. A paper
 * list records a session that took place: one that has not started is refused. One audit row per
 * marking that wrote anything, listing the trainees checked in.
 */

/** The most people a roster lists: a course is a class, not a county. */
const ROSTER_MAX = 2000;

export async function courseRoster(ctx: ServiceContext, sessionId: number): Promise<z.infer<typeof traineeSearchOutput>> {
  const session = await sessionFor(ctx.db, ctx.actor, sessionId);
  const rows = await rosterRows(ctx.db, ctx.actor, session.course_id, sessionId, ROSTER_MAX);
  return rows.map((row) => ({ ...toTraineeView(row), checkedIn: Boolean(row.checked_in) }));
}

export async function bulkMark(ctx: ServiceContext, input: z.output<typeof bulkMarkInput>, now = new Date()): Promise<z.infer<typeof bulkMarkOutput>> {
  const { db, actor, who } = ctx;
  const session = await sessionFor(db, actor, input.sessionId);
  if (session.status === 'cancelled') throw badRequest('COURSE_CANCELLED');
  assertStarted(windowOf(session), now);
  const ids = [...new Set(input.traineeIds)];
  const result = await db.transaction().execute(async (trx) => {
    // every one of them must be someone the actor may see; else nothing is written
    const visible = await visibleTraineeIds(trx, actor, ids);
    if (visible.length !== ids.length) throw notFound('TRAINEE_NOT_FOUND');
    const inserted = await insertAttendance(trx, { method: 'bulk', recordedBy: who.id, rows: ids.map((traineeId) => ({ sessionId: input.sessionId, traineeId })) }).execute();
    const counts = { checkedIn: inserted.length, already: ids.length - inserted.length };
    if (inserted.length) {
      await recordAudit(trx, who, { entity: 'course_session', entityId: input.sessionId, action: 'attendance.bulk', after: { ...counts, traineeIds: inserted.map((r) => r.trainee_id) } });
    }
    return counts;
  });
  if (result.checkedIn > 0) await enqueueTrainingRecompute(ctx);
  return result;
}
