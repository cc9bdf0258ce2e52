import type { Role, User } from '../../db/types';
import { badRequest, conflict, notFound } from '../../lib/app-error';
import { maskMobile } from '../../lib/list';
import { recordAudit } from '../audit/audit.service';
import type { ServiceDeps, WriteContext } from '../service-context';
import { deleteSessionsOf, findUserById, findUserByLogin, replaceScopes, scopesOf } from './auth.repository';
import { assertStrongPassword, generatePassword, hashPassword } from './password';
import { SCOPE_KIND_OF_ROLE } from './scope';
import { normaliseLogin } from './auth.service';
import { SYSTEM_ACTOR, type ActorScopes } from './actor';
import {
  anyUserExists,
  existingBaseIds,
  existingRegionCodes,
  insertUser,
  setAdminPassword,
  setDisabledAt,
  updateUserProfile,
  userOptionRows,
  usersPage,
  type UserPageQuery,
} from './users.repository';

type Executor = WriteContext['db'];

export interface UserView {
  id: number;
  loginName: string;
  displayName: string;
  /** Masked in lists (138****5678); whole only where an admin edits the user. */
  mobile: string | null;
  role: Role;
  scopes: ActorScopes;
  disabled: boolean;
  mustChangePassword: boolean;
  lastLoginAt: string | null;
  createdAt: string;
}

function toView(u: User, scopes: ActorScopes, mask: boolean): UserView {
  return {
    id: u.id,
    loginName: u.login_name,
    displayName: u.display_name,
    mobile: mask ? maskMobile(u.mobile) : u.mobile,
    role: u.role,
    scopes,
    disabled: u.disabled_at !== null,
    mustChangePassword: u.must_change_password,
    lastLoginAt: u.last_login_at ? new Date(u.last_login_at).toISOString() : null,
    createdAt: new Date(u.created_at).toISOString(),
  };
}

/** What the audit log keeps of a user: never the password hash. */
function auditShape(u: User, scopes: ActorScopes) {
  return {
    loginName: u.login_name,
    displayName: u.display_name,
    mobile: u.mobile,
    role: u.role,
    disabled: u.disabled_at !== null,
    scopes,
  };
}

export interface ScopeRefs {
  regions?: string[];
  stations?: string[];
  bases?: string[];
}

/** The refs of the one scope kind a role works in; a ref of another kind is refused, not dropped. */
async function scopeRefsFor(db: Executor, role: Role, scopes: ScopeRefs): Promise<string[]> {
  const kind = SCOPE_KIND_OF_ROLE[role];
  const given = { region: scopes.regions ?? [], station: scopes.stations ?? [], base: scopes.bases ?? [] };
  for (const [k, refs] of Object.entries(given)) {
    if (k !== kind && refs.length > 0) throw badRequest('USER_SCOPE_NOT_ALLOWED', { role, kind: k });
  }
  if (kind === 'base') {
    const bad = given.base.find((ref) => !/^\d{1,9}$/.test(ref));
    if (bad !== undefined) throw badRequest('USER_SCOPE_BASE_UNKNOWN', { id: bad });
    const ids = [...new Set(given.base.map(Number))];
    if (ids.length) {
      const known = await existingBaseIds(db, ids);
      const missing = ids.find((id) => !known.has(id));
      if (missing !== undefined) throw badRequest('USER_SCOPE_BASE_UNKNOWN', { id: missing });
    }
    return ids.map(String);
  }
  if (kind !== 'region') return kind ? given[kind] : [];
  const refs = [...new Set(given.region)];
  if (refs.length) {
    const known = await existingRegionCodes(db, refs);
    const missing = refs.find((r) => !known.has(r));
    if (missing) throw badRequest('USER_SCOPE_REGION_UNKNOWN', { code: missing });
  }
  return refs;
}

export interface CreateUserInput {
  loginName: string;
  displayName: string;
  mobile?: string | null;
  role: Role;
  password?: string;
  scopes?: ScopeRefs;
  mustChangePassword?: boolean;
}

/** A user's view with their scopes as they are now (inside the write's transaction). */
async function viewOf(db: Executor, user: User): Promise<{ view: UserView; scopes: ActorScopes }> {
  const scopes = (await scopesOf(db, [user.id])).get(user.id)!;
  return { view: toView(user, scopes, false), scopes };
}

/**
 * Create a user with a role and scopes, audited in the same transaction. Without a password one is
 * generated and returned once, to be handed over. Either way the admin knows it, so the user must
 * change it at first login (seeds say otherwise explicitly).
 */
export async function createUser(ctx: WriteContext, input: CreateUserInput): Promise<{ user: UserView; password: string }> {
  const loginName = normaliseLogin(input.loginName);
  const password = input.password ?? generatePassword(loginName);
  assertStrongPassword(password, loginName);
  const user = await createUserWithPasswordHash(ctx, { ...input, passwordHash: await hashPassword(password) });
  return { user, password };
}

/**
 * The same, with the password given as its hash, which the password policy cannot see: for seeds and
 * test factories whose users have known demo passwords. Nothing an admin or a user sends comes here.
 */
export async function createUserWithPasswordHash(ctx: WriteContext, input: Omit<CreateUserInput, 'password'> & { passwordHash: string }): Promise<UserView> {
  const loginName = normaliseLogin(input.loginName);
  return ctx.db.transaction().execute(async (trx) => {
    if (await findUserByLogin(trx, loginName)) throw conflict('USER_LOGIN_TAKEN', { loginName });
    const refs = await scopeRefsFor(trx, input.role, input.scopes ?? {});
    const user = await insertUser(trx, {
      loginName,
      displayName: input.displayName.trim(),
      mobile: input.mobile ?? null,
      role: input.role,
      passwordHash: input.passwordHash,
      mustChangePassword: input.mustChangePassword ?? true,
    });
    await replaceScopes(trx, user.id, SCOPE_KIND_OF_ROLE[input.role], refs);
    const { view, scopes } = await viewOf(trx, user);
    await recordAudit(trx, ctx.who, { entity: 'user', entityId: user.id, action: 'create', after: auditShape(user, scopes) });
    return view;
  });
}

export async function updateUser(
  ctx: WriteContext,
  input: { id: number; displayName: string; mobile: string | null; role: Role; scopes: ScopeRefs },
): Promise<UserView> {
  const { who } = ctx;
  return ctx.db.transaction().execute(async (trx) => {
    const before = await findUserById(trx, input.id);
    if (!before) throw notFound('USER_NOT_FOUND');
    // An admin cannot demote themselves, so the one acting always remains: never zero admins.
    if (who.id === input.id && input.role !== before.role) throw badRequest('USER_CANNOT_CHANGE_OWN_ROLE');
    const beforeScopes = (await scopesOf(trx, [before.id])).get(before.id)!;
    const refs = await scopeRefsFor(trx, input.role, input.scopes);
    const after = await updateUserProfile(trx, input.id, { displayName: input.displayName.trim(), mobile: input.mobile, role: input.role });
    await replaceScopes(trx, after.id, SCOPE_KIND_OF_ROLE[input.role], refs);
    const { view, scopes } = await viewOf(trx, after);
    await recordAudit(trx, who, {
      entity: 'user',
      entityId: after.id,
      action: 'update',
      before: auditShape(before, beforeScopes),
      after: auditShape(after, scopes),
    });
    return view;
  });
}

export async function setUserDisabled(ctx: WriteContext, input: { id: number; disabled: boolean }): Promise<UserView> {
  const { id, disabled } = input;
  if (disabled && ctx.who.id === id) throw badRequest('USER_CANNOT_DISABLE_SELF');
  return ctx.db.transaction().execute(async (trx) => {
    const before = await findUserById(trx, id);
    if (!before) throw notFound('USER_NOT_FOUND');
    const after = await setDisabledAt(trx, id, disabled ? (before.disabled_at ?? new Date()) : null);
    if (disabled) await deleteSessionsOf(trx, id);
    await recordAudit(trx, ctx.who, {
      entity: 'user',
      entityId: id,
      action: disabled ? 'disable' : 'enable',
      before: { disabled: before.disabled_at !== null },
      after: { disabled: after.disabled_at !== null },
    });
    return (await viewOf(trx, after)).view;
  });
}

/** A new password (given or generated, returned once); the user's sessions end and they must change it. */
export async function resetPassword(ctx: WriteContext, input: { id: number; password?: string }): Promise<{ password: string }> {
  const { id } = input;
  const target = await findUserById(ctx.db, id);
  if (!target) throw notFound('USER_NOT_FOUND');
  const newPassword = input.password ?? generatePassword(target.login_name);
  assertStrongPassword(newPassword, target.login_name);
  const passwordHash = await hashPassword(newPassword);
  await ctx.db.transaction().execute(async (trx) => {
    const user = await findUserById(trx, id);
    if (!user) throw notFound('USER_NOT_FOUND');
    await setAdminPassword(trx, id, passwordHash);
    await deleteSessionsOf(trx, id);
    await recordAudit(trx, ctx.who, { entity: 'user', entityId: id, action: 'reset_password' });
  });
  return { password: newPassword };
}

export type UserListInput = UserPageQuery;

export async function listUsers(ctx: Pick<ServiceDeps, 'db'>, input: UserListInput): Promise<{ items: UserView[]; total: number }> {
  const { rows, total } = await usersPage(ctx.db, input);
  const scopes = await scopesOf(ctx.db, rows.map((r) => r.id));
  return { total, items: rows.map((r) => toView(r, scopes.get(r.id)!, true)) };
}

export async function getUser(ctx: Pick<ServiceDeps, 'db'>, input: { id: number }): Promise<UserView> {
  const user = await findUserById(ctx.db, input.id);
  if (!user) throw notFound('USER_NOT_FOUND');
  return (await viewOf(ctx.db, user)).view;
}

/**
 * On a database with no users, create `admin` with ADMIN_PASSWORD, or with a generated password
 * that the caller prints once. Returns null when users already exist. Either way the password has
 * been in a terminal or an environment file, so it must be changed at the first login.
 */
export async function ensureFirstAdmin(deps: Pick<ServiceDeps, 'db'>, input: { adminPassword?: string } = {}): Promise<{ password: string; generated: boolean } | null> {
  if (await anyUserExists(deps.db)) return null;
  const { adminPassword } = input;
  const { password } = await createUser(
    { db: deps.db, who: SYSTEM_ACTOR },
    { loginName: 'admin', displayName: '系统管理员', role: 'admin', password: adminPassword, mustChangePassword: true },
  );
  return { password, generated: adminPassword === undefined };
}

/** What the start that created the first admin prints, once (the password is stored only as an argon2id hash). */
export function firstAdminNotice(admin: { password: string; generated: boolean }): string {
  const password = admin.generated ? `密码 / password "${admin.password}"` : '密码为 ADMIN_PASSWORD 的值 / password from ADMIN_PASSWORD';
  return `\n  首个管理员已创建 / first admin created: login "admin", ${password}\n  首次登录时须修改此密码 / it must be changed at the first login.\n`;
}

export async function userOptions(ctx: Pick<ServiceDeps, 'db'>, input: { q?: string }) {
  const rows = await userOptionRows(ctx.db, input.q);
  return rows.map((r) => ({ id: r.id, loginName: r.login_name, displayName: r.display_name, role: r.role }));
}
