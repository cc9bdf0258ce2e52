import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '@cuntong/server/db/types';
import { createHarness, type Harness } from '../support/harness';
import { refusal } from '../support/refusal';

const COUNTY = '370481000000'; // 滕州市
const HONGXU = '370481101000'; // 洪绪镇
const NANSHAHE = '370481102000'; // 南沙河镇: only the rollup test adds villages here
const JINGHE = '370481001000'; // 荆河街道

describe('villages and the region tree', () => {
  let h: Harness;
  let admin: ReturnType<Harness['caller']>;
  beforeAll(async () => {
    h = await createHarness();
    admin = h.caller((await h.user('admin')).actor);
  });
  afterAll(() => h.close());

  const regionCount = async () => Number((await h.db.selectFrom('regions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  describe('regions.villages.add', () => {
    it('adds a 村委会 and a 居委会 under a town, by the code\'s last three digits', async () => {
      const village = await admin.regions.villages.add({ townCode: HONGXU, code: '370481101201', name: ' 东王庄村 ' });
      expect(village).toEqual({
        code: '370481101201',
        name: '东王庄村',
        level: 'village',
        parentCode: HONGXU,
        townshipKind: null,
        villageKind: 'villagers_committee',
        childCount: 0,
      });
      const row = await h.db.selectFrom('regions').selectAll().where('code', '=', '370481101201').executeTakeFirstOrThrow();
      expect(row).toMatchObject({ name: '东王庄村', level: 'village', parent_code: HONGXU, village_kind: 'villagers_committee', township_kind: null });

      const community = await admin.regions.villages.add({ townCode: HONGXU, code: '370481101001', name: '洪绪社区' });
      expect(community).toMatchObject({ level: 'village', villageKind: 'residents_committee' });
      const other = await admin.regions.villages.add({ townCode: HONGXU, code: '370481101400', name: '洪绪农场' });
      expect(other.villageKind).toBe('other');
    });

    it('accepts a 街道 as the parent too', async () => {
      const community = await admin.regions.villages.add({ townCode: JINGHE, code: '370481001002', name: '荆河社区' });
      expect(community).toMatchObject({ parentCode: JINGHE, villageKind: 'residents_committee' });
    });

    it('refuses a parent that is not a town', async () => {
      const before = await regionCount();
      const county = await refusal(h.deps, admin.regions.villages.add({ townCode: COUNTY, code: '370481000201', name: '县里村' }));
      expect(county).toEqual({
        code: 'BAD_REQUEST',
        appCode: 'REGION_PARENT_NOT_TOWN',
        params: { code: COUNTY },
        message: '村只能添加在乡镇或街道之下，370481000000 不是乡镇级区划。',
      });
      // nor under a village
      await admin.regions.villages.add({ townCode: HONGXU, code: '370481101202', name: '西王庄村' });
      const underVillage = await refusal(h.deps, admin.regions.villages.add({ townCode: '370481101202', code: '370481101203', name: '村中村' }));
      expect(underVillage.appCode).toBe('REGION_PARENT_NOT_TOWN');
      expect(await regionCount()).toBe(before + 1);
    });

    it.each([
      ['another town\'s prefix', '370481102201'],
      ['eleven digits', '37048110120'],
      ['thirteen digits', '3704811012011'],
      ['the town\'s own code (ending in 000)', '370481101000'],
      ['letters', '370481101a01'],
      ['nothing', ''],
    ])('refuses a village code with %s', async (_, code) => {
      const before = await regionCount();
      const refused = await refusal(h.deps, admin.regions.villages.add({ townCode: HONGXU, code, name: '错码村' }));
      expect(refused).toEqual({
        code: 'BAD_REQUEST',
        appCode: 'REGION_VILLAGE_CODE_INVALID',
        params: { townPrefix: '370481101', code },
        message: `村级代码必须是所属乡镇代码 370481101 后加 3 位数字（001–999），收到 ${code}。`,
      });
      expect(await regionCount()).toBe(before);
    });

    it('refuses a code already taken, naming the village that holds it', async () => {
      await admin.regions.villages.add({ townCode: HONGXU, code: '370481101210', name: '张庄村' });
      const refused = await refusal(h.deps, admin.regions.villages.add({ townCode: HONGXU, code: '370481101210', name: '李庄村' }));
      expect(refused).toEqual({
        code: 'CONFLICT',
        appCode: 'REGION_CODE_TAKEN',
        params: { code: '370481101210', name: '张庄村' },
        message: '区划代码 370481101210 已被“张庄村”使用。',
      });
      const en = await refusal(h.deps, admin.regions.villages.add({ townCode: HONGXU, code: '370481101210', name: '李庄村' }), 'en');
      expect(en.message).toBe('Region code 370481101210 is already used by "张庄村".');
      expect(await h.db.selectFrom('regions').select('name').where('code', '=', '370481101210').execute()).toEqual([{ name: '张庄村' }]);
    });

    it('refuses an unknown town', async () => {
      const refused = await refusal(h.deps, admin.regions.villages.add({ townCode: '370481199000', code: '370481199201', name: '无镇村' }));
      expect(refused).toEqual({
        code: 'NOT_FOUND',
        appCode: 'REGION_NOT_FOUND',
        params: { code: '370481199000' },
        message: '行政区划 370481199000 不存在。',
      });
      expect(await h.db.selectFrom('regions').select('code').where('code', '=', '370481199201').execute()).toEqual([]);
    });

    it.each<Role>(['staff', 'station_operator', 'training_coordinator', 'livestream_manager'])('is for the admin only, not %s', async (role) => {
      const user = await h.user(role, role === 'training_coordinator' ? { scopes: { regions: [HONGXU] } } : {});
      const refused = await refusal(h.deps, h.caller(user.actor).regions.villages.add({ townCode: HONGXU, code: '370481101299', name: '越权村' }));
      expect(refused).toMatchObject({ code: 'FORBIDDEN', appCode: 'FORBIDDEN_ROLE' });
      expect(await h.db.selectFrom('regions').select('code').where('code', '=', '370481101299').execute()).toEqual([]);
    });

    it('refreshes the town\'s and county\'s rollups in the background', async () => {
      const rollup = (code: string) => h.db.selectFrom('region_rollups').selectAll().where('region_code', '=', code).executeTakeFirst();
      const before = (await rollup(NANSHAHE))?.village_count ?? 0;
      expect(before).toBe(0);

      await admin.regions.villages.add({ townCode: NANSHAHE, code: '370481102201', name: '南沙河村' });
      let town = await rollup(NANSHAHE);
      for (let waited = 0; (town?.village_count ?? 0) !== before + 1 && waited < 5000; waited += 50) {
        await new Promise((r) => setTimeout(r, 50));
        town = await rollup(NANSHAHE);
      }
      expect(town).toMatchObject({ level: 'town', town_count: 1, village_count: before + 1, administrative_village_count: 1 });

      // the county's row counts every village under it, as the regions table has them
      const villagesInCounty = await h.db
        .selectFrom('regions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('level', '=', 'village')
        .where('code', 'like', '370481%')
        .executeTakeFirstOrThrow();
      let county = await rollup(COUNTY);
      for (let waited = 0; county?.village_count !== Number(villagesInCounty.n) && waited < 5000; waited += 50) {
        await new Promise((r) => setTimeout(r, 50));
        county = await rollup(COUNTY);
      }
      expect(county).toMatchObject({ level: 'county', town_count: 21, village_count: Number(villagesInCounty.n) });
      expect((await admin.regions.get({ code: NANSHAHE })).rollup).toMatchObject({ townCount: 1, villageCount: 1, administrativeVillageCount: 1 });
    });
  });

  describe('reading the tree', () => {
    it('starts with the 31 provinces', async () => {
      const staff = h.caller((await h.user('staff')).actor);
      const provinces = await staff.regions.tree.children({ parentCode: null });
      expect(provinces).toHaveLength(31);
      expect(provinces.every((p) => p.level === 'province' && p.parentCode === null)).toBe(true);
      expect(provinces.map((p) => p.code)).toEqual([...provinces.map((p) => p.code)].sort());
      expect(provinces[0]).toMatchObject({ code: '110000000000', name: '北京市' });
      expect(provinces.find((p) => p.code === '370000000000')?.name).toBe('山东省');
      expect(await staff.regions.tree.children({})).toEqual(provinces);
    });

    it('lists the county\'s 21 towns in code order, with their village counts', async () => {
      const coordinator = h.caller((await h.user('training_coordinator', { scopes: { regions: [HONGXU] } })).actor);
      const towns = await coordinator.regions.tree.children({ parentCode: COUNTY });
      expect(towns).toHaveLength(21);
      expect(towns.every((t) => t.level === 'town' && t.parentCode === COUNTY)).toBe(true);
      const codes = towns.map((t) => t.code);
      expect(codes).toEqual([...codes].sort());
      expect(codes).toEqual(expect.arrayContaining([JINGHE, HONGXU, NANSHAHE]));
      expect(towns.find((t) => t.code === HONGXU)).toMatchObject({ name: '洪绪镇', townshipKind: 'town' });
      expect(towns.find((t) => t.code === JINGHE)).toMatchObject({ name: '荆河街道', townshipKind: 'subdistrict' });

      const villages = await h.db.selectFrom('regions').select('code').where('parent_code', '=', HONGXU).orderBy('code').execute();
      expect(towns.find((t) => t.code === HONGXU)!.childCount).toBe(villages.length);
      expect((await coordinator.regions.tree.children({ parentCode: HONGXU })).map((v) => v.code)).toEqual(villages.map((v) => v.code));
    });

    it('searches by name and by code prefix, optionally under a region', async () => {
      const staff = h.caller((await h.user('staff')).actor);
      const byName = await staff.regions.search({ filter: { q: '洪绪', underCode: COUNTY } });
      expect(byName.items.map((r) => [r.code, r.name])).toEqual([
        ['370481101000', '洪绪镇'],
        ['370481101001', '洪绪社区'],
        ['370481101400', '洪绪农场'],
      ]);
      expect(byName.total).toBe(3);
      expect(byName.items[0]).toMatchObject({ level: 'town', parentName: '滕州市', grandparentName: '枣庄市' });
      expect(byName.items[1]).toMatchObject({ level: 'village', parentName: '洪绪镇', grandparentName: '滕州市' });
      const townsNamed = await staff.regions.search({ filter: { q: '洪绪', level: 'town' } });
      expect(townsNamed.items.map((r) => r.code)).toContain(HONGXU);

      const byCode = await staff.regions.search({ pageSize: 200, filter: { q: '370481', level: 'town', underCode: COUNTY } });
      expect(byCode.total).toBe(21);
      const prefix = await staff.regions.search({ pageSize: 5, filter: { q: '370481101', underCode: COUNTY } });
      const underHongxu = await h.db.selectFrom('regions').select('code').where('code', 'like', '370481101%').orderBy('code').execute();
      expect(prefix.total).toBe(underHongxu.length);
      expect(prefix.items.map((r) => r.code)).toEqual(underHongxu.slice(0, 5).map((r) => r.code));
      // under another county nothing of 滕州 shows
      expect((await staff.regions.search({ filter: { q: '370481', underCode: '370402000000' } })).total).toBe(0);
      expect((await staff.regions.search({ filter: { q: '洪绪', underCode: '370402000000' } })).total).toBe(0);
    });

    it('names codes in the order asked, leaving out unknown ones', async () => {
      const operator = h.caller((await h.user('station_operator')).actor);
      expect(await operator.regions.names({ codes: ['370481102000', '370481199000', HONGXU] })).toEqual([
        { code: '370481102000', name: '南沙河镇' },
        { code: HONGXU, name: '洪绪镇' },
      ]);
    });

    it('gets a region with its path from the province down', async () => {
      const operator = h.caller((await h.user('station_operator')).actor);
      const town = await operator.regions.get({ code: HONGXU });
      expect(town).toMatchObject({ code: HONGXU, name: '洪绪镇', level: 'town', parentCode: COUNTY, townshipKind: 'town' });
      expect(town.path).toEqual([
        { code: '370000000000', name: '山东省', level: 'province' },
        { code: '370400000000', name: '枣庄市', level: 'city' },
        { code: COUNTY, name: '滕州市', level: 'county' },
        { code: HONGXU, name: '洪绪镇', level: 'town' },
      ]);
      const village = await operator.regions.get({ code: '370481101201' });
      expect(village.path.map((p) => p.level)).toEqual(['province', 'city', 'county', 'town', 'village']);
      const missing = await refusal(h.deps, operator.regions.get({ code: '370481199000' }));
      expect(missing).toMatchObject({ code: 'NOT_FOUND', appCode: 'REGION_NOT_FOUND', params: { code: '370481199000' } });
    });
  });
});
