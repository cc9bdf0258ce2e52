import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '@cuntong/server/db/create-db';
import { importRegions } from '@cuntong/server/modules/regions/regions.import';
import { createTestDb } from '../support/db';

describe('national region import', () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await createTestDb({ regions: false });
  });
  afterAll(() => handle.close());

  const countByLevel = async () => {
    const rows = await handle.db
      .selectFrom('regions')
      .select(['level', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('level')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.level, Number(r.n)]));
  };

  it('loads all 41,352 towns of the 2023 edition; the one placeholder that repeats its county code is reported, not stored', async () => {
    const result = await importRegions(handle.db);
    expect(result.read).toEqual({ province: 31, city: 342, county: 2978, town: 41352 });
    // Three cities without counties list a county row with the city's own code (their towns hang under the
    // city), and 金门县 lists one placeholder town "350527000" whose 12-digit form is the county's own code.
    expect(result.skipped.map((s) => `${s.code} ${s.name}`)).toEqual([
      '441900000000 东莞市',
      '442000000000 中山市',
      '460400000000 儋州市',
      '350527000000 金门县',
    ]);
    expect(result.inserted).toBe(31 + 342 + 2975 + 41351);
    expect(result.updated).toBe(0);
    expect(await countByLevel()).toEqual({ province: 31, city: 342, county: 2975, town: 41351 });
    const dongguanTowns = await handle.db.selectFrom('regions').select('code').where('parent_code', '=', '441900000000').execute();
    expect(dongguanTowns.length).toBeGreaterThan(20);

    const town = await handle.db.selectFrom('regions').selectAll().where('code', '=', '370481101000').executeTakeFirstOrThrow();
    expect(town).toMatchObject({ name: '洪绪镇', level: 'town', parent_code: '370481000000', township_kind: 'town' });
    const street = await handle.db.selectFrom('regions').select('township_kind').where('code', '=', '370481001000').executeTakeFirstOrThrow();
    expect(street.township_kind).toBe('subdistrict');
  });

  it('changes nothing when run again', async () => {
    const before = await handle.db.selectFrom('regions').select(['code', 'updated_at']).orderBy('code').execute();
    const result = await importRegions(handle.db);
    expect(result).toMatchObject({ inserted: 0, updated: 0, unchanged: 44699 });
    const after = await handle.db.selectFrom('regions').select(['code', 'updated_at']).orderBy('code').execute();
    expect(after).toEqual(before);
  });

  it('restores a renamed region and leaves user-added villages alone', async () => {
    await handle.db.updateTable('regions').set({ name: '改错的名字' }).where('code', '=', '370481102000').execute();
    await handle.db
      .insertInto('regions')
      .values({ code: '370481102201', name: '测试村', level: 'village', parent_code: '370481102000', village_kind: 'villagers_committee' })
      .execute();
    const result = await importRegions(handle.db);
    expect(result).toMatchObject({ inserted: 0, updated: 1 });
    const town = await handle.db.selectFrom('regions').select('name').where('code', '=', '370481102000').executeTakeFirstOrThrow();
    expect(town.name).toBe('南沙河镇');
    const village = await handle.db.selectFrom('regions').select('name').where('code', '=', '370481102201').executeTakeFirst();
    expect(village?.name).toBe('测试村');
  });
});
