import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiToday } from '@cuntong/server/lib/dates';
import { computeLivestreamMetrics } from '@cuntong/server/modules/livestream/livestream.metrics';
import { computeTrainingMetrics } from '@cuntong/server/modules/training/training.metrics';
import { createHarness, type Harness } from '../support/harness';
import { refusal } from '../support/refusal';
import { COUNTY, HONGXU, insertBase, insertHost, insertStreams, NANSHAHE, type StreamRow } from './metrics-fixture';

/**
 * The metrics procedures on a small fixture with exact figures, manager scope, the rule versions and
 * the automatic "started livestreaming" outcome.
 *
 * August 2026 (fixed):
 *   a1 (洪绪): Taobao 60 min ¥100 (100 viewers, 5 buyers), 120 min ¥500 (300, 10), 30 min (no figures);
 *              Douyin 60 min ¥200 (100, 1) → 4 streams, 4.5 h, ¥800, ¥177.78/h, 16 ÷ 500 = 3.2 %
 *   a2 (洪绪): Taobao 5 × 30 min, ¥100 each → 5 streams, 2.5 h, ¥500, ¥200/h
 *   b1 (南沙河): Taobao 2 × 240 min, ¥1,000 each → 2 streams, 8 h, ¥2,000, ¥250/h
 * The last 30 days (relative to today): a1 4 × 30 min Taobao, a2 4 × 30 min Douyin, b1 4 × 30 min Taobao.
 */
describe('livestream: metrics procedures', () => {
  let h: Harness;
  let staff: ReturnType<Harness['caller']>;
  let managerA: ReturnType<Harness['caller']>;
  let baseA: number;
  let baseB: number;
  const host: Record<string, number> = {};
  const trainee: Record<string, number> = {};
  const today = shanghaiToday();
  const year = Number(today.slice(0, 4));
  const recent = (days: number[], platform: 'taobao' | 'douyin' = 'taobao'): StreamRow[] =>
    days.map((k) => ({ at: `${addDays(today, -k)}T10:00:00+08:00`, minutes: 30, platform }));

  async function traineeWithCourse(name: string, mobile: string, courseDay: string): Promise<number> {
    const t = await h.db.insertInto('trainees').values({ name, mobile }).returning('id').executeTakeFirstOrThrow();
    const c = await h.db.insertInto('courses').values({ title: `直播带货班 ${courseDay}`, topic: 'livestream_selling', region_code: HONGXU }).returning('id').executeTakeFirstOrThrow();
    const s = await h.db
      .insertInto('course_sessions')
      .values({ course_id: c.id, session_date: courseDay, starts_at: '09:00', ends_at: '11:00' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await h.db.insertInto('attendance').values({ session_id: s.id, trainee_id: t.id, method: 'search' }).execute();
    return t.id;
  }

  beforeAll(async () => {
    h = await createHarness();
    staff = h.caller((await h.user('staff')).actor);
    baseA = await insertBase(h, '洪绪直播基地', HONGXU);
    baseB = await insertBase(h, '南沙河直播基地', NANSHAHE);
    managerA = h.caller((await h.user('livestream_manager', { scopes: { bases: [String(baseA)] } })).actor);

    trainee.t1 = await traineeWithCourse('学员一', '13800000001', '2026-07-10');
    trainee.t2 = await traineeWithCourse('学员二', '13800000002', '2026-08-20');
    trainee.t3 = await traineeWithCourse('学员三', '13800000003', '2026-07-10');
    await computeTrainingMetrics(h.db);
    // t3 already has a livestream_started outcome, typed by a coordinator
    await h.db.insertInto('training_outcomes').values({ trainee_id: trainee.t3, kind: 'livestream_started', occurred_on: '2026-07-20', evidence: '手工登记' }).execute();

    host.a1 = await insertHost(h, baseA, '主播甲', trainee.t1);
    host.a2 = await insertHost(h, baseA, '主播乙', trainee.t2);
    host.b1 = await insertHost(h, baseB, '主播丙', trainee.t3);
    await insertStreams(h, host.a1, baseA, [
      { at: '2026-08-03T20:00:00+08:00', minutes: 60, gmvFen: 10_000, viewers: 100, buyers: 5 },
      { at: '2026-08-12T20:00:00+08:00', minutes: 120, gmvFen: 50_000, viewers: 300, buyers: 10 },
      { at: '2026-08-18T20:00:00+08:00', minutes: 30 },
      { at: '2026-08-25T20:00:00+08:00', minutes: 60, gmvFen: 20_000, viewers: 100, buyers: 1, platform: 'douyin' },
      ...recent([1, 5, 10, 20]),
    ]);
    await insertStreams(h, host.a2, baseA, [
      ...[5, 10, 15, 20, 25].map((d) => ({ at: `2026-08-${String(d).padStart(2, '0')}T21:00:00+08:00`, minutes: 30, gmvFen: 10_000 })),
      ...recent([2, 6, 11, 21], 'douyin'),
    ]);
    await insertStreams(h, host.b1, baseB, [
      { at: '2026-08-08T19:00:00+08:00', minutes: 240, gmvFen: 100_000 },
      { at: '2026-08-22T19:00:00+08:00', minutes: 240, gmvFen: 100_000 },
      ...recent([3, 7, 12, 22]),
    ]);
  });
  afterAll(() => h.close());

  it('adds "started livestreaming" once, dated the first stream after a completed course', async () => {
    const first = await computeLivestreamMetrics(h.db);
    // t1: first stream 3 Aug after the course of 10 July; t2: streaming since 5 Aug, before the course of 20 Aug;
    // t3: already has one
    expect(first.outcomesAdded).toBe(1);
    const rows = await h.db.selectFrom('training_outcomes').selectAll().where('kind', '=', 'livestream_started').orderBy('trainee_id').execute();
    expect(rows.map((r) => ({ trainee: r.trainee_id, on: r.occurred_on, evidence: r.evidence, platform: r.platform, by: r.recorded_by }))).toEqual([
      { trainee: trainee.t1, on: '2026-08-03', evidence: '首场直播 淘宝直播 2026-08-03', platform: '淘宝直播', by: null },
      { trainee: trainee.t3, on: '2026-07-20', evidence: '手工登记', platform: null, by: null },
    ]);
    const audit = await h.db.selectFrom('audit_log').select(['entity', 'action', 'actor_login']).where('entity', '=', 'training_outcome').execute();
    expect(audit).toEqual([{ entity: 'training_outcome', action: 'create', actor_login: 'system' }]);

    const second = await computeLivestreamMetrics(h.db);
    expect(second.outcomesAdded).toBe(0);
    expect(second.written).toBe(0);
    expect(await h.db.selectFrom('training_outcomes').select('id').where('kind', '=', 'livestream_started').execute()).toHaveLength(2);
  });

  it('progress: active Taobao hosts now against the default target of 300, with pace; every platform too', async () => {
    const p = await staff.livestream.metrics.progress({ year });
    const daysInYear = year % 4 === 0 ? 366 : 365;
    const elapsed = Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${year}-01-01T00:00:00Z`)) / 86_400_000) + 1;
    expect(p).toMatchObject({
      year,
      today,
      scope: 'county',
      month: today.slice(0, 7),
      asOf: today,
      taobao: { active: 2, target: 300, targetIsDefault: true, start: 0, pace: Math.round((300 * elapsed) / daysInYear), status: 'behind' },
      allPlatforms: 3,
      rule: { version: 1, windowDays: 30, minStreams: 4, minMinutes: 30 },
    });
    expect(p.byPlatform.find((b) => b.platform === 'taobao')).toEqual({ platform: 'taobao', active: 2, streamingHosts: expect.any(Number) });
    expect(p.byPlatform.find((b) => b.platform === 'douyin')?.active).toBe(1);
    // August: a2 (5 streams) active on Taobao; a1 (4 streams, one under 30 minutes? no: 60, 120, 30 → 3 Taobao) not
    expect(p.months.find((m) => m.month === '2026-08')).toEqual({ month: '2026-08', taobao: 1, all: 1 });

    await h.db.insertInto('targets').values({ year, region_code: COUNTY, metric_key: 'active_hosts', value: 2 }).execute();
    const set = await staff.livestream.metrics.progress({ year });
    expect(set.taobao).toMatchObject({ target: 2, targetIsDefault: false, status: 'on_pace' });
    expect(set.taobao.pace).toBe(Math.round((2 * elapsed) / daysInYear));

    // a manager sees their base only, and no county target
    const mine = await managerA.livestream.metrics.progress({ year });
    expect(mine).toMatchObject({ scope: 'bases', taobao: { active: 1, target: null, pace: null, status: 'no_target' }, allPlatforms: 2 });
  });

  it('leaderboard: hosts of a month ranked by GMV, hours, streams and GMV per hour, without mobiles', async () => {
    const byGmv = await staff.livestream.metrics.leaderboard({ month: '2026-08', by: 'gmv' });
    expect(byGmv.total).toBe(3);
    expect(byGmv.items).toEqual([
      { rank: 1, hostId: host.b1, hostName: '主播丙', baseId: baseB, baseName: '南沙河直播基地', streams: 2, hours: 8, gmvFen: 200_000, gmvPerHourFen: 25_000, buyerRate: null, active: false },
      { rank: 2, hostId: host.a1, hostName: '主播甲', baseId: baseA, baseName: '洪绪直播基地', streams: 4, hours: 4.5, gmvFen: 80_000, gmvPerHourFen: 17_778, buyerRate: 0.032, active: false },
      { rank: 3, hostId: host.a2, hostName: '主播乙', baseId: baseA, baseName: '洪绪直播基地', streams: 5, hours: 2.5, gmvFen: 50_000, gmvPerHourFen: 20_000, buyerRate: null, active: true },
    ]);
    expect(JSON.stringify(byGmv)).not.toMatch(/1[3-9]\d{9}/);
    const order = async (by: 'hours' | 'streams' | 'gmvPerHour') => (await staff.livestream.metrics.leaderboard({ month: '2026-08', by })).items.map((i) => i.hostName);
    expect(await order('hours')).toEqual(['主播丙', '主播甲', '主播乙']);
    expect(await order('streams')).toEqual(['主播乙', '主播甲', '主播丙']);
    expect(await order('gmvPerHour')).toEqual(['主播丙', '主播乙', '主播甲']);
    const taobaoOnly = await staff.livestream.metrics.leaderboard({ month: '2026-08', by: 'gmv', platform: 'taobao', baseId: baseA });
    expect(taobaoOnly.items.map((i) => [i.hostName, i.streams, i.gmvFen, i.buyerRate])).toEqual([
      ['主播甲', 3, 60_000, 0.0375],
      ['主播乙', 5, 50_000, null],
    ]);
    const page2 = await staff.livestream.metrics.leaderboard({ month: '2026-08', by: 'gmv', page: 2, pageSize: 2 });
    expect(page2).toEqual({ total: 3, items: [expect.objectContaining({ rank: 3, hostName: '主播乙' })] });

    const exported = await staff.livestream.metrics.leaderboardExport({
      list: { month: '2026-08', by: 'gmv', page: 1, pageSize: 20 },
      columns: [
        { key: 'rank', header: '名次' },
        { key: 'hostName', header: '主播' },
        { key: 'gmvYuan', header: 'GMV（元）' },
      ],
    });
    expect(exported.rows).toBe(3);
  });

  it('hostMonths: a host’s months, with GMV per hour and buyers ÷ viewers as Σbuyers ÷ Σviewers', async () => {
    const m = await staff.livestream.metrics.hostMonths({ hostId: host.a1 });
    expect(m.hostName).toBe('主播甲');
    expect(m.items.find((i) => i.month === '2026-08')).toEqual({
      month: '2026-08',
      streams: 4,
      hours: 4.5,
      gmvFen: 80_000,
      gmvPerHourFen: 17_778,
      viewers: 500,
      buyers: 16,
      buyerRate: 0.032,
      activePlatforms: [],
    });
    expect(m.byPlatform.filter((r) => r.month === '2026-08').map((r) => [r.platform, r.streams, r.gmvFen, r.ruleVersion])).toEqual([
      ['douyin', 1, 20_000, 1],
      ['taobao', 3, 60_000, 1],
    ]);
    const current = m.items.find((i) => i.month === today.slice(0, 7));
    expect(current?.activePlatforms).toEqual(['taobao']);
  });

  it('narrows a manager to their base: another base’s host, or filter, is FORBIDDEN_SCOPE', async () => {
    const mine = await managerA.livestream.metrics.leaderboard({ month: '2026-08', by: 'gmv' });
    expect(mine.items.map((i) => [i.rank, i.hostName])).toEqual([
      [1, '主播甲'],
      [2, '主播乙'],
    ]);
    expect((await managerA.livestream.metrics.hostMonths({ hostId: host.a2 })).items.length).toBeGreaterThan(0);
    for (const call of [
      () => managerA.livestream.metrics.hostMonths({ hostId: host.b1 }),
      () => managerA.livestream.metrics.hostMonthsExport({ list: { hostId: host.b1 }, columns: [{ key: 'month', header: '月份' }] }),
      () => managerA.livestream.metrics.leaderboard({ month: '2026-08', by: 'gmv', baseId: baseB }),
      () => managerA.livestream.metrics.activeByMonth({ year: 2026, baseId: baseB }),
    ]) {
      expect(await refusal(h.deps, call())).toMatchObject({ code: 'FORBIDDEN', appCode: 'FORBIDDEN_SCOPE', params: { kind: 'base' } });
    }
    expect(await refusal(h.deps, staff.livestream.metrics.hostMonths({ hostId: 999_999 }))).toMatchObject({ code: 'NOT_FOUND', appCode: 'LIVESTREAM_METRICS_HOST_NOT_FOUND' });
    const bases = await managerA.livestream.metrics.byBase({ month: '2026-08' });
    expect(bases.items).toEqual([
      { baseId: baseA, baseName: '洪绪直播基地', regionName: expect.any(String), activeTaobao: 1, activeAll: 1, streamingHosts: 2, streams: 9, hours: 7, gmvFen: 130_000, gmvPerHourFen: 18_571 },
    ]);
    expect((await staff.livestream.metrics.byBase({ month: '2026-08' })).items.map((b) => b.baseName)).toEqual(['洪绪直播基地', '南沙河直播基地']);
  });

  it('active hosts by month, per platform and over all platforms', async () => {
    const { items } = await staff.livestream.metrics.activeByMonth({ year: 2026, platform: 'taobao' });
    expect(items.find((i) => i.month === '2026-08')).toEqual({
      month: '2026-08',
      platform: 'taobao',
      activeHosts: 1,
      streamingHosts: 3,
      streams: 10,
      hours: 14,
      gmvFen: 310_000,
      asOf: '2026-08-31',
      ruleVersion: 1,
    });
    const mine = await managerA.livestream.metrics.activeByMonth({ year: 2026, platform: 'all' });
    expect(mine.items.find((i) => i.month === '2026-08')).toMatchObject({ activeHosts: 1, streamingHosts: 2, streams: 9 });
  });

  it('rule versions: the admin adds one from a date (audited, months queued); not before the one in force; not staff', async () => {
    const admin = h.caller((await h.user('admin')).actor);
    expect(await refusal(h.deps, staff.livestream.metrics.rule.create({ windowDays: 30, minStreams: 5, minMinutes: 30, effectiveFrom: today }))).toMatchObject({
      code: 'FORBIDDEN',
      appCode: 'FORBIDDEN_ROLE',
    });
    const tooEarly = await refusal(h.deps, admin.livestream.metrics.rule.create({ windowDays: 30, minStreams: 5, minMinutes: 30, effectiveFrom: '1999-12-31' }));
    expect(tooEarly).toMatchObject({ code: 'BAD_REQUEST', appCode: 'LIVESTREAM_RULE_EFFECTIVE_TOO_EARLY', params: { date: '1999-12-31', current: '2000-01-01' } });

    const created = await admin.livestream.metrics.rule.create({ windowDays: 28, minStreams: 5, minMinutes: 40, effectiveFrom: today });
    expect(created.rule).toMatchObject({ version: 2, windowDays: 28, minStreams: 5, minMinutes: 40, effectiveFrom: today, inForce: true });
    expect(created.recomputeMonths).toEqual([today.slice(0, 7)]);
    const list = await staff.livestream.metrics.rule.list();
    expect(list.map((v) => [v.version, v.inForce])).toEqual([
      [2, true],
      [1, false],
    ]);
    const audit = await h.db.selectFrom('audit_log').select(['entity_id', 'action']).where('entity', '=', 'rule_version').execute();
    expect(audit).toEqual([{ entity_id: 'livestream.active_host:2', action: 'create' }]);

    // the current month under v2: nobody has 5 streams of 40 minutes; August keeps v1
    await computeLivestreamMetrics(h.db, { month: today.slice(0, 7) });
    const p = await staff.livestream.metrics.progress({ year });
    expect(p.taobao.active).toBe(0);
    expect(p.rule?.version).toBe(2);
    expect(p.months.find((m) => m.month === '2026-08')).toEqual({ month: '2026-08', taobao: 1, all: 1 });
  });
});
