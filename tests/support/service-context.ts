import type { Config } from '@cuntong/server/config';
import { jobDefinitions } from '@cuntong/server/jobs/handlers';
import { createInlineQueue } from '@cuntong/server/jobs/inline-queue';
import { buildRegistry } from '@cuntong/server/jobs/registry';
import type { Actor } from '@cuntong/server/modules/auth/actor';
import type { ServiceContext, ServiceDeps } from '@cuntong/server/modules/service-context';
import { silentLog, testConfig } from './harness';

/**
 * A service's context for `actor`, as the authed tRPC middleware builds it (trpc.ts), over the
 * given deps (a harness's `deps`, or depsOver(db)); with the app's config (the test config unless given).
 */
export function serviceContext(deps: ServiceDeps & { config?: Config }, actor: Actor, extra: Partial<ServiceContext> = {}): ServiceContext & { config: Config } {
  return { ...deps, config: deps.config ?? testConfig, actor, lang: 'zh-CN', who: { id: actor.id, loginName: actor.loginName, ip: '127.0.0.1' }, ...extra };
}

/** Deps over a bare database (a bench's): the in-process queue, a silent log. */
export function depsOver(db: ServiceDeps['db']): ServiceDeps {
  return { db, log: silentLog, queue: createInlineQueue({ db, log: silentLog, registry: buildRegistry(jobDefinitions), runSchedules: false }) };
}
