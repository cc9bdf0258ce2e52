import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '@cuntong/server/db/create-db';
import { verifyPassword } from '@cuntong/server/modules/auth/password';
import { DEMO_COUNTY_CODE, DEMO_PASSWORD, DEMO_USERS, demoVillages, seedDemo } from '@cuntong/seeds/demo';
import type { DemoSeedContext } from '@cuntong/server/modules/module';
import { DEMO_OPERATORS, stationsDemo } from '@cuntong/server/modules/stations/stations.demo';
import { createTestDb } from '../support/db';
import { recomputeAll } from '@cuntong/server/modules/snapshots';

describe('demo seed', () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await createTestDb({ regions: false });
  });
  afterAll(() => handle.close());

  it('is deterministic: the same seed gives the same villages, another seed others', () => {
    const towns = [
      { code: '370481001000', township_kind: 'subdistrict' },
      { code: '370481101000', township_kind: 'town' },
    ];
    expect(demoVillages(towns, 7)).toEqual(demoVillages(towns, 7));
    expect(demoVillages(towns, 7)).not.toEqual(demoVillages(towns, 8));
  });

  it('refuses to read a step’s output before the step ran in this run (the module list out of order)', () => {
    const ctx: DemoSeedContext = { db: handle.db, seed: 1, today: '2026-06-01', year: 2026, countyCode: DEMO_COUNTY_CODE };
    expect(() => stationsDemo.resultIn(ctx)).toThrow(/"stations" has not run yet/);
  });

  it('builds 滕州市 with its 21 real towns, 15–40 valid villages each, the demo users and the targets', async () => {
    const summary = await seedDemo(handle.db, { year: 2026 });
    expect(summary.users).toEqual([...DEMO_USERS, ...DEMO_OPERATORS].map((u) => u.loginName));

    const towns = await handle.db.selectFrom('regions').select(['code', 'name']).where('parent_code', '=', DEMO_COUNTY_CODE).execute();
    expect(towns).toHaveLength(21);
    const villages = await handle.db.selectFrom('regions').select(['code', 'parent_code', 'village_kind']).where('level', '=', 'village').execute();
    expect(villages.length).toBe(summary.villages);
    for (const town of towns) {
      const mine = villages.filter((v) => v.parent_code === town.code);
      expect(mine.length).toBeGreaterThanOrEqual(15);
      expect(mine.length).toBeLessThanOrEqual(40);
      for (const v of mine) expect(v.code).toMatch(new RegExp(`^${town.code.slice(0, 9)}(?!000)\\d{3}$`));
    }
    expect(villages.some((v) => v.village_kind === 'residents_committee')).toBe(true);
    expect(villages.some((v) => v.village_kind === 'villagers_committee')).toBe(true);

    const trainer = await handle.db.selectFrom('users').select(['id', 'password_hash']).where('login_name', '=', 'demo.trainer').executeTakeFirstOrThrow();
    expect(await verifyPassword(trainer.password_hash, DEMO_PASSWORD)).toBe(true);
    const scopes = await handle.db.selectFrom('user_scopes').select(['kind', 'ref']).where('user_id', '=', trainer.id).orderBy('ref').execute();
    expect(scopes).toEqual([
      { kind: 'region', ref: '370481101000' },
      { kind: 'region', ref: '370481102000' },
    ]);
    // the work plan's county figures, shared out to the towns (summable ones add up to the county's)
    const targets = await handle.db.selectFrom('targets').select(['region_code', 'metric_key', 'value']).where('year', '=', 2026).execute();
    const county = (key: string) => targets.find((t) => t.region_code === DEMO_COUNTY_CODE && t.metric_key === key)?.value;
    const townSum = (key: string) => targets.filter((t) => t.region_code !== DEMO_COUNTY_CODE && t.metric_key === key).reduce((a, t) => a + Number(t.value), 0);
    expect([county('training_person_times'), county('active_hosts'), county('station_activity'), county('online_sales')]).toEqual([1500, 300, 0.8, 3_000_000_000]);
    expect(townSum('training_person_times')).toBe(1500);
    expect(townSum('online_sales')).toBe(3_000_000_000);
    expect(targets.filter((t) => t.metric_key === 'station_activity' && t.region_code !== DEMO_COUNTY_CODE)).toHaveLength(21);
    const bases = await handle.db.selectFrom('base_targets').select('value').where('year', '=', 2026).execute();
    expect(bases).toHaveLength(3);
    expect(bases.reduce((a, b) => a + Number(b.value), 0)).toBe(300);
    const rollup = await handle.db.selectFrom('region_rollups').selectAll().where('region_code', '=', DEMO_COUNTY_CODE).executeTakeFirstOrThrow();
    expect(rollup).toMatchObject({ town_count: 21, village_count: villages.length });
  });

  it('leaves every snapshot current: recomputing everything changes no figure', async () => {
    const figures = () =>
      handle.db.selectFrom('metric_values').select(['metric_key', 'region_code', 'period', 'value', 'rule_version']).orderBy(['metric_key', 'region_code', 'period']).execute();
    const before = await figures();
    expect(before.some((f) => f.metric_key === 'training.conversion')).toBe(true);
    await recomputeAll(handle.db);
    expect(await figures()).toEqual(before);
  });

  it('adds nothing when run again', async () => {
    const count = async (table: 'regions' | 'users' | 'targets' | 'audit_log') =>
      Number((await handle.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const before = await Promise.all([count('regions'), count('users'), count('targets'), count('audit_log')]);
    const again = await seedDemo(handle.db, { year: 2026 });
    expect(again).toEqual({ regionsInserted: 0, villages: 0, users: [], stations: 0, ledgerEntries: 0, training: expect.objectContaining({ created: false, courses: 0 }), livestream: expect.objectContaining({ created: false, hosts: 0 }) });
    expect(await Promise.all([count('regions'), count('users'), count('targets'), count('audit_log')])).toEqual(before);
  });
});
