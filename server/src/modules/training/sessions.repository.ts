import type { Kysely } from 'kysely';
import type { Database } from '../../db/types';
import { sessionWindow } from './check-in-window';

/** Sessions with their attendance so far and their check-in window. */
export function sessionRows(db: Kysely<Database>) {
  return db
    .selectFrom('course_sessions as cs')
    .leftJoin(sessionWindow.as('w'), (join) => join.onTrue())
    .selectAll('cs')
    .select(['w.starts', 'w.opens', 'w.closes'])
    .select((eb) => eb.selectFrom('attendance as a').select(eb.fn.countAll<number>().as('n')).whereRef('a.session_id', '=', 'cs.id').as('attendance'));
}

export type SessionRow = Awaited<ReturnType<ReturnType<typeof sessionRows>['executeTakeFirstOrThrow']>>;

/** A session with its course's region and status, and its check-in window (check-in-window.ts). */
export function sessionWithCourse(db: Kysely<Database>) {
  return db
    .selectFrom('course_sessions as cs')
    .innerJoin('courses as c', 'c.id', 'cs.course_id')
    .leftJoin(sessionWindow.as('w'), (join) => join.onTrue())
    .select(['cs.id', 'cs.session_date', 'cs.starts_at', 'cs.ends_at', 'c.id as course_id', 'c.title', 'c.region_code', 'c.status', 'w.starts', 'w.opens', 'w.closes']);
}

export function insertSession(trx: Kysely<Database>, s: { courseId: number; date: string; startsAt: string; endsAt: string; venue: string | null }) {
  return trx
    .insertInto('course_sessions')
    .values({ course_id: s.courseId, session_date: s.date, starts_at: s.startsAt, ends_at: s.endsAt, venue: s.venue })
    .returningAll()
    .executeTakeFirstOrThrow();
}
