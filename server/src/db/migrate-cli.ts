import path from 'node:path';
import { loadConfig } from '../config';
import { createDb } from './create-db';
import { migrateToLatest } from './migrate';

const config = loadConfig();
const handle = await createDb({ databaseUrl: config.DATABASE_URL, dataDir: path.join(config.DATA_DIR, 'pglite') });
try {
  const applied = await migrateToLatest(handle.db);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
} finally {
  await handle.close();
}
