import { sql } from 'kysely';
import type { Db } from '../../db/create-db';

/**
 * Denominators for coverage rates: towns, villages and administrative villages (村委会) under each
 * county and town. Replaces the scope's rows in one transaction, so a second run gives the same
 * rows and a crash halfway leaves the old ones. For a town, town_count is 1 (itself).
 */
export async function computeRegionRollups(db: Db, countyCode?: string): Promise<{ counties: number; towns: number }> {
  const prefix = countyCode ? `${countyCode.slice(0, 6)}%` : '%';
  return db.transaction().execute(async (trx) => {
    await trx.deleteFrom('region_rollups').where('region_code', 'like', prefix).execute();
    const counties = await sql<{ n: number }>`
      insert into region_rollups (region_code, level, town_count, village_count, administrative_village_count, computed_at)
      select county.code, 'county', count(distinct town.code), count(village.code),
             count(village.code) filter (where village.village_kind = 'villagers_committee'), now()
      from regions county
      left join regions town on town.parent_code = county.code and town.level = 'town'
      left join regions village on village.parent_code = town.code and village.level = 'village'
      where county.level = 'county' and county.code like ${prefix}
      group by county.code
      on conflict (region_code) do update set
        town_count = excluded.town_count, village_count = excluded.village_count,
        administrative_village_count = excluded.administrative_village_count, computed_at = excluded.computed_at`.execute(trx);
    const towns = await sql`
      insert into region_rollups (region_code, level, town_count, village_count, administrative_village_count, computed_at)
      select town.code, 'town', 1, count(village.code),
             count(village.code) filter (where village.village_kind = 'villagers_committee'), now()
      from regions town
      left join regions village on village.parent_code = town.code and village.level = 'village'
      where town.level = 'town' and town.code like ${prefix}
      group by town.code
      on conflict (region_code) do update set
        town_count = excluded.town_count, village_count = excluded.village_count,
        administrative_village_count = excluded.administrative_village_count, computed_at = excluded.computed_at`.execute(trx);
    return { counties: Number(counties.numAffectedRows ?? 0), towns: Number(towns.numAffectedRows ?? 0) };
  });
}
