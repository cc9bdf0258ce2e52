import type { Kysely } from 'kysely';
import type { Database, Role, User } from '../../db/types';
import { likePattern, offsetOf } from '../../lib/list';

type Executor = Kysely<Database>;

/** Of these livestream base ids, the ones that exist. */
export async function existingBaseIds(db: Executor, ids: number[]): Promise<Set<number>> {
  const rows = await db.selectFrom('livestream_bases').select('id').where('id', 'in', ids).execute();
  return new Set(rows.map((b) => b.id));
}

/** Of these region codes, the ones that exist. */
export async function existingRegionCodes(db: Executor, codes: string[]): Promise<Set<string>> {
  const rows = await db.selectFrom('regions').select('code').where('code', 'in', codes).execute();
  return new Set(rows.map((r) => r.code));
}

export function insertUser(
  db: Executor,
  row: { loginName: string; displayName: string; mobile: string | null; role: Role; passwordHash: string; mustChangePassword: boolean },
): Promise<User> {
  return db
    .insertInto('users')
    .values({
      login_name: row.loginName,
      display_name: row.displayName,
      mobile: row.mobile,
      role: row.role,
      password_hash: row.passwordHash,
      must_change_password: row.mustChangePassword,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function updateUserProfile(db: Executor, id: number, set: { displayName: string; mobile: string | null; role: Role }): Promise<User> {
  return db
    .updateTable('users')
    .set({ display_name: set.displayName, mobile: set.mobile, role: set.role, updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function setDisabledAt(db: Executor, id: number, disabledAt: Date | null): Promise<User> {
  return db.updateTable('users').set({ disabled_at: disabledAt, updated_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/** A password set by an admin: it must be changed at the next login. */
export async function setAdminPassword(db: Executor, id: number, passwordHash: string): Promise<void> {
  await db
    .updateTable('users')
    .set({ password_hash: passwordHash, must_change_password: true, password_changed_at: new Date(), updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export async function anyUserExists(db: Executor): Promise<boolean> {
  return !!(await db.selectFrom('users').select('id').limit(1).executeTakeFirst());
}

/** Login names and display names matching `q` (case-insensitive), or every user without it. */
function matching(db: Executor, q: string | undefined) {
  return db
    .selectFrom('users')
    .$if(!!q, (qb) => qb.where((eb) => eb.or([eb('login_name', 'ilike', likePattern(q!)), eb('display_name', 'ilike', likePattern(q!))])));
}

const SORT_COLUMNS = {
  loginName: 'login_name',
  displayName: 'display_name',
  role: 'role',
  createdAt: 'created_at',
  lastLoginAt: 'last_login_at',
} as const;

export interface UserPageQuery {
  page: number;
  pageSize: number;
  sort?: { key: keyof typeof SORT_COLUMNS; order: 'asc' | 'desc' };
  filter?: { q?: string; role?: Role; disabled?: boolean };
}

/** One page of users (login name order unless sorted) and how many match in all. */
export async function usersPage(db: Executor, input: UserPageQuery): Promise<{ rows: User[]; total: number }> {
  const f = input.filter ?? {};
  const base = matching(db, f.q)
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
  return { rows, total: Number(count.n) };
}

/** The first 50 users matching `q`, for a picker. */
export function userOptionRows(db: Executor, q?: string) {
  return matching(db, q).select(['id', 'login_name', 'display_name', 'role']).orderBy('login_name').limit(50).execute();
}
