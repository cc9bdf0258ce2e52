import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookiePair, createHarness, trpcHttp, type Harness } from '../support/harness';
import { refusal } from '../support/refusal';
import { addVillages, HONGXU, NANSHAHE } from '../stations/fixture';
import { courseInput, traineeOf, XIGANG } from './course-fixture';

const walkIn = (name: string, mobile: string) => ({ name, mobile, villageCode: null, tags: [] });

describe('bulk mark from a paper list (纸质名单补录)', () => {
  let h: Harness;
  let coordinator: ReturnType<Harness['caller']>;
  let staff: ReturnType<Harness['caller']>;
  let day1: { id: number };
  let day2: { id: number };
  let xigangSession: { id: number };
  const ids: Record<string, number> = {};
  const marked = (sessionId: number) =>
    h.db.selectFrom('attendance').select(['trainee_id', 'method']).where('session_id', '=', sessionId).orderBy('trainee_id').execute();

  beforeAll(async () => {
    h = await createHarness();
    await addVillages(h);
    const user = await h.user('training_coordinator', { loginName: 'zhang.min', password: 'Passw0rd!', scopes: { regions: [HONGXU, NANSHAHE] } });
    coordinator = h.caller(user.actor);
    staff = h.caller((await h.user('staff')).actor);
    const c = await coordinator.training.courses.create(courseInput(HONGXU, '洪绪镇网店运营班'));
    day1 = await coordinator.training.sessions.add({ courseId: c.id, date: '2026-11-10', startsAt: '09:00', endsAt: '11:00', venue: null });
    day2 = await coordinator.training.sessions.add({ courseId: c.id, date: '2026-11-11', startsAt: '09:00', endsAt: '11:00', venue: null });
    for (const [name, mobile] of [['刘一', '13811110001'], ['陈二', '13811110002'], ['张三', '13811110003']] as const) {
      ids[name] = traineeOf(await coordinator.training.attendance.checkIn({ sessionId: day1.id, walkIn: walkIn(name, mobile), late: true })).id;
    }
    const x = await staff.training.courses.create(courseInput(XIGANG, '西岗镇班'));
    xigangSession = await staff.training.sessions.add({ courseId: x.id, date: '2026-11-10', startsAt: '09:00', endsAt: '11:00', venue: null });
    ids['西岗人'] = traineeOf(await staff.training.attendance.checkIn({ sessionId: xigangSession.id, walkIn: walkIn('西岗人', '13811110009'), late: true })).id;
  });
  afterAll(() => h.close());

  it("lists the course's roster with who is checked in to this session, masked", async () => {
    const roster = await coordinator.training.attendance.roster({ sessionId: day2.id });
    expect(roster.map((t) => [t.name, t.mobile, t.checkedIn])).toEqual([
      ['刘一', '138****0001', false],
      ['张三', '138****0003', false],
      ['陈二', '138****0002', false],
    ]);
    const first = await coordinator.training.attendance.roster({ sessionId: day1.id });
    expect(first.every((t) => t.checkedIn)).toBe(true);
  });

  it('marks the ticked people once; marking them again writes nothing', async () => {
    const first = await coordinator.training.attendance.bulkMark({ sessionId: day2.id, traineeIds: [ids['刘一']!, ids['陈二']!, ids['刘一']!] });
    expect(first).toEqual({ checkedIn: 2, already: 0 });
    const again = await coordinator.training.attendance.bulkMark({ sessionId: day2.id, traineeIds: [ids['刘一']!, ids['陈二']!, ids['张三']!] });
    expect(again).toEqual({ checkedIn: 1, already: 2 });
    const third = await coordinator.training.attendance.bulkMark({ sessionId: day2.id, traineeIds: [ids['刘一']!, ids['陈二']!, ids['张三']!] });
    expect(third).toEqual({ checkedIn: 0, already: 3 });
    expect(await marked(day2.id)).toEqual(
      [ids['刘一']!, ids['陈二']!, ids['张三']!].sort((a, b) => a - b).map((trainee_id) => ({ trainee_id, method: 'bulk' })),
    );
    // day 1's search check-ins are left as they were
    expect((await marked(day1.id)).map((r) => r.method)).toEqual(['search', 'search', 'search']);
    const roster = await coordinator.training.attendance.roster({ sessionId: day2.id });
    expect(roster.every((t) => t.checkedIn)).toBe(true);
    // one audit row per marking that checked someone in, naming them; the third wrote nothing, and left no row
    const audit = await h.db.selectFrom('audit_log').select(['entity', 'entity_id', 'after']).where('action', '=', 'attendance.bulk').orderBy('id').execute();
    expect(audit.map((a) => a.after)).toEqual([
      { checkedIn: 2, already: 0, traineeIds: expect.any(Array) },
      { checkedIn: 1, already: 2, traineeIds: [ids['张三']] },
    ]);
  });

  it('refuses the whole list when one person is not theirs to see, writing nothing', async () => {
    const before = await marked(xigangSession.id);
    const newSession = await coordinator.training.sessions.add({ courseId: (await coordinator.training.courses.list({})).items[0]!.id, date: '2026-11-12', startsAt: '09:00', endsAt: '11:00', venue: null });
    const refused = await refusal(h.deps, coordinator.training.attendance.bulkMark({ sessionId: newSession.id, traineeIds: [ids['刘一']!, ids['西岗人']!] }));
    expect(refused).toMatchObject({ code: 'NOT_FOUND', appCode: 'TRAINEE_NOT_FOUND' });
    expect(await marked(newSession.id)).toEqual([]);
    const missing = await refusal(h.deps, coordinator.training.attendance.bulkMark({ sessionId: newSession.id, traineeIds: [ids['刘一']!, 999_999] }));
    expect(missing.appCode).toBe('TRAINEE_NOT_FOUND');
    expect(await marked(newSession.id)).toEqual([]);
    expect(await marked(xigangSession.id)).toEqual(before);
  });

  it('refuses more than 500 at once', async () => {
    const tooMany = await refusal(h.deps, coordinator.training.attendance.bulkMark({ sessionId: day2.id, traineeIds: Array.from({ length: 501 }, (_, i) => i + 1) }));
    expect(tooMany.code).toBe('BAD_REQUEST');
  });

  it("over raw HTTP, a coordinator cannot see the roster of or mark a third town's session", async () => {
    const login = await trpcHttp(h.app, 'auth.session.login', { mutation: true, input: { loginName: 'zhang.min', password: 'Passw0rd!' } });
    const cookie = cookiePair(login.setCookie);
    const roster = await trpcHttp(h.app, 'training.attendance.roster', { cookie, input: { sessionId: xigangSession.id } });
    expect(roster.status).toBe(403);
    expect(roster.body.error!.data.appCode).toBe('FORBIDDEN_SCOPE');
    const mark = await trpcHttp(h.app, 'training.attendance.bulkMark', { mutation: true, cookie, input: { sessionId: xigangSession.id, traineeIds: [ids['刘一']] } });
    expect(mark.status).toBe(403);
    expect(mark.body.error!.data.appCode).toBe('FORBIDDEN_SCOPE');
    expect(await marked(xigangSession.id)).toEqual([{ trainee_id: ids['西岗人'], method: 'search' }]);
    // and their own session works the same way over HTTP
    const ok = await trpcHttp(h.app, 'training.attendance.bulkMark', { mutation: true, cookie, input: { sessionId: day1.id, traineeIds: [ids['刘一']] } });
    expect(ok.body.result!.data).toEqual({ checkedIn: 0, already: 1 });
  });
});
