import fs from 'node:fs';
import path from 'node:path';
import { getConnInfo } from '@hono/node-server/conninfo';
import { serveStatic } from '@hono/node-server/serve-static';
import { compress } from 'hono/compress';
import { trpcServer } from '@hono/trpc-server';
import type { FetchCreateContextFnOptions } from '@trpc/server/adapters/fetch';
import { Hono, type Context as HonoContext } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import { repoRoot } from './config';
import { VERSION } from './version';

export { VERSION };
import { pingDb } from './db/create-db';
import { withTimeout } from './lib/timeout';
import { pickLang, translate, type MessageKey, type MessageParams } from './i18n/messages';
import { BODY_LIMITS } from './lib/upload-limits';
import { resolveSession, type ResolvedSession } from './modules/auth/auth.service';
import { clearedSessionCookie, readSessionCookie } from './modules/auth/session-token';
import { appRouter } from './router';
import type { AppDeps, Context } from './trpc/context';
import { createRequestLimiter, limitRequests } from './trpc/limiter';
import { createSessionCache } from './trpc/session-cache';

export const CLIENT_DIST = path.join(repoRoot, 'client/dist');
/** Calls in one tRPC batch (the client's httpBatchLink sends at most this many). */
export const MAX_BATCH = 20;

/** What a request carries between middlewares: its session, resolved once (see sessionFromCookie). */
type AppEnv = { Variables: { session?: ResolvedSession } };

/**
 * The caller's address, as throttling and the audit log record it. Behind `proxies` trusted proxies
 * it is the entry the outermost of them appended to X-Forwarded-For: the N-th from the right. Entries
 * left of it were written by the client and prove nothing (a rotating forged first entry must not
 * make each guess look like a new address). Fewer entries than proxies: the left-most.
 */
export function clientIp(c: HonoContext, proxies: number): string {
  if (proxies > 0) {
    const hops = (c.req.header('x-forwarded-for') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (hops.length) return hops[Math.max(0, hops.length - proxies)].slice(0, 64);
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // app.request() in tests has no socket
  }
}

function isSecure(c: HonoContext, proxies: number): boolean {
  return ownOrigin(c, proxies).startsWith('https:');
}

/** The origin the browser sees: behind a trusted proxy, from X-Forwarded-Proto and -Host. */
function ownOrigin(c: HonoContext, proxies: number): string {
  const trustProxy = proxies > 0;
  const url = new URL(c.req.url);
  const proto = (trustProxy && c.req.header('x-forwarded-proto')?.split(',')[0]?.trim()) || url.protocol.replace(':', '');
  const host = (trustProxy && c.req.header('x-forwarded-host')?.split(',')[0]?.trim()) || url.host;
  return `${proto}://${host}`;
}

export async function createContext(deps: AppDeps, opts: FetchCreateContextFnOptions, c: HonoContext<AppEnv>): Promise<Context> {
  const trustProxy = deps.config.TRUST_PROXY;
  const sessionToken = readSessionCookie(c.req.header('cookie'));
  const session = c.get('session') ?? (await resolveSession(deps.db, sessionToken, deps.config.SESSION_TTL_HOURS));
  const secure = isSecure(c, trustProxy);
  if (session.problem === 'expired') opts.resHeaders.append('Set-Cookie', clearedSessionCookie(secure));
  return {
    ...deps,
    ip: clientIp(c, trustProxy),
    userAgent: c.req.header('user-agent') ?? null,
    lang: pickLang(c.req.header('x-cuntong-lang'), c.req.header('accept-language')),
    resHeaders: opts.resHeaders,
    secure,
    sessionToken,
    actor: session.actor,
    sessionId: session.sessionId,
    sessionProblem: session.problem,
    mustChangePassword: session.mustChangePassword,
  };
}

/** An answer refused before tRPC, shaped as tRPC's own errors so the client reads it the same way. */
function trpcShapedError(c: HonoContext, status: 403 | 413 | 429, code: { trpc: string; jsonRpc: number }, appCode: MessageKey, params: MessageParams = {}) {
  const lang = pickLang(c.req.header('x-cuntong-lang'), c.req.header('accept-language'));
  return c.json({ error: { message: translate(lang, appCode, params), code: code.jsonRpc, data: { code: code.trpc, httpStatus: status, appCode, params } } }, status);
}

/**
 * Mutations must come from the app's own pages: a browser request whose Origin is another site is
 * refused before it reaches a procedure. Requests without an Origin (curl, server-to-server) pass
 * unless the browser marks them cross-site.
 */
function originGuard(deps: AppDeps) {
  const extra = (deps.config.PUBLIC_ORIGIN ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return async (c: HonoContext, next: () => Promise<void>) => {
    if (['GET', 'HEAD', 'OPTIONS'].includes(c.req.method)) return next();
    const origin = c.req.header('origin');
    const own = ownOrigin(c, deps.config.TRUST_PROXY);
    const crossSite = origin ? origin !== own && !extra.includes(origin) : c.req.header('sec-fetch-site') === 'cross-site';
    if (!crossSite) return next();
    return trpcShapedError(c, 403, { trpc: 'FORBIDDEN', jsonRpc: -32003 }, 'CSRF_ORIGIN_MISMATCH');
  };
}

/**
 * The session of a /trpc request, from its cookie, before the body is read: the body limit depends
 * on it, and createContext takes it from here (one lookup a request, none while trpc/session-cache.ts
 * holds it).
 */
function sessionFromCookie(deps: AppDeps) {
  const sessions = createSessionCache((token) => resolveSession(deps.db, token, deps.config.SESSION_TTL_HOURS), deps.config.SESSION_CACHE_SECONDS);
  return async (c: HonoContext<AppEnv>, next: () => Promise<void>) => {
    try {
      c.set('session', await sessions.resolve(readSessionCookie(c.req.header('cookie'))));
    } catch {
      // the database is failing: createContext asks again inside tRPC, which answers in its own shape
    }
    await next();
  };
}

/**
 * Calls in flight and per minute, per session and per address, and reads in flight server-wide
 * (trpc/limiter.ts): past them, 429 at once, before the session is looked up.
 */
function requestLimits(deps: AppDeps) {
  const { config } = deps;
  const limiter = createRequestLimiter({
    // what the read pool runs and lets wait; past it the pool would refuse anyway, at a higher cost
    readsInFlight: config.DB_READ_POOL_SIZE + config.DB_READ_QUEUE,
    sessionInFlight: config.LIMIT_SESSION_IN_FLIGHT,
    sessionPerMinute: config.LIMIT_SESSION_PER_MINUTE,
    addressInFlight: config.LIMIT_ADDRESS_IN_FLIGHT,
    addressPerMinute: config.LIMIT_ADDRESS_PER_MINUTE,
  });
  return limitRequests(
    limiter,
    (c) => ({ session: readSessionCookie(c.req.header('cookie')), address: clientIp(c, config.TRUST_PROXY) }),
    (c) => trpcShapedError(c, 429, { trpc: 'TOO_MANY_REQUESTS', jsonRpc: -32029 }, 'RATE_LIMITED'),
  );
}

/**
 * Bodies are limited before anything reads them (BODY_LIMITS): a few KB without a session, the
 * largest upload with one. hono's bodyLimit refuses a declared Content-Length at once and counts a
 * chunked body as it arrives.
 */
function requestBodyLimit() {
  const size = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.round(bytes / 1024)} KB`);
  const limit = (maxSize: number) => {
    const refuse = (c: HonoContext) => trpcShapedError(c, 413, { trpc: 'PAYLOAD_TOO_LARGE', jsonRpc: -32013 }, 'REQUEST_TOO_LARGE', { max: size(maxSize) });
    const counted = bodyLimit({ maxSize, onError: refuse });
    return async (c: HonoContext, next: () => Promise<void>) => {
      // Decided from the headers where they tell the size: hono's bodyLimit first asks for
      // c.req.raw.body, which on @hono/node-server builds a whole Request and body stream for every
      // call, GETs included (a tenth of a check-in's CPU).
      if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
      const length = c.req.header('content-length');
      if (length !== undefined && c.req.header('transfer-encoding') === undefined) return Number(length) > maxSize ? refuse(c) : next();
      return counted(c, next);
    };
  };
  const anonymous = limit(BODY_LIMITS.anonymous);
  const signedIn = limit(BODY_LIMITS.signedIn);
  return (c: HonoContext<AppEnv>, next: () => Promise<void>) => (c.get('session')?.actor ? signedIn : anonymous)(c, next);
}

export function createApp(deps: AppDeps, options: { clientDir?: string } = {}): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    if (c.req.path === '/healthz' || c.req.path.startsWith('/assets/')) return;
    deps.log.info({ method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) }, 'request');
  });
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"], // Element Plus sets inline styles
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
      },
      referrerPolicy: 'same-origin',
      strictTransportSecurity: false, // set by the TLS-terminating proxy, which knows whether HTTPS is in use
    }),
  );

  app.get('/healthz', async (c) => {
    const body: Record<string, string> = { db: 'ok', queue: deps.queue.kind, version: VERSION };
    let healthy = true;
    try {
      await pingDb(deps.db);
    } catch (err) {
      healthy = false;
      body.db = 'error';
      body.dbError = err instanceof Error ? err.message : String(err);
    }
    if (deps.queue.kind === 'bullmq') {
      try {
        await withTimeout(deps.queue.ping(), 2000, 'redis');
        body.redis = 'ok';
      } catch (err) {
        healthy = false;
        body.redis = 'error';
        body.redisError = err instanceof Error ? err.message : String(err);
      }
    }
    return c.json(body, healthy ? 200 : 503);
  });

  // Every API answer is someone's data: no browser cache (a shared office computer's back button) or
  // proxy may keep a copy. Set after the rest, so refusals made before tRPC carry it too.
  app.use('/trpc/*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  });
  app.use('/trpc/*', originGuard(deps));
  app.use('/trpc/*', requestLimits(deps));
  app.use('/trpc/*', sessionFromCookie(deps));
  app.use('*', requestBodyLimit());
  app.use(
    '/trpc/*',
    trpcServer({
      router: appRouter,
      maxBatchSize: MAX_BATCH,
      createContext: (opts, c) => createContext(deps, opts, c as HonoContext<AppEnv>) as unknown as Record<string, unknown>,
    }),
  );

  const clientDir = options.clientDir ?? CLIENT_DIST;
  if (fs.existsSync(path.join(clientDir, 'index.html'))) {
    const indexHtml = fs.readFileSync(path.join(clientDir, 'index.html'), 'utf8');
    app.use('/assets/*', async (c, next) => {
      await next();
      if (c.res.ok) c.header('Cache-Control', 'public, max-age=31536000, immutable'); // hashed file names
    });
    // The service worker (and what registers it and describes the app) is asked for again at every
    // visit, so a new build reaches phones at their next visit; its scope is the whole site ('/').
    for (const file of ['/sw.js', '/registerSW.js', '/manifest.webmanifest']) {
      app.use(file, async (c, next) => {
        await next();
        if (c.res.ok) c.header('Cache-Control', 'no-cache');
        if (c.res.ok && file === '/manifest.webmanifest') c.header('Content-Type', 'application/manifest+json');
      });
    }
    // The shell goes out gzipped (brotli where the runtime has it): on a 750 kbit/s line a first visit
    // waits for the bytes. The API answers are not compressed here (they are small and not cached).
    app.use('*', compress());
    app.use('*', serveStatic({ root: clientDir }));
    // SPA fallback: any other GET that is not the API is a client route.
    app.get('*', (c) => (c.req.path.startsWith('/trpc') ? c.notFound() : c.html(indexHtml)));
  } else {
    app.get('/', (c) =>
      c.html('<!doctype html><meta charset="utf-8"><div id="app">客户端尚未构建，请运行 pnpm build。 The client is not built: run pnpm build.</div>', 503),
    );
  }
  return app;
}
