import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import { translate, type Lang } from '../i18n/messages';
import { AppError } from '../lib/app-error';
import type { Role } from '../db/types';
import type { Context } from './context';

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
      issues = cause.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      params = { detail: issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ') };
    } else if (error.code === 'UNAUTHORIZED') {
      appCode = ctx?.sessionProblem === 'expired' ? 'SESSION_EXPIRED' : 'UNAUTHENTICATED';
    } else if (error.code === 'FORBIDDEN') {
      appCode = 'FORBIDDEN_ROLE';
    } else if (error.code === 'BAD_REQUEST' || error.code === 'PARSE_ERROR') {
      appCode = 'BAD_INPUT';
      params = { detail: error.message };
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

export const publicProcedure = t.procedure.use(appErrors);

/** What a user holding a one-time password may still call. */
const ALLOWED_BEFORE_PASSWORD_CHANGE = new Set(['auth.password.change', 'auth.session.logout']);

/** A logged-in, enabled user (who has replaced any one-time password). */
export const authedProcedure = publicProcedure.use(({ ctx, next, path }) => {
  if (!ctx.actor) throw new TRPCError({ code: 'UNAUTHORIZED' });
  if (ctx.mustChangePassword && !ALLOWED_BEFORE_PASSWORD_CHANGE.has(path)) {
    throw new AppError('AUTH_PASSWORD_CHANGE_REQUIRED', 'FORBIDDEN');
  }
  return next({ ctx: { ...ctx, actor: ctx.actor } });
});

/** A logged-in user with one of these roles. Row scope is checked in the service, not here. */
export function roleProcedure(...roles: Role[]) {
  return authedProcedure.use(({ ctx, next }) => {
    if (!roles.includes(ctx.actor.role)) throw new TRPCError({ code: 'FORBIDDEN' });
    return next();
  });
}

export const adminProcedure = roleProcedure('admin');
