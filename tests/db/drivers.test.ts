import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbDriver, DbHandle } from '@cuntong/server/db/create-db';
import { SYSTEM_ACTOR } from '@cuntong/server/modules/auth/actor';
import { attemptSucceeded, failedAttempt, reserveAttempt } from '@cuntong/server/modules/auth/throttle';
import { createUser, listUsers } from '@cuntong/server/modules/auth/users.service';
import { computeRegionRollups } from '@cuntong/server/modules/regions/regions.metrics';
import { childrenOf, pathOf } from '@cuntong/server/modules/regions/regions.repository';
import { searchRegions } from '@cuntong/server/modules/regions/regions.service';
import { listTargets, upsertTarget } from '@cuntong/server/modules/targets/targets.service';
import { createTestDb } from '../support/db';
import { hasPostgres, NO_POSTGRES_REASON } from '../support/env';

/**
 * The same repository tests on both drivers: the embedded default (PGlite) and production
 * (PostgreSQL through pg) must hand the app the same rows and the same JavaScript types.
 */
const drivers: { driver: DbDriver; run: boolean; label: string }[] = [
  { driver: 'pglite', run: true, label: 'PGlite' },
  { driver: 'pg', run: hasPostgres, label: hasPostgres ? 'PostgreSQL' : `PostgreSQL (skipped: ${NO_POSTGRES_REASON})` },
];

describe.each(drivers)('repositories on $label', ({ driver, run }) => {
  let handle: DbHandle;
  beforeAll(async () => {
    if (run) handle = await createTestDb({ driver });
  });
  afterAll(async () => {
    if (run) await handle.close();
  });

  it.runIf(run)('returns int8 and numeric as numbers, timestamps as Dates', async () => {
    const row = await sql<{ big: unknown; num: unknown; at: unknown }>`
      select count(*) as big, 12.50::numeric(14,2) as num, now() as at from regions`.execute(handle.db);
    expect(row.rows[0]).toEqual({ big: 44699, num: 12.5, at: expect.any(Date) });
  });

  it.runIf(run)('walks the region tree', async () => {
    expect(await childrenOf(handle.db, null)).toHaveLength(31);
    const towns = await childrenOf(handle.db, '370481000000');
    expect(towns).toHaveLength(21);
    expect(towns[0]).toEqual({
      code: '370481001000',
      name: '荆河街道',
      level: 'town',
      parentCode: '370481000000',
      townshipKind: 'subdistrict',
      villageKind: null,
      childCount: 0,
    });
    const county = (await childrenOf(handle.db, '370400000000')).find((c) => c.code === '370481000000');
    expect(county?.childCount).toBe(21);
    expect((await pathOf(handle.db, '370481101000')).map((p) => p.name)).toEqual(['山东省', '枣庄市', '滕州市', '洪绪镇']);
  });

  it.runIf(run)('searches regions by name and by code prefix', async () => {
    const byName = await searchRegions(handle.db, { page: 1, pageSize: 10, filter: { q: '洪绪' } });
    expect(byName.items.map((r) => [r.code, r.name, r.parentName, r.grandparentName])).toEqual([['370481101000', '洪绪镇', '滕州市', '枣庄市']]);
    const byCode = await searchRegions(handle.db, { page: 2, pageSize: 5, filter: { q: '370481', level: 'town' } });
    expect(byCode.total).toBe(21);
    expect(byCode.items.map((r) => r.code)).toEqual(['370481101000', '370481102000', '370481103000', '370481104000', '370481105000']);
    const literal = await searchRegions(handle.db, { page: 1, pageSize: 5, filter: { q: '%' } });
    expect(literal.total).toBe(0);
  });

  it.runIf(run)('creates, lists, sorts and masks users', async () => {
    await createUser({ db: handle.db, who: SYSTEM_ACTOR }, { loginName: 'b.coord', displayName: '乙', role: 'training_coordinator', password: 'Qudong#2026', mobile: '13912345678', scopes: { regions: ['370481101000'] } });
    await createUser({ db: handle.db, who: SYSTEM_ACTOR }, { loginName: 'a.staff', displayName: '甲', role: 'staff', password: 'Qudong#2026' });
    const all = await listUsers(handle, { page: 1, pageSize: 10, sort: { key: 'loginName', order: 'desc' } });
    expect(all.items.map((u) => u.loginName)).toEqual(['b.coord', 'a.staff']);
    expect(all.items[0]).toMatchObject({ mobile: '139****5678', scopes: { regions: ['370481101000'], stations: [], bases: [] } });
    const coordinators = await listUsers(handle, { page: 1, pageSize: 10, filter: { role: 'training_coordinator' } });
    expect(coordinators.total).toBe(1);
  });

  it.runIf(run)('counts login failures for throttling', async () => {
    const tries = [];
    for (let i = 0; i < 4; i++) tries.push(await reserveAttempt(handle.db, 'someone', '10.0.0.1'));
    expect(failedAttempt(tries[3], 'AUTH_BAD_CREDENTIALS', 'UNAUTHORIZED').params).toEqual({ remaining: 1 });
    const fifth = await reserveAttempt(handle.db, 'someone', '10.0.0.1');
    expect(fifth).toMatchObject({ knownAddress: false, others: { pair: { count: 4 }, address: { count: 4 }, account: { count: 4 } } });
    expect(fifth.others.pair.last).toBeInstanceOf(Date);
    expect(failedAttempt(fifth, 'AUTH_BAD_CREDENTIALS', 'UNAUTHORIZED')).toMatchObject({ code: 'AUTH_THROTTLED', params: { seconds: 60, minutes: 1 } });
    await expect(reserveAttempt(handle.db, 'someone', '10.0.0.1')).rejects.toMatchObject({ code: 'AUTH_THROTTLED' });
    // a minute after the last failure the next try is checked
    await sql`update login_attempts set at = at - interval '61 seconds'`.execute(handle.db);
    await attemptSucceeded(handle.db, (await reserveAttempt(handle.db, 'someone', '10.0.0.1')).id);
    // the success starts the pair's count again and makes the address known to the account
    expect(await reserveAttempt(handle.db, 'someone', '10.0.0.1')).toMatchObject({ knownAddress: true, others: { pair: { count: 0 }, address: { count: 5 } } });
  });

  it.runIf(run)('stores targets as exact numbers', async () => {
    await upsertTarget({ db: handle.db, who: SYSTEM_ACTOR }, { year: 2026, regionCode: '370481000000', metricKey: 'training_person_times', value: 1500 });
    await upsertTarget({ db: handle.db, who: SYSTEM_ACTOR }, { year: 2026, regionCode: '370481000000', metricKey: 'station_activity', value: 0.85 });
    const admin = { id: 0, loginName: 'admin', displayName: 'admin', role: 'admin' as const, scopes: { regions: [], stations: [], bases: [] } };
    const targets = await listTargets({ db: handle.db, actor: admin, countyCode: '370481000000' }, { year: 2026 });
    expect(targets.map((t) => [t.metricKey, t.value, t.regionName])).toEqual([
      ['station_activity', 0.85, '滕州市'],
      ['training_person_times', 1500, '滕州市'],
    ]);
  });

  it.runIf(run)('rolls up towns and villages', async () => {
    await handle.db
      .insertInto('regions')
      .values({ code: '370481101201', name: '测试村', level: 'village', parent_code: '370481101000', village_kind: 'villagers_committee' })
      .execute();
    expect(await computeRegionRollups(handle.db, '370481000000')).toEqual({ counties: 1, towns: 21 });
    const county = await handle.db.selectFrom('region_rollups').selectAll().where('region_code', '=', '370481000000').executeTakeFirstOrThrow();
    expect(county).toMatchObject({ town_count: 21, village_count: 1, administrative_village_count: 1, computed_at: expect.any(Date) });
  });
});
