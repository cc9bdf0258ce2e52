import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiInstant, shanghaiToday } from '@cuntong/server/lib/dates';
import { translate } from '@cuntong/server/i18n/messages';
import { AppError } from '@cuntong/server/lib/app-error';
import { appSecret } from '@cuntong/server/lib/secrets';
import type { AuditWho } from '@cuntong/server/modules/audit/audit.service';
import type { Actor } from '@cuntong/server/modules/auth/actor';
import { checkIn } from '@cuntong/server/modules/training/attendance.service';
import { qrCheckIn, qrToken, type QrRule } from '@cuntong/server/modules/training/qr-check-in';
import { createHarness, trpcHttp, cookiePair, type Harness } from '../support/harness';
import { sheetXlsx } from '../support/hostile-xlsx';
import { refusal } from '../support/refusal';
import { addVillages, HONGXU } from '../stations/fixture';
import { courseInput, sessionNowInput, traineeOf } from './course-fixture';
import { serviceContext } from '../support/service-context';

/**
 * 签到时间 (issue 10, item 17): one versioned window for every live check-in — search, walk-in, QR —
 * from `beforeMinutes` before a session starts to `afterMinutes` after it ends, Shanghai time; a late
 * entry only when asked for, after the session has started; and (item 20) one audit row per
 * check-in that writes one.
 */
describe('training: the check-in window, late entries and the audit of every check-in', () => {
  let h: Harness;
  let coordinator: ReturnType<Harness['caller']>;
  let actor: Actor;
  let who: AuditWho;
  let courseId: number;
  /** 2026-11-20, 13:30–17:30: under rule version 1 (30 minutes either side) check-in runs 13:00–18:00. */
  let afternoon: { id: number };
  let yesterday: { id: number };
  /** Where the trainees checked in by search were registered (late) the month before. */
  let registration: { id: number };
  let tomorrow: { id: number };
  let serial = 0;
  const DAY = '2026-11-20';
  const at = (time: string, day = DAY) => new Date(shanghaiInstant(day, time).getTime() + (time.length > 5 ? Number(time.slice(6)) * 1000 : 0));
  const person = () => ({ name: `学员${++serial}`, mobile: `1390000${String(serial).padStart(4, '0')}`, villageCode: null, tags: [] });
  /** A trainee registered earlier (checked in late to another session), to check in by search. */
  const known = async () => traineeOf(await checkIn(serviceContext(h.deps, actor, { who }), { sessionId: registration.id, walkIn: person(), late: true, confirmName: false })).id;
  const rows = (sessionId: number) => h.db.selectFrom('attendance').selectAll().where('session_id', '=', sessionId).orderBy('trainee_id').execute();
  const audits = (sessionId: number) =>
    h.db.selectFrom('audit_log').selectAll().where('entity', '=', 'course_session').where('entity_id', '=', String(sessionId)).where('action', 'like', 'attendance.%').orderBy('id').execute();
  /** A refusal as the user is told it, from a procedure or straight from the service. */
  const refused = async (call: Promise<unknown>) => {
    const error = await call.then(
      () => new Error('expected the call to be refused, but it succeeded'),
      (err: unknown) => err,
    );
    if (!(error instanceof AppError)) return refusal(h.deps, Promise.reject(error));
    return { code: error.kind, appCode: error.code, params: error.params, message: translate('zh-CN', error.code, error.params) };
  };

  beforeAll(async () => {
    h = await createHarness();
    await addVillages(h);
    const user = await h.user('training_coordinator', { loginName: 'window.test', password: 'Passw0rd!', scopes: { regions: [HONGXU] } });
    actor = user.actor;
    who = { id: user.id, loginName: user.loginName, ip: '10.0.0.9' };
    coordinator = h.caller(actor);
    courseId = (await coordinator.training.courses.create(courseInput(HONGXU, '窗口测试班'))).id;
    afternoon = await coordinator.training.sessions.add({ courseId, date: DAY, startsAt: '13:30', endsAt: '17:30', venue: null });
    registration = await coordinator.training.sessions.add({ courseId, date: '2026-11-01', startsAt: '09:00', endsAt: '11:00', venue: null });
    yesterday = await coordinator.training.sessions.add({ courseId, date: addDays(shanghaiToday(), -1), startsAt: '09:00', endsAt: '11:00', venue: null });
    tomorrow = await coordinator.training.sessions.add({ courseId, date: addDays(shanghaiToday(), 1), startsAt: '09:00', endsAt: '11:00', venue: null });
  });
  afterAll(() => h.close());

  it('search check-in: refused a minute before the window opens and a minute after it closes; taken in its first and last minute', async () => {
    const [early, first, last, late] = [await known(), await known(), await known(), await known()];
    const search = (traineeId: number, now: Date) => checkIn(serviceContext(h.deps, actor, { who }), { sessionId: afternoon.id, traineeId, late: false }, now);

    expect(await refused(search(early, at('12:59')))).toMatchObject({ code: 'BAD_REQUEST', appCode: 'CHECK_IN_NOT_OPEN', params: { date: DAY, opens: '13:00', closes: '18:00' }, message: '签到尚未开始：2026-11-20 13:00 开始签到（至 18:00）。' });
    expect(await search(first, at('13:00'))).toMatchObject({ status: 'checked_in', lateEntry: false });
    expect(await search(last, at('18:00'))).toMatchObject({ status: 'checked_in', lateEntry: false });
    expect(await refused(search(late, at('18:01')))).toMatchObject({ appCode: 'CHECK_IN_CLOSED', params: { date: DAY, closes: '18:00' }, message: '签到已于 2026-11-20 18:00 截止。' });
    expect(await refused(search(late, at('18:00:01')))).toMatchObject({ appCode: 'CHECK_IN_CLOSED' });

    // the refused ones wrote nothing; a repeat of a check-in that was taken says so, even after closing
    expect((await rows(afternoon.id)).map((r) => [r.trainee_id, r.late_entry])).toEqual([
      [first, false],
      [last, false],
    ]);
    expect(await search(first, at('18:30'))).toMatchObject({ status: 'already_checked_in', lateEntry: false });
    expect(await rows(afternoon.id)).toHaveLength(2);
  });

  it('walk-in and QR self check-in keep the same window', async () => {
    const walkIn = (now: Date) => checkIn(serviceContext(h.deps, actor, { who }), { sessionId: afternoon.id, walkIn: person(), late: false, confirmName: false }, now);
    expect(await refused(walkIn(at('12:59')))).toMatchObject({ appCode: 'CHECK_IN_NOT_OPEN' });
    expect(await refused(walkIn(at('18:01')))).toMatchObject({ appCode: 'CHECK_IN_CLOSED' });
    expect(await walkIn(at('18:00'))).toMatchObject({ status: 'checked_in' });
    // nobody was registered by the refused walk-ins
    expect(await h.db.selectFrom('trainees').select('id').where('mobile', 'in', [`1390000${String(serial - 2).padStart(4, '0')}`, `1390000${String(serial - 1).padStart(4, '0')}`]).execute()).toEqual([]);

    const rule = (await h.db.selectFrom('rule_versions').select('params').where('rule_key', '=', 'training.qr_check_in').executeTakeFirstOrThrow()).params as QrRule;
    const key = await appSecret(h.db, 'training.qr_token');
    const qr = (now: Date) => qrCheckIn(h.deps, '10.1.2.3', { token: qrToken(key, afternoon.id, rule, now.getTime()).token, name: '扫码人', mobile: '13600001234' }, now.getTime());
    await expect(qr(at('12:59'))).rejects.toMatchObject({ code: 'CHECK_IN_NOT_OPEN' });
    await expect(qr(at('18:01'))).rejects.toMatchObject({ code: 'CHECK_IN_CLOSED' });
    expect(await qr(at('17:59'))).toMatchObject({ status: 'checked_in' });
  });

  it("another day's session is not open today (the reported bug), by any way of checking in", async () => {
    const traineeId = await known();
    for (const sessionId of [yesterday.id, tomorrow.id]) {
      const appCode = sessionId === yesterday.id ? 'CHECK_IN_CLOSED' : 'CHECK_IN_NOT_OPEN';
      expect(await refused(coordinator.training.attendance.checkIn({ sessionId, traineeId }))).toMatchObject({ appCode });
      expect(await refused(coordinator.training.attendance.checkIn({ sessionId, walkIn: person() }))).toMatchObject({ appCode });
      const { token } = await coordinator.training.qr.token({ sessionId });
      const res = await trpcHttp(h.app, 'training.qr.checkIn', { mutation: true, input: { token, name: '扫码人', mobile: '13600005678' } });
      expect([res.status, res.body.error?.data.appCode]).toEqual([400, appCode]);
    }
    expect((await rows(tomorrow.id)).length).toBe(0);
    expect((await rows(yesterday.id)).map((r) => r.trainee_id)).not.toContain(traineeId);
  });

  it('a late entry is recorded only when asked for, only for a session that has started, marked and audited as such', async () => {
    const traineeId = await known();
    const late = (sessionId: number, now?: Date) => checkIn(serviceContext(h.deps, actor, { who }), { sessionId, traineeId, late: true }, now);
    // not for a session still to come, nor before the session has started
    expect(await refused(late(tomorrow.id))).toMatchObject({ appCode: 'SESSION_NOT_STARTED', params: { date: addDays(shanghaiToday(), 1), time: '09:00' } });
    expect(await refused(late(afternoon.id, at('12:59')))).toMatchObject({ appCode: 'SESSION_NOT_STARTED' });
    expect(await rows(tomorrow.id)).toEqual([]);
    // within the window it is an ordinary check-in
    const other = await known();
    expect(await checkIn(serviceContext(h.deps, actor, { who }), { sessionId: afternoon.id, traineeId: other, late: true }, at('13:10'))).toMatchObject({ status: 'checked_in', lateEntry: false });
    // after it has closed: a late entry
    const answer = await late(afternoon.id, at('20:00'));
    expect(answer).toMatchObject({ status: 'checked_in', lateEntry: true, method: 'search' });
    expect((await rows(afternoon.id)).find((r) => r.trainee_id === traineeId)).toMatchObject({ late_entry: true, method: 'search', recorded_by: actor.id });
    const audit = (await audits(afternoon.id)).filter((a) => (a.after as { traineeId: number }).traineeId === traineeId);
    expect(audit).toEqual([
      expect.objectContaining({ action: 'attendance.late_entry', actor_user_id: actor.id, actor_login: 'window.test', ip: '10.0.0.9', after: { traineeId, method: 'search', lateEntry: true } }),
    ]);
    // a walk-in the same way, through the procedure
    const walkIn = traineeOf(await coordinator.training.attendance.checkIn({ sessionId: yesterday.id, walkIn: person(), late: true }));
    expect((await rows(yesterday.id)).find((r) => r.trainee_id === walkIn.id)).toMatchObject({ late_entry: true });
  });

  it('every check-in that writes a row leaves one audit row (search, walk-in, QR); a repeat leaves none', async () => {
    const session = await coordinator.training.sessions.add(sessionNowInput(courseId));
    const traineeId = await known();
    await coordinator.training.attendance.checkIn({ sessionId: session.id, traineeId });
    await coordinator.training.attendance.checkIn({ sessionId: session.id, traineeId });
    const newcomer = person();
    const walkIn = traineeOf(await coordinator.training.attendance.checkIn({ sessionId: session.id, walkIn: newcomer }));
    await coordinator.training.attendance.checkIn({ sessionId: session.id, walkIn: newcomer });
    const { token } = await coordinator.training.qr.token({ sessionId: session.id });
    await qrCheckIn(h.deps, '10.1.2.3', { token, name: '扫码学员', mobile: '13700007777' });
    await qrCheckIn(h.deps, '10.1.2.3', { token, name: '扫码学员', mobile: '13700007777' });
    const qrTrainee = await h.db.selectFrom('trainees').select('id').where('mobile', '=', '13700007777').executeTakeFirstOrThrow();

    const audit = await audits(session.id);
    expect(audit.map((a) => [a.action, a.actor_user_id, a.actor_login, a.after])).toEqual([
      ['attendance.check_in', actor.id, 'window.test', { traineeId, method: 'search', lateEntry: false }],
      ['attendance.check_in', actor.id, 'window.test', { traineeId: walkIn.id, method: 'search', lateEntry: false }],
      ['attendance.check_in', null, 'qr', { traineeId: qrTrainee.id, method: 'qr', lateEntry: false }],
    ]);
    expect(audit[2]!.ip).toBe('10.1.2.3');
    expect(await rows(session.id)).toHaveLength(3);
  });

  it('the window is versioned: a new version holds for sessions from its date, an earlier session keeps the old one', async () => {
    const [d2, d3] = [addDays(shanghaiToday(), 2), addDays(shanghaiToday(), 3)];
    const params = { tokenSeconds: 30, acceptSeconds: 300, beforeMinutes: 10, afterMinutes: 5 };
    await h.db.insertInto('rule_versions').values({ rule_key: 'training.qr_check_in', version: 2, params: JSON.stringify(params), effective_from: d3 }).execute();
    const before = await coordinator.training.sessions.add({ courseId, date: d2, startsAt: '13:30', endsAt: '17:30', venue: null });
    const after = await coordinator.training.sessions.add({ courseId, date: d3, startsAt: '13:30', endsAt: '17:30', venue: null });
    expect(before.checkInWindow).toEqual({ opens: '13:00', closes: '18:00', state: 'not_open', started: false });
    expect(after.checkInWindow).toEqual({ opens: '13:20', closes: '17:35', state: 'not_open', started: false });
    const traineeId = await known();
    const search = (sessionId: number, now: Date) => checkIn(serviceContext(h.deps, actor, { who }), { sessionId, traineeId, late: false }, now);
    expect(await refused(search(after.id, at('13:19', d3)))).toMatchObject({ appCode: 'CHECK_IN_NOT_OPEN', params: { opens: '13:20' } });
    expect(await search(after.id, at('13:20', d3))).toMatchObject({ status: 'checked_in' });
    expect(await refused(search(before.id, at('12:59', d2)))).toMatchObject({ appCode: 'CHECK_IN_NOT_OPEN', params: { opens: '13:00' } });
    expect(await search(before.id, at('13:00', d2))).toMatchObject({ status: 'checked_in' });
    // the screens read the window from the session
    expect((await coordinator.training.sessions.get({ id: afternoon.id })).checkInWindow).toEqual({ opens: '13:00', closes: '18:00', state: 'closed', started: true });
    expect((await coordinator.training.sessions.list({ courseId })).find((s) => s.id === tomorrow.id)!.checkInWindow).toMatchObject({ opens: '08:30', closes: '11:30', state: 'not_open', started: false });
  });

  it('a paper list or a sign-in sheet is refused for a session that has not started', async () => {
    const traineeId = await known();
    expect(await refused(coordinator.training.attendance.bulkMark({ sessionId: tomorrow.id, traineeIds: [traineeId] }))).toMatchObject({ appCode: 'SESSION_NOT_STARTED' });
    const tomorrowDay = addDays(shanghaiToday(), 1);
    const fileBase64 = sheetXlsx([
      ['姓名', '手机号', '日期'],
      ['明天来', '13500001111', tomorrowDay],
    ]).toString('base64');
    expect(await refused(coordinator.training.attendance.import.preview({ courseId, fileBase64, sessionId: tomorrow.id }))).toMatchObject({ appCode: 'SESSION_NOT_STARTED' });
    const preview = await coordinator.training.attendance.import.preview({ courseId, fileBase64 });
    expect(preview.rows.items).toEqual([
      expect.objectContaining({ status: 'problem', problems: [expect.objectContaining({ field: 'date', code: 'SESSION_NOT_STARTED', message: `该课次 ${tomorrowDay} 09:00 才开始，还不能记录签到。` })] }),
    ]);
    expect(await refused(coordinator.training.attendance.import.commit({ courseId, fileBase64, mode: 'all_or_nothing' }))).toMatchObject({ appCode: 'IMPORT_INVALID' });
    expect(await rows(tomorrow.id)).toEqual([]);
    // over HTTP too
    const login = await trpcHttp(h.app, 'auth.session.login', { mutation: true, input: { loginName: 'window.test', password: 'Passw0rd!' } });
    const res = await trpcHttp(h.app, 'training.attendance.bulkMark', { mutation: true, cookie: cookiePair(login.setCookie), input: { sessionId: tomorrow.id, traineeIds: [traineeId] } });
    expect([res.status, res.body.error?.data.appCode]).toEqual([400, 'SESSION_NOT_STARTED']);
  });
});
