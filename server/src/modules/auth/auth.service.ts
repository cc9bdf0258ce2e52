import type { Db } from '../../db/create-db';
import { AppError, badRequest } from '../../lib/app-error';
import { recordAudit } from '../audit/audit.service';
import type { Actor } from './actor';
import { deleteSessionsOf, findSession, findUserById, findUserByLogin, scopesOf } from './auth.repository';
import { assertStrongPassword, hashPassword, verifyPassword } from './password';
import { newSessionToken, sessionIdOf } from './session-token';
import { forgetAttempt, reserveAttempt, THROTTLE, throttleState } from './throttle';

export interface RequestOrigin {
  ip: string;
  userAgent: string | null;
}

export const normaliseLogin = (loginName: string) => loginName.trim().toLowerCase();

/** Sessions slide: each day of use pushes the expiry out again by the configured TTL. */
const REFRESH_AFTER_MS = 24 * 3600_000;

export async function login(
  deps: { db: Db; sessionTtlHours: number },
  origin: RequestOrigin,
  input: { loginName: string; password: string },
): Promise<{ token: string; actor: Actor; expiresAt: Date; mustChangePassword: boolean }> {
  const { db } = deps;
  const loginName = normaliseLogin(input.loginName);
  const throttle = await throttleState(db, loginName, origin.ip);
  if (throttle.locked) throw new AppError('AUTH_THROTTLED', 'TOO_MANY_REQUESTS', { minutes: throttle.minutesLeft });
  // Recorded as a failure before anything is checked, so parallel guesses cannot all pass the check above.
  const attempt = await reserveAttempt(db, loginName, origin.ip);
  if (!attempt.allowed) throw new AppError('AUTH_THROTTLED', 'TOO_MANY_REQUESTS', { minutes: THROTTLE.lockMinutes });

  const user = await findUserByLogin(db, loginName);
  if (!user) throw new AppError('AUTH_UNKNOWN_USER', 'UNAUTHORIZED');
  if (!(await verifyPassword(user.password_hash, input.password))) {
    const remaining = attempt.remaining;
    if (remaining <= 0) throw new AppError('AUTH_THROTTLED', 'TOO_MANY_REQUESTS', { minutes: THROTTLE.lockMinutes });
    throw new AppError('AUTH_WRONG_PASSWORD', 'UNAUTHORIZED', {
      remaining,
      limit: THROTTLE.accountLimit,
      minutes: THROTTLE.lockMinutes,
    });
  }
  // Checked after the password, so a stranger cannot probe which accounts are disabled.
  if (user.disabled_at) {
    await forgetAttempt(db, attempt.id); // the right password: not a failure
    throw new AppError('AUTH_USER_DISABLED', 'FORBIDDEN');
  }

  const { token, sessionId } = newSessionToken();
  const expiresAt = new Date(Date.now() + deps.sessionTtlHours * 3600_000);
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('sessions')
      .values({ id: sessionId, user_id: user.id, expires_at: expiresAt, ip: origin.ip, user_agent: origin.userAgent?.slice(0, 300) ?? null })
      .execute();
    await trx.updateTable('users').set({ last_login_at: new Date() }).where('id', '=', user.id).execute();
    await trx.updateTable('login_attempts').set({ succeeded: true }).where('id', '=', attempt.id).execute();
    await recordAudit(trx, { id: user.id, loginName: user.login_name, ip: origin.ip }, {
      entity: 'session',
      entityId: user.id,
      action: 'login',
    });
  });
  const scopes = (await scopesOf(db, [user.id])).get(user.id)!;
  return {
    token,
    expiresAt,
    mustChangePassword: user.must_change_password,
    actor: { id: user.id, loginName: user.login_name, displayName: user.display_name, role: user.role, scopes },
  };
}

export type ResolvedSession =
  | { actor: Actor; sessionId: string; problem: null; mustChangePassword: boolean }
  | { actor: null; sessionId: null; problem: 'expired' | null; mustChangePassword: false };

/** Turn a cookie token into the actor, or say why not. Disabled users lose their sessions at once. */
export async function resolveSession(db: Db, token: string | null, sessionTtlHours: number): Promise<ResolvedSession> {
  if (!token) return { actor: null, sessionId: null, problem: null, mustChangePassword: false };
  const session = await findSession(db, sessionIdOf(token));
  const now = Date.now();
  if (!session || session.expiresAt.getTime() <= now || session.user.disabled_at) {
    return { actor: null, sessionId: null, problem: 'expired', mustChangePassword: false };
  }
  if (now - session.lastSeenAt.getTime() > REFRESH_AFTER_MS) {
    await db
      .updateTable('sessions')
      .set({ last_seen_at: new Date(now), expires_at: new Date(now + sessionTtlHours * 3600_000) })
      .where('id', '=', session.sessionId)
      .execute();
  }
  const { user, scopes } = session;
  return {
    actor: { id: user.id, loginName: user.login_name, displayName: user.display_name, role: user.role, scopes },
    sessionId: session.sessionId,
    problem: null,
    mustChangePassword: user.must_change_password,
  };
}

export async function logout(db: Db, actor: Actor, sessionId: string, ip: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('sessions').where('id', '=', sessionId).execute();
    await recordAudit(trx, { id: actor.id, loginName: actor.loginName, ip }, { entity: 'session', entityId: actor.id, action: 'logout' });
  });
}

export async function changeOwnPassword(
  db: Db,
  actor: Actor,
  sessionId: string,
  ip: string,
  input: { currentPassword: string; newPassword: string },
): Promise<void> {
  const user = await findUserById(db, actor.id);
  if (!user || !(await verifyPassword(user.password_hash, input.currentPassword))) {
    throw badRequest('AUTH_CURRENT_PASSWORD_WRONG');
  }
  assertStrongPassword(input.newPassword);
  if (input.newPassword === input.currentPassword) throw badRequest('AUTH_PASSWORD_SAME');
  const passwordHash = await hashPassword(input.newPassword);
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({ password_hash: passwordHash, must_change_password: false, password_changed_at: new Date(), updated_at: new Date() })
      .where('id', '=', actor.id)
      .execute();
    // Other devices must log in again with the new password; this one stays.
    await deleteSessionsOf(trx, actor.id, sessionId);
    await recordAudit(trx, { id: actor.id, loginName: actor.loginName, ip }, { entity: 'user', entityId: actor.id, action: 'change_password' });
  });
}
