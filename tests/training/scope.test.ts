import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiToday } from '@cuntong/server/lib/dates';
import { idCardCheckChar } from '@cuntong/server/lib/id-card';
import { computeTrainingMetrics } from '@cuntong/server/modules/training/training.metrics';
import { cookiePair, createHarness, trpcHttp, type Harness } from '../support/harness';
import { refusal } from '../support/refusal';
import { sheetXlsx } from '../support/hostile-xlsx';
import { readExport } from '../support/xlsx';
import { addVillages, buildStations, HONGXU, NANSHAHE } from '../stations/fixture';
import { courseInput, sessionNowInput, traineeOf } from './course-fixture';

const ZHANGZHUANG = '370481101201'; // 洪绪镇张庄村
const NANCUN = '370481102201'; // 南沙河镇南村
const GUO_ID = '37048119900101123' + idCardCheckChar('37048119900101123');
const GUO_MOBILE = '13811112222';
/** Anything that looks like a full mainland mobile. */
const FULL_MOBILE = /(?<!\d)1[3-9]\d{9}(?!\d)/;

/**
 * Issue 10, items 1, 3, 5 (a course's station), 18: a coordinator of 洪绪镇 ("ours") and one of
 * 南沙河镇 ("theirs"). 郭靖 lives in 南沙河镇 (南村, with tags, an ID card, an outcome) and comes to a
 * class in 洪绪镇: for the 洪绪镇 coordinator he is ATTENDED ONLY — name, masked mobile, attendance in
 * their own course, nothing else; he stays 南沙河镇's to edit, merge and follow up.
 */
describe('training scope: owned and attended-only trainees, walk-ins by a known mobile, a course\'s station', () => {
  let h: Harness;
  let admin: ReturnType<Harness['caller']>;
  let ours: ReturnType<Harness['caller']>;
  let theirs: ReturnType<Harness['caller']>;
  let ourCookie: string;
  let ourCourse: { id: number };
  let ourSession: { id: number };
  let theirCourse: { id: number };
  let theirSession: { id: number };
  let guo: number;
  let stations: Awaited<ReturnType<typeof buildStations>>;
  const http = (path: string, input: unknown, mutation = false) => trpcHttp(h.app, path, { cookie: ourCookie, input, mutation });

  beforeAll(async () => {
    h = await createHarness();
    await addVillages(h);
    admin = h.caller((await h.user('admin')).actor);
    stations = await buildStations(h, admin);
    const our = await h.user('training_coordinator', { loginName: 'hongxu.trainer', password: 'Passw0rd!', scopes: { regions: [HONGXU] } });
    ours = h.caller(our.actor);
    theirs = h.caller((await h.user('training_coordinator', { loginName: 'nanshahe.trainer', scopes: { regions: [NANSHAHE] } })).actor);
    ourCookie = cookiePair((await trpcHttp(h.app, 'auth.session.login', { mutation: true, input: { loginName: 'hongxu.trainer', password: 'Passw0rd!' } })).setCookie);

    theirCourse = await theirs.training.courses.create(courseInput(NANSHAHE, '南沙河镇直播班'));
    theirSession = await theirs.training.sessions.add(sessionNowInput(theirCourse.id));
    ourCourse = await ours.training.courses.create(courseInput(HONGXU, '洪绪镇网店班'));
    ourSession = await ours.training.sessions.add(sessionNowInput(ourCourse.id));
    guo = traineeOf(
      await theirs.training.attendance.checkIn({ sessionId: theirSession.id, walkIn: { name: '郭靖', mobile: GUO_MOBILE, idCard: GUO_ID, villageCode: NANCUN, tags: ['veteran'] } }),
    ).id;
    await theirs.training.outcomes.record({ traineeId: guo, kind: 'shop_opened', occurredOn: shanghaiToday(), platform: '淘宝', shopUrl: null, amountFen: null, evidence: '南沙河网店' });
  });
  afterAll(() => h.close());

  /** Nothing of 郭靖 beyond his name and masked mobile: village, town, tags, ID, birth, outcomes, the other course. */
  const expectNothingOfGuo = (answer: unknown) => {
    const text = JSON.stringify(answer);
    for (const secret of ['南村', '南沙河', GUO_ID.slice(-4), '1990-01-01', 'veteran', 'shop_opened', '淘宝', GUO_MOBILE]) expect(text, secret).not.toContain(secret);
  };

  it('a walk-in whose mobile is known under another name is not checked in: the answer asks to confirm, showing only 郭*', async () => {
    const typed = { name: '郭晶', mobile: GUO_MOBILE, idCard: null, villageCode: ZHANGZHUANG, tags: ['women' as const] };
    const res = await http('training.attendance.checkIn', { sessionId: ourSession.id, walkIn: typed }, true);
    expect(res.body.result!.data).toEqual({ status: 'confirm_name', maskedName: '郭*' });
    expect(JSON.stringify(res.body)).not.toContain('郭靖');
    expectNothingOfGuo(res.body);
    expect(await h.db.selectFrom('attendance').select('trainee_id').where('session_id', '=', ourSession.id).execute()).toEqual([]);
    expect(await h.db.selectFrom('audit_log').select('id').where('entity', '=', 'course_session').where('entity_id', '=', String(ourSession.id)).where('action', 'like', 'attendance.%').execute()).toEqual([]);

    // confirmed: checked in as that person, told only what was typed and the masked mobile
    const confirmed = await http('training.attendance.checkIn', { sessionId: ourSession.id, walkIn: typed, confirmName: true }, true);
    expect(confirmed.body.result!.data).toMatchObject({
      status: 'checked_in',
      trainee: { id: guo, name: '郭晶', mobile: '138****2222', limited: true, villageCode: null, villageName: null, tags: [], gender: null, birthDate: null, idCardLast4: null },
    });
    expect(JSON.stringify(confirmed.body)).not.toContain('郭靖');
    expectNothingOfGuo(confirmed.body);
    // the record is as it was: what was typed changed nothing
    expect(await h.db.selectFrom('trainees').select(['name', 'village_code', 'tags']).where('id', '=', guo).executeTakeFirstOrThrow()).toEqual({ name: '郭靖', village_code: NANCUN, tags: ['veteran'] });
    // the same name (spaces and case aside) goes straight through
    expect(await ours.training.attendance.checkIn({ sessionId: ourSession.id, walkIn: { ...typed, name: ' 郭 靖 ' } })).toMatchObject({ status: 'already_checked_in', trainee: { id: guo, limited: true } });
  });

  it('after the check-in the coordinator sees him attended-only: name, masked mobile, their own course — in profile, list, search and export', async () => {
    const profile = (await http('training.trainees.get', { id: guo })).body.result!.data;
    expect(profile.trainee).toMatchObject({ id: guo, name: '郭靖', mobile: '138****2222', mobileVisible: false, limited: true, otherMobiles: [] });
    expect(profile.courses.map((c: { courseId: number }) => c.courseId)).toEqual([ourCourse.id]);
    expect(profile.outcomes).toEqual([]);
    expectNothingOfGuo(profile);
    // 南沙河镇's coordinator, at home, sees all of him
    const home = await theirs.training.trainees.get({ id: guo });
    expect(home.trainee).toMatchObject({ mobile: GUO_MOBILE, mobileVisible: true, limited: false, villageName: '南村', tags: ['veteran'] });
    expect(home.courses.map((c) => c.courseId).sort()).toEqual([ourCourse.id, theirCourse.id].sort());

    const list = (await http('training.trainees.list', { pageSize: 50 })).body.result!.data;
    expect(list.items).toEqual([expect.objectContaining({ id: guo, limited: true, villageName: null, tags: [], courseCount: 1, attendanceCount: 1, outcomeCount: 0 })]);
    expectNothingOfGuo(list);
    const search = (await http('training.trainees.search', { q: '2222', sessionId: ourSession.id })).body.result!.data;
    expect(search).toEqual([expect.objectContaining({ id: guo, name: '郭靖', mobile: '138****2222', villageName: null, limited: true, checkedIn: true })]);
    expectNothingOfGuo(search);
    const file = await ours.training.trainees.export({ list: {}, columns: [{ key: 'name', header: '姓名' }, { key: 'mobile', header: '手机号' }, { key: 'villageName', header: '村' }, { key: 'tags', header: '类别' }, { key: 'birthDate', header: '出生日期' }], sheetName: '学员' });
    const rows = (await readExport(file.contentBase64)).rows;
    expect(rows.map((r) => r.slice(0, 2))).toEqual([
      ['姓名', '手机号'],
      ['郭靖', '138****2222'],
    ]);
    expect(rows[1]!.slice(2).filter((v) => v !== null && v !== undefined && v !== '')).toEqual([]);
  });

  it('filters and digits tell nothing more: tags, outcomes, his town, the other course, his full mobile find nothing', async () => {
    const ids = async (filter: Record<string, unknown>) => ((await ours.training.trainees.list({ filter, pageSize: 50 })).items as { id: number }[]).map((t) => t.id);
    expect(await ids({})).toEqual([guo]);
    expect(await ids({ tag: 'veteran' })).toEqual([]);
    expect(await ids({ hasOutcome: true })).toEqual([]);
    expect(await ids({ hasOutcome: false })).toEqual([]);
    expect(await ids({ courseId: theirCourse.id })).toEqual([]);
    expect(await ids({ courseId: ourCourse.id })).toEqual([guo]);
    // the four digits the masked mobile shows find him; more digits (probing the rest) do not
    expect(await ids({ q: '2222' })).toEqual([guo]);
    expect(await ids({ q: GUO_MOBILE })).toEqual([]);
    expect(await ids({ q: '12222' })).toEqual([]);
    expect((await ours.training.trainees.search({ q: GUO_MOBILE })).map((t) => t.id)).toEqual([]);
    // the owner finds him by the whole number
    expect((await theirs.training.trainees.search({ q: GUO_MOBILE })).map((t) => t.id)).toEqual([guo]);
    // sorted by attendance, he ranks by what he did here (1), not in 南沙河镇 too (2): a namesake of
    // ours with one attendance, made after him, comes first on the tie (newest first)
    const ourOwn = traineeOf(await ours.training.attendance.checkIn({ sessionId: ourSession.id, walkIn: { name: '李平', mobile: '13877770001', idCard: null, villageCode: ZHANGZHUANG, tags: [] } })).id;
    const byAttendance = await ours.training.trainees.list({ sort: { key: 'attendance', order: 'desc' }, pageSize: 50 });
    expect(byAttendance.items.map((t) => [t.id, t.attendanceCount])).toEqual([
      [ourOwn, 1],
      [guo, 1],
    ]);
    expect(await refusal(h.deps, ours.training.trainees.list({ filter: { regionCode: NANCUN } }))).toMatchObject({ appCode: 'FORBIDDEN_SCOPE' });
    expect(await refusal(h.deps, ours.training.trainees.duplicates({ regionCode: NANSHAHE }))).toMatchObject({ appCode: 'FORBIDDEN_SCOPE' });
  });

  it('item 1: setting his village to null is refused like a trainee the coordinator cannot see; the row is unchanged and no answer carries his mobile', async () => {
    await admin.training.attendance.checkIn({ sessionId: ourSession.id, traineeId: guo }); // he came to their class (already, if the walk-in test ran)
    const before = await h.db.selectFrom('trainees').selectAll().where('id', '=', guo).executeTakeFirstOrThrow();
    const attack = await http('training.trainees.update', { id: guo, version: before.version, name: '郭靖', villageCode: null, tags: [] }, true);
    // someone they cannot see at all: a trainee of 南沙河镇 who never came to 洪绪镇
    const stranger = traineeOf(await theirs.training.attendance.checkIn({ sessionId: theirSession.id, walkIn: { name: '黄蓉', mobile: '13822223333', villageCode: NANCUN, tags: [] } })).id;
    const unseen = await http('training.trainees.update', { id: stranger, version: 1, name: '黄蓉', villageCode: null, tags: [] }, true);
    expect([attack.status, attack.body.error!.data.appCode]).toEqual([404, 'TRAINEE_NOT_FOUND']);
    expect([unseen.status, unseen.body.error!.data.appCode, unseen.body.error!.message]).toEqual([attack.status, attack.body.error!.data.appCode, attack.body.error!.message]);
    // and every other way of changing him: into their village, merging, an outcome
    for (const [path, input] of [
      ['training.trainees.update', { id: guo, version: before.version, name: '郭靖', villageCode: ZHANGZHUANG, tags: [] }],
      ['training.trainees.merge', { keepId: guo, mergeId: guo + 1000 }],
      ['training.outcomes.record', { traineeId: guo, kind: 'employed', occurredOn: shanghaiToday() }],
    ] as const) {
      const res = await http(path, input, true);
      expect([res.status, res.body.error!.data.appCode], path).toEqual([404, 'TRAINEE_NOT_FOUND']);
    }
    expect((await http('training.outcomes.list', { traineeId: guo })).body.error!.data.appCode).toBe('TRAINEE_NOT_FOUND');
    expect(await h.db.selectFrom('trainees').selectAll().where('id', '=', guo).executeTakeFirstOrThrow()).toEqual(before);
    for (const res of [attack, unseen]) expect(JSON.stringify(res.body)).not.toMatch(FULL_MOBILE);
    expect(JSON.stringify((await http('training.trainees.get', { id: guo })).body)).not.toMatch(FULL_MOBILE);
  });

  it("item 1: an owned trainee's village may be cleared only while they stay owned (their first course was one of the coordinator's)", async () => {
    // 王芳 of 张庄村 first came to 南沙河镇's class, then to ours: without a village she would be 南沙河镇's
    const wang = traineeOf(await theirs.training.attendance.checkIn({ sessionId: theirSession.id, walkIn: { name: '王芳', mobile: '13833334444', villageCode: ZHANGZHUANG, tags: [] } })).id;
    await ours.training.attendance.checkIn({ sessionId: ourSession.id, traineeId: wang });
    const mine = await ours.training.trainees.get({ id: wang });
    expect(mine.trainee).toMatchObject({ limited: false, mobile: '13833334444' });
    const cleared = await refusal(h.deps, ours.training.trainees.update({ id: wang, version: mine.trainee.version, name: '王芳', villageCode: null, tags: [] }));
    expect(cleared).toMatchObject({ code: 'FORBIDDEN', appCode: 'TRAINEE_HOME_OUTSIDE_SCOPE' });
    expect((await h.db.selectFrom('trainees').select(['village_code', 'version']).where('id', '=', wang).executeTakeFirstOrThrow())).toEqual({ village_code: ZHANGZHUANG, version: mine.trainee.version });
    // 李娜 came to ours first: cleared, she is still ours
    const li = traineeOf(await ours.training.attendance.checkIn({ sessionId: ourSession.id, walkIn: { name: '李娜', mobile: '13844445555', villageCode: ZHANGZHUANG, tags: [] } })).id;
    const updated = await ours.training.trainees.update({ id: li, version: 1, name: '李娜', villageCode: null, tags: [] });
    expect(updated.trainee).toMatchObject({ villageCode: null, limited: false, mobile: '13844445555', mobileVisible: true });
  });

  it('item 18: namesakes in check-in search are told apart by village (owned) and the last four digits of the mobile', async () => {
    for (const mobile of ['13855550001', '13855550002']) {
      await ours.training.attendance.checkIn({ sessionId: ourSession.id, walkIn: { name: '张伟', mobile, villageCode: ZHANGZHUANG, tags: [] } });
    }
    await theirs.training.attendance.checkIn({ sessionId: theirSession.id, walkIn: { name: '张伟', mobile: '13855550003', villageCode: NANCUN, tags: [] } });
    const visitor = traineeOf(await ours.training.attendance.checkIn({ sessionId: ourSession.id, walkIn: { name: '张伟', mobile: '13855550003', villageCode: null, tags: [] } }));
    const found = await ours.training.trainees.search({ q: '张伟', sessionId: ourSession.id });
    expect(found.map((t) => [t.name, t.mobile, t.villageName])).toEqual([
      ['张伟', '138****0001', '张庄村'],
      ['张伟', '138****0002', '张庄村'],
      ['张伟', '138****0003', null],
    ]);
    expect(found[2]).toMatchObject({ id: visitor.id, limited: true });
    // and they are not duplicates to the coordinator: the visitor is not theirs to merge
    const { groups } = await ours.training.trainees.duplicates({});
    expect(groups.map((g) => g.members.map((m) => m.mobile))).toEqual([['138****0001', '138****0002']]);
  });

  it('follow-up calls go to the home coordinator; the spot check of a course shows a visitor without their village', async () => {
    // a course of ours 40 days ago: 欧阳锋 (of 南沙河镇) and 王小明 (of ours) completed it, and nothing since
    const past = await admin.training.courses.create(courseInput(HONGXU, '洪绪镇 40 天前'));
    const session = await admin.training.sessions.add({ courseId: past.id, date: addDays(shanghaiToday(), -40), startsAt: '09:00', endsAt: '11:00', venue: null });
    const walkIn = async (name: string, mobile: string, villageCode: string) =>
      traineeOf(await admin.training.attendance.checkIn({ sessionId: session.id, walkIn: { name, mobile, villageCode, tags: [] }, late: true })).id;
    const xiaoming = await walkIn('王小明', '13866667777', ZHANGZHUANG);
    const ouyang = await walkIn('欧阳锋', '13866668888', NANCUN);
    await computeTrainingMetrics(h.db);
    const calls = async (caller: typeof ours) => (await caller.training.conversion.followUp.list({ filter: { stage: 30 } })).items.map((i) => [i.traineeId, i.mobile, i.courseTitle]);
    expect(await calls(ours)).toEqual([[xiaoming, '13866667777', '洪绪镇 40 天前']]);
    expect(await calls(theirs)).toEqual([[ouyang, '13866668888', '洪绪镇 40 天前']]);
    const sample = await ours.training.conversion.spotCheck.sample({ from: addDays(shanghaiToday(), -60), to: addDays(shanghaiToday(), -30), n: 10, seed: 's' });
    expect(sample.items.map((i) => [i.name, i.mobile, i.villageName])).toHaveLength(2);
    expect(sample.items.map((i) => [i.name, i.mobile, i.villageName])).toEqual(
      expect.arrayContaining([
        ['王小明', '138****7777', '张庄村'],
        ['欧阳锋', '138****8888', null],
      ]),
    );
  });

  it("item 5: a course cannot link, nor read back, another town's station; one that does not exist is answered the same", async () => {
    const withStation = (stationId: number) => ({ ...courseInput(HONGXU, '站点班'), stationId });
    const elsewhere = await http('training.courses.create', withStation(stations.nanshahe.id), true);
    const missing = await http('training.courses.create', withStation(999_999), true);
    expect([elsewhere.status, elsewhere.body.error!.data.appCode]).toEqual([400, 'STATION_NOT_FOUND']);
    expect([missing.status, missing.body.error!.data.appCode, missing.body.error!.message]).toEqual([elsewhere.status, elsewhere.body.error!.data.appCode, elsewhere.body.error!.message]);
    // the admin cannot make the link either; a station of the course's own town is fine
    expect(await refusal(h.deps, admin.training.courses.create(withStation(stations.nanshahe.id)))).toMatchObject({ appCode: 'STATION_NOT_FOUND' });
    const course = await ours.training.courses.create(withStation(stations.hongxu.id));
    expect(course).toMatchObject({ stationId: stations.hongxu.id, stationName: '洪绪镇服务站' });
    const update = await refusal(h.deps, ours.training.courses.update({ ...withStation(stations.nanshahe.id), id: course.id, version: course.version, status: 'planned' }));
    expect(update.appCode).toBe('STATION_NOT_FOUND');

    // a link made before this rule (straight in the database) is not read back by the coordinator
    await h.db.updateTable('courses').set({ station_id: stations.nanshahe.id }).where('id', '=', course.id).execute();
    const read = await http('training.courses.get', { id: course.id });
    expect(read.body.result!.data).toMatchObject({ stationId: null, stationName: null });
    const list = await http('training.courses.list', { pageSize: 50 });
    expect(JSON.stringify(list.body)).not.toContain('南沙河镇服务站');
    expect(await admin.training.courses.get({ id: course.id })).toMatchObject({ stationId: stations.nanshahe.id, stationName: '南沙河镇服务站' });
  });

  it('a sign-in sheet row whose mobile is known under another name is held back until confirmed, telling only 郭*', async () => {
    const fileBase64 = sheetXlsx([
      ['姓名', '手机号'],
      ['郭晶晶', GUO_MOBILE],
      ['新同学', '13877778888'],
    ]).toString('base64');
    const input = { courseId: ourCourse.id, fileBase64, sessionId: ourSession.id };
    const preview = await ours.training.attendance.import.preview(input);
    expect(preview.totals).toMatchObject({ rows: 2, ok: 1, problem: 1, nameDiffers: 1 });
    expect(preview.rows.items[0]).toMatchObject({ status: 'problem', name: '郭晶晶', villageName: null, problems: [expect.objectContaining({ field: 'name', message: '姓名与该手机号已登记的学员（郭*）不一致；如确是同一人，请勾选“确认姓名不一致的行”。' })] });
    expectNothingOfGuo(preview);
    expect(JSON.stringify(preview)).not.toContain('郭靖');
    const refused = await refusal(h.deps, ours.training.attendance.import.commit({ ...input, mode: 'all_or_nothing' }));
    expect(refused.appCode).toBe('IMPORT_INVALID');

    const confirmed = await ours.training.attendance.import.preview({ ...input, confirmNames: true });
    expect(confirmed.totals).toMatchObject({ ok: 1, already: 1, problem: 0, nameDiffers: 1 });
    expect(confirmed.rows.items[0]).toMatchObject({ status: 'already', notes: expect.arrayContaining([expect.objectContaining({ field: 'name', message: '姓名与已登记的学员（郭*）不一致，已确认按该学员签到。' })]) });
    const result = await ours.training.attendance.import.commit({ ...input, mode: 'all_or_nothing', confirmNames: true });
    expect(result).toMatchObject({ newTrainees: 1, newAttendance: 1, alreadyPresent: 1, rejected: 0 });
    expect((await h.db.selectFrom('trainees').select('name').where('id', '=', guo).executeTakeFirstOrThrow()).name).toBe('郭靖');
  }, 90_000); // four sheet reads, each off the event loop: slow when the machine is busy
});
