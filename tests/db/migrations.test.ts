import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '@cuntong/server/db/create-db';
import { allMigrations, migrateToLatest } from '@cuntong/server/db/migrate';
import { migrations } from '@cuntong/server/db/migrations/index';
import { createTestDb } from '../support/db';
import { DATABASE_URL } from '../support/env';

describe(`migrations (${DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  let handle: DbHandle;
  beforeAll(async () => {
    // The template is already migrated; start from a truly empty database by rolling everything back.
    handle = await createTestDb({ regions: false });
    const tables = await sql<{ tablename: string }>`select tablename from pg_tables where schemaname = 'public'`.execute(handle.db);
    for (const { tablename } of tables.rows) await sql`drop table if exists ${sql.table(tablename)} cascade`.execute(handle.db);
    await sql`drop function if exists stations_check_hierarchy() cascade`.execute(handle.db);
  });
  afterAll(() => handle.close());

  it('apply to an empty database, then apply nothing the second time', async () => {
    const first = await migrateToLatest(handle.db);
    expect(first).toEqual(Object.keys(allMigrations()).sort());
    const second = await migrateToLatest(handle.db);
    expect(second).toEqual([]);
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = 'public' order by table_name`.execute(handle.db);
    expect(tables.rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(['audit_log', 'ledger_entries', 'login_attempts', 'metric_values', 'region_rollups', 'regions', 'sessions', 'stations', 'targets', 'user_scopes', 'users']),
    );
  });

  it('names migrations in date order, so they apply in the order they were written', () => {
    const names = Object.keys(migrations);
    expect(names.every((n) => /^\d{4}-\d{2}-\d{2}-\d{4}-[a-z0-9-]+$/.test(n))).toBe(true);
    expect([...names].sort()).toEqual(names);
  });
});
