import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Database } from '../../db/types';
import { badRequest } from '../../lib/app-error';
import { recordAudit } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import type { ServiceContext } from '../service-context';
import { windowOf, windowView } from './check-in-window';
import { courseFor } from './courses.service';
import { insertSession, sessionRows, sessionWithCourse, type SessionRow } from './sessions.repository';
import { courseRow } from './training.scope';
import type { addSessionInput } from './training.schemas';

export async function addSession(ctx: ServiceContext, input: z.output<typeof addSessionInput>) {
  const { db, actor, who } = ctx;
  const course = await courseFor(db, actor, input.courseId);
  if (course.status === 'cancelled') throw badRequest('COURSE_CANCELLED');
  if (input.endsAt <= input.startsAt) throw badRequest('SESSION_TIMES_INVALID');
  const id = await db.transaction().execute(async (trx) => {
    const row = await insertSession(trx, input);
    await recordAudit(trx, who, { entity: 'course_session', entityId: row.id, action: 'create', after: row });
    return row.id;
  });
  return sessionViewOf(await sessionRows(db).where('cs.id', '=', id).executeTakeFirstOrThrow());
}

function sessionViewOf(row: SessionRow, now = new Date()) {
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

export async function listSessions(ctx: ServiceContext, courseId: number) {
  await courseFor(ctx.db, ctx.actor, courseId);
  const rows = await sessionRows(ctx.db).where('cs.course_id', '=', courseId).orderBy('cs.session_date').orderBy('cs.starts_at').execute();
  return rows.map((r) => sessionViewOf(r));
}

export async function getSession(ctx: ServiceContext, sessionId: number) {
  await sessionFor(ctx.db, ctx.actor, sessionId);
  return sessionViewOf(await sessionRows(ctx.db).where('cs.id', '=', sessionId).executeTakeFirstOrThrow());
}

/** The session and its course, if the actor may work on it; else FORBIDDEN_SCOPE (or, to the bureau, SESSION_NOT_FOUND). */
export async function sessionFor(db: Kysely<Database>, actor: Actor, sessionId: number) {
  return courseRow(actor, await sessionWithCourse(db).where('cs.id', '=', sessionId).executeTakeFirst(), 'SESSION_NOT_FOUND');
}
