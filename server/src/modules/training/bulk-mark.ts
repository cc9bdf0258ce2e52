import { sql } from 'kysely';
import type { z } from 'zod';
import type { Db } from '../../db/create-db';
import type { JobQueue } from '../../jobs/queue';
import { badRequest, notFound } from '../../lib/app-error';
import type { Logger } from '../../lib/logger';
import { recordAudit, type AuditWho } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import type { bulkMarkInput, bulkMarkOutput } from './sign-in-import.schemas';
import type { traineeSearchOutput } from './training.schemas';
import { assertStarted, windowOf } from './check-in-window';
import { traineeVisible } from './training.scope';
import { enqueueTrainingRecompute, sessionFor, toTraineeView, traineeRows } from './training.service';

/**
 * 纸质名单补录: after the class, the coordinator ticks on a paper list who was there. The roster is
 * everyone who attended any session of the course; marking writes one attendance row per
 * (session, trainee) with method 'bulk', so marking the same people again writes nothing. A paper
 * list records a session that took place: one that has not started is refused. One audit row per
 * marking that wrote anything, listing the trainees checked in.
 */
type Deps = { db: Db; queue: JobQueue; log: Logger };

/** The most people a roster lists: a course is a class, not a county. */
const ROSTER_MAX = 2000;

export async function courseRoster(db: Db, actor: Actor, sessionId: number): Promise<z.infer<typeof traineeSearchOutput>> {
  const session = await sessionFor(db, actor, sessionId);
  const rows = await traineeRows(db, actor)
    .select((eb) =>
      eb.exists(eb.selectFrom('attendance as a').select(sql`1`.as('one')).whereRef('a.trainee_id', '=', 't.id').where('a.session_id', '=', sessionId)).as('checked_in'),
    )
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('attendance as a')
          .innerJoin('course_sessions as cs', 'cs.id', 'a.session_id')
          .select(sql`1`.as('one'))
          .whereRef('a.trainee_id', '=', 't.id')
          .where('cs.course_id', '=', session.course_id),
      ),
    )
    .where(traineeVisible(actor))
    .orderBy('t.name')
    .orderBy('t.id')
    .limit(ROSTER_MAX)
    .execute();
  return rows.map((row) => ({ ...toTraineeView(row), checkedIn: Boolean(row.checked_in) }));
}

export async function bulkMark(deps: Deps, actor: Actor, who: AuditWho, input: z.output<typeof bulkMarkInput>, now = new Date()): Promise<z.infer<typeof bulkMarkOutput>> {
  const { db } = deps;
  const session = await sessionFor(db, actor, input.sessionId);
  if (session.status === 'cancelled') throw badRequest('COURSE_CANCELLED');
  assertStarted(windowOf(session), now);
  const ids = [...new Set(input.traineeIds)];
  const result = await db.transaction().execute(async (trx) => {
    // every one of them must be someone the actor may see; else nothing is written
    const visible = await trx.selectFrom('trainees as t').select('t.id').where('t.id', 'in', ids).where(traineeVisible(actor)).execute();
    if (visible.length !== ids.length) throw notFound('TRAINEE_NOT_FOUND');
    const inserted = await trx
      .insertInto('attendance')
      .values(ids.map((id) => ({ session_id: input.sessionId, trainee_id: id, method: 'bulk' as const, recorded_by: who.id })))
      .onConflict((oc) => oc.columns(['session_id', 'trainee_id']).doNothing())
      .returning('trainee_id')
      .execute();
    const counts = { checkedIn: inserted.length, already: ids.length - inserted.length };
    if (inserted.length) {
      await recordAudit(trx, who, { entity: 'course_session', entityId: input.sessionId, action: 'attendance.bulk', after: { ...counts, traineeIds: inserted.map((r) => r.trainee_id) } });
    }
    return counts;
  });
  if (result.checkedIn > 0) await enqueueTrainingRecompute(deps);
  return result;
}
