import type { Db } from '@cuntong/server/db/create-db';
import { shanghaiToday } from '@cuntong/server/lib/dates';
import { authDemo } from '@cuntong/server/modules/auth/auth.demo';
import { modules } from '@cuntong/server/modules/index';
import type { DemoSeedContext } from '@cuntong/server/modules/module';
import { livestreamDemo, type DemoLivestreamResult } from '@cuntong/server/modules/livestream/livestream.demo';
import { regionsDemo } from '@cuntong/server/modules/regions/regions.demo';
import { stationsDemo } from '@cuntong/server/modules/stations/stations.demo';
import { trainingDemo, type DemoTrainingResult } from '@cuntong/server/modules/training/training.demo';

export { DEMO_PASSWORD, DEMO_USERS } from '@cuntong/server/modules/auth/auth.demo';
export { demoVillages } from '@cuntong/server/modules/regions/regions.demo';

/** The demo county: 滕州市, Shandong (370481), with its 21 real towns and subdistricts. */
export const DEMO_COUNTY_CODE = '370481000000';
export const DEFAULT_SEED = 20261128;

export interface SeedSummary {
  regionsInserted: number;
  villages: number;
  /** Demo logins created by this run: DEMO_USERS, then the station operators. */
  users: string[];
  stations: number;
  ledgerEntries: number;
  training: DemoTrainingResult;
  livestream: DemoLivestreamResult;
}

/**
 * The demo county: each module's seed step (its `index.ts` manifest), in the order of the module
 * list. Same seed and same `today` (default: today in Asia/Shanghai), same data; running it again
 * adds nothing.
 */
export async function seedDemo(db: Db, options: { seed?: number; year?: number; today?: string } = {}): Promise<SeedSummary> {
  const today = options.today ?? shanghaiToday();
  const ctx: DemoSeedContext = { db, seed: options.seed ?? DEFAULT_SEED, today, year: options.year ?? Number(today.slice(0, 4)), countyCode: DEMO_COUNTY_CODE };
  for (const mod of modules) await mod.seed?.run(ctx);
  const regions = regionsDemo.resultIn(ctx);
  const stations = stationsDemo.resultIn(ctx);
  return {
    ...regions,
    users: authDemo.resultIn(ctx).users,
    stations: stations.stations,
    ledgerEntries: stations.ledgerEntries,
    training: trainingDemo.resultIn(ctx),
    livestream: livestreamDemo.resultIn(ctx),
  };
}
