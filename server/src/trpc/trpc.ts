import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError, ZodRealError } from 'zod';
import { translate, type Lang } from '../i18n/messages';
import { AppError } from '../lib/app-error';
import { findUnstorableText, inLanguage, UNSTORABLE_TEXT_MESSAGE } from '../lib/schema';
import type { Role } from '../db/types';
import type { Context } from './context';
import { sessionsChanged } from './session-cache';
import type { ServiceContext } from '../modules/service-context';

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error, ctx }) {
    const lang: Lang = ctx?.lang ?? 'zh-CN';
    const cause = error.cause;
    let appCode: string;
    let params: Record<string, string | number> = {};
    let issues: { path: string; message: string }[] | undefined;
    if (cause instanceof AppError) {
      appCode = cause.code;
      params = cause.params;
    } else if (cause instanceof ZodError && error.code === 'BAD_REQUEST') {
      // only a bad *input*; a ZodError from output validation is the server breaking its own contract
      appCode = 'BAD_INPUT';
      issues = cause.issues.map((i) => ({ path: i.path.join('.'), message: inLanguage(i.message, lang) }));
      params = { detail: issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ') };
    } else if (error.code === 'UNAUTHORIZED') {
      appCode = ctx?.sessionProblem === 'expired' ? 'SESSION_EXPIRED' : 'UNAUTHENTICATED';
    } else if (error.code === 'FORBIDDEN') {
      appCode = 'FORBIDDEN_ROLE';
    } else if (error.code === 'BAD_REQUEST' || error.code === 'PARSE_ERROR') {
      appCode = 'BAD_INPUT';
      params = { detail: error.message };
    } else if (error.code === 'NOT_FOUND') {
      // a path no procedure has (services' own "not found" are AppErrors, above)
      appCode = 'PROCEDURE_NOT_FOUND';
    } else if (error.code === 'METHOD_NOT_SUPPORTED') {
      // a mutation sent as GET, or a query as POST
      appCode = 'METHOD_NOT_SUPPORTED';
    } else {
      // Never a raw database or library error to the user; the log keeps the detail.
      appCode = 'INTERNAL';
      ctx?.log.error({ err: error.cause ?? error, path: shape.data.path }, 'unhandled error in procedure');
    }
    const message = translate(lang, appCode as Parameters<typeof translate>[1], params);
    return {
      ...shape,
      message,
      data: { code: shape.data.code, httpStatus: shape.data.httpStatus, path: shape.data.path, appCode, params, issues },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Domain errors thrown by services become tRPC errors with the matching transport code. */
const appErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof AppError) {
    const appError = result.error.cause;
    throw new TRPCError({ code: appError.kind, message: appError.code, cause: appError });
  }
  return result;
});

/** Exports page through a list like the list does, though they are mutations (a file comes back). */
const EXPORT_PATH = /(^|\.)(export|\w+Export)$/;
/** SQLSTATE query_canceled: the read pool's statement_timeout struck. */
const STATEMENT_TIMEOUT = '57014';

/**
 * Query procedures and exports read on the read pool (ctx.readDb): a burst of lists waits for its
 * few connections and times out there, while logins, check-ins and the ledger keep the main pool.
 */
const readsOnReadPool = t.middleware(async ({ ctx, type, path, next }) => {
  const reads = type === 'query' || EXPORT_PATH.test(path);
  const result = reads && ctx.readDb ? await next({ ctx: { ...ctx, db: ctx.readDb } }) : await next();
  if (!result.ok && (result.error.cause as { code?: unknown } | undefined)?.code === STATEMENT_TIMEOUT) {
    throw new AppError('QUERY_TIMEOUT', 'BAD_REQUEST');
  }
  return result;
});

/**
 * Text PostgreSQL cannot store (a NUL byte, a lone surrogate) is refused in any string or key of any
 * procedure's input, before its schema runs: one 400 in the caller's language instead of a 500 from
 * the database or from the audit log's JSON, and no schema can forget it.
 */
const storableInput = t.middleware(async ({ getRawInput, next }) => {
  const found = findUnstorableText(await getRawInput());
  if (found) {
    const path = found.length > 20 ? [...found.slice(0, 20), '…'] : found; // named, not spelled out, in a hostile nesting
    throw new TRPCError({ code: 'BAD_REQUEST', cause: new ZodRealError([{ code: 'custom', path, message: UNSTORABLE_TEXT_MESSAGE, input: undefined }]) });
  }
  return next();
});

/** Users and sessions change only through auth.* mutations: each one empties the session caches. */
const authChanges = t.middleware(async ({ type, path, next }) => {
  const result = await next();
  if (result.ok && type === 'mutation' && path.startsWith('auth.')) sessionsChanged();
  return result;
});

export const publicProcedure = t.procedure.use(appErrors).use(readsOnReadPool).use(authChanges).use(storableInput);

/** What a user holding a one-time password may still call. */
const ALLOWED_BEFORE_PASSWORD_CHANGE = new Set(['auth.password.change', 'auth.session.logout']);

/**
 * A logged-in, enabled user (who has replaced any one-time password). Its context is a
 * ServiceContext (db, queue, log, actor, lang, who): procedures hand `ctx` to services as it is.
 */
export const authedProcedure = publicProcedure.use(({ ctx, next, path }) => {
  if (!ctx.actor) throw new TRPCError({ code: 'UNAUTHORIZED' });
  if (ctx.mustChangePassword && !ALLOWED_BEFORE_PASSWORD_CHANGE.has(path)) {
    throw new AppError('AUTH_PASSWORD_CHANGE_REQUIRED', 'FORBIDDEN');
  }
  const actor = ctx.actor;
  return next({ ctx: { ...ctx, actor, who: { id: actor.id, loginName: actor.loginName, ip: ctx.ip } } satisfies ServiceContext });
});

/** A logged-in user with one of these roles. Row scope is checked in the service, not here. */
export function roleProcedure(...roles: Role[]) {
  return authedProcedure.use(({ ctx, next }) => {
    if (!roles.includes(ctx.actor.role)) throw new TRPCError({ code: 'FORBIDDEN' });
    return next();
  });
}

export const adminProcedure = roleProcedure('admin');
