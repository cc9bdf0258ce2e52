import type { Db } from '../db/create-db';
import type { Lang } from '../i18n/messages';
import type { JobQueue } from '../jobs/queue';
import type { Logger } from '../lib/logger';
import type { Actor } from './auth/actor';
import type { AuditWho } from './audit/audit.service';

/** What a service needs of the platform: the database, the job queue and the log. Jobs and seeds have these too. */
export interface ServiceDeps {
  db: Db;
  queue: JobQueue;
  log: Logger;
}

/**
 * One logged-in request, as every service sees it: built once by the tRPC middleware
 * (trpc.ts: authedProcedure), so a service is `(ctx: ServiceContext, input)` and never reads the
 * transport. `db` is the read pool for queries and exports (readsOnReadPool), the main pool for
 * writes; `who` is what the audit log records.
 */
export interface ServiceContext extends ServiceDeps {
  actor: Actor;
  lang: Lang;
  who: AuditWho;
}

/**
 * What an audited write needs: the database and who the audit log records. A request's
 * ServiceContext is one; a seed or a job without a user passes `{ db, who: SYSTEM_ACTOR }`.
 */
export type WriteContext = Pick<ServiceContext, 'db' | 'who'>;

/** A request's context with the county this deployment serves (HOME_COUNTY_CODE): where targets, the cockpit and the report look. */
export function withHomeCounty<C extends { config: { HOME_COUNTY_CODE: string } }>(ctx: C): C & { countyCode: string } {
  return { ...ctx, countyCode: ctx.config.HOME_COUNTY_CODE };
}
