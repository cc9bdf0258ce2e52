import crypto from 'node:crypto';
import { inject } from 'vitest';
import { createDb, type DbDriver, type DbHandle } from '@cuntong/server/db/create-db';
import { migrateToLatest } from '@cuntong/server/db/migrate';
import { importRegions } from '@cuntong/server/modules/regions/regions.import';
import pg from 'pg';
import { DATABASE_URL } from './env';

export interface TestDbOptions {
  /** Start with the national regions imported (default) or with an empty, migrated schema. */
  regions?: boolean;
  /** Force a driver; by default real PostgreSQL when DATABASE_URL is set, else PGlite. */
  driver?: DbDriver;
}

function urlFor(database: string): string {
  const url = new URL(DATABASE_URL!);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * A database of its own for a test file: on PostgreSQL a clone of the run's migrated template
 * (fast, independent, dropped on close); on PGlite a fresh in-memory instance, migrated.
 */
export async function createTestDb(options: TestDbOptions = {}): Promise<DbHandle> {
  const withRegions = options.regions ?? true;
  const driver = options.driver ?? (DATABASE_URL ? 'pg' : 'pglite');
  if (driver === 'pglite') {
    const handle = await createDb({ dataDir: 'memory' });
    await migrateToLatest(handle.db);
    if (withRegions) await importRegions(handle.db);
    return handle;
  }
  const templates = inject('templates');
  if (!templates) throw new Error('PostgreSQL tests need DATABASE_URL when the run starts');
  const name = `${templates.prefix}${crypto.randomBytes(6).toString('hex')}`;
  const template = withRegions ? templates.regions : templates.empty;
  await withAdmin(async (client) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query(`create database ${name} template ${template}`);
        return;
      } catch (err) {
        // two files cloning the same template at the same instant: PostgreSQL asks one to wait
        if (attempt >= 10 || !/being accessed by other users/.test(String(err))) throw err;
        await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
  });
  const handle = await createDb({ databaseUrl: urlFor(name), poolSize: 5 });
  return {
    ...handle,
    close: async () => {
      await handle.close();
      await withAdmin((client) => client.query(`drop database if exists ${name} with (force)`));
    },
  };
}
