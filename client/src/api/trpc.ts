import type { AppRouter } from '@cuntong/server/router';
import { createTRPCClient, httpBatchLink, TRPCClientError, type TRPCLink } from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { tap } from '@trpc/server/observable';
import { currentLang } from '@/i18n';

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type Actor = NonNullable<RouterOutputs['auth']['session']['me']['actor']>;
export type Role = Actor['role'];
export type ApiError = TRPCClientError<AppRouter>;

/** Procedures whose UNAUTHORIZED is an answer for the page itself, not "your session is gone". */
const OWN_AUTH_PATHS = new Set(['auth.session.login', 'auth.session.logout']);

type UnauthorizedHandler = (error: ApiError) => void;
let unauthorizedHandler: UnauthorizedHandler | null = null;

/** Called once at start-up (router/guard.ts): what to do when the session is gone mid-use. */
export function onUnauthorized(handler: UnauthorizedHandler): void {
  unauthorizedHandler = handler;
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof TRPCClientError;
}

export function isUnauthorized(error: unknown): boolean {
  return isApiError(error) && error.data?.code === 'UNAUTHORIZED';
}

const sessionLink: TRPCLink<AppRouter> = () => ({ op, next }) =>
  next(op).pipe(
    tap({
      error(error) {
        if (!OWN_AUTH_PATHS.has(op.path) && isUnauthorized(error)) unauthorizedHandler?.(error);
      },
    }),
  );

export const trpc = createTRPCClient<AppRouter>({
  links: [
    sessionLink,
    // Same origin, so fetch sends the httpOnly session cookie by default. The server answers
    // errors in the language named here.
    // At most 20 calls a batch: the server refuses bigger ones (MAX_BATCH in server/src/app.ts).
    httpBatchLink({ url: '/trpc', maxItems: 20, headers: () => ({ 'x-cuntong-lang': currentLang() }) }),
  ],
});
