import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type DbHandle } from '@cuntong/server/db/create-db';
import { createTestDb } from '../support/db';
import { DATABASE_URL, hasPostgres, NO_POSTGRES_REASON } from '../support/env';

describe.skipIf(!hasPostgres)(`prepared statements (PostgreSQL)${hasPostgres ? '' : ` — ${NO_POSTGRES_REASON}`}`, () => {
  let handle: DbHandle;
  let url: string;
  beforeAll(async () => {
    handle = await createTestDb({ regions: false });
    const { name } = (await sql<{ name: string }>`select current_database() as name`.execute(handle.db)).rows[0]!;
    const u = new URL(DATABASE_URL!);
    u.pathname = `/${name}`;
    url = u.toString();
    await sql`create table probe (id int primary key, label text)`.execute(handle.db);
    await sql`insert into probe values (1, 'one'), (2, 'two')`.execute(handle.db);
  });
  afterAll(() => handle.close());

  /** One connection, so that what it has prepared can be asked on it. */
  async function oneConnection(prepareStatements?: boolean) {
    const h = await createDb({ databaseUrl: url, poolSize: 1, prepareStatements });
    const prepared = async () =>
      (await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(h.db)).rows.map((r) => r.statement).filter((s) => s.includes('probe'));
    return { h, prepared };
  }
  const label = (db: DbHandle['db'], id: number) => sql<{ label: string }>`select label from probe where id = ${id}`.execute(db as never);

  it('prepares a statement the second time it is sent, and reuses it with other values', async () => {
    const { h, prepared } = await oneConnection();
    try {
      expect((await label(h.db, 1)).rows).toEqual([{ label: 'one' }]);
      expect(await prepared()).toEqual([]); // seen once: sent as before
      expect((await label(h.db, 2)).rows).toEqual([{ label: 'two' }]);
      expect((await label(h.db, 1)).rows).toEqual([{ label: 'one' }]);
      expect(await prepared()).toEqual(['select label from probe where id = $1']);
    } finally {
      await h.close();
    }
  });

  it('prepares nothing when turned off (DB_PREPARED_STATEMENTS=false)', async () => {
    const { h, prepared } = await oneConnection(false);
    try {
      for (const id of [1, 2, 1]) await label(h.db, id);
      expect(await prepared()).toEqual([]);
    } finally {
      await h.close();
    }
  });

  it('a prepared statement whose columns changed under it (a migration elsewhere) is sent again unnamed', async () => {
    const { h } = await oneConnection();
    try {
      const all = () => sql`select * from probe where id = ${1}`.execute(h.db);
      await all();
      expect((await all()).rows).toEqual([{ id: 1, label: 'one' }]); // prepared now
      await sql`alter table probe add column note text`.execute(handle.db);
      expect((await all()).rows).toEqual([{ id: 1, label: 'one', note: null }]);
      expect((await all()).rows).toEqual([{ id: 1, label: 'one', note: null }]);
    } finally {
      await h.close();
    }
  });
});
