import { sql, type RawBuilder } from 'kysely';

/**
 * The completion rule of a course, in SQL so that the course page and the person-time count read
 * the one rule: a trainee completed the course after attending at least K of its `sessions`. K is
 * the course's own figure when set (never more than the sessions it has), else every session for a
 * course of one or two sessions, and 80 % of them, rounded up, for longer courses.
 */
export function requiredSessionsSql(sessions: RawBuilder<unknown>, completionMinSessions: RawBuilder<unknown>): RawBuilder<number> {
  return sql<number>`(case
    when ${completionMinSessions} is not null then least(${completionMinSessions}, ${sessions})
    when ${sessions} <= 2 then ${sessions}
    else ceil(${sessions} * 0.8) end)::int`;
}
