import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeLivestreamMetrics } from '@cuntong/server/modules/livestream/livestream.metrics';
import { createHarness, type Harness } from '../support/harness';
import { COUNTY, evenings, HONGXU, insertBase, insertHost, insertStreams, NANSHAHE } from './metrics-fixture';

/**
 * The active-host rule at its boundaries, on real PostgreSQL with streams inserted directly.
 * Rule v1 (the migration's): ≥ 4 streams of ≥ 30 minutes on the platform, started in the 30 Shanghai
 * days ending with the day judged. June 2026 is judged as of 2026-06-30: the window is
 * 2026-06-01 00:00 +08:00 (= 2026-05-31 16:00Z) up to, not including, 2026-07-01 00:00 +08:00.
 */
describe('livestream: the active-host rule', () => {
  let h: Harness;
  let base: number;
  const host: Record<string, number> = {};

  const monthRow = (hostId: number, month: string, platform = 'taobao') =>
    h.db
      .selectFrom('host_month_stats')
      .selectAll()
      .where('host_id', '=', hostId)
      .where('platform', '=', platform as never)
      .where('month', '=', `${month}-01`)
      .executeTakeFirst();
  const active = async (hostId: number, month: string) => (await monthRow(hostId, month))?.active_at_month_end ?? false;

  beforeAll(async () => {
    h = await createHarness();
    base = await insertBase(h, '洪绪直播基地', HONGXU);
    for (const name of ['four', 'short', 'outside', 'boundary', 'justBefore', 'lateNight', 'douyin']) host[name] = await insertHost(h, base, name);
    // exactly 4 streams of exactly 30 minutes in June
    await insertStreams(h, host.four, base, evenings('2026-06', [3, 9, 15, 21]));
    // the same, but one lasts 29 minutes 59 seconds
    await insertStreams(h, host.short, base, [...evenings('2026-06', [3, 9, 15]), { at: '2026-06-21T20:00:00+08:00', seconds: 29 * 60 + 59 }]);
    // 3 in June and one on 31 May, 30 days before the as-of day: outside the window
    await insertStreams(h, host.outside, base, [...evenings('2026-06', [3, 9, 15]), { at: '2026-05-31T20:00:00+08:00', minutes: 45 }]);
    // 3 in June and one at the window's first instant, 1 June 00:00 Shanghai (29 days before): inside
    await insertStreams(h, host.boundary, base, [...evenings('2026-06', [3, 9, 15]), { at: '2026-06-01T00:00:00+08:00', minutes: 40 }]);
    // 3 in June and one a second before the window opens (31 May 23:59:59 Shanghai = 15:59:59Z): outside
    await insertStreams(h, host.justBefore, base, [...evenings('2026-06', [3, 9, 15]), { at: '2026-05-31T15:59:59Z', minutes: 40 }]);
    // 3 in June and one starting at 1 July 00:00 Shanghai: counts for July, not for 30 June
    await insertStreams(h, host.lateNight, base, [...evenings('2026-06', [3, 9, 15]), { at: '2026-06-30T16:00:00Z', minutes: 40 }]);
    // 4 qualifying streams, but on Douyin: active on Douyin, not on Taobao Live
    await insertStreams(h, host.douyin, base, evenings('2026-06', [3, 9, 15, 21], { platform: 'douyin' }));
  });
  afterAll(() => h.close());

  it('exactly 4 streams of 30 minutes in the window make a host active; a 29-minute one does not count', async () => {
    const result = await computeLivestreamMetrics(h.db, { month: '2026-06', asOf: '2026-08-15' });
    expect(result.months).toEqual(['2026-06']);
    expect(result.ruleVersions).toEqual([1]);
    expect(await monthRow(host.four, '2026-06')).toMatchObject({
      as_of: '2026-06-30',
      streams: 4,
      qualifying_streams: 4,
      window_streams: 4,
      duration_seconds: 4 * 1800,
      active_at_month_end: true,
      rule_version: 1,
      base_id: base,
    });
    expect(await monthRow(host.short, '2026-06')).toMatchObject({ streams: 4, qualifying_streams: 3, window_streams: 3, active_at_month_end: false });
  });

  it('a stream 30 days before the as-of day is outside the window; one on the window’s first day is inside', async () => {
    expect(await active(host.outside, '2026-06')).toBe(false);
    expect(await monthRow(host.outside, '2026-06')).toMatchObject({ streams: 3, window_streams: 3 });
    expect(await active(host.boundary, '2026-06')).toBe(true);
    expect(await monthRow(host.boundary, '2026-06')).toMatchObject({ streams: 4, window_streams: 4 });
    expect(await active(host.justBefore, '2026-06')).toBe(false);
    // 1 July 00:00 Shanghai belongs to July: June has 3 streams and the host is not active on 30 June
    expect(await monthRow(host.lateNight, '2026-06')).toMatchObject({ streams: 3, window_streams: 3, active_at_month_end: false });
  });

  it('judges each platform on its own: the Douyin host is active on Douyin only', async () => {
    expect(await monthRow(host.douyin, '2026-06', 'douyin')).toMatchObject({ active_at_month_end: true, streams: 4 });
    expect(await monthRow(host.douyin, '2026-06', 'taobao')).toBeUndefined();
    const stats = await h.db.selectFrom('livestream_active_stats').selectAll().where('month', '=', '2026-06-01').orderBy('platform').execute();
    expect(stats.map((s) => [s.platform, s.active_hosts, s.streaming_hosts, s.rule_version])).toEqual([
      ['all', 3, 7, 1],
      ['douyin', 1, 1, 1],
      ['taobao', 2, 6, 1],
    ]);
    const metric = (key: string, region: string, period: string) =>
      h.db.selectFrom('metric_values').select(['value', 'rule_version']).where('metric_key', '=', key).where('region_code', '=', region).where('period', '=', period).executeTakeFirst();
    expect(await metric('livestream.active_hosts', HONGXU, '2026-06')).toEqual({ value: 2, rule_version: 1 });
    expect(await metric('livestream.active_hosts', COUNTY, '2026-06')).toEqual({ value: 2, rule_version: 1 });
    expect(await metric('livestream.active_hosts.all', COUNTY, '2026-06')).toEqual({ value: 3, rule_version: 1 });
    expect(await metric('livestream.streams', COUNTY, '2026-06')).toEqual({ value: 7 * 4 - 3, rule_version: 0 });
    expect(await metric('livestream.active_hosts', COUNTY, '2026')).toEqual({ value: 2, rule_version: 1 });
  });

  it('a past month recomputed after a new rule version keeps its own version; later months take the new one', async () => {
    // 4 streams of 30 minutes in August as well, for the 'four' host
    await insertStreams(h, host.four, base, evenings('2026-08', [3, 9, 15, 21]));
    // v2 from 1 August: 5 streams needed
    await h.db
      .insertInto('rule_versions')
      .values({ rule_key: 'livestream.active_host', version: 2, params: JSON.stringify({ windowDays: 30, minStreams: 5, minMinutes: 30 }), effective_from: '2026-08-01' })
      .execute();

    const june = await computeLivestreamMetrics(h.db, { month: '2026-06', asOf: '2026-08-31' });
    expect(june.ruleVersions).toEqual([1]);
    expect(await monthRow(host.four, '2026-06')).toMatchObject({ active_at_month_end: true, rule_version: 1 });
    const august = await computeLivestreamMetrics(h.db, { month: '2026-08', asOf: '2026-08-31' });
    expect(august.ruleVersions).toEqual([2]);
    expect(await monthRow(host.four, '2026-08')).toMatchObject({ streams: 4, window_streams: 4, active_at_month_end: false, rule_version: 2, as_of: '2026-08-31' });

    // a full run as of 31 August: every month from the first stream (May) judged under its own version
    const all = await computeLivestreamMetrics(h.db, { asOf: '2026-08-31' });
    expect(all.months).toEqual(['2026-05', '2026-06', '2026-07', '2026-08']);
    expect(all.ruleVersions).toEqual([1, 1, 1, 2]);
    // after a write: the months from the written stream's on, each still under its own version
    const since = await computeLivestreamMetrics(h.db, { since: '2026-07', asOf: '2026-08-31' });
    expect(since.months).toEqual(['2026-07', '2026-08']);
    expect(since.ruleVersions).toEqual([1, 2]);
    expect(since.written).toBe(0); // the full run above already wrote these figures
    const versions = await h.db.selectFrom('host_month_stats').select(['month', 'rule_version']).distinct().orderBy('month').execute();
    expect(versions).toEqual([
      { month: '2026-05-01', rule_version: 1 },
      { month: '2026-06-01', rule_version: 1 },
      { month: '2026-07-01', rule_version: 1 },
      { month: '2026-08-01', rule_version: 2 },
    ]);
    expect(await active(host.four, '2026-06')).toBe(true);
    expect(await active(host.four, '2026-08')).toBe(false);
    // July: the late-night host's 1 July stream is July's only stream, not enough alone
    expect(await monthRow(host.lateNight, '2026-07')).toMatchObject({ streams: 1, active_at_month_end: false, rule_version: 1 });
    const stats = await h.db.selectFrom('livestream_active_stats').select(['month', 'rule_version']).distinct().orderBy('month').execute();
    expect(stats.map((s) => s.rule_version)).toEqual([1, 1, 1, 2]);
    const metricVersions = await h.db
      .selectFrom('metric_values')
      .select(['period', 'rule_version'])
      .where('metric_key', '=', 'livestream.active_hosts')
      .where('region_code', '=', COUNTY)
      .orderBy('period')
      .execute();
    expect(metricVersions).toEqual([
      { period: '2026', rule_version: 2 },
      { period: '2026-05', rule_version: 1 },
      { period: '2026-06', rule_version: 1 },
      { period: '2026-07', rule_version: 1 },
      { period: '2026-08', rule_version: 2 },
    ]);
  });

  it('the current month is judged as of the as-of day, and a second run rewrites nothing', async () => {
    // as of 21 August under v2 nothing; under an as-of before v2 (31 July) July is judged as of its end
    const again = await computeLivestreamMetrics(h.db, { asOf: '2026-08-31' });
    expect(again.written).toBe(0);
    const mid = await computeLivestreamMetrics(h.db, { month: '2026-08', asOf: '2026-08-10' });
    expect(mid.ruleVersions).toEqual([2]);
    expect(await monthRow(host.four, '2026-08')).toMatchObject({ as_of: '2026-08-10', streams: 2 });
  });

  it('puts a host who moved mid-month on the base of their latest stream, with the month’s totals from both', async () => {
    const other = await insertBase(h, '南沙河直播基地', NANSHAHE);
    const mover = await insertHost(h, other, 'mover');
    await insertStreams(h, mover, base, evenings('2026-06', [3, 9], { gmvFen: 100 }));
    await insertStreams(h, mover, other, evenings('2026-06', [15, 21], { gmvFen: 200 }));
    await computeLivestreamMetrics(h.db, { month: '2026-06', asOf: '2026-08-31' });
    expect(await monthRow(mover, '2026-06')).toMatchObject({ base_id: other, streams: 4, gmv_fen: 600, active_at_month_end: true });
  });
});
