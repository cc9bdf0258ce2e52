import type { AnyRouter } from '@trpc/server';
import type { Migration } from 'kysely/migration';
import type { ModuleMessages } from '../i18n/define';
import type { JobSpec } from '../jobs/job';
import type { RuleDefinition } from '../rules/define';

/** Job name (`<module>.<job>`, checked by the registry) → its spec. */
type Jobs = Record<string, JobSpec<any>>;

/**
 * One domain of the platform, as the rest of the server sees it. `modules/index.ts` lists them;
 * the app router, the job registry, the message catalogue, the rules and the migrator collect from
 * that list (docs/adding-a-domain.md).
 */
export interface ModuleManifest<Name extends string = string, R extends AnyRouter = AnyRouter, J extends Jobs = Jobs> {
  /** The router is mounted at this name; jobs are named `<name>.<job>`. */
  name: Name;
  router: R;
  /** Job name → payload schema, handler and how it runs (`<domain>.jobs.ts`). */
  jobs: J;
  /** The module's own error messages in every language (`<domain>.messages.ts`). */
  messages: ModuleMessages;
  /** The versioned rules the module reads (`<domain>.rules.ts`). */
  rules: readonly RuleDefinition[];
  /**
   * Migrations kept in the module's folder, by their date-ordered name; the migrator runs them with
   * db/migrations in name order. A name in both places is refused.
   */
  migrations: Readonly<Record<string, Migration>>;
}

export function defineModule<const Name extends string, R extends AnyRouter, J extends Jobs = Record<never, never>>(manifest: {
  name: Name;
  router: R;
  jobs?: J;
  messages?: ModuleMessages;
  rules?: readonly RuleDefinition[];
  migrations?: Readonly<Record<string, Migration>>;
}): ModuleManifest<Name, R, J> {
  return {
    name: manifest.name,
    router: manifest.router,
    jobs: manifest.jobs ?? ({} as J),
    messages: manifest.messages ?? { 'zh-CN': {}, en: {} },
    rules: manifest.rules ?? [],
    migrations: manifest.migrations ?? {},
  };
}
