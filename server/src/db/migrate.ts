import { Migrator, type Migration, type MigrationResultSet } from 'kysely/migration';
import { modules } from '../modules';
import type { Db } from './create-db';
import { migrations as sharedMigrations } from './migrations';

/**
 * db/migrations and every module's own (modules/index.ts), by name: Kysely runs them in name order,
 * so a module's migration takes its place among the others by its date. A name twice is refused.
 */
export function allMigrations(list: readonly { name: string; migrations: Readonly<Record<string, Migration>> }[] = modules): Record<string, Migration> {
  const all: Record<string, Migration> = { ...sharedMigrations };
  for (const mod of list) {
    for (const [name, migration] of Object.entries(mod.migrations)) {
      if (name in all) throw new Error(`migration ${name} (module ${mod.name}) is declared twice`);
      all[name] = migration;
    }
  }
  return all;
}

/** Bring the schema to the latest migration. Safe to run on every start and from several processes at once. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrations = allMigrations();
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    throw new Error(`migration ${failed?.migrationName ?? '?'} failed: ${String(result.error)}`, { cause: result.error });
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
