import type { Config } from '../config';
import type { Db } from '../db/create-db';
import type { Lang } from '../i18n/messages';
import type { JobQueue } from '../jobs/queue';
import type { Logger } from '../lib/logger';
import type { Actor } from '../modules/auth/actor';

/** What the app is built from: created once at boot and shared by every request. */
export interface AppDeps {
  db: Db;
  /**
   * Where query procedures and exports read (see readsOnReadPool in trpc.ts): a pool with a
   * statement timeout on PostgreSQL. Absent (tests calling procedures directly): `db`.
   */
  readDb?: Db;
  queue: JobQueue;
  config: Config;
  log: Logger;
}

/** Per request: who is calling, from where, in which language; plus where to put response headers. */
export interface RequestInfo {
  ip: string;
  userAgent: string | null;
  lang: Lang;
  /** Set-Cookie and other headers the procedure wants on the response. */
  resHeaders: Headers;
  /** true when the request arrived over https (directly or behind a proxy): cookies get `Secure`. */
  secure: boolean;
  /** The raw session cookie, if any. */
  sessionToken: string | null;
}

export interface Context extends AppDeps, RequestInfo {
  actor: Actor | null;
  /** The session row id (a hash of the cookie token) when the caller is logged in. */
  sessionId: string | null;
  /** Why there is no actor although a cookie came: the client sends the user back to login. */
  sessionProblem: 'expired' | null;
  /** A user given a one-time password may do nothing but change it (and log out). */
  mustChangePassword: boolean;
}

/** The audit "who" of a logged-in request. */
export function auditWho(ctx: { actor: { id: number; loginName: string } | null; ip: string }) {
  return { id: ctx.actor?.id ?? null, loginName: ctx.actor?.loginName ?? null, ip: ctx.ip };
}
