/**
 * The completion rule of a course: a trainee completed it after attending at least K of its
 * sessions. K is the course's own figure when set (never more than the sessions it has), else every
 * session for a course of one or two sessions, and 80 % of them, rounded up, for longer courses.
 */
export function requiredSessions(sessionCount: number, completionMinSessions: number | null): number {
  if (sessionCount <= 0) return 0;
  if (completionMinSessions !== null) return Math.min(completionMinSessions, sessionCount);
  return sessionCount <= 2 ? sessionCount : Math.ceil(sessionCount * 0.8);
}
