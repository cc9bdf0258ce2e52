import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiToday } from '@cuntong/server/lib/dates';
import { createHarness, type Harness } from '../support/harness';
import { refusal } from '../support/refusal';
import { hostInput, streamInput, twoBases } from '../livestream/fixture';
import { addVillages, buildStations, HONGXU, zeroFigures } from '../stations/fixture';
import { courseInput, sessionNowInput, traineeOf } from '../training/course-fixture';

/**
 * The phone outbox sends each queued write with a key of its own until it hears an answer: the
 * server applies each key once, and a replay answers what the first send did.
 */
describe('client idempotency keys: each applied once', () => {
  let h: Harness;
  let admin: ReturnType<Harness['caller']>;
  let s: Awaited<ReturnType<typeof buildStations>>;
  const today = shanghaiToday();

  beforeAll(async () => {
    h = await createHarness();
    admin = h.caller((await h.user('admin')).actor);
    await addVillages(h);
    s = await buildStations(h, admin);
  });
  afterAll(() => h.close());

  const keyRows = (key: string) => h.db.selectFrom('client_keys').select(['kind']).where('key', '=', key).execute();

  it('a ledger entry replayed (twice at once, then after someone else changed the day) answers the first save and writes nothing more', async () => {
    const operator = h.caller((await h.user('station_operator', { scopes: { stations: [String(s.zhang.id)] } })).actor);
    const date = addDays(today, -1);
    const clientKey = randomUUID();
    const input = { ...zeroFigures, stationId: s.zhang.id, date, parcelsIn: 7, note: null, clientKey };
    const first = await operator.stations.ledger.upsert(input);
    expect(first).toMatchObject({ parcelsIn: 7, version: 1 });
    const replays = await Promise.all([operator.stations.ledger.upsert(input), operator.stations.ledger.upsert(input)]);
    expect(replays).toEqual([first, first]);

    // the bureau corrects the day; the phone, never having heard its answer, sends its queue again
    await admin.stations.ledger.upsert({ ...zeroFigures, stationId: s.zhang.id, date, parcelsIn: 9, note: null, version: 1 });
    expect(await operator.stations.ledger.upsert(input)).toEqual(first);
    const stored = await h.db.selectFrom('ledger_entries').select(['parcels_in', 'version']).where('station_id', '=', s.zhang.id).where('entry_date', '=', date).execute();
    expect(stored).toEqual([{ parcels_in: 9, version: 2 }]);
    const audit = await h.db.selectFrom('audit_log').select('action').where('entity', '=', 'ledger_entry').where('entity_id', '=', `${s.zhang.id}:${date}`).execute();
    expect(audit.map((a) => a.action)).toEqual(['create', 'update']);
    expect(await keyRows(clientKey)).toEqual([{ kind: 'stations.ledger.upsert' }]);

    // a new edit based on version 1 (a new key) is a conflict, not an overwrite
    const stale = await refusal(h.deps, operator.stations.ledger.upsert({ ...input, parcelsIn: 8, version: 1, clientKey: randomUUID() }));
    expect(stale).toMatchObject({ code: 'CONFLICT', appCode: 'LEDGER_VERSION_CONFLICT', params: { current: 2 } });
  });

  it('a refused write records no key, so its replay is judged again; keys are per user', async () => {
    const operator = h.caller((await h.user('station_operator', { scopes: { stations: [String(s.wang.id)] } })).actor);
    const clientKey = randomUUID();
    const locked = { ...zeroFigures, stationId: s.wang.id, date: addDays(today, -8), note: null, clientKey };
    expect((await refusal(h.deps, operator.stations.ledger.upsert(locked))).appCode).toBe('LEDGER_LOCKED');
    expect(await keyRows(clientKey)).toEqual([]);
    expect(await operator.stations.ledger.upsert({ ...locked, date: today })).toMatchObject({ date: today, version: 1 });
    // keys are per user: another user's identical key is their own
    const other = h.caller((await h.user('station_operator', { scopes: { stations: [String(s.wang.id)] } })).actor);
    expect(await other.stations.ledger.upsert({ ...locked, date: addDays(today, -2) })).toMatchObject({ stationId: s.wang.id, version: 1 });
    expect(await keyRows(clientKey)).toHaveLength(2);
  });

  it('a search check-in replayed answers checked_in again, with one attendance row and one audit row', async () => {
    const coordinator = h.caller((await h.user('training_coordinator', { scopes: { regions: [HONGXU] } })).actor);
    const course = await coordinator.training.courses.create(courseInput(HONGXU, '洪绪镇网店班'));
    const session = await coordinator.training.sessions.add(sessionNowInput(course.id));
    const walkIn = await coordinator.training.attendance.checkIn({ sessionId: session.id, walkIn: { name: '王芳', mobile: '13600003333', villageCode: null, tags: [] } });
    const trainee = traineeOf(walkIn);
    // the same trainee at another class, checked in by search from a phone's outbox
    const offline = await coordinator.training.courses.create(courseInput(HONGXU, '洪绪镇离线签到班'));
    const sessionId = (await coordinator.training.sessions.add(sessionNowInput(offline.id))).id;
    const input = { sessionId, traineeId: trainee.id, clientKey: randomUUID() };
    const first = await coordinator.training.attendance.checkIn(input);
    expect(first.status).toBe('checked_in');
    const replays = await Promise.all([coordinator.training.attendance.checkIn(input), coordinator.training.attendance.checkIn(input)]);
    expect(replays).toEqual([first, first]);
    // without a key the same check-in says what it always said
    expect((await coordinator.training.attendance.checkIn({ sessionId, traineeId: trainee.id })).status).toBe('already_checked_in');
    const rows = await h.db.selectFrom('attendance').select('trainee_id').where('session_id', '=', sessionId).execute();
    expect(rows).toEqual([{ trainee_id: trainee.id }]);
    const audit = await h.db.selectFrom('audit_log').select('action').where('entity', '=', 'course_session').where('entity_id', '=', String(sessionId)).where('action', '=', 'attendance.check_in').execute();
    expect(audit).toHaveLength(1);
  });

  it('a stream entry replayed answers created with the same stream, one row; a key is not reused for another kind of write', async () => {
    const ctx = await twoBases(h);
    const hostId = (await ctx.manager.livestream.hosts.create(hostInput(ctx.hongxu.id, '赵敏', '13500004444'))).host.id;
    const input = { ...streamInput(hostId), clientKey: randomUUID() };
    const first = await ctx.manager.livestream.streams.create(input);
    expect(first.status).toBe('created');
    const replays = await Promise.all([ctx.manager.livestream.streams.create(input), ctx.manager.livestream.streams.create(input)]);
    expect(replays.map((r) => [r.status, r.stream.id])).toEqual([
      ['created', first.stream.id],
      ['created', first.stream.id],
    ]);
    // without the key, the same stream again is `exists`, as before
    expect((await ctx.manager.livestream.streams.create(streamInput(hostId))).status).toBe('exists');
    expect(await h.db.selectFrom('livestream_streams').select('id').where('host_id', '=', hostId).execute()).toHaveLength(1);

    const clientKey = randomUUID();
    await admin.stations.ledger.upsert({ ...zeroFigures, stationId: s.li.id, date: today, note: null, clientKey });
    const reused = await refusal(h.deps, admin.livestream.streams.create({ ...streamInput(hostId, { startTime: '20:30' }), clientKey }));
    expect(reused).toMatchObject({ code: 'CONFLICT', appCode: 'CLIENT_KEY_REUSED' });
    expect(await h.db.selectFrom('livestream_streams').select('id').where('host_id', '=', hostId).execute()).toHaveLength(1);
  });
});
