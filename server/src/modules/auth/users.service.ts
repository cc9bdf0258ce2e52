import type { Kysely } from 'kysely';
import type { Db } from '../../db/create-db';
import type { Database, Role, User } from '../../db/types';
import { badRequest, conflict, notFound } from '../../lib/app-error';
import { likePattern, maskMobile, offsetOf } from '../../lib/list';
import { recordAudit, type AuditWho } from '../audit/audit.service';
import { deleteSessionsOf, findUserById, findUserByLogin, replaceScopes, scopesOf } from './auth.repository';
import { assertStrongPassword, generatePassword, hashPassword } from './password';
import { SCOPE_KIND_OF_ROLE } from './scope';
import { normaliseLogin } from './auth.service';
import type { ActorScopes } from './actor';

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
async function scopeRefsFor(db: Kysely<Database>, role: Role, scopes: ScopeRefs): Promise<string[]> {
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
      const found = await db.selectFrom('livestream_bases').select('id').where('id', 'in', ids).execute();
      const known = new Set(found.map((b) => b.id));
      const missing = ids.find((id) => !known.has(id));
      if (missing !== undefined) throw badRequest('USER_SCOPE_BASE_UNKNOWN', { id: missing });
    }
    return ids.map(String);
  }
  if (kind !== 'region') return kind ? given[kind] : [];
  const refs = [...new Set(given.region)];
  if (refs.length) {
    const found = await db.selectFrom('regions').select('code').where('code', 'in', refs).execute();
    const known = new Set(found.map((r) => r.code));
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

/**
 * Create a user with a role and scopes, audited in the same transaction. Without a password one is
 * generated and returned once, to be handed over. Either way the admin knows it, so the user must
 * change it at first login (seeds say otherwise explicitly).
 */
export async function createUser(
  db: Db,
  who: AuditWho,
  input: CreateUserInput,
): Promise<{ user: UserView; password: string }> {
  const loginName = normaliseLogin(input.loginName);
  const password = input.password ?? generatePassword(loginName);
  assertStrongPassword(password, loginName);
  const user = await createUserWithPasswordHash(db, who, input, await hashPassword(password));
  return { user, password };
}

/**
 * The same, with the password given as its hash, which the password policy cannot see: for seeds and
 * test factories whose users have known demo passwords. Nothing an admin or a user sends comes here.
 */
export async function createUserWithPasswordHash(db: Db, who: AuditWho, input: Omit<CreateUserInput, 'password'>, passwordHash: string): Promise<UserView> {
  const loginName = normaliseLogin(input.loginName);
  return db.transaction().execute(async (trx) => {
    if (await findUserByLogin(trx, loginName)) throw conflict('USER_LOGIN_TAKEN', { loginName });
    const refs = await scopeRefsFor(trx, input.role, input.scopes ?? {});
    const user = await trx
      .insertInto('users')
      .values({
        login_name: loginName,
        display_name: input.displayName.trim(),
        mobile: input.mobile ?? null,
        role: input.role,
        password_hash: passwordHash,
        must_change_password: input.mustChangePassword ?? true,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await replaceScopes(trx, user.id, SCOPE_KIND_OF_ROLE[input.role], refs);
    const scopes = (await scopesOf(trx, [user.id])).get(user.id)!;
    await recordAudit(trx, who, { entity: 'user', entityId: user.id, action: 'create', after: auditShape(user, scopes) });
    return toView(user, scopes, false);
  });
}

export async function updateUser(
  db: Db,
  who: AuditWho,
  input: { id: number; displayName: string; mobile: string | null; role: Role; scopes: ScopeRefs },
): Promise<UserView> {
  return db.transaction().execute(async (trx) => {
    const before = await findUserById(trx, input.id);
    if (!before) throw notFound('USER_NOT_FOUND');
    // An admin cannot demote themselves, so the one acting always remains: never zero admins.
    if (who.id === input.id && input.role !== before.role) throw badRequest('USER_CANNOT_CHANGE_OWN_ROLE');
    const beforeScopes = (await scopesOf(trx, [before.id])).get(before.id)!;
    const refs = await scopeRefsFor(trx, input.role, input.scopes);
    const after = await trx
      .updateTable('users')
      .set({ display_name: input.displayName.trim(), mobile: input.mobile, role: input.role, updated_at: new Date() })
      .where('id', '=', input.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await replaceScopes(trx, after.id, SCOPE_KIND_OF_ROLE[input.role], refs);
    const scopes = (await scopesOf(trx, [after.id])).get(after.id)!;
    await recordAudit(trx, who, {
      entity: 'user',
      entityId: after.id,
      action: 'update',
      before: auditShape(before, beforeScopes),
      after: auditShape(after, scopes),
    });
    return toView(after, scopes, false);
  });
}

export async function setUserDisabled(db: Db, who: AuditWho, id: number, disabled: boolean): Promise<UserView> {
  if (disabled && who.id === id) throw badRequest('USER_CANNOT_DISABLE_SELF');
  return db.transaction().execute(async (trx) => {
    const before = await findUserById(trx, id);
    if (!before) throw notFound('USER_NOT_FOUND');
    const after = await trx
      .updateTable('users')
      .set({ disabled_at: disabled ? (before.disabled_at ?? new Date()) : null, updated_at: new Date() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (disabled) await deleteSessionsOf(trx, id);
    const scopes = (await scopesOf(trx, [id])).get(id)!;
    await recordAudit(trx, who, {
      entity: 'user',
      entityId: id,
      action: disabled ? 'disable' : 'enable',
      before: { disabled: before.disabled_at !== null },
      after: { disabled: after.disabled_at !== null },
    });
    return toView(after, scopes, false);
  });
}

/** A new password (given or generated, returned once); the user's sessions end and they must change it. */
export async function resetPassword(db: Db, who: AuditWho, id: number, password?: string): Promise<{ password: string }> {
  const target = await findUserById(db, id);
  if (!target) throw notFound('USER_NOT_FOUND');
  const newPassword = password ?? generatePassword(target.login_name);
  assertStrongPassword(newPassword, target.login_name);
  const passwordHash = await hashPassword(newPassword);
  await db.transaction().execute(async (trx) => {
    const user = await findUserById(trx, id);
    if (!user) throw notFound('USER_NOT_FOUND');
    await trx
      .updateTable('users')
      .set({ password_hash: passwordHash, must_change_password: true, password_changed_at: new Date(), updated_at: new Date() })
      .where('id', '=', id)
      .execute();
    await deleteSessionsOf(trx, id);
    await recordAudit(trx, who, { entity: 'user', entityId: id, action: 'reset_password' });
  });
  return { password: newPassword };
}

export interface UserListInput {
  page: number;
  pageSize: number;
  sort?: { key: 'loginName' | 'displayName' | 'role' | 'createdAt' | 'lastLoginAt'; order: 'asc' | 'desc' };
  filter?: { q?: string; role?: Role; disabled?: boolean };
}

const SORT_COLUMNS = {
  loginName: 'login_name',
  displayName: 'display_name',
  role: 'role',
  createdAt: 'created_at',
  lastLoginAt: 'last_login_at',
} as const;

export async function listUsers(db: Db, input: UserListInput): Promise<{ items: UserView[]; total: number }> {
  const f = input.filter ?? {};
  const base = db
    .selectFrom('users')
    .$if(!!f.q, (q) =>
      q.where((eb) => eb.or([eb('login_name', 'ilike', likePattern(f.q!)), eb('display_name', 'ilike', likePattern(f.q!))])),
    )
    .$if(!!f.role, (q) => q.where('role', '=', f.role!))
    .$if(f.disabled !== undefined, (q) => q.where('disabled_at', f.disabled ? 'is not' : 'is', null));
  const sort = input.sort ?? { key: 'loginName', order: 'asc' };
  const [rows, count] = await Promise.all([
    base
      .selectAll()
      .orderBy(SORT_COLUMNS[sort.key], sort.order)
      .orderBy('id')
      .limit(input.pageSize)
      .offset(offsetOf(input))
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  const scopes = await scopesOf(db, rows.map((r) => r.id));
  return { total: Number(count.n), items: rows.map((r) => toView(r, scopes.get(r.id)!, true)) };
}

export async function getUser(db: Db, id: number): Promise<UserView> {
  const user = await findUserById(db, id);
  if (!user) throw notFound('USER_NOT_FOUND');
  const scopes = (await scopesOf(db, [id])).get(id)!;
  return toView(user, scopes, false);
}

/**
 * On a database with no users, create `admin` with ADMIN_PASSWORD, or with a generated password
 * that the caller prints once. Returns null when users already exist. Either way the password has
 * been in a terminal or an environment file, so it must be changed at the first login.
 */
export async function ensureFirstAdmin(db: Db, adminPassword?: string): Promise<{ password: string; generated: boolean } | null> {
  const any = await db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  if (any) return null;
  const { password } = await createUser(
    db,
    { id: null, loginName: 'system', ip: null },
    { loginName: 'admin', displayName: '系统管理员', role: 'admin', password: adminPassword, mustChangePassword: true },
  );
  return { password, generated: adminPassword === undefined };
}

/** What the start that created the first admin prints, once (the password is stored only as an argon2id hash). */
export function firstAdminNotice(admin: { password: string; generated: boolean }): string {
  const password = admin.generated ? `密码 / password "${admin.password}"` : '密码为 ADMIN_PASSWORD 的值 / password from ADMIN_PASSWORD';
  return `\n  首个管理员已创建 / first admin created: login "admin", ${password}\n  首次登录时须修改此密码 / it must be changed at the first login.\n`;
}

export async function userOptions(db: Db, q?: string) {
  const rows = await db
    .selectFrom('users')
    .select(['id', 'login_name', 'display_name', 'role'])
    .$if(!!q, (qb) => qb.where((eb) => eb.or([eb('login_name', 'ilike', likePattern(q!)), eb('display_name', 'ilike', likePattern(q!))])))
    .orderBy('login_name')
    .limit(50)
    .execute();
  return rows.map((r) => ({ id: r.id, loginName: r.login_name, displayName: r.display_name, role: r.role }));
}
