import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { idCardCheckChar } from '@cuntong/server/lib/id-card';
import { cookiePair, createHarness, trpcHttp, type Harness } from '../support/harness';
import { hasPostgres, NO_POSTGRES_REASON } from '../support/env';
import { refusal } from '../support/refusal';
import { addVillages, HONGXU, NANSHAHE } from '../stations/fixture';
import { traineeOf } from './course-fixture';

const XIGANG = '370481106000'; // 西岗镇: outside the coordinator's two towns
const XIGANG_VILLAGE = '370481106201';
const ZHANGZHUANG = '370481101201'; // 洪绪镇张庄村
const WANGLOU = '370481101202'; // 洪绪镇王楼村
const ID_FIRST17 = '37048119950312002';
const ID_CARD = ID_FIRST17 + idCardCheckChar(ID_FIRST17);
const ID2_FIRST17 = '37048119880704001';
const ID_CARD_2 = ID2_FIRST17 + idCardCheckChar(ID2_FIRST17);
/** Anything that looks like a full mainland mobile or an 18-character ID-card number. */
const FULL_MOBILE = /(?<!\d)1[3-9]\d{9}(?!\d)/;
const FULL_ID = /(?<![0-9])\d{17}[\dX](?![0-9X])/;

const course = (regionCode: string, title: string) => ({
  title,
  topic: 'shop_operation' as const,
  organiser: '滕州市商务局',
  trainers: ['孟老师'],
  regionCode,
  stationId: null,
  venue: null,
  capacity: 60,
  plannedStart: '2026-11-20',
  plannedEnd: '2026-11-22',
  completionMinSessions: null,
});

async function sheetText(contentBase64: string): Promise<string[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(contentBase64, 'base64') as unknown as ArrayBuffer);
  const rows: string[][] = [];
  workbook.worksheets[0].eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))));
  return rows;
}

describe('trainees: list, profile, edit, duplicates and merge', () => {
  let h: Harness;
  let admin: ReturnType<Harness['caller']>;
  let staff: ReturnType<Harness['caller']>;
  let coordinator: ReturnType<Harness['caller']>;
  let cookie: string;
  let s1: { id: number };
  let s2: { id: number };
  let s3: { id: number };
  let hongxuCourse: { id: number };
  let xigangCourse: { id: number };
  /** 刘晓燕 of 张庄村 registered twice (two mobiles), and a namesake of 王楼村. */
  let original: number;
  let duplicate: number;
  let namesake: number;
  let zhao: number;
  let zhaoAgain: number;

  beforeAll(async () => {
    h = await createHarness();
    await addVillages(h);
    await h.db.insertInto('regions').values({ code: XIGANG_VILLAGE, name: '西岗村', level: 'village', parent_code: XIGANG, village_kind: 'villagers_committee' }).execute();
    admin = h.caller((await h.user('admin')).actor);
    staff = h.caller((await h.user('staff')).actor);
    const user = await h.user('training_coordinator', { loginName: 'wang.li', password: 'Passw0rd!', scopes: { regions: [HONGXU, NANSHAHE] } });
    coordinator = h.caller(user.actor);
    const login = await trpcHttp(h.app, 'auth.session.login', { mutation: true, input: { loginName: 'wang.li', password: 'Passw0rd!' } });
    cookie = cookiePair(login.setCookie);

    hongxuCourse = await coordinator.training.courses.create(course(HONGXU, '洪绪镇网店运营班'));
    s1 = await coordinator.training.sessions.add({ courseId: hongxuCourse.id, date: '2026-11-20', startsAt: '09:00', endsAt: '11:30', venue: null });
    s2 = await coordinator.training.sessions.add({ courseId: hongxuCourse.id, date: '2026-11-21', startsAt: '09:00', endsAt: '11:30', venue: null });
    const later = await coordinator.training.courses.create(course(HONGXU, '洪绪镇直播带货班'));
    s3 = await coordinator.training.sessions.add({ courseId: later.id, date: '2026-11-27', startsAt: '09:00', endsAt: '11:30', venue: null });
    xigangCourse = await staff.training.courses.create(course(XIGANG, '西岗镇网店运营班'));
    const xs = await staff.training.sessions.add({ courseId: xigangCourse.id, date: '2026-11-21', startsAt: '14:00', endsAt: '16:00', venue: null });

    // the sessions took place last month: their attendance is recorded late
    const walkIn = async (sessionId: number, name: string, mobile: string, villageCode: string | null, extra: { idCard?: string; tags?: ('women' | 'veteran')[] } = {}) =>
      traineeOf(await coordinator.training.attendance.checkIn({ sessionId, walkIn: { name, mobile, villageCode, tags: extra.tags ?? [], idCard: extra.idCard ?? null }, late: true }));
    original = (await walkIn(s1.id, '刘晓燕', '13900001111', ZHANGZHUANG, { idCard: ID_CARD, tags: ['women'] })).id;
    duplicate = (await walkIn(s1.id, '刘 晓燕', '13900002222', ZHANGZHUANG)).id;
    await coordinator.training.attendance.checkIn({ sessionId: s2.id, traineeId: duplicate, late: true });
    namesake = (await walkIn(s1.id, '刘晓燕', '13900003333', WANGLOU)).id;
    await coordinator.training.outcomes.record({ traineeId: original, kind: 'shop_opened', occurredOn: '2026-11-25', platform: '淘宝', shopUrl: null, amountFen: null, evidence: '电话回访' });
    const zhaoWalkIn = async (mobile: string) =>
      traineeOf(await staff.training.attendance.checkIn({ sessionId: xs.id, walkIn: { name: '赵西岗', mobile, villageCode: XIGANG_VILLAGE, tags: [], idCard: null }, late: true }));
    zhao = (await zhaoWalkIn('13500004444')).id;
    zhaoAgain = (await zhaoWalkIn('13500005555')).id;
  });
  afterAll(() => h.close());

  it('lists trainees with masked mobiles and only the last four of the ID card, filtered and paged', async () => {
    const res = await trpcHttp(h.app, 'training.trainees.list', { cookie, input: { pageSize: 50 } });
    expect(res.status).toBe(200);
    const text = JSON.stringify(res.body);
    expect(text).not.toMatch(FULL_MOBILE);
    expect(text).not.toMatch(FULL_ID);
    const items = res.body.result!.data.items as { id: number; name: string; mobile: string; idCardLast4: string | null; attendanceCount: number; outcomeCount: number }[];
    // the coordinator's own trainees, not the third town's
    expect(items.map((t) => t.id).sort()).toEqual([original, duplicate, namesake].sort());
    expect(items.find((t) => t.id === original)).toMatchObject({ mobile: '139****1111', idCardLast4: ID_CARD.slice(-4), attendanceCount: 1, outcomeCount: 1 });
    expect(items.find((t) => t.id === duplicate)).toMatchObject({ attendanceCount: 2, outcomeCount: 0 });

    const ids = async (filter: Record<string, unknown>, caller = coordinator) => (await caller.training.trainees.list({ filter, pageSize: 50 })).items.map((t) => t.id).sort();
    expect(await ids({ q: 'lxy' })).toEqual([original, duplicate, namesake].sort());
    expect(await ids({ q: '2222' })).toEqual([duplicate]);
    expect(await ids({ regionCode: ZHANGZHUANG })).toEqual([original, duplicate].sort());
    expect(await ids({ tag: 'women' })).toEqual([original]);
    expect(await ids({ hasOutcome: true })).toEqual([original]);
    expect(await ids({ hasOutcome: false, regionCode: ZHANGZHUANG })).toEqual([duplicate]);
    expect(await ids({ courseId: xigangCourse.id }, staff)).toEqual([zhao, zhaoAgain].sort());
    const page = await coordinator.training.trainees.list({ page: 2, pageSize: 2, sort: { key: 'attendance', order: 'desc' } });
    expect(page.total).toBe(3);
    expect(page.items).toHaveLength(1);
  });

  it('exports the list to Excel, masked the same way', async () => {
    const res = await trpcHttp(h.app, 'training.trainees.export', {
      mutation: true,
      cookie,
      input: {
        list: { filter: { q: 'lxy' } },
        columns: [
          { key: 'name', header: '姓名' },
          { key: 'mobile', header: '手机号' },
          { key: 'idCardLast4', header: '身份证后四位' },
          { key: 'villageName', header: '村' },
        ],
        sheetName: '学员',
      },
    });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).not.toMatch(FULL_MOBILE);
    const rows = await sheetText(res.body.result!.data.contentBase64);
    expect(rows[0]).toEqual(['姓名', '手机号', '身份证后四位', '村']);
    expect(rows).toHaveLength(4);
    expect(rows.flat().join(' ')).not.toMatch(FULL_MOBILE);
    expect(rows.flat().join(' ')).not.toMatch(FULL_ID);
    expect(rows).toContainEqual(['刘晓燕', '139****1111', ID_CARD.slice(-4), '张庄村']);
  });

  it('shows the full mobile on a profile to the admin and the coordinator of their town, masked to staff, never the ID number', async () => {
    const asAdmin = await admin.training.trainees.get({ id: original });
    const asCoordinator = await trpcHttp(h.app, 'training.trainees.get', { cookie, input: { id: original } });
    const asStaff = await staff.training.trainees.get({ id: original });
    expect(asAdmin.trainee).toMatchObject({ mobile: '13900001111', mobileVisible: true, gender: 'female', birthDate: '1995-03-12', villageName: '张庄村', tags: ['women'] });
    expect(asCoordinator.body.result!.data.trainee).toMatchObject({ mobile: '13900001111', mobileVisible: true });
    expect(asStaff.trainee).toMatchObject({ mobile: '139****1111', mobileVisible: false });
    for (const profile of [asAdmin, asCoordinator.body, asStaff]) expect(JSON.stringify(profile)).not.toMatch(FULL_ID);
    expect(JSON.stringify(asStaff)).not.toMatch(FULL_MOBILE);
    // someone from a third town who came to the coordinator's class: visible to them, but not their mobile
    const visitor = traineeOf(await coordinator.training.attendance.checkIn({ sessionId: s2.id, walkIn: { name: '孙外村', mobile: '13700006666', villageCode: XIGANG_VILLAGE, tags: [] }, late: true }));
    expect((await coordinator.training.trainees.get({ id: visitor.id })).trainee).toMatchObject({ mobile: '137****6666', mobileVisible: false, limited: true, villageName: null });
    expect((await admin.training.trainees.get({ id: visitor.id })).trainee).toMatchObject({ mobile: '13700006666', mobileVisible: true, limited: false, villageName: '西岗村' });

    // history: the two-session course, one attended of two required, not completed; the outcome
    expect(asAdmin.courses).toEqual([
      expect.objectContaining({ courseId: hongxuCourse.id, title: '洪绪镇网店运营班', sessionCount: 2, requiredSessions: 2, attendedSessions: 1, completed: false, attendance: [expect.objectContaining({ sessionId: s1.id, date: '2026-11-20', method: 'search' })] }),
    ]);
    const dup = await admin.training.trainees.get({ id: duplicate });
    expect(dup.courses[0]).toMatchObject({ attendedSessions: 2, requiredSessions: 2, completed: true });
    expect(asAdmin.outcomes).toEqual([expect.objectContaining({ kind: 'shop_opened', platform: '淘宝', occurredOn: '2026-11-25' })]);
  });

  it("over raw HTTP, a coordinator of two towns can neither list, see, edit nor merge a third town's trainee", async () => {
    const list = await trpcHttp(h.app, 'training.trainees.list', { cookie, input: { filter: { q: '赵西岗' } } });
    expect(list.body.result!.data).toEqual({ items: [], total: 0 });
    const byCourse = await trpcHttp(h.app, 'training.trainees.list', { cookie, input: { filter: { courseId: xigangCourse.id } } });
    expect(byCourse.body.result!.data.total).toBe(0);
    const before = await h.db.selectFrom('trainees').selectAll().where('id', 'in', [zhao, zhaoAgain]).orderBy('id').execute();
    for (const [path, input, mutation] of [
      ['training.trainees.get', { id: zhao }, false],
      ['training.trainees.update', { id: zhao, version: 1, name: '改名', villageCode: null, tags: [] }, true],
      ['training.trainees.merge', { keepId: zhao, mergeId: zhaoAgain }, true],
      ['training.trainees.merge', { keepId: original, mergeId: zhao }, true],
    ] as const) {
      const res = await trpcHttp(h.app, path, { mutation, cookie, input });
      expect(res.status, path).toBe(404);
      expect(res.body.error!.data.appCode, path).toBe('TRAINEE_NOT_FOUND');
    }
    const dups = await trpcHttp(h.app, 'training.trainees.duplicates', { cookie, input: {} });
    expect(JSON.stringify(dups.body)).not.toContain('赵西岗');
    expect(await h.db.selectFrom('trainees').selectAll().where('id', 'in', [zhao, zhaoAgain]).orderBy('id').execute()).toEqual(before);
    expect(await h.db.selectFrom('attendance').select('trainee_id').where('trainee_id', '=', original).execute()).toHaveLength(1);
  });

  it('edits name, tags and village with a version check, takes an ID card again, audited without full mobile or ID', async () => {
    const current = await coordinator.training.trainees.get({ id: namesake });
    const updated = await coordinator.training.trainees.update({ id: namesake, version: current.trainee.version, name: '刘晓艳', villageCode: WANGLOU, tags: ['veteran'], idCard: ID_CARD_2 });
    expect(updated.trainee).toMatchObject({ name: '刘晓艳', tags: ['veteran'], idCardLast4: ID_CARD_2.slice(-4), birthDate: '1988-07-04', gender: 'male', version: current.trainee.version + 1 });
    expect((await coordinator.training.trainees.search({ q: 'lxy' })).map((t) => t.id)).toContain(namesake);

    const stale = await refusal(h.deps, coordinator.training.trainees.update({ id: namesake, version: current.trainee.version, name: '刘晓燕', villageCode: WANGLOU, tags: [] }));
    expect(stale).toMatchObject({ code: 'CONFLICT', appCode: 'TRAINEE_VERSION_CONFLICT' });
    // the same ID card cannot be a second person's
    const taken = await refusal(h.deps, admin.training.trainees.update({ id: duplicate, version: 1, name: '刘晓燕', villageCode: ZHANGZHUANG, tags: [], idCard: ID_CARD_2 }));
    expect(taken.appCode).toBe('TRAINEE_ID_CARD_TAKEN');
    // a coordinator does not move a trainee out of their towns
    const moved = await refusal(h.deps, coordinator.training.trainees.update({ id: namesake, version: updated.trainee.version, name: '刘晓艳', villageCode: XIGANG_VILLAGE, tags: [] }));
    expect(moved.appCode).toBe('FORBIDDEN_SCOPE');
    const notVillage = await refusal(h.deps, admin.training.trainees.update({ id: namesake, version: updated.trainee.version, name: '刘晓艳', villageCode: HONGXU, tags: [] }));
    expect(notVillage.appCode).toBe('TRAINEE_VILLAGE_INVALID');

    const audit = await h.db.selectFrom('audit_log').selectAll().where('entity', '=', 'trainee').where('entity_id', '=', String(namesake)).where('action', 'like', 'update%').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0].after).toMatchObject({ name: '刘晓艳', mobile: '139****3333', idCardLast4: ID_CARD_2.slice(-4) });
    expect(JSON.stringify(audit)).not.toMatch(FULL_MOBILE);
    expect(JSON.stringify(audit)).not.toMatch(FULL_ID);
  });

  it('finds the same name in the same village under two mobiles, not a namesake of another village', async () => {
    const { groups } = await coordinator.training.trainees.duplicates({});
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ villageCode: ZHANGZHUANG, villageName: '张庄村', name: '刘晓燕' });
    expect(groups[0].members.map((m) => m.id)).toEqual([original, duplicate]);
    expect(groups[0].members.map((m) => m.attendanceCount)).toEqual([1, 2]);
    expect(JSON.stringify(groups)).not.toMatch(FULL_MOBILE);
    // the bureau sees the third town's pair too
    const all = await admin.training.trainees.duplicates({});
    expect(all.groups.map((g) => g.name).sort()).toEqual(['刘晓燕', '赵西岗']);
    expect((await admin.training.trainees.duplicates({ regionCode: XIGANG })).groups.map((g) => g.name)).toEqual(['赵西岗']);
  });

  it('merges in one audited step: all attendance kept (one row for a shared session, the earlier), outcomes moved, the merged mobile checks in as the kept trainee', async () => {
    const earlier = await h.db.selectFrom('attendance').select('checked_in_at').where('session_id', '=', s1.id).where('trainee_id', '=', original).executeTakeFirstOrThrow();
    const laterRow = await h.db.selectFrom('attendance').select('checked_in_at').where('session_id', '=', s1.id).where('trainee_id', '=', duplicate).executeTakeFirstOrThrow();
    expect(earlier.checked_in_at.getTime()).toBeLessThan(laterRow.checked_in_at.getTime());

    const self = await refusal(h.deps, coordinator.training.trainees.merge({ keepId: duplicate, mergeId: duplicate }));
    expect(self).toMatchObject({ code: 'BAD_REQUEST', appCode: 'TRAINEE_MERGE_SELF' });

    const enqueue = vi.spyOn(h.deps.queue, 'enqueue');
    const result = await coordinator.training.trainees.merge({ keepId: duplicate, mergeId: original });
    expect(result).toEqual({ keepId: duplicate, mergedId: original, attendanceMoved: 0, attendanceOverlapping: 1, outcomesMoved: 1 });
    // person-times and conversion follow: the recompute is queued, and when it has run the kept
    // trainee holds the completion and the merged one none
    expect(enqueue).toHaveBeenCalledTimes(1);
    expect(enqueue.mock.calls[0][0]).toBe('training.recompute');
    await (await enqueue.mock.results[0].value).finished(20_000);
    enqueue.mockRestore();
    const completions = await h.db.selectFrom('course_completions').select(['course_id', 'trainee_id']).where('trainee_id', 'in', [original, duplicate]).execute();
    expect(completions).toEqual([{ course_id: hongxuCourse.id, trainee_id: duplicate }]);

    const kept = await h.db.selectFrom('attendance').selectAll().where('trainee_id', '=', duplicate).orderBy('session_id').execute();
    expect(kept.map((a) => a.session_id)).toEqual([s1.id, s2.id]);
    expect(kept[0].checked_in_at.getTime()).toBe(earlier.checked_in_at.getTime());
    expect(await h.db.selectFrom('attendance').select('session_id').where('trainee_id', '=', original).execute()).toEqual([]);
    expect(await h.db.selectFrom('training_outcomes').select('trainee_id').execute()).toEqual([{ trainee_id: duplicate }]);
    const rows = await h.db.selectFrom('trainees').selectAll().where('id', 'in', [original, duplicate]).orderBy('id').execute();
    expect(rows[0]).toMatchObject({ id: original, merged_into_id: duplicate, id_card_hash: null });
    expect(rows[0].merged_at).toBeInstanceOf(Date);
    // the kept trainee took over the ID card, birth date and tag the merged one had
    expect(rows[1]).toMatchObject({ id: duplicate, merged_into_id: null, id_card_last4: ID_CARD.slice(-4), birth_date: '1995-03-12', tags: ['women'] });

    const audit = await h.db.selectFrom('audit_log').selectAll().where('entity', '=', 'trainee').where('action', '=', 'merge').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0].entity_id).toBe(String(duplicate));
    expect(audit[0].before).toMatchObject({ kept: { name: '刘 晓燕', mobile: '139****2222' }, merged: { id: original, name: '刘晓燕', mobile: '139****1111', idCardLast4: ID_CARD.slice(-4) } });
    expect(audit[0].after).toMatchObject({ attendanceOverlapping: 1, outcomesMoved: 1 });
    expect(JSON.stringify(audit)).not.toMatch(FULL_MOBILE);
    expect(JSON.stringify(audit)).not.toMatch(FULL_ID);

    // the merged mobile checks in as the kept trainee; search, list and duplicates no longer show the merged record
    const walkIn = await coordinator.training.attendance.checkIn({ sessionId: s3.id, walkIn: { name: '刘晓燕', mobile: '139 0000 1111', villageCode: null, tags: [] }, late: true });
    expect(walkIn).toMatchObject({ status: 'checked_in', trainee: { id: duplicate } });
    expect((await coordinator.training.trainees.search({ q: 'lxy' })).map((t) => t.id)).not.toContain(original);
    expect((await coordinator.training.trainees.list({ filter: { q: '1111' } })).items.map((t) => t.id)).toEqual([duplicate]);
    expect((await coordinator.training.trainees.duplicates({})).groups).toEqual([]);
    const profile = await coordinator.training.trainees.get({ id: duplicate });
    expect(profile.trainee.otherMobiles).toEqual(['13900001111']);
    expect(profile.outcomes).toHaveLength(1);
    expect((await staff.training.trainees.get({ id: duplicate })).trainee.otherMobiles).toEqual(['139****1111']);
    expect((await coordinator.training.trainees.get({ id: original })).trainee.mergedIntoId).toBe(duplicate);
    // an outcome or a check-in for the merged record is refused: it is no longer a person
    const outcome = await refusal(h.deps, coordinator.training.outcomes.record({ traineeId: original, kind: 'employed', occurredOn: '2026-11-26', platform: null, shopUrl: null, amountFen: null, evidence: null }));
    expect(outcome.appCode).toBe('TRAINEE_NOT_FOUND');

    // the same pair again, either way round, is refused
    for (const pair of [{ keepId: duplicate, mergeId: original }, { keepId: original, mergeId: duplicate }]) {
      const again = await refusal(h.deps, coordinator.training.trainees.merge(pair));
      expect(again).toMatchObject({ code: 'CONFLICT', appCode: 'TRAINEE_ALREADY_MERGED', params: { name: '刘晓燕' } });
      expect(again.message).toContain('已合并');
    }
    expect(await h.db.selectFrom('audit_log').select('id').where('action', '=', 'merge').execute()).toHaveLength(1);
  });

  it('two merges of the same pair at once (either way round): one merges, the other is refused', async () => {
    const walkIn = async (mobile: string) => traineeOf(await coordinator.training.attendance.checkIn({ sessionId: s3.id, walkIn: { name: '周桂兰', mobile, villageCode: WANGLOU, tags: [] }, late: true }));
    const a = (await walkIn('13600007777')).id;
    const b = (await walkIn('13600008888')).id;
    const results = await Promise.allSettled([
      coordinator.training.trainees.merge({ keepId: a, mergeId: b }),
      coordinator.training.trainees.merge({ keepId: b, mergeId: a }),
      coordinator.training.trainees.merge({ keepId: a, mergeId: b }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(await refusal(h.deps, Promise.reject(r.reason))).toMatchObject({ appCode: 'TRAINEE_ALREADY_MERGED' });
    const rows = await h.db.selectFrom('trainees').select(['id', 'merged_into_id']).where('id', 'in', [a, b]).execute();
    expect(rows.filter((r) => r.merged_into_id !== null)).toHaveLength(1);
    // the one session both had checked in to is held once, by the one kept
    expect(await h.db.selectFrom('attendance').select('trainee_id').where('session_id', '=', s3.id).where('trainee_id', 'in', [a, b]).execute()).toHaveLength(1);
  });

  it.runIf(hasPostgres)(`a check-in racing a merge waits for it: nothing lands on the merged record${hasPostgres ? '' : ` (skipped: ${NO_POSTGRES_REASON}; PGlite has one connection)`}`, async () => {
    const walkIn = (sessionId: number, mobile: string) =>
      coordinator.training.attendance.checkIn({ sessionId, walkIn: { name: '孙立新', mobile, villageCode: ZHANGZHUANG, tags: [], idCard: null }, late: true });
    const kept = traineeOf(await walkIn(s1.id, '13900009001')).id;
    const merged = traineeOf(await walkIn(s1.id, '13900009002')).id;
    let bySearch: Promise<unknown> | undefined;
    let byMobile: ReturnType<typeof walkIn> | undefined;
    // what trainees.merge holds while it moves the attendance: both trainees locked, one marked merged
    await h.db.transaction().execute(async (trx) => {
      await trx.selectFrom('trainees').select('id').where('id', 'in', [kept, merged]).orderBy('id').forUpdate().execute();
      await trx.updateTable('trainees').set({ merged_into_id: kept, merged_at: new Date() }).where('id', '=', merged).execute();
      bySearch = refusal(h.deps, coordinator.training.attendance.checkIn({ sessionId: s2.id, traineeId: merged, late: true }));
      byMobile = walkIn(s3.id, '13900009002');
      await new Promise((resolve) => setTimeout(resolve, 300)); // both are waiting on the lock by now
    });
    // the search check-in finds no trainee to check in; the mobile checks in the one kept
    expect(await bySearch).toMatchObject({ code: 'NOT_FOUND', appCode: 'TRAINEE_NOT_FOUND' });
    expect(traineeOf(await byMobile!).id).toBe(kept);
    const onMerged = await h.db.selectFrom('attendance').select('session_id').where('trainee_id', '=', merged).execute();
    expect(onMerged).toEqual([{ session_id: s1.id }]); // only what was there before (the real merge moves it)
  });

  it('refuses to merge two people with different ID cards', async () => {
    const a = await admin.training.trainees.get({ id: zhao });
    await admin.training.trainees.update({ id: zhao, version: a.trainee.version, name: '赵西岗', villageCode: XIGANG_VILLAGE, tags: [], idCard: `${'37048119700101003'}${idCardCheckChar('37048119700101003')}` });
    const b = await admin.training.trainees.get({ id: zhaoAgain });
    await admin.training.trainees.update({ id: zhaoAgain, version: b.trainee.version, name: '赵西岗', villageCode: XIGANG_VILLAGE, tags: [], idCard: `${'37048119720101005'}${idCardCheckChar('37048119720101005')}` });
    const refused = await refusal(h.deps, admin.training.trainees.merge({ keepId: zhao, mergeId: zhaoAgain }), 'en');
    expect(refused).toMatchObject({ appCode: 'TRAINEE_MERGE_ID_CARDS_DIFFER' });
    expect(refused.message).toContain('two people');
    expect((await h.db.selectFrom('trainees').select('merged_into_id').where('id', '=', zhaoAgain).executeTakeFirstOrThrow()).merged_into_id).toBeNull();
  });
});
