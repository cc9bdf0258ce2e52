import type { Lang } from '@cuntong/server/i18n/messages';
import { appRouter } from '@cuntong/server/router';
import type { AppDeps } from '@cuntong/server/trpc/context';
import { contextFor } from './harness';

type FormatterOptions = Parameters<typeof appRouter._def._config.errorFormatter>[0];

/** A refused call as the client would see it: tRPC code, the app's code and params, and the translated message. */
export interface Refusal {
  code: string;
  appCode: string;
  params: Record<string, string | number>;
  message: string;
}

/**
 * Await a caller call that must fail, then run the error through the router's own error formatter
 * (the one the HTTP layer uses), so caller tests can assert `appCode` and the user's message.
 */
export async function refusal(deps: AppDeps, call: Promise<unknown>, lang: Lang = 'zh-CN'): Promise<Refusal> {
  const error = await call.then(
    () => {
      throw new Error('expected the call to be refused, but it succeeded');
    },
    (err: unknown) => {
      if ((err as Error)?.name !== 'TRPCError') throw err;
      return err as FormatterOptions['error'];
    },
  );
  const shape = appRouter._def._config.errorFormatter({
    error,
    type: 'unknown',
    path: undefined,
    input: undefined,
    ctx: contextFor(deps, null, { lang }),
    shape: { message: error.message, code: -32600, data: { code: error.code, httpStatus: 0 } },
  });
  return { code: error.code, appCode: shape.data.appCode, params: shape.data.params, message: shape.message };
}
