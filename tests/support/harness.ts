import { insertUser } from '@cuntong/seeds/factories';
import { createApp } from '@cuntong/server/app';
import { loadConfig } from '@cuntong/server/config';
import type { Role } from '@cuntong/server/db/types';
import { jobDefinitions } from '@cuntong/server/jobs/handlers';
import { createInlineQueue } from '@cuntong/server/jobs/inline-queue';
import type { JobQueue } from '@cuntong/server/jobs/queue';
import { buildRegistry } from '@cuntong/server/jobs/registry';
import { createLogger } from '@cuntong/server/lib/logger';
import type { Actor } from '@cuntong/server/modules/auth/actor';
import type { ScopeRefs } from '@cuntong/server/modules/auth/users.service';
import { createCaller } from '@cuntong/server/router';
import type { AppDeps, Context } from '@cuntong/server/trpc/context';
import { createTestDb, type TestDbOptions } from './db';

export const silentLog = createLogger('silent');
export const testConfig = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });

/** A tRPC context as the HTTP layer would build it, for a given actor (null: anonymous). */
export function contextFor(deps: AppDeps, actor: Actor | null, extra: Partial<Context> = {}): Context {
  return {
    ...deps,
    ip: '127.0.0.1',
    userAgent: 'vitest',
    lang: 'zh-CN',
    resHeaders: new Headers(),
    secure: false,
    sessionToken: null,
    actor,
    sessionId: actor ? 'test-session' : null,
    sessionProblem: null,
    mustChangePassword: false,
    ...extra,
  };
}

export function actorOf(user: { id: number; loginName: string; displayName: string; role: Role; scopes: Actor['scopes'] }): Actor {
  return { id: user.id, loginName: user.loginName, displayName: user.displayName, role: user.role, scopes: user.scopes };
}

/**
 * Everything a test needs around one test database: the app's deps (in-process queue, silent log),
 * the Hono app for raw HTTP, callers for any actor, and users of any role.
 */
export async function createHarness(options: TestDbOptions & { queue?: (deps: Omit<AppDeps, 'queue'>) => JobQueue } = {}) {
  const dbHandle = await createTestDb(options);
  const base = { db: dbHandle.db, config: testConfig, log: silentLog };
  const queue = options.queue?.(base) ?? createInlineQueue({ ...base, registry: buildRegistry(jobDefinitions), runSchedules: false });
  const deps: AppDeps = { ...base, queue };
  const app = createApp(deps, { clientDir: '/nonexistent' });
  return {
    deps,
    db: dbHandle.db,
    driver: dbHandle.driver,
    app,
    caller: (actor: Actor | null, extra?: Partial<Context>) => createCaller(contextFor(deps, actor, extra)),
    async user(role: Role, overrides: { loginName?: string; password?: string; scopes?: ScopeRefs; mobile?: string } = {}) {
      const user = await insertUser(dbHandle.db, { role, ...overrides });
      return { ...user, actor: actorOf(user) };
    },
    async close() {
      await queue.close();
      await dbHandle.close();
    },
  };
}
export type Harness = Awaited<ReturnType<typeof createHarness>>;

/** Raw tRPC over HTTP, the way a crafted request would arrive. */
export async function trpcHttp(
  app: Harness['app'],
  path: string,
  options: { input?: unknown; cookie?: string; mutation?: boolean; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.cookie) headers.cookie = options.cookie;
  let res: Response;
  if (options.mutation) {
    headers['content-type'] = 'application/json';
    res = await app.request(`http://localhost/trpc/${path}`, { method: 'POST', headers, body: JSON.stringify(options.input ?? null) });
  } else {
    const query = options.input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(options.input))}`;
    res = await app.request(`http://localhost/trpc/${path}${query}`, { headers });
  }
  const body = (await res.json()) as {
    result?: { data: any };
    error?: { message: string; data: { code: string; appCode: string; params: Record<string, unknown>; httpStatus: number } };
  };
  return { status: res.status, body, setCookie: res.headers.getSetCookie(), headers: res.headers };
}

/** The `name=value` part of a Set-Cookie header, to send back as a Cookie header. */
export const cookiePair = (setCookie: string[]) => setCookie.map((c) => c.split(';')[0]).join('; ');
