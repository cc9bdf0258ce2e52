import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { badRequest } from '../../lib/app-error';
import { shanghaiToday } from '../../lib/dates';
import { checkInWindowRule } from './training.rules';

/**
 * 签到时间: one versioned rule for every live way of checking in — search, walk-in, the QR code.
 * A session's check-in opens `beforeMinutes` before it starts and closes `afterMinutes` after it
 * ends, on the session's day, Shanghai time, under the version of the rule in force on that day.
 * The rule is 'training.qr_check_in' (named when only the QR code used it; its token times live in
 * the same version). Outside the window a live check-in is refused; after the session has started,
 * a coordinator may record a late entry explicitly (`late: true`), kept marked as such and audited.
 * The sign-in sheet import and the paper-list bulk mark record sessions that have taken place:
 * they are refused for a session that has not started.
 */
export const CHECK_IN_WINDOW_RULE = checkInWindowRule.key;

export interface CheckInWindowRule {
  beforeMinutes: number;
  afterMinutes: number;
}

/** When session `cs` starts, and when its check-in opens and closes. */
export interface SessionWindow {
  starts: Date;
  opens: Date;
  closes: Date;
}

/**
 * The window of the session `cs`, to join as `w` (`.leftJoin(sessionWindow.as('w'), (j) => j.onTrue())`,
 * or `left join lateral … w on true` in raw SQL): instants computed by the database, from the
 * rule's version in force on the session's day.
 */
export const sessionWindow = sql<SessionWindow>`lateral (
  select (cs.session_date + cs.starts_at) at time zone 'Asia/Shanghai' as starts,
    (cs.session_date + cs.starts_at) at time zone 'Asia/Shanghai' - make_interval(mins => (r.params->>'beforeMinutes')::int) as opens,
    (cs.session_date + cs.ends_at) at time zone 'Asia/Shanghai' + make_interval(mins => (r.params->>'afterMinutes')::int) as closes
  from rule_versions r
  where r.rule_key = ${CHECK_IN_WINDOW_RULE} and r.effective_from <= cs.session_date
  order by r.effective_from desc, r.version desc
  limit 1)`;

/** The window of a row that joined `sessionWindow` (a session's day always has a version of the rule: the first is from 2000). */
export function windowOf(row: { starts: Date | string | null; opens: Date | string | null; closes: Date | string | null }): SessionWindow {
  if (row.starts === null || row.opens === null || row.closes === null) throw new Error(`no version of rule ${CHECK_IN_WINDOW_RULE} in force for the session`);
  return { starts: new Date(row.starts), opens: new Date(row.opens), closes: new Date(row.closes) };
}

export type WindowState = 'not_open' | 'open' | 'closed';

export function windowState(window: SessionWindow, now: Date): WindowState {
  if (now < window.opens) return 'not_open';
  return now > window.closes ? 'closed' : 'open';
}

export const hasStarted = (window: Pick<SessionWindow, 'starts'>, now: Date) => now >= window.starts;

const clock = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
/** An instant as Shanghai wall-clock HH:MM. */
export const shanghaiClock = (at: Date) => clock.format(at);

/** The window as the screens show it ("签到时间 13:00–18:00") and whether it is open at `now`. */
export function windowView(window: SessionWindow, now: Date) {
  return { opens: shanghaiClock(window.opens), closes: shanghaiClock(window.closes), state: windowState(window, now), started: hasStarted(window, now) };
}

/** Refuse a sheet or list for a session that has not started: they record what took place. */
export function assertStarted(window: SessionWindow, now: Date): void {
  if (!hasStarted(window, now)) throw notStarted(window);
}

const notStarted = (window: SessionWindow) => badRequest('SESSION_NOT_STARTED', { date: shanghaiToday(window.starts), time: shanghaiClock(window.starts) });

/**
 * May a live check-in be recorded at `now` — or, asked for with `late`, a late entry? Within the
 * window: yes, an ordinary check-in (`late` or not). After it has closed: refused (CHECK_IN_CLOSED,
 * "closed at 17:45") unless `late`, which is then recorded as a late entry. Before it opens:
 * refused (CHECK_IN_NOT_OPEN, "opens at 13:00"); a late entry for a session that has not started
 * is refused too (SESSION_NOT_STARTED). The one-statement check-in applies the same rule in SQL
 * (checkInAllowedSql, lateEntrySql) and asks this one why when nothing was written.
 */
export function checkInDecision(window: SessionWindow, now: Date, late: boolean): { lateEntry: boolean } {
  const state = windowState(window, now);
  if (state === 'open') return { lateEntry: false };
  if (state === 'closed') {
    if (late) return { lateEntry: true };
    throw badRequest('CHECK_IN_CLOSED', { date: shanghaiToday(window.closes), closes: shanghaiClock(window.closes) });
  }
  throw late ? notStarted(window) : badRequest('CHECK_IN_NOT_OPEN', { date: shanghaiToday(window.opens), opens: shanghaiClock(window.opens), closes: shanghaiClock(window.closes) });
}

/** checkInDecision's "yes", in SQL, over a window joined as `w`. */
export function checkInAllowedSql(now: Date, late: boolean): RawBuilder<SqlBool> {
  return sql<SqlBool>`(${now}::timestamptz between w.opens and w.closes or (${late}::boolean and ${now}::timestamptz > w.closes))`;
}

/** checkInDecision's `lateEntry`, in SQL, over a window joined as `w`. */
export const lateEntrySql = (now: Date) => sql<boolean>`(${now}::timestamptz > w.closes)`;
