import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeTrainingMetrics } from '@cuntong/server/modules/training/training.metrics';
import { createHarness, type Harness } from '../support/harness';
import { COUNTY, HONGXU, NANSHAHE } from '../stations/fixture';
import { traineeOf } from './course-fixture';

const base = { topic: 'shop_operation' as const, organiser: null, trainers: [], stationId: null, venue: null, capacity: null, plannedStart: null, plannedEnd: null };

describe('training: the completion rule and person-times (人次)', () => {
  let h: Harness;
  let staff: ReturnType<Harness['caller']>;
  const trainees: number[] = [];

  /** A course with sessions on these days; `attended[i]` lists the session indexes trainee i came to. */
  async function course(regionCode: string, days: string[], attended: number[][], completionMinSessions: number | null = null) {
    const c = await staff.training.courses.create({ ...base, title: `班 ${days[0]}`, regionCode, completionMinSessions });
    const sessions = [];
    for (const date of days) sessions.push(await staff.training.sessions.add({ courseId: c.id, date, startsAt: '09:00', endsAt: '11:00', venue: null }));
    for (const [i, list] of attended.entries()) {
      for (const s of list) await staff.training.attendance.checkIn({ sessionId: sessions[s].id, traineeId: trainees[i], late: true });
    }
    return c;
  }

  beforeAll(async () => {
    h = await createHarness();
    staff = h.caller((await h.user('staff')).actor);
    const hongxuCourse = await staff.training.courses.create({ ...base, title: '登记用', regionCode: HONGXU, completionMinSessions: null });
    const session = await staff.training.sessions.add({ courseId: hongxuCourse.id, date: '2026-01-05', startsAt: '09:00', endsAt: '10:00', venue: null });
    for (const [i, name] of ['甲', '乙', '丙', '丁'].entries()) {
      const r = await staff.training.attendance.checkIn({ sessionId: session.id, walkIn: { name: `学员${name}`, mobile: `1380000000${i}`, villageCode: null, tags: [] }, late: true });
      trainees.push(traineeOf(r).id);
    }
    await staff.training.courses.update({ ...base, id: hongxuCourse.id, version: hongxuCourse.version, title: '登记用', regionCode: HONGXU, completionMinSessions: null, status: 'cancelled' });
  });
  afterAll(() => h.close());

  it('shows the rule in force on each course: all of 1–2 sessions, 80 % rounded up of more, or K', async () => {
    const two = await course(HONGXU, ['2025-03-01', '2025-03-02'], []);
    const five = await course(HONGXU, ['2025-04-01', '2025-04-02', '2025-04-03', '2025-04-04', '2025-04-05'], []);
    const k = await course(HONGXU, ['2025-05-01', '2025-05-02', '2025-05-03'], [], 5);
    expect((await staff.training.courses.get({ id: two.id })).requiredSessions).toBe(2);
    expect((await staff.training.courses.get({ id: five.id })).requiredSessions).toBe(4);
    expect((await staff.training.courses.get({ id: k.id })).requiredSessions).toBe(3); // K = 5, but it has 3
  });

  it('counts a completion in the year of the course’s last session, across the year boundary', async () => {
    // 2025-12-30 and 2026-01-03: 甲 and 乙 came to both (completed, counted in 2026); 丙 to one (not completed)
    await course(NANSHAHE, ['2025-12-30', '2026-01-03'], [[0, 1], [0, 1], [0]]);
    // five sessions in 2025: 甲 4 of 5 (≥ 80 %: completed), 乙 3 of 5 (not), 丁 all
    await course(HONGXU, ['2025-06-01', '2025-06-02', '2025-06-03', '2025-06-04', '2025-06-05'], [[0, 1, 2, 3], [0, 1, 2], [], [0, 1, 2, 3, 4]]);
    // a county-wide course with K = 1: 丙 completes on coming once
    await course(COUNTY, ['2026-02-10', '2026-02-11', '2026-02-12'], [[], [], [2]], 1);

    const result = await computeTrainingMetrics(h.db);
    expect(result.completions).toBe(5);
    const value = async (region: string, period: string) =>
      (await h.db.selectFrom('metric_values').select('value').where('metric_key', '=', 'training.person_times').where('region_code', '=', region).where('period', '=', period).executeTakeFirst())?.value ?? 0;
    expect(await value(COUNTY, '2025')).toBe(2); // 甲 and 丁 in June
    expect(await value(COUNTY, '2026')).toBe(3); // 甲 and 乙 (year-end course), 丙 (county course)
    expect(await value(NANSHAHE, '2026')).toBe(2);
    expect(await value(NANSHAHE, '2026-01')).toBe(2);
    expect(await value(NANSHAHE, '2025')).toBe(0);
    expect(await value(HONGXU, '2025-06')).toBe(2);
    // the cancelled course's check-ins count for nothing
    expect(await value(HONGXU, '2026')).toBe(0);

    // idempotent: the same rows again
    const before = await h.db.selectFrom('course_completions').select(['course_id', 'trainee_id', 'completed_on']).orderBy('course_id').orderBy('trainee_id').execute();
    await computeTrainingMetrics(h.db);
    expect(await h.db.selectFrom('course_completions').select(['course_id', 'trainee_id', 'completed_on']).orderBy('course_id').orderBy('trainee_id').execute()).toEqual(before);
  });

  it('conversion: distinct trainees who completed in the year, with an outcome from the course start to 180 days after it ends', async () => {
    const [jia, yi, bing] = trainees;
    const record = (traineeId: number, kind: 'shop_opened' | 'first_sale' | 'livestream_started', occurredOn: string) =>
      staff.training.outcomes.record({ traineeId, kind, occurredOn, platform: '抖音', shopUrl: null, amountFen: kind === 'first_sale' ? 12_345 : null, evidence: '电话回访' });
    await record(jia, 'shop_opened', '2025-07-01'); // 26 days after June's course: converts 2025; before the year-end course started, so not 2026
    await record(yi, 'first_sale', '2026-08-15'); // 224 days after 2026-01-03: too late
    await record(bing, 'livestream_started', '2026-03-01'); // within the county course's window
    await expect(record(bing, 'first_sale', '2099-01-01')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await computeTrainingMetrics(h.db);

    const metrics = async (region: string, period: string) =>
      Object.fromEntries(
        (await h.db.selectFrom('metric_values').select(['metric_key', 'value', 'rule_version']).where('region_code', '=', region).where('period', '=', period).where('metric_key', 'like', 'training.%').execute()).map((r) => [r.metric_key, r.value]),
      );
    expect(await metrics(COUNTY, '2025')).toMatchObject({
      'training.completed_trainees': 2, // 甲 and 丁, June
      'training.converted_trainees': 1,
      'training.conversion': 0.5,
      'training.converted.shop_opened': 1,
      'training.converted.first_sale': 0,
    });
    expect(await metrics(COUNTY, '2026')).toMatchObject({
      'training.completed_trainees': 3, // 甲 and 乙 (year-end course), 丙 (county course)
      'training.converted_trainees': 1, // 丙 only
      'training.conversion': 0.3333,
      'training.converted.livestream_started': 1,
      'training.converted.first_sale': 0,
    });
    expect(await metrics(NANSHAHE, '2026')).toMatchObject({ 'training.completed_trainees': 2, 'training.converted_trainees': 0, 'training.conversion': 0 });
    expect(await metrics(HONGXU, '2025')).toMatchObject({ 'training.completed_trainees': 2, 'training.conversion': 0.5 });
    const outcomes = await staff.training.outcomes.list({ traineeId: jia });
    expect(outcomes).toEqual([expect.objectContaining({ kind: 'shop_opened', occurredOn: '2025-07-01', platform: '抖音', recordedBy: expect.any(String) })]);
  });
});
