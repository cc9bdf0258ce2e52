import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '@cuntong/server/db/create-db';
import { INDICATORS } from '@cuntong/server/modules/targets/indicators';
import { judgedOn, monthsUpTo, paceOf, paceStatus, regionProgress, yearFraction } from '@cuntong/server/modules/targets/progress';
import { createTestDb } from '../support/db';

const COUNTY = '370481000000';
const TOWN = '370481101000';

describe('pace arithmetic', () => {
  it('judges a year on asOf inside it, on 31 December after it, and on nothing before it', () => {
    expect(judgedOn(2026, '2026-07-02')).toBe('2026-07-02');
    expect(judgedOn(2025, '2026-07-02')).toBe('2025-12-31');
    expect(yearFraction(2025, '2026-07-02')).toBe(1);
    expect(yearFraction(2027, '2026-07-02')).toBe(0);
    expect(monthsUpTo(2027, '2026-07-02')).toEqual([]);
    // 2026 has 365 days; 2 July is its 183rd
    expect(yearFraction(2026, '2026-07-02')).toBeCloseTo(183 / 365, 10);
    expect(monthsUpTo(2026, '2026-03-31')).toEqual(['2026-01', '2026-02', '2026-03']);
  });

  it('cumulative: the months add up, the pace is the target’s share of the year gone by, the projection extends the rate', () => {
    const pace = paceOf({ kind: 'cumulative', unit: 'count', target: 1200, months: [100, null, 200], start: null, fraction: 0.25 });
    expect(pace.actual).toBe(300);
    expect(pace.expected).toBe(300);
    expect(pace.projection).toBe(1200);
    expect(pace.paceRatio).toBe(1);
    expect(pace.status).toBe('on_pace');
  });

  it('level: the latest month counts, the pace ramps from last December to the target, the trend gives December', () => {
    const pace = paceOf({ kind: 'level', unit: 'count', target: 300, months: [100, 110, 120], start: 100, fraction: 0.25 });
    expect(pace.actual).toBe(120);
    expect(pace.expected).toBe(150); // 100 + (300 − 100) × ¼
    expect(pace.projection).toBe(210); // 100 + 10 a month, read at December
    expect(pace.paceRatio).toBeCloseTo(0.8, 10);
    expect(pace.status).toBe('behind');
    // a ratio never projects past 1
    expect(paceOf({ kind: 'level', unit: 'ratio', target: 0.9, months: [0.5, 0.8], start: null, fraction: 0.2 }).projection).toBe(1);
  });

  it('bands the pace ratio at its edges', () => {
    expect(paceStatus(null, 2)).toBe('no_target');
    expect(paceStatus(10, 1.05)).toBe('ahead');
    expect(paceStatus(10, 1.0499)).toBe('on_pace');
    expect(paceStatus(10, 0.95)).toBe('on_pace');
    expect(paceStatus(10, 0.9499)).toBe('behind');
    expect(paceStatus(10, 0.8)).toBe('behind');
    expect(paceStatus(10, 0.7999)).toBe('far_behind');
  });
});

describe('regionProgress on the snapshots', () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await createTestDb();
    const { db } = handle;
    await db
      .insertInto('metric_values')
      .values([
        { metric_key: 'training.person_times', region_code: TOWN, period: '2026-01', value: 40 },
        { metric_key: 'training.person_times', region_code: TOWN, period: '2026-02', value: 60 },
        // the year's own row and next month's are not months of the judged year so far
        { metric_key: 'training.person_times', region_code: TOWN, period: '2026', value: 999 },
        { metric_key: 'training.person_times', region_code: TOWN, period: '2026-04', value: 500 },
        { metric_key: 'livestream.active_hosts', region_code: COUNTY, period: '2025-12', value: 100 },
        { metric_key: 'livestream.active_hosts', region_code: COUNTY, period: '2026-01', value: 130 },
        { metric_key: 'livestream.active_hosts', region_code: COUNTY, period: '2026-03', value: 160 },
      ])
      .execute();
    await db
      .insertInto('targets')
      .values([
        { year: 2026, region_code: TOWN, metric_key: 'training_person_times', value: 400 },
        { year: 2026, region_code: COUNTY, metric_key: 'active_hosts', value: 300 },
      ])
      .execute();
  });
  afterAll(() => handle?.close());

  it('reads each region’s months up to asOf and its own target', async () => {
    const rows = await regionProgress(handle.db, { year: 2026, regionCodes: [COUNTY, TOWN], asOf: '2026-03-31' });
    expect(rows).toHaveLength(2 * Object.keys(INDICATORS).length);
    const town = rows.find((r) => r.regionCode === TOWN && r.indicator === 'training_person_times')!;
    expect(town.actual).toBe(100);
    expect(town.target).toBe(400);
    expect(town.months).toEqual([
      { period: '2026-01', value: 40 },
      { period: '2026-02', value: 60 },
      { period: '2026-03', value: 0 },
    ]);
    expect(town.expected).toBeCloseTo((400 * 90) / 365, 6);
    const hosts = rows.find((r) => r.regionCode === COUNTY && r.indicator === 'active_hosts')!;
    expect(hosts.actual).toBe(160);
    expect(hosts.months.map((m) => m.value)).toEqual([130, null, 160]);
    expect(hosts.expected).toBeCloseTo(100 + 200 * (90 / 365), 6);
    // no target for the county's training: no pace, but the figure is there
    const countyTraining = rows.find((r) => r.regionCode === COUNTY && r.indicator === 'training_person_times')!;
    expect(countyTraining).toMatchObject({ actual: 0, target: null, expected: null, status: 'no_target' });
  });

  it('judges a past year on its last day', async () => {
    const [row] = await regionProgress(handle.db, { year: 2026, regionCodes: [TOWN], indicators: ['training_person_times'], asOf: '2027-02-01' });
    expect(row.asOf).toBe('2026-12-31');
    expect(row.actual).toBe(600);
    expect(row.projection).toBe(600);
    expect(row.expected).toBe(400);
    expect(row.status).toBe('ahead');
  });
});
