import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '@cuntong/server/lib/dates';
import { paceOf, trainingProgress, yearClock } from '@cuntong/server/modules/training/conversion.service';
import { computeTrainingMetrics } from '@cuntong/server/modules/training/training.metrics';
import { cookiePair, createHarness, trpcHttp, type Harness } from '../support/harness';
import { addVillages, COUNTY, HONGXU, NANSHAHE } from '../stations/fixture';
import { conversionFixture, XIGANG } from './conversion-fixture';
import { serviceContext } from '../support/service-context';

/**
 * A year with known answers (window W = 180 days, rule version 1):
 *   A 洪绪 网店运营 王老师+李老师, 2026-03-10: t1 t2 t3 complete
 *   B 洪绪 直播带货 王老师, 2026-05-05/06: t1 t4 complete, t5 comes once (not completed)
 *   C 南沙河 网店运营 赵老师, 2026-03-20: t6 t7 complete
 *   D 西岗 短视频 孙老师, 2026-04-01: t8 completes
 *   t9 registered in 2026 (lives in 洪绪) and never came.
 * Outcomes: t1 shop 2026-04-01 (A's window, before B began: not B's); t2 first sale on A's day W+1
 * (too late); t3 livestream on A's day W (counts); t4 first sale and employed (B); t6 employed (C);
 * t8 shop (D).
 */
describe('training conversion: cuts, funnel, progress, spot check', () => {
  let h: Harness;
  let staffActor: Awaited<ReturnType<Harness['user']>>['actor'];
  let staff: ReturnType<Harness['caller']>;
  let coordinatorActor: Awaited<ReturnType<Harness['user']>>['actor'];
  let cookie: string;
  const t: Record<string, { id: number; mobile: string }> = {};
  const courses: Record<string, number> = {};

  beforeAll(async () => {
    h = await createHarness();
    await addVillages(h);
    const staffUser = await h.user('staff');
    staffActor = staffUser.actor;
    staff = h.caller(staffActor);
    const admin = h.caller((await h.user('admin')).actor);
    const coordinator = await h.user('training_coordinator', { loginName: 'zhang.min', password: 'Passw0rd!', scopes: { regions: [HONGXU, NANSHAHE] } });
    coordinatorActor = coordinator.actor;
    const f = conversionFixture(h, staff);
    for (const name of ['t1', 't2', 't3', 't4', 't5', 't7', 't8']) t[name] = await f.trainee(`学员${name}`);
    t.t6 = await f.trainee('学员t6', { villageCode: '370481102201' });
    t.t9 = await f.trainee('学员t9', { villageCode: '370481101201', createdAt: '2026-02-01' });
    courses.A = (await f.course(HONGXU, 'A 网店开设', ['2026-03-10'], [t.t1.id, t.t2.id, t.t3.id], { trainers: ['王老师', '李老师'] })).id;
    courses.B = (await f.course(HONGXU, 'B 直播带货', ['2026-05-05', '2026-05-06'], [t.t1.id, t.t4.id], { topic: 'livestream_selling', trainers: ['王老师'], partial: [t.t5.id] })).id;
    courses.C = (await f.course(NANSHAHE, 'C 网店运营', ['2026-03-20'], [t.t6.id, t.t7.id], { trainers: ['赵老师'] })).id;
    courses.D = (await f.course(XIGANG, 'D 短视频', ['2026-04-01'], [t.t8.id], { topic: 'short_video', trainers: ['孙老师'] })).id;
    await f.outcome(t.t1.id, 'shop_opened', '2026-04-01');
    await f.outcome(t.t2.id, 'first_sale', addDays('2026-03-10', 181));
    await f.outcome(t.t3.id, 'livestream_started', addDays('2026-03-10', 180));
    await f.outcome(t.t4.id, 'first_sale', '2026-06-01');
    await f.outcome(t.t4.id, 'employed', '2026-06-10');
    await f.outcome(t.t6.id, 'employed', '2026-04-15');
    await f.outcome(t.t8.id, 'shop_opened', '2026-04-10');
    await admin.targets.upsert({ year: 2026, regionCode: COUNTY, metricKey: 'training_person_times', value: 1500 });
    await admin.targets.upsert({ year: 2026, regionCode: HONGXU, metricKey: 'training_person_times', value: 4 });
    await computeTrainingMetrics(h.db);
    const login = await trpcHttp(h.app, 'auth.session.login', { mutation: true, input: { loginName: 'zhang.min', password: 'Passw0rd!' } });
    cookie = cookiePair(login.setCookie);
  });
  afterAll(() => h.close());

  const kinds = (k: Partial<Record<string, number>>) => ({ shop_opened: 0, first_sale: 0, livestream_started: 0, employed: 0, business_started: 0, ...k });
  const brief = (rows: { label: string; completed: number; converted: number }[]) => rows.map((r) => [r.label, r.completed, r.converted]);

  it('converts by cohort month, course, topic, trainer and town, per kind, for the county', async () => {
    const s = await staff.training.conversion.summary({ year: 2026 });
    expect(s).toMatchObject({ windowDays: 180, ruleVersion: 1 });
    // t1 (A), t3 (A, on day W), t4, t6, t8 of seven; t2's sale on day W+1 does not count
    expect(s.overall).toEqual({ key: 'all', label: '', completed: 7, converted: 5, rate: 0.7143, byKind: kinds({ shop_opened: 2, first_sale: 1, livestream_started: 1, employed: 2 }) });
    expect(brief(s.cuts.cohort_month)).toEqual([
      ['2026-03', 5, 3], // A and C: t1 t3 t6
      ['2026-04', 1, 1],
      ['2026-05', 2, 1], // B: t4; t1's shop came before B began
    ]);
    expect(brief(s.cuts.course)).toEqual([
      ['A 网店开设 · 洪绪镇 · 2026-03-10', 3, 2],
      ['B 直播带货 · 洪绪镇 · 2026-05-06', 2, 1],
      ['C 网店运营 · 南沙河镇 · 2026-03-20', 2, 1],
      ['D 短视频 · 西岗镇 · 2026-04-01', 1, 1],
    ]);
    expect(s.cuts.course.map((r) => r.key)).toEqual([courses.A, courses.B, courses.C, courses.D].map(String));
    expect(brief(s.cuts.topic)).toEqual([
      ['shop_operation', 5, 3],
      ['livestream_selling', 2, 1],
      ['short_video', 1, 1],
    ]);
    // a course with two trainers counts for both; a trainee of two of 王老师's courses counts once
    expect(brief(s.cuts.trainer)).toEqual([
      ['王老师', 4, 3],
      ['李老师', 3, 2],
      ['赵老师', 2, 1],
      ['孙老师', 1, 1],
    ]);
    expect(s.cuts.town.map((r) => [r.key, r.completed, r.converted])).toEqual([
      [HONGXU, 4, 3],
      [NANSHAHE, 2, 1],
      [XIGANG, 1, 1],
    ]);
    expect(s.cuts.town[0].label).toBe('洪绪镇');
    expect(s.cuts.course.find((r) => r.label.startsWith('B'))?.byKind).toEqual(kinds({ first_sale: 1, employed: 1 }));
    expect(s.cuts.cohort_month[0].rate).toBe(0.6);
    // the headline metric of the county agrees
    const metric = async (key: string) =>
      (await h.db.selectFrom('metric_values').select('value').where('metric_key', '=', key).where('region_code', '=', COUNTY).where('period', '=', '2026').executeTakeFirstOrThrow()).value;
    expect([await metric('training.completed_trainees'), await metric('training.converted_trainees')]).toEqual([7, 5]);
  });

  it('the window rule: an outcome on day W counts, on day W+1 it does not', async () => {
    const s = await staff.training.conversion.summary({ year: 2026, region: HONGXU });
    const a = s.cuts.course.find((r) => r.key === String(courses.A))!;
    expect(a.byKind).toEqual(kinds({ shop_opened: 1, livestream_started: 1 })); // t1, t3 (day W); not t2 (day W+1)
    // the same rule as the headline metric
    const metric = await h.db.selectFrom('metric_values').select('value').where('metric_key', '=', 'training.converted.first_sale').where('region_code', '=', HONGXU).where('period', '=', '2026').executeTakeFirstOrThrow();
    expect(metric.value).toBe(1); // t4 only
  });

  it('funnel: registered → attended → completed → any outcome → first sale', async () => {
    expect((await staff.training.conversion.summary({ year: 2026 })).funnel).toEqual({ registered: 9, attended: 8, completed: 7, converted: 5, firstSale: 1 });
    // 洪绪: t9 lives there; t1–t5 came; t5 did not complete
    expect((await staff.training.conversion.summary({ year: 2026, region: HONGXU })).funnel).toEqual({ registered: 6, attended: 5, completed: 4, converted: 3, firstSale: 1 });
    expect((await staff.training.conversion.summary({ year: 2025 })).funnel).toEqual({ registered: 0, attended: 0, completed: 0, converted: 0, firstSale: 0 });
  });

  it('progress: person-times so far against 1,500, pace and run-rate projection on a fixed today', async () => {
    expect(yearClock(2026, '2026-07-02')).toEqual({ daysInYear: 365, elapsedDays: 183 });
    expect(yearClock(2028, '2028-12-31')).toEqual({ daysInYear: 366, elapsedDays: 366 });
    expect(yearClock(2027, '2026-12-31')).toEqual({ daysInYear: 365, elapsedDays: 0 });
    expect(paceOf(0, 1500, { daysInYear: 365, elapsedDays: 0 })).toEqual({ pace: 0, projection: 0, status: 'on_pace' });

    const p = await trainingProgress(serviceContext(h.deps, staffActor), 2026, '2026-07-02');
    expect(p).toMatchObject({ year: 2026, today: '2026-07-02', elapsedDays: 183, daysInYear: 365, projectionMethod: 'run_rate' });
    // 8 person-times (A 3, B 2, C 2, D 1); pace 1500 × 183 / 365 = 752; run-rate 8 × 365 / 183 = 16
    expect(p.headline).toEqual({ regionCode: COUNTY, regionName: '滕州市', level: 'county', personTimes: 8, target: 1500, pace: 752, projection: 16, status: 'behind' });
    expect(p.rows.find((r) => r.regionCode === HONGXU)).toMatchObject({ personTimes: 5, target: 4, pace: 2, projection: 10, status: 'on_pace' });
    expect(p.rows.find((r) => r.regionCode === NANSHAHE)).toMatchObject({ personTimes: 2, target: null, pace: null, status: 'no_target' });
    expect(p.months.slice(1, 6).map((m) => [m.month, m.personTimes, m.cumulative])).toEqual([
      ['2026-02', 0, 0],
      ['2026-03', 5, 5],
      ['2026-04', 1, 6],
      ['2026-05', 2, 8],
      ['2026-06', 0, 8],
    ]);
    expect(p.months).toHaveLength(12);

    // the coordinator's headline is their two towns together; no county, no third town
    const c = await trainingProgress(serviceContext(h.deps, coordinatorActor), 2026, '2026-07-02');
    expect(c.headline).toMatchObject({ level: 'scope', personTimes: 7, target: null });
    expect(c.rows.map((r) => r.regionCode).sort()).toEqual([HONGXU, NANSHAHE]);
    expect(c.months.find((m) => m.month === '2026-04')?.personTimes).toBe(0); // D's month is 西岗's
    // through the router, today is Shanghai's
    const live = await staff.training.conversion.progress({ year: 2026 });
    expect(live.headline?.personTimes).toBe(8);
    const xlsx = await staff.training.conversion.progressExport({ list: { year: 2026 }, columns: [{ key: 'regionName', header: '地区' }, { key: 'personTimes', header: '人次' }], sheetName: '进度' });
    expect(xlsx.rows).toBe(live.rows.length);
    expect(live.rows.filter((r) => r.level === 'town').length).toBeGreaterThan(2); // every town of the county, with or without figures
  });

  it('a coordinator of two towns never sees a third town’s cuts, funnel, progress or sample (raw HTTP)', async () => {
    const summary = await trpcHttp(h.app, 'training.conversion.summary', { cookie, input: { year: 2026 } });
    expect(summary.status).toBe(200);
    const s = summary.body.result!.data;
    expect(s.overall).toMatchObject({ completed: 6, converted: 4 }); // 洪绪 4 + 南沙河 2
    expect(s.cuts.town.map((r: { key: string }) => r.key)).toEqual([HONGXU, NANSHAHE]);
    expect(s.cuts.trainer.map((r: { label: string }) => r.label)).not.toContain('孙老师');
    expect(s.cuts.course.map((r: { key: string }) => r.key)).not.toContain(String(courses.D));
    expect(s.funnel).toEqual({ registered: 8, attended: 7, completed: 6, converted: 4, firstSale: 1 });
    expect(JSON.stringify(s)).not.toContain('西岗');

    for (const region of [XIGANG, COUNTY]) {
      const refused = await trpcHttp(h.app, 'training.conversion.summary', { cookie, input: { year: 2026, region } });
      expect(refused.status).toBe(403);
      expect(refused.body.error?.data.appCode).toBe('FORBIDDEN_SCOPE');
    }
    const progress = await trpcHttp(h.app, 'training.conversion.progress', { cookie, input: { year: 2026 } });
    expect(progress.body.result!.data.rows.map((r: { regionCode: string }) => r.regionCode).sort()).toEqual([HONGXU, NANSHAHE]);

    const sample = await trpcHttp(h.app, 'training.conversion.spotCheck.sample', { cookie, input: { from: '2026-01-01', to: '2026-12-31', n: 500, seed: 'all' } });
    expect(sample.body.result!.data.population).toBe(6);
    expect(sample.body.result!.data.items.map((i: { traineeId: number }) => i.traineeId)).not.toContain(t.t8.id);

    const exported = await trpcHttp(h.app, 'training.conversion.cutExport', {
      cookie,
      mutation: true,
      input: { list: { year: 2026, cut: 'town' }, columns: [{ key: 'label', header: '乡镇' }, { key: 'completed', header: '结业' }], sheetName: '按乡镇' },
    });
    expect(exported.body.result!.data.rows).toBe(2);
  });

  it('spot check: the same seed gives the same sample, another seed another; mobiles masked', async () => {
    const input = { from: '2026-01-01', to: '2026-12-31', n: 3, seed: 'eval-2026' };
    const first = await staff.training.conversion.spotCheck.sample(input);
    const again = await staff.training.conversion.spotCheck.sample(input);
    expect(again).toEqual(first);
    expect(first.population).toBe(7);
    expect(first.items).toHaveLength(3);
    // the order is md5(seed:id), computable anywhere
    const completedIds = ['t1', 't2', 't3', 't4', 't6', 't7', 't8'].map((k) => t[k].id);
    const md5 = (s: string) => createHash('md5').update(s).digest('hex');
    const expected = [...completedIds].sort((a, b) => md5(`eval-2026:${a}`).localeCompare(md5(`eval-2026:${b}`))).slice(0, 3);
    expect(first.items.map((i) => i.traineeId)).toEqual(expected);
    const other = await staff.training.conversion.spotCheck.sample({ ...input, seed: 'eval-2026-b' });
    const expectedOther = [...completedIds].sort((a, b) => md5(`eval-2026-b:${a}`).localeCompare(md5(`eval-2026-b:${b}`))).slice(0, 3);
    expect(expectedOther).not.toEqual(expected);
    expect(other.items.map((i) => i.traineeId)).toEqual(expectedOther);
    for (const item of first.items) expect(item.mobile).toMatch(/^\d{3}\*{4}\d{4}$/);
    // a period outside every completion samples nobody; an inverted period is refused
    expect((await staff.training.conversion.spotCheck.sample({ ...input, from: '2026-06-01', to: '2026-06-30' })).population).toBe(0);
    await expect(staff.training.conversion.spotCheck.sample({ ...input, from: '2026-06-01', to: '2026-05-01' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const xlsx = await staff.training.conversion.spotCheck.export({ list: input, columns: [{ key: 'name', header: '姓名' }, { key: 'mobile', header: '手机号' }], sheetName: '抽查' });
    expect(xlsx.rows).toBe(3);
  });

  it('the job is idempotent: running it twice gives the same rows', async () => {
    const snapshot = async () => ({
      cuts: await h.db.selectFrom('training_conversion_stats').selectAll().orderBy('region_code').orderBy('year').orderBy('cut').orderBy('cut_key').execute(),
      funnel: await h.db.selectFrom('training_funnel_stats').selectAll().orderBy('region_code').orderBy('year').execute(),
    });
    const strip = (s: Awaited<ReturnType<typeof snapshot>>) => ({
      cuts: s.cuts.map(({ computed_at: _, ...rest }) => rest),
      funnel: s.funnel.map(({ computed_at: _, ...rest }) => rest),
    });
    const before = strip(await snapshot());
    expect(before.cuts.length).toBeGreaterThan(20);
    await computeTrainingMetrics(h.db);
    await computeTrainingMetrics(h.db);
    expect(strip(await snapshot())).toEqual(before);
  });

  it('each completion has its own window: a later course brings t2’s late sale into it', async () => {
    // t2's first sale (A's day W+1) falls 98 days after E, a course t2 completes in June
    const f = conversionFixture(h, staff);
    courses.E = (await f.course(HONGXU, 'E 物流', ['2026-06-01'], [t.t2.id], { topic: 'logistics', trainers: ['王老师'] })).id;
    await computeTrainingMetrics(h.db);
    const s = await staff.training.conversion.summary({ year: 2026 });
    expect([s.overall.completed, s.overall.converted, s.overall.byKind.first_sale]).toEqual([7, 6, 2]);
    expect(brief(s.cuts.course.filter((r) => [String(courses.A), String(courses.E)].includes(r.key)))).toEqual([
      ['A 网店开设 · 洪绪镇 · 2026-03-10', 3, 2], // still not A's
      ['E 物流 · 洪绪镇 · 2026-06-01', 1, 1],
    ]);
    expect(s.cuts.trainer.find((r) => r.label === '王老师')).toMatchObject({ completed: 4, converted: 4 });
    const metric = await h.db.selectFrom('metric_values').select('value').where('metric_key', '=', 'training.converted_trainees').where('region_code', '=', COUNTY).where('period', '=', '2026').executeTakeFirstOrThrow();
    expect(metric.value).toBe(6);
  });
});
