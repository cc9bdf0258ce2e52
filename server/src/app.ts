import fs from 'node:fs';
import path from 'node:path';
import { getConnInfo } from '@hono/node-server/conninfo';
import { serveStatic } from '@hono/node-server/serve-static';
import { trpcServer } from '@hono/trpc-server';
import type { FetchCreateContextFnOptions } from '@trpc/server/adapters/fetch';
import { Hono, type Context as HonoContext } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { repoRoot } from './config';
import { VERSION } from './version';

export { VERSION };
import { pingDb } from './db/create-db';
import { withTimeout } from './lib/timeout';
import { pickLang, translate } from './i18n/messages';
import { resolveSession } from './modules/auth/auth.service';
import { clearedSessionCookie, readSessionCookie } from './modules/auth/session-token';
import { appRouter } from './router';
import type { AppDeps, Context } from './trpc/context';

export const CLIENT_DIST = path.join(repoRoot, 'client/dist');

function clientIp(c: HonoContext, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // app.request() in tests has no socket
  }
}

function isSecure(c: HonoContext, trustProxy: boolean): boolean {
  return ownOrigin(c, trustProxy).startsWith('https:');
}

/** The origin the browser sees: behind a trusted proxy, from X-Forwarded-Proto and -Host. */
function ownOrigin(c: HonoContext, trustProxy: boolean): string {
  const url = new URL(c.req.url);
  const proto = (trustProxy && c.req.header('x-forwarded-proto')?.split(',')[0]?.trim()) || url.protocol.replace(':', '');
  const host = (trustProxy && c.req.header('x-forwarded-host')?.split(',')[0]?.trim()) || url.host;
  return `${proto}://${host}`;
}

export async function createContext(deps: AppDeps, opts: FetchCreateContextFnOptions, c: HonoContext): Promise<Context> {
  const trustProxy = deps.config.TRUST_PROXY;
  const sessionToken = readSessionCookie(c.req.header('cookie'));
  const session = await resolveSession(deps.db, sessionToken, deps.config.SESSION_TTL_HOURS);
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
    const lang = pickLang(c.req.header('x-cuntong-lang'), c.req.header('accept-language'));
    return c.json(
      {
        error: {
          message: translate(lang, 'CSRF_ORIGIN_MISMATCH'),
          code: -32003,
          data: { code: 'FORBIDDEN', httpStatus: 403, appCode: 'CSRF_ORIGIN_MISMATCH', params: {} },
        },
      },
      403,
    );
  };
}

export function createApp(deps: AppDeps, options: { clientDir?: string } = {}): Hono {
  const app = new Hono();
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

  app.use('/trpc/*', originGuard(deps));
  app.use(
    '/trpc/*',
    trpcServer({
      router: appRouter,
      createContext: (opts, c) => createContext(deps, opts, c as HonoContext) as unknown as Record<string, unknown>,
    }),
  );

  const clientDir = options.clientDir ?? CLIENT_DIST;
  if (fs.existsSync(path.join(clientDir, 'index.html'))) {
    const indexHtml = fs.readFileSync(path.join(clientDir, 'index.html'), 'utf8');
    app.use('/assets/*', async (c, next) => {
      await next();
      if (c.res.ok) c.header('Cache-Control', 'public, max-age=31536000, immutable'); // hashed file names
    });
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
