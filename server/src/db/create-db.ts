import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { AppError } from '../lib/app-error';
import { withTimeout } from '../lib/timeout';
import type { Database } from './types';

export type Db = Kysely<Database>;
export type DbDriver = 'pg' | 'pglite';

export interface DbHandle {
  db: Db;
  /**
   * Where reads go (lists, exports, dashboards): on PostgreSQL with `readPool`, a pool of its own
   * whose statements time out; otherwise `db` itself (PGlite has one connection anyway).
   */
  readDb: Db;
  driver: DbDriver;
  close(): Promise<void>;
}

export interface CreateDbOptions {
  /** Set: real PostgreSQL through pg. Unset: embedded PGlite. */
  databaseUrl?: string;
  /** Where PGlite keeps its files; 'memory' for a throwaway database. */
  dataDir?: string;
  poolSize?: number;
  /** PostgreSQL only: a separate pool for reads (see DbHandle.readDb). */
  readPool?: ReadPoolOptions;
  /** PostgreSQL only: keep statements that repeat prepared on each connection (default true; see preparedStatements). */
  prepareStatements?: boolean;
}

export interface ReadPoolOptions {
  size: number;
  /** statement_timeout of every read, in ms: a runaway list fails (SQLSTATE 57014) instead of holding a connection. */
  statementTimeoutMs: number;
  /** Reads allowed to wait for a connection; the next one is refused at once, never queued without bound. */
  maxWaiting: number;
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
    const prepare = options.prepareStatements ?? true;
    if (prepare) preparedStatements(pool);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    if (!options.readPool) return { db, readDb: db, driver: 'pg', close: () => db.destroy() };
    const readDb = new Kysely<Database>({ dialect: new PostgresDialect({ pool: readPool(options.databaseUrl, options.readPool, prepare) }) });
    return {
      db,
      readDb,
      driver: 'pg',
      close: async () => {
        await readDb.destroy();
        await db.destroy();
      },
    };
  }
  const dataDir = options.dataDir ?? 'memory';
  if (dataDir !== 'memory') await fs.mkdir(path.dirname(dataDir), { recursive: true });
  const pglite = await PGlite.create(dataDir === 'memory' ? undefined : dataDir, {
    parsers: { [INT8]: toNumber, [NUMERIC]: toNumber, [DATE]: asText },
  });
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  return {
    db,
    readDb: db,
    driver: 'pglite',
    close: async () => {
      await db.destroy();
      if (!pglite.closed) await pglite.close();
    },
  };
}

/**
 * The read pool: bounded in size, so a burst of lists keeps to a few of the database's cores and
 * connections, with a statement timeout, and with a bounded wait: past `maxWaiting` waiting reads
 * the next is refused at once (RATE_LIMITED) rather than queued behind them.
 */
function readPool(connectionString: string, options: ReadPoolOptions, prepare: boolean) {
  const pool = new pg.Pool({ connectionString, max: options.size, statement_timeout: options.statementTimeoutMs, application_name: 'cuntong-read' });
  pool.on('error', () => {
    /* as for the main pool */
  });
  if (prepare) preparedStatements(pool);
  return {
    Client: pg.Client,
    options: pool.options,
    connect: () => {
      const full = pool.idleCount === 0 && pool.totalCount >= options.size;
      return full && pool.waitingCount >= options.maxWaiting ? Promise.reject(new AppError('RATE_LIMITED', 'TOO_MANY_REQUESTS')) : pool.connect();
    },
    end: () => pool.end(),
  };
}

/** Statements a connection keeps prepared at most; past that, new ones go unnamed as before. */
const PREPARED_PER_CONNECTION = 200;
/** Statement texts seen, and the name of those seen twice, to prepare only what repeats (bounded: cleared when full). */
const sightings = new Map<string, { name: string | null }>();

/**
 * Statements sent again and again (a check-in, a session lookup, a list page) are prepared on each
 * connection, under a name taken from their text: PostgreSQL then parses them once per connection
 * and, after a few runs, reuses the plan — for the check-in, a statement of CTEs and subqueries, the
 * planning was more than half its database time. Kysely sends `query(text, values)`; here such a
 * call on a pg client becomes `query({ name, text, values })` from the second time the text is seen.
 * A statement whose result columns changed under it (a migration by another server while this one
 * runs) goes unnamed on that connection from then on: the failed call is sent again unnamed (inside
 * a transaction, that transaction has failed, as any error fails it). Off
 * (DB_PREPARED_STATEMENTS=false) behind a pooler that cannot keep prepared statements (PgBouncer
 * before 1.21 in transaction mode).
 */
function preparedStatements(pool: pg.Pool) {
  pool.on('connect', (client) => {
    const prepared = new Set<string>();
    const stale = new Set<string>();
    const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
    (client as { query: unknown }).query = (...args: unknown[]) => {
      const [text, values] = args;
      if (typeof text !== 'string' || args.length > 2 || (values !== undefined && !Array.isArray(values))) return query(...args);
      const seen = sightings.get(text);
      if (!seen) {
        if (sightings.size >= 5000) sightings.clear();
        sightings.set(text, { name: null });
        return query(text, values);
      }
      if (stale.has(text) || (!prepared.has(text) && prepared.size >= PREPARED_PER_CONNECTION)) return query(text, values);
      const name = (seen.name ??= `c${crypto.createHash('sha1').update(text).digest('hex').slice(0, 20)}`);
      prepared.add(text);
      return query({ name, text, values }).catch((err: { code?: string; message?: string }) => {
        if (err.code !== '0A000' || !/cached plan must not change result type/.test(err.message ?? '')) throw err;
        stale.add(text);
        return query(text, values);
      });
    };
  });
}

/** A cheap round trip for /healthz; rejects when the database does not answer within the timeout. */
export async function pingDb(db: Db, timeoutMs = 2000): Promise<void> {
  await withTimeout(sql`select 1`.execute(db), timeoutMs, 'database');
}
