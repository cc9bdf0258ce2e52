import type { AnyRouter } from '@trpc/server';
import type { Migration } from 'kysely/migration';
import type { Db } from '../db/create-db';
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
  /** The module's part of the demo county (`<domain>.demo.ts`), run by seeds/ in list order. */
  seed?: DemoSeedStep<unknown>;
  /**
   * How to bring every snapshot of the domain up to date (its metrics job's computation, for
   * everything, as of today). "Recompute now", the demo's last seed step and a closed month's
   * recompute run every module's in turn (snapshots.ts); `after` names modules whose snapshots
   * this one reads (training's conversion reads the outcomes livestream's recompute adds).
   */
  snapshots?: SnapshotStep;
}

export interface SnapshotStep {
  /** Everything of the domain as of `asOf` (default today in Asia/Shanghai; the demo passes its own today). */
  run: (db: Db, asOf?: string) => Promise<unknown>;
  after?: readonly string[];
}

/**
 * What every demo seed step is given. The demo runner (seeds/src/demo.ts) makes one per run and
 * passes the same object to each module's step in list order, so same seed and same today give
 * the same data.
 */
export interface DemoSeedContext {
  db: Db;
  /** Seeds the demo's random numbers. */
  seed: number;
  /** Today in Asia/Shanghai, or the day a test fixes. */
  today: string;
  /** The year the demo's targets are for. */
  year: number;
  /** The demo county's 12-digit code. */
  countyCode: string;
}

/** A module's demo seed step, whose output later steps read (e.g. the stations' operators for their users). */
export interface DemoSeedStep<Out> {
  run(ctx: DemoSeedContext): Promise<Out>;
  /** What the step produced in this run; throws if it has not run yet, i.e. the module list is out of order. */
  resultIn(ctx: DemoSeedContext): Out;
}

/** A demo seed step named for its module; it keeps its output per run, so a later step can read it typed. */
export function demoSeedStep<Out>(name: string, run: (ctx: DemoSeedContext) => Promise<Out>): DemoSeedStep<Out> {
  const results = new WeakMap<DemoSeedContext, { out: Out }>();
  return {
    async run(ctx) {
      const out = await run(ctx);
      results.set(ctx, { out });
      return out;
    },
    resultIn(ctx) {
      const result = results.get(ctx);
      if (!result) throw new Error(`demo seed step "${name}" has not run yet: modules/index.ts lists it after the step that reads it`);
      return result.out;
    },
  };
}

export function defineModule<const Name extends string, R extends AnyRouter, J extends Jobs = Record<never, never>>(manifest: {
  name: Name;
  router: R;
  jobs?: J;
  messages?: ModuleMessages;
  rules?: readonly RuleDefinition[];
  migrations?: Readonly<Record<string, Migration>>;
  seed?: DemoSeedStep<unknown>;
  snapshots?: SnapshotStep;
}): ModuleManifest<Name, R, J> {
  return {
    name: manifest.name,
    router: manifest.router,
    jobs: manifest.jobs ?? ({} as J),
    messages: manifest.messages ?? { 'zh-CN': {}, en: {} },
    rules: manifest.rules ?? [],
    migrations: manifest.migrations ?? {},
    seed: manifest.seed,
    snapshots: manifest.snapshots,
  };
}
