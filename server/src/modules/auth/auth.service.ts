import type { Db } from '../../db/create-db';
import { AppError, badRequest } from '../../lib/app-error';
import { recordAudit } from '../audit/audit.service';
import type { Actor } from './actor';
import { deleteSessionsOf, findSession, findUserById, findUserByLogin, scopesOf } from './auth.repository';
import { assertStrongPassword, hashPassword, unknownUserHash, verifyPassword } from './password';
import { newSessionToken, sessionIdOf } from './session-token';
import { attemptSucceeded, failedAttempt, forgetAttempt, reserveAttempt } from './throttle';

export interface RequestOrigin {
  ip: string;
  userAgent: string | null;
  /** The session cookie the browser sent with the login, if any: that session ends when the new one starts. */
  sessionToken?: string | null;
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
  const attempt = await reserveAttempt(db, loginName, origin.ip);

  const user = await findUserByLogin(db, loginName);
  // An unknown name is checked against a hash nobody knows: the same answer, after the same argon2
  // work, as a wrong password, so neither the words nor the time tell which names exist.
  const passwordOk = await verifyPassword(user?.password_hash ?? (await unknownUserHash()), input.password);
  if (!user || !passwordOk) throw failedAttempt(attempt, 'AUTH_BAD_CREDENTIALS', 'UNAUTHORIZED');
  // Checked after the password, so a stranger cannot probe which accounts are disabled.
  if (user.disabled_at) {
    await forgetAttempt(db, attempt.id); // the right password: not a failure
    throw new AppError('AUTH_USER_DISABLED', 'FORBIDDEN');
  }

  const { token, sessionId } = newSessionToken();
  const expiresAt = new Date(Date.now() + deps.sessionTtlHours * 3600_000);
  await db.transaction().execute(async (trx) => {
    // Logging in again from a browser ends the session that browser had (whoever it belonged to):
    // a stolen copy of the old cookie opens nothing once its owner has logged in anew.
    if (origin.sessionToken) await trx.deleteFrom('sessions').where('id', '=', sessionIdOf(origin.sessionToken)).execute();
    await trx
      .insertInto('sessions')
      .values({ id: sessionId, user_id: user.id, expires_at: expiresAt, ip: origin.ip, user_agent: origin.userAgent?.slice(0, 300) ?? null })
      .execute();
    await trx.updateTable('users').set({ last_login_at: new Date() }).where('id', '=', user.id).execute();
    await attemptSucceeded(trx, attempt.id);
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

/**
 * Change one's own password. The current password is a password guess like a login's (someone may
 * have found an open session), so it is throttled by the same counts.
 */
export async function changeOwnPassword(
  db: Db,
  actor: Actor,
  sessionId: string,
  ip: string,
  input: { currentPassword: string; newPassword: string },
): Promise<void> {
  const attempt = await reserveAttempt(db, actor.loginName, ip);
  const user = await findUserById(db, actor.id);
  if (!user || !(await verifyPassword(user.password_hash, input.currentPassword))) {
    throw failedAttempt(attempt, 'AUTH_CURRENT_PASSWORD_WRONG', 'BAD_REQUEST');
  }
  await attemptSucceeded(db, attempt.id);
  if (input.newPassword === input.currentPassword) throw badRequest('AUTH_PASSWORD_SAME');
  assertStrongPassword(input.newPassword, user.login_name);
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
