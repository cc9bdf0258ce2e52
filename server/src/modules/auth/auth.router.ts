import { z } from 'zod';
import { adminProcedure, authedProcedure, publicProcedure, router } from '../../trpc/trpc';
import {
  actorSchema,
  changePasswordInput,
  createUserInput,
  loginInput,
  loginOutput,
  updateUserInput,
  userListInput,
  userExportInput,
  userListOutput,
  userOption,
  userSchema,
} from './auth.schemas';
import { exportList, exportOutput } from '../../lib/excel';
import { idSchema } from '../../lib/schema';
import { changeOwnPassword, login, logout } from './auth.service';
import { clearedSessionCookie, sessionCookie } from './session-token';
import { createUser, getUser, listUsers, resetPassword, setUserDisabled, updateUser, userOptions } from './users.service';

const sessionRouter = router({
  login: publicProcedure
    .input(loginInput)
    .output(loginOutput)
    .mutation(async ({ ctx, input }) => {
      const result = await login({ db: ctx.db, sessionTtlHours: ctx.config.SESSION_TTL_HOURS }, ctx, input);
      ctx.resHeaders.append('Set-Cookie', sessionCookie(result.token, ctx.config.SESSION_TTL_HOURS * 3600, ctx.secure));
      return { actor: result.actor, expiresAt: result.expiresAt.toISOString(), mustChangePassword: result.mustChangePassword };
    }),
  logout: authedProcedure.output(z.object({ ok: z.literal(true) })).mutation(async ({ ctx }) => {
    await logout(ctx.db, ctx.actor, ctx.sessionId!, ctx.ip);
    ctx.resHeaders.append('Set-Cookie', clearedSessionCookie(ctx.secure));
    return { ok: true as const };
  }),
  /** Who am I; null when not logged in (with `expired` when a stale cookie came). */
  me: publicProcedure
    .output(z.object({ actor: actorSchema.nullable(), sessionProblem: z.enum(['expired']).nullable(), mustChangePassword: z.boolean() }))
    .query(({ ctx }) => ({ actor: ctx.actor, sessionProblem: ctx.sessionProblem, mustChangePassword: ctx.mustChangePassword })),
});

const passwordRouter = router({
  change: authedProcedure
    .input(changePasswordInput)
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await changeOwnPassword(ctx.db, ctx.actor, ctx.sessionId!, ctx.ip, input);
      return { ok: true as const };
    }),
});

const usersRouter = router({
  list: adminProcedure.input(userListInput).output(userListOutput).query(({ ctx, input }) => listUsers(ctx, input)),
  export: adminProcedure
    .input(userExportInput)
    .output(exportOutput)
    .mutation(({ ctx, input }) => exportList(input, 'users', (list) => listUsers(ctx, list))),
  /** Id and names for pickers (e.g. the audit filter), searchable. */
  options: adminProcedure
    .input(z.object({ q: z.string().trim().max(64).optional() }))
    .output(z.array(userOption))
    .query(({ ctx, input }) => userOptions(ctx, input)),
  get: adminProcedure
    .input(z.object({ id: idSchema }))
    .output(userSchema)
    .query(({ ctx, input }) => getUser(ctx, input)),
  create: adminProcedure
    .input(createUserInput)
    .output(z.object({ user: userSchema, password: z.string() }))
    .mutation(({ ctx, input }) => createUser(ctx, input)),
  update: adminProcedure
    .input(updateUserInput)
    .output(userSchema)
    .mutation(({ ctx, input }) => updateUser(ctx, input)),
  setDisabled: adminProcedure
    .input(z.object({ id: idSchema, disabled: z.boolean() }))
    .output(userSchema)
    .mutation(({ ctx, input }) => setUserDisabled(ctx, input)),
  resetPassword: adminProcedure
    .input(z.object({ id: idSchema, password: z.string().min(1).max(200).optional() }))
    .output(z.object({ password: z.string() }))
    .mutation(({ ctx, input }) => resetPassword(ctx, input)),
});

export const authRouter = router({ session: sessionRouter, password: passwordRouter, users: usersRouter });
