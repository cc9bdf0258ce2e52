import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '@cuntong/server/lib/dates';
import { computeStationMetrics } from '@cuntong/server/modules/stations/stations.metrics';
import { splitTotal } from '@cuntong/server/modules/targets/split';
import { createHarness, type Harness } from '../support/harness';
import { refusal } from '../support/refusal';
import { twoBases } from '../livestream/fixture';
import { addVillages, buildStations, COUNTY, HONGXU, NANSHAHE } from '../stations/fixture';

const YEAR = 2026;

describe('splitting a county figure to towns', () => {
  it('always adds up to the county figure, whatever the weights', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 60 }), (total, weights) => {
        const parts = splitTotal(total, weights, 'count');
        expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
        expect(parts.every((p) => Number.isInteger(p) && p >= 0)).toBe(true);
      }),
    );
  });

  it('shares in proportion, the left-over units to the largest remainders, evenly when there is no basis', () => {
    expect(splitTotal(10, [1, 1, 1], 'count')).toEqual([4, 3, 3]);
    expect(splitTotal(100, [3, 1], 'fen')).toEqual([75, 25]);
    expect(splitTotal(7, [0, 0], 'count')).toEqual([4, 3]);
    expect(splitTotal(0.8, [5, 9], 'ratio')).toEqual([0.8, 0.8]);
  });
});

describe('targets by town and base, and progress in one’s own scope', () => {
  let h: Harness;
  let admin: ReturnType<Harness['caller']>;
  let bases: Awaited<ReturnType<typeof twoBases>>;

  beforeAll(async () => {
    h = await createHarness();
    admin = h.caller((await h.user('admin')).actor);
    await addVillages(h);
    await buildStations(h, admin);
    bases = await twoBases(h);
    await admin.targets.upsert({ year: YEAR, regionCode: COUNTY, metricKey: 'training_person_times', value: 1500 });
  });
  afterAll(() => h?.close());

  it('previews a split by villages that sums to the county figure, and commits it audited', async () => {
    const preview = await admin.targets.split.preview({ year: YEAR, metricKey: 'training_person_times', basis: 'villages' });
    expect(preview.countyValue).toBe(1500);
    expect(preview.towns).toHaveLength(21);
    expect(preview.proposedSum).toBe(1500);
    const totalVillages = preview.towns.reduce((a, t) => a + t.basisValue, 0);
    for (const town of preview.towns) expect(Math.abs(town.proposed - (1500 * town.basisValue) / totalVillages)).toBeLessThan(1);
    // nothing written yet
    expect(preview.towns.every((t) => t.current === null)).toBe(true);

    const saved = await admin.targets.split.commit({ year: YEAR, metricKey: 'training_person_times', towns: preview.towns.map((t) => ({ regionCode: t.regionCode, value: t.proposed })) });
    expect(saved).toEqual({ changed: preview.towns.filter((t) => t.proposed !== null).length, townSum: 1500, countyValue: 1500 });
    const audits = await h.db.selectFrom('audit_log').select('entity_id').where('entity', '=', 'target').where('entity_id', 'like', `${YEAR}:370481%:training_person_times`).execute();
    expect(audits.length).toBe(1 + 21);

    // by hand, the towns may differ from the county: the sum is shown, not forced
    const hand = await admin.targets.split.commit({ year: YEAR, metricKey: 'training_person_times', towns: [{ regionCode: HONGXU, value: 500 }] });
    expect(hand.townSum).not.toBe(1500);
    expect((await admin.targets.split.preview({ year: YEAR, metricKey: 'training_person_times', basis: 'villages' })).currentSum).toBe(hand.townSum);
  });

  it('refuses a town of another county, a fraction of a person, a ratio above 1, and a base target for a town indicator', async () => {
    expect(await refusal(h.deps, admin.targets.split.commit({ year: YEAR, metricKey: 'training_person_times', towns: [{ regionCode: HONGXU, value: 1 }, { regionCode: '370402001000', value: 1 }] }))).toMatchObject({ appCode: 'TARGET_TOWN_OUTSIDE_COUNTY' });
    // all or nothing: 洪绪镇 kept its 500
    expect((await admin.targets.list({ year: YEAR, regionCode: HONGXU })).find((t) => t.metricKey === 'training_person_times')?.value).toBe(500);
    expect(await refusal(h.deps, admin.targets.upsert({ year: YEAR, regionCode: HONGXU, metricKey: 'training_person_times', value: 10.5 }))).toMatchObject({ appCode: 'TARGET_VALUE_INVALID' });
    expect(await refusal(h.deps, admin.targets.upsert({ year: YEAR, regionCode: COUNTY, metricKey: 'station_activity', value: 2 }))).toMatchObject({ appCode: 'TARGET_VALUE_INVALID' });
    expect(await refusal(h.deps, admin.targets.upsert({ year: YEAR, regionCode: '370481101201', metricKey: 'training_person_times', value: 1 }))).toMatchObject({ appCode: 'TARGET_LEVEL_INVALID' });
  });

  it('shows a coordinator their towns’ targets and progress only, and refuses another town', async () => {
    const coordinator = h.caller((await h.user('training_coordinator', { scopes: { regions: [HONGXU] } })).actor);
    const progress = await coordinator.targets.progress({ year: YEAR });
    expect(new Set(progress.regions.map((p) => p.regionCode))).toEqual(new Set([HONGXU]));
    expect(progress.regions.find((p) => p.indicator === 'training_person_times')?.target).toBe(500);
    expect(progress.bases).toEqual([]);
    expect((await coordinator.targets.list({ year: YEAR })).map((t) => t.regionCode)).toEqual([HONGXU]);
    expect(await refusal(h.deps, coordinator.targets.progress({ year: YEAR, regionCode: NANSHAHE }))).toMatchObject({ appCode: 'FORBIDDEN_SCOPE' });
    expect(await refusal(h.deps, coordinator.targets.progress({ year: YEAR, regionCode: COUNTY }))).toMatchObject({ appCode: 'FORBIDDEN_SCOPE' });
  });

  it('shows a base manager their bases’ active-host targets only', async () => {
    await admin.targets.bases.upsert({ year: YEAR, baseId: bases.hongxu.id, metricKey: 'active_hosts', value: 120 });
    await admin.targets.bases.upsert({ year: YEAR, baseId: bases.nanshahe.id, metricKey: 'active_hosts', value: 80 });
    const progress = await bases.manager.targets.progress({ year: YEAR });
    expect(progress.regions).toEqual([]);
    expect(progress.bases.map((b) => [b.baseId, b.target])).toEqual([[bases.hongxu.id, 120]]);
    expect((await bases.manager.targets.bases.list({ year: YEAR })).map((b) => b.baseId)).toEqual([bases.hongxu.id]);
    const all = await bases.staff.targets.progress({ year: YEAR });
    expect(all.bases.map((b) => b.baseId).sort()).toEqual([bases.hongxu.id, bases.nanshahe.id].sort());
    expect(all.regions.some((r) => r.regionCode === COUNTY)).toBe(true);
  });
});

describe('the station-activity share', () => {
  let h: Harness;
  let s: Awaited<ReturnType<typeof buildStations>>;
  const AS_OF = '2026-11-20';
  const days = (n: number) => Array.from({ length: n }, (_, i) => addDays(AS_OF, -i));

  beforeAll(async () => {
    h = await createHarness();
    const admin = h.caller((await h.user('admin')).actor);
    await addVillages(h);
    s = await buildStations(h, admin);
    const entries = (stationId: number, list: string[]) => list.map((d) => ({ station_id: stationId, entry_date: d, parcels_in: 0 }));
    // in the trailing 30 days: exactly 20 days with an entry (reports), 19 (does not), and 20 but
    // one of them 30 days back (outside the window: does not)
    await h.db.insertInto('ledger_entries').values([
      ...entries(s.zhang.id, days(20)),
      ...entries(s.wang.id, days(19)),
      ...entries(s.li.id, [...days(19), addDays(AS_OF, -30)]),
      ...entries(s.hongxu.id, days(30)),
    ]).execute();
    await computeStationMetrics(h.db, { asOf: AS_OF });
  });
  afterAll(() => h?.close());

  const value = async (region: string, key: string) =>
    Number((await h.db.selectFrom('metric_values').select('value').where('metric_key', '=', key).where('region_code', '=', region).where('period', '=', '2026-11').executeTakeFirstOrThrow()).value);

  it('counts a station with entries on exactly minDays of the window, not one day fewer', async () => {
    // 洪绪镇: its station and three points are active; the station and 张庄 report
    expect(await value(HONGXU, 'stations.reporting')).toBe(2);
    expect(await value(HONGXU, 'stations.active_share')).toBe(0.5);
    // 南沙河镇: its station, no entries
    expect(await value(NANSHAHE, 'stations.active_share')).toBe(0);
    // the county: 2 of 5 (the county centre is not counted)
    expect(await value(COUNTY, 'stations.active_share')).toBe(0.4);
    const row = await h.db.selectFrom('metric_values').select('rule_version').where('metric_key', '=', 'stations.active_share').where('region_code', '=', COUNTY).where('period', '=', '2026-11').executeTakeFirstOrThrow();
    expect(row.rule_version).toBe(1);
  });
});
