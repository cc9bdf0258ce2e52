import { sql, type Kysely } from 'kysely';
import type { Db } from '../../db/create-db';
import type { Database, Role, ScopeKind, User } from '../../db/types';
import type { ActorScopes } from './actor';

type Executor = Kysely<Database>;

export function findUserByLogin(db: Executor, loginName: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('login_name', '=', loginName).executeTakeFirst();
}

export function findUserById(db: Executor, id: number): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

const SCOPE_FIELD: Record<ScopeKind, keyof ActorScopes> = { region: 'regions', station: 'stations', base: 'bases' };

export async function scopesOf(db: Executor, userIds: number[]): Promise<Map<number, ActorScopes>> {
  const map = new Map<number, ActorScopes>(userIds.map((id) => [id, { regions: [], stations: [], bases: [] }]));
  if (userIds.length === 0) return map;
  const rows = await db
    .selectFrom('user_scopes')
    .select(['user_id', 'kind', 'ref'])
    .where('user_id', 'in', userIds)
    .orderBy('ref')
    .execute();
  for (const r of rows) map.get(r.user_id)![SCOPE_FIELD[r.kind]].push(r.ref);
  return map;
}

export async function replaceScopes(db: Executor, userId: number, kind: ScopeKind | null, refs: string[]): Promise<void> {
  await db.deleteFrom('user_scopes').where('user_id', '=', userId).execute();
  if (kind && refs.length) {
    await db
      .insertInto('user_scopes')
      .values([...new Set(refs)].map((ref) => ({ user_id: userId, kind, ref })))
      .execute();
  }
}

export interface SessionWithUser {
  sessionId: string;
  expiresAt: Date;
  lastSeenAt: Date;
  user: Pick<User, 'id' | 'login_name' | 'display_name' | 'role' | 'disabled_at' | 'must_change_password'>;
  scopes: ActorScopes;
}

export async function findSession(db: Db, sessionId: string): Promise<SessionWithUser | undefined> {
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['s.id', 's.expires_at', 's.last_seen_at', 'u.id as user_id', 'u.login_name', 'u.display_name', 'u.role', 'u.disabled_at', 'u.must_change_password'])
    // the scopes in the same round trip: every request resolves its session first
    .select(sql<{ kind: ScopeKind; ref: string }[]>`(select coalesce(json_agg(json_build_object('kind', us.kind, 'ref', us.ref) order by us.ref), '[]') from user_scopes us where us.user_id = u.id)`.as('scopes'))
    .where('s.id', '=', sessionId)
    .executeTakeFirst();
  if (!row) return undefined;
  const scopes: ActorScopes = { regions: [], stations: [], bases: [] };
  for (const r of row.scopes) scopes[SCOPE_FIELD[r.kind]].push(r.ref);
  return {
    sessionId: row.id,
    expiresAt: new Date(row.expires_at),
    lastSeenAt: new Date(row.last_seen_at),
    user: { id: row.user_id, login_name: row.login_name, display_name: row.display_name, role: row.role as Role, disabled_at: row.disabled_at, must_change_password: row.must_change_password },
    scopes,
  };
}

export async function deleteSessionsOf(db: Executor, userId: number, exceptSessionId?: string): Promise<void> {
  await db
    .deleteFrom('sessions')
    .where('user_id', '=', userId)
    .$if(!!exceptSessionId, (q) => q.where('id', '<>', exceptSessionId!))
    .execute();
}

/** Sessions past their expiry: a cookie that still names one is answered "expired" anyway. */
export async function deleteExpiredSessions(db: Executor, now = new Date()): Promise<number> {
  const result = await db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
