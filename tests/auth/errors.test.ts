import { describe, expect, it, vi } from 'vitest';
import { AppError } from '@cuntong/server/lib/app-error';
import { actorSchema, loginInput } from '@cuntong/server/modules/auth/auth.schemas';
import type { AppDeps, Context } from '@cuntong/server/trpc/context';
import { createCallerFactory, publicProcedure, router } from '@cuntong/server/trpc/trpc';
import { refusal } from '../support/refusal';

/**
 * The one error formatter: what a caller is told for a bad input, a domain error and a server bug.
 * A throwaway router built from the app's own procedure base, so no database is needed.
 */
describe('error formatting', () => {
  const testRouter = router({
    brokenOutput: publicProcedure.output(actorSchema).query(() => ({ id: 'not-a-number' }) as never),
    echo: publicProcedure.input(loginInput).query(({ input }) => input.loginName),
    domain: publicProcedure.query(() => {
      throw new AppError('REGION_NOT_FOUND', 'NOT_FOUND', { code: '370481199000' });
    }),
  });

  function setup() {
    const log = { error: vi.fn(), warn: vi.fn(), info: vi.fn(), debug: vi.fn() };
    const deps = { log } as unknown as AppDeps;
    const caller = createCallerFactory(testRouter)({ lang: 'zh-CN', log, actor: null, sessionProblem: null } as unknown as Context);
    return { log, deps, caller };
  }

  it('a bad input is BAD_INPUT, with the fields that are wrong', async () => {
    const { deps, caller, log } = setup();
    const refused = await refusal(deps, caller.echo({ loginName: '', password: 'x' }));
    expect(refused.code).toBe('BAD_REQUEST');
    expect(refused.appCode).toBe('BAD_INPUT');
    expect(refused.params.detail).toMatch(/^loginName: /);
    expect(refused.message).toMatch(/^输入有误：loginName: /);
    expect(log.error).not.toHaveBeenCalled();
  });

  it('a domain error keeps its code and params, in the caller\'s language', async () => {
    const { deps, caller } = setup();
    expect(await refusal(deps, caller.domain())).toEqual({
      code: 'NOT_FOUND',
      appCode: 'REGION_NOT_FOUND',
      params: { code: '370481199000' },
      message: '行政区划 370481199000 不存在。',
    });
    expect((await refusal(deps, caller.domain(), 'en')).message).toBe('Region 370481199000 does not exist.');
  });

  it('an output that breaks its own schema is an internal error, logged, not blamed on the input', async () => {
    const { deps, caller, log } = setup();
    const refused = await refusal(deps, caller.brokenOutput());
    expect(refused).toEqual({
      code: 'INTERNAL_SERVER_ERROR',
      appCode: 'INTERNAL',
      params: {},
      message: '服务器出错了，请稍后再试。如果一直出现，请联系管理员。',
    });
    expect(log.error).toHaveBeenCalledTimes(1);
  });
});
