import type { Db } from '../../db/create-db';

/** 5 failures for one account, or 20 from one address, within 10 minutes lock logins for 10 minutes. */
export const THROTTLE = { accountLimit: 5, ipLimit: 20, windowMinutes: 10, lockMinutes: 10 } as const;

export interface ThrottleState {
  locked: boolean;
  /** Whole minutes until the lock lifts (≥1 when locked). */
  minutesLeft: number;
  /** Failures this account may still make before it is locked. */
  remaining: number;
}

/**
 * Count recent failures for the account (since its last success) and for the address. State lives
 * in the database, so any number of servers share one view of it.
 */
export async function throttleState(db: Db, loginName: string, ip: string, now = new Date()): Promise<ThrottleState> {
  const { account, address } = await recentFailures(db, loginName, ip, now);
  const lockedBy = [
    account.count >= THROTTLE.accountLimit ? account.last : null,
    address.count >= THROTTLE.ipLimit ? address.last : null,
  ].filter((d): d is Date => d !== null);
  const until = lockedBy.length ? Math.max(...lockedBy.map((d) => d.getTime())) + THROTTLE.lockMinutes * 60_000 : 0;
  const locked = until > now.getTime();
  return {
    locked,
    minutesLeft: locked ? Math.max(1, Math.ceil((until - now.getTime()) / 60_000)) : 0,
    remaining: Math.max(0, THROTTLE.accountLimit - account.count),
  };
}

async function recentFailures(db: Db, loginName: string, ip: string, now: Date) {
  const windowStart = new Date(now.getTime() - THROTTLE.windowMinutes * 60_000);
  const lastSuccess = await db
    .selectFrom('login_attempts')
    .select((eb) => eb.fn.max('at').as('at'))
    .where('login_name', '=', loginName)
    .where('succeeded', '=', true)
    .executeTakeFirst();
  const since = lastSuccess?.at && new Date(lastSuccess.at) > windowStart ? new Date(lastSuccess.at) : windowStart;

  const [account, address] = await Promise.all([
    failuresSince(db, 'login_name', loginName, since),
    failuresSince(db, 'ip', ip, windowStart),
  ]);
  return { account, address };
}

async function failuresSince(db: Db, column: 'login_name' | 'ip', value: string, since: Date) {
  const row = await db
    .selectFrom('login_attempts')
    .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.max('at').as('last')])
    .where(column, '=', value)
    .where('succeeded', '=', false)
    .where('at', '>', since)
    .executeTakeFirstOrThrow();
  return { count: Number(row.count), last: row.last ? new Date(row.last) : null };
}

export async function recordAttempt(db: Db, loginName: string, ip: string, succeeded: boolean): Promise<void> {
  await db.insertInto('login_attempts').values({ login_name: loginName, ip, succeeded }).execute();
}

/**
 * Count this attempt as a failure *before* the password is checked, then count again with it
 * included. Parallel guesses each see the others' rows, so no more than the limits can reach the
 * password check however many arrive at once (checking first and recording after let every one of
 * them through). Over the limit, the row is taken back and the attempt must be refused unchecked.
 * A successful login turns the row into a success (`succeeded = true`).
 */
export async function reserveAttempt(
  db: Db,
  loginName: string,
  ip: string,
  now = new Date(),
): Promise<{ id: number; allowed: boolean; remaining: number }> {
  const { id } = await db
    .insertInto('login_attempts')
    .values({ login_name: loginName, ip, succeeded: false })
    .returning('id')
    .executeTakeFirstOrThrow();
  const { account, address } = await recentFailures(db, loginName, ip, now);
  const allowed = account.count <= THROTTLE.accountLimit && address.count <= THROTTLE.ipLimit;
  if (!allowed) await forgetAttempt(db, id);
  return { id, allowed, remaining: Math.max(0, THROTTLE.accountLimit - account.count) };
}

export async function forgetAttempt(db: Db, id: number): Promise<void> {
  await db.deleteFrom('login_attempts').where('id', '=', id).execute();
}
