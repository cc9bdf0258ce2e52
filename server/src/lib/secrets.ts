import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/create-db';

const cache = new WeakMap<Db, Map<string, Buffer>>();

/**
 * A 32-byte key of this installation, made on first use and kept in `app_secrets`, so every server
 * and worker sharing the database derives the same hashes and tokens. Cached per database handle.
 */
export async function appSecret(db: Db, name: string): Promise<Buffer> {
  const known = cache.get(db)?.get(name);
  if (known) return known;
  await sql`insert into app_secrets (name, value) values (${name}, ${crypto.randomBytes(32)}) on conflict (name) do nothing`.execute(db);
  const row = await db.selectFrom('app_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow();
  const value = Buffer.from(row.value);
  if (!cache.has(db)) cache.set(db, new Map());
  cache.get(db)!.set(name, value);
  return value;
}
