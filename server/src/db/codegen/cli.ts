/**
 * `pnpm db:types`: migrate a scratch PostgreSQL database (on the server of DATABASE_URL, default the
 * local one), write db/types.ts from it, drop it. Run it after adding or changing a migration;
 * tests/db/types-fresh.test.ts fails while it has not been run.
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createDb } from '../create-db';
import { migrateToLatest } from '../migrate';
import { generateDbTypes } from './generate';

const TYPES_FILE = fileURLToPath(new URL('../types.ts', import.meta.url));

const serverUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const scratch = `cuntong_dbtypes_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
const scratchUrl = new URL(serverUrl);
scratchUrl.pathname = `/${scratch}`;

const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
try {
  await admin.query(`create database ${scratch}`);
  // a scratch database: no need to wait for each migration's commit to reach the disk
  await admin.query(`alter database ${scratch} set synchronous_commit = off`);
  const handle = await createDb({ databaseUrl: scratchUrl.toString(), poolSize: 1, prepareStatements: false });
  let text: string;
  try {
    await migrateToLatest(handle.db);
    text = await generateDbTypes(handle.db);
  } finally {
    await handle.close();
  }
  const before = await fs.readFile(TYPES_FILE, 'utf8').catch(() => '');
  if (before === text) {
    console.log('db/types.ts is up to date');
  } else {
    await fs.writeFile(TYPES_FILE, text);
    console.log('db/types.ts written');
  }
} catch (err) {
  // a mapping that no longer fits the schema: say what, not where in the generator
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
} finally {
  await admin.query(`drop database if exists ${scratch} with (force)`).catch((err: unknown) => console.error(`could not drop ${scratch}:`, err));
  await admin.end();
}
