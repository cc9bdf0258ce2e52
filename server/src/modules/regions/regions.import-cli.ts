import path from 'node:path';
import { loadConfig } from '../../config';
import { createDb } from '../../db/create-db';
import { migrateToLatest } from '../../db/migrate';
import { SYSTEM_ACTOR } from '../auth/actor';
import { computeRegionRollups } from './regions.metrics';
import { importRegionsAudited } from './regions.service';

// `pnpm regions:import`: load the national division codes into the configured database, then roll up.
const config = loadConfig();
const handle = await createDb({ databaseUrl: config.DATABASE_URL, dataDir: path.join(config.DATA_DIR, 'pglite') });
try {
  await migrateToLatest(handle.db);
  const result = await importRegionsAudited(handle.db, SYSTEM_ACTOR);
  const rollup = await computeRegionRollups(handle.db);
  console.log(
    `read ${result.read.province} provinces, ${result.read.city} cities, ${result.read.county} counties, ${result.read.town} towns in ${result.ms} ms: ` +
      `${result.inserted} inserted, ${result.updated} updated, ${result.unchanged} unchanged`,
  );
  for (const s of result.skipped) console.log(`skipped ${s.code} ${s.name}: ${s.reason}`);
  console.log(`rolled up ${rollup.counties} counties and ${rollup.towns} towns`);
} finally {
  await handle.close();
}
