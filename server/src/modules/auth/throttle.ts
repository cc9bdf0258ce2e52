import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../db/create-db';
import { AppError, type AppErrorKind } from '../../lib/app-error';
import type { MessageKey } from '../../i18n/messages';

/**
 * Password guesses (logins and password changes) are slowed down, never locked out: a stranger must
 * not be able to shut the admin out by typing wrong passwords. Three counts of failures, each with a
 * few free tries and then a growing wait after the last failure (1, 2, 4, 8 … at most 15 minutes):
 *
 * - pair: this login name from this address, since the pair's last success (at most a day back):
 *   one person mistyping, or one machine guessing one account.
 * - address: any login name from this address in the last hour: one machine trying many names.
 * - account: this login name from any address in the last hour: many machines guessing one
 *   account. Generous, and not applied at all to an address the account logged in from within 90
 *   days, so the admin's usual office keeps working while a botnet is slowed.
 *
 * The state is rows in `login_attempts`, so every server shares it.
 */
export const THROTTLE = {
  pair: { free: 5, windowMinutes: 24 * 60 },
  address: { free: 20, windowMinutes: 60 },
  account: { free: 50, windowMinutes: 60 },
  firstWaitSeconds: 60,
  maxWaitSeconds: 15 * 60,
  knownAddressDays: 90,
} as const;

type Dimension = 'pair' | 'address' | 'account';

interface Failures {
  count: number;
  last: Date | null;
}

/** A reserved try: counted as a failure until it is marked a success or forgotten. */
export interface Attempt {
  id: number;
  /** The database's clock when the try was reserved (servers' clocks may differ; this one is shared). */
  at: Date;
  /** Failures of the other tries, per count, when this one was reserved. */
  others: Record<Dimension, Failures>;
  /** The account logged in from this address lately: the account-wide count does not apply. */
  knownAddress: boolean;
}

/** Seconds the next try must wait after `failures` failures (0 while some are still free). */
export function waitAfter(failures: number, free: number): number {
  if (failures < free) return 0;
  return Math.min(THROTTLE.maxWaitSeconds, THROTTLE.firstWaitSeconds * 2 ** (failures - free));
}

export function throttled(seconds: number): AppError {
  return new AppError('AUTH_THROTTLED', 'TOO_MANY_REQUESTS', { seconds, minutes: Math.max(1, Math.ceil(seconds / 60)) });
}

function dimensions(attempt: Attempt): Dimension[] {
  return attempt.knownAddress ? ['pair', 'address'] : ['pair', 'address', 'account'];
}

/**
 * Count this try as a failure *before* the password is checked, then look at the others' failures.
 * Each try counts every other row, also those of tries reserved after it, so however many guesses
 * arrive at once no more than the free ones reach the password check (checking first and recording
 * after let every one of them through). A try that must wait takes its row back and is refused
 * unchecked, with the wait in seconds and minutes.
 */
export async function reserveAttempt(db: Db, loginName: string, ip: string): Promise<Attempt> {
  const { id, at } = await db
    .insertInto('login_attempts')
    .values({ login_name: loginName, ip, succeeded: false })
    .returning(['id', 'at'])
    .executeTakeFirstOrThrow();
  const attempt = await countOthers(db, Number(id), loginName, ip, new Date(at));
  const waits = dimensions(attempt).map((d) => {
    const { count, last } = attempt.others[d];
    const until = last ? last.getTime() + waitAfter(count, THROTTLE[d].free) * 1000 : 0;
    return Math.ceil((until - attempt.at.getTime()) / 1000);
  });
  const wait = Math.max(0, ...waits);
  if (wait > 0) {
    await forgetAttempt(db, attempt.id);
    throw throttled(wait);
  }
  return attempt;
}

async function countOthers(db: Db, id: number, loginName: string, ip: string, at: Date): Promise<Attempt> {
  const ago = (minutes: number) => sql`${at}::timestamptz - make_interval(mins => ${minutes})`;
  const failures = (where: RawBuilder<unknown>, since: RawBuilder<unknown>) => sql`(
    select json_build_object('count', count(*), 'last', max(at)) from login_attempts
    where ${where} and not succeeded and id <> ${id} and at > ${since}
  )`;
  const pair = sql`login_name = ${loginName} and ip = ${ip}`;
  const lastPairSuccess = sql`(select max(at) from login_attempts where ${pair} and succeeded)`;
  const { rows } = await sql<{ pair: unknown; address: unknown; account: unknown; known: boolean }>`
    select
      ${failures(pair, sql`greatest(${ago(THROTTLE.pair.windowMinutes)}, coalesce(${lastPairSuccess}, '-infinity'))`)} as pair,
      ${failures(sql`ip = ${ip}`, ago(THROTTLE.address.windowMinutes))} as address,
      ${failures(sql`login_name = ${loginName}`, ago(THROTTLE.account.windowMinutes))} as account,
      exists (select 1 from login_attempts where ${pair} and succeeded and at > ${ago(THROTTLE.knownAddressDays * 24 * 60)}) as known
  `.execute(db);
  const row = rows[0];
  const parse = (value: unknown): Failures => {
    const v = (typeof value === 'string' ? JSON.parse(value) : value) as { count: number; last: string | null };
    return { count: Number(v.count), last: v.last ? new Date(v.last) : null };
  };
  return { id, at, knownAddress: row.known, others: { pair: parse(row.pair), address: parse(row.address), account: parse(row.account) } };
}

/**
 * The answer to a wrong password: the try stays counted. When this failure starts a wait, say how
 * long; otherwise the caller's own code, with the tries left before waiting (from this login name and
 * address only: the account-wide count would tell a stranger that others are trying the account).
 */
export function failedAttempt(attempt: Attempt, code: MessageKey, kind: AppErrorKind): AppError {
  const wait = Math.max(...dimensions(attempt).map((d) => waitAfter(attempt.others[d].count + 1, THROTTLE[d].free)));
  if (wait > 0) return throttled(wait);
  const remaining = Math.min(...(['pair', 'address'] as const).map((d) => THROTTLE[d].free - attempt.others[d].count - 1));
  return new AppError(code, kind, { remaining });
}

/** The right password: no longer a failure, and the address becomes one the account is known from. */
export async function attemptSucceeded(db: Db, id: number): Promise<void> {
  await db.updateTable('login_attempts').set({ succeeded: true }).where('id', '=', id).execute();
}

export async function forgetAttempt(db: Db, id: number): Promise<void> {
  await db.deleteFrom('login_attempts').where('id', '=', id).execute();
}

/**
 * Drop the attempts no count looks at any more: failures older than the longest window (the
 * pair's day), successes older than the known-address memory (90 days). Run nightly (auth.jobs.ts).
 */
export async function forgetOldAttempts(db: Db, now = new Date()): Promise<number> {
  const minutes = (n: number) => new Date(now.getTime() - n * 60_000);
  const longestWindow = Math.max(THROTTLE.pair.windowMinutes, THROTTLE.address.windowMinutes, THROTTLE.account.windowMinutes);
  const result = await db
    .deleteFrom('login_attempts')
    .where((eb) =>
      eb.or([
        eb.and([eb('succeeded', '=', false), eb('at', '<', minutes(longestWindow))]),
        eb.and([eb('succeeded', '=', true), eb('at', '<', minutes(THROTTLE.knownAddressDays * 24 * 60))]),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
