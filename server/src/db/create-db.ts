import fs from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { withTimeout } from '../lib/timeout';
import type { Database } from './types';

export type Db = Kysely<Database>;
export type DbDriver = 'pg' | 'pglite';

export interface DbHandle {
  db: Db;
  driver: DbDriver;
  close(): Promise<void>;
}

export interface CreateDbOptions {
  /** Set: real PostgreSQL through pg. Unset: embedded PGlite. */
  databaseUrl?: string;
  /** Where PGlite keeps its files; 'memory' for a throwaway database. */
  dataDir?: string;
  poolSize?: number;
}

/**
 * Both drivers must hand the app the same JavaScript types: int8 (ids, counts, money in fen) and
 * numeric become numbers, dates stay text. Money in fen stays exact in a JS number up to 9e15 fen.
 */
const INT8 = 20;
const NUMERIC = 1700;
/** Calendar dates stay 'YYYY-MM-DD' text: a JS Date would shift them by the server's time zone. */
const DATE = 1082;
const toNumber = (v: string) => (v === null ? v : Number(v));
const asText = (v: string) => v;
pg.types.setTypeParser(INT8, toNumber);
pg.types.setTypeParser(NUMERIC, toNumber);
pg.types.setTypeParser(DATE, asText);

export async function createDb(options: CreateDbOptions): Promise<DbHandle> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
    pool.on('error', () => {
      /* an idle client lost its connection; the pool replaces it, and /healthz reports the outage */
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, driver: 'pg', close: () => db.destroy() };
  }
  const dataDir = options.dataDir ?? 'memory';
  if (dataDir !== 'memory') await fs.mkdir(path.dirname(dataDir), { recursive: true });
  const pglite = await PGlite.create(dataDir === 'memory' ? undefined : dataDir, {
    parsers: { [INT8]: toNumber, [NUMERIC]: toNumber, [DATE]: asText },
  });
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  return {
    db,
    driver: 'pglite',
    close: async () => {
      await db.destroy();
      if (!pglite.closed) await pglite.close();
    },
  };
}

/** A cheap round trip for /healthz; rejects when the database does not answer within the timeout. */
export async function pingDb(db: Db, timeoutMs = 2000): Promise<void> {
  await withTimeout(sql`select 1`.execute(db), timeoutMs, 'database');
}
