import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiToday } from '@cuntong/server/lib/dates';
import { cookiePair, createHarness, trpcHttp, type Harness } from '../support/harness';
import { refusal } from '../support/refusal';
import { addVillages, buildStations, HONGXU, NANSHAHE, OTHER_COUNTY_TOWN, zeroFigures } from './fixture';

describe('service stations: the three-tier hierarchy and its rules', () => {
  let h: Harness;
  let admin: ReturnType<Harness['caller']>;
  let staff: ReturnType<Harness['caller']>;
  let s: Awaited<ReturnType<typeof buildStations>>;
  const base = { address: null, lat: null, lng: null, phone: null, openedOn: null, services: [], duplicateOverrideReason: null };

  beforeAll(async () => {
    h = await createHarness();
    admin = h.caller((await h.user('admin')).actor);
    staff = h.caller((await h.user('staff')).actor);
    await addVillages(h);
    s = await buildStations(h, admin);
  });
  afterAll(() => h.close());

  it('builds county centre → town station → village point', async () => {
    const { station } = await staff.stations.get({ id: s.zhang.id });
    expect(station).toMatchObject({ tier: 'village_point', regionName: '张庄村', townCode: HONGXU, townName: '洪绪镇', parentName: '洪绪镇服务站', phone: '13900000000' });
    const list = await staff.stations.list({ filter: { townCode: HONGXU }, sort: { key: 'code', order: 'asc' } });
    expect(list.items.map((x) => x.code)).toEqual(['TZ-T101', 'TZ-V101201', 'TZ-V101202', 'TZ-V101203']);
    expect(list.items[1].phone).toBe('139****0000'); // masked in lists
  });

  it("a station's phone in full only to admin, staff and its own operators; a coordinator of its town sees it masked", async () => {
    const coordinator = h.caller((await h.user('training_coordinator', { scopes: { regions: [HONGXU] } })).actor);
    const ownOperator = h.caller((await h.user('station_operator', { scopes: { stations: [String(s.zhang.id)] } })).actor);
    const phoneFor = async (caller: ReturnType<Harness['caller']>) => (await caller.stations.get({ id: s.zhang.id })).station.phone;
    expect(await phoneFor(admin)).toBe('13900000000');
    expect(await phoneFor(staff)).toBe('13900000000');
    expect(await phoneFor(ownOperator)).toBe('13900000000');
    expect(await phoneFor(coordinator)).toBe('139****0000');
    expect(JSON.stringify(await coordinator.stations.get({ id: s.zhang.id }))).not.toContain('13900000000');
    // and in their list and export, as for everyone
    expect(JSON.stringify(await coordinator.stations.list({ pageSize: 100 }))).not.toContain('13900000000');
  });

  it('a station that does not exist answers a scoped user as one outside their scope, and the bureau NOT_FOUND', async () => {
    const coordinator = h.caller((await h.user('training_coordinator', { scopes: { regions: [NANSHAHE] } })).actor);
    const outside = await refusal(h.deps, coordinator.stations.get({ id: s.zhang.id }));
    expect(outside).toMatchObject({ code: 'FORBIDDEN', appCode: 'FORBIDDEN_SCOPE', params: { kind: 'station' } });
    expect(await refusal(h.deps, coordinator.stations.get({ id: 999_999 }))).toEqual(outside);
    expect(await refusal(h.deps, coordinator.stations.ledger.month({ stationId: 999_999, month: '2026-11' }))).toEqual(outside);
    expect(await refusal(h.deps, staff.stations.get({ id: 999_999 }))).toMatchObject({ code: 'NOT_FOUND', appCode: 'STATION_NOT_FOUND' });
  });

  it('refuses each hierarchy violation with its own code and a message naming the rule', async () => {
    const cases = [
      // a county centre on a town
      [{ ...base, code: 'X1', name: 'x', tier: 'county_center', regionCode: HONGXU, parentId: null }, 'STATION_REGION_LEVEL_MISMATCH', '县级运营中心必须设在县级区划上'],
      // a town station without the county centre as parent
      [{ ...base, code: 'X2', name: 'x', tier: 'town_station', regionCode: '370481103000', parentId: s.hongxu.id }, 'STATION_PARENT_TIER_MISMATCH', '镇级服务站的上级必须是县级运营中心'],
      // a village point whose parent town station is another town's
      [{ ...base, code: 'X3', name: 'x', tier: 'village_point', regionCode: '370481102201', parentId: s.hongxu.id }, 'STATION_PARENT_REGION_MISMATCH', '上级站点不在该站点所属的上级区划内'],
      // a village point on a town
      [{ ...base, code: 'X4', name: 'x', tier: 'village_point', regionCode: NANSHAHE, parentId: s.nanshahe.id }, 'STATION_REGION_LEVEL_MISMATCH', '村级服务点必须设在村级区划上'],
      // a town station of another county under this county's centre
      [{ ...base, code: 'X5', name: 'x', tier: 'town_station', regionCode: OTHER_COUNTY_TOWN, parentId: s.center.id }, 'STATION_PARENT_REGION_MISMATCH', '县的县级运营中心'],
    ] as const;
    for (const [input, appCode, text] of cases) {
      const refused = await refusal(h.deps, staff.stations.create(input as never));
      expect(refused.appCode, input.code).toBe(appCode);
      expect(refused.message).toContain(text);
    }
    const count = await h.db.selectFrom('stations').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(6);
  });

  it('the database refuses the same violations from any other writer', async () => {
    const attempt = (values: Record<string, unknown>) =>
      h.db.insertInto('stations').values({ code: 'RAW', name: 'raw', ...values } as never).execute().then(() => 'inserted', (e: Error) => e.message);
    expect(await attempt({ tier: 'county_center', region_code: HONGXU })).toContain('STATION_REGION_LEVEL_MISMATCH');
    expect(await attempt({ tier: 'town_station', region_code: NANSHAHE, parent_id: s.hongxu.id })).toContain('STATION_PARENT_TIER_MISMATCH');
    expect(await attempt({ tier: 'village_point', region_code: '370481102201', parent_id: s.hongxu.id })).toContain('STATION_PARENT_REGION_MISMATCH');
    expect(await attempt({ tier: 'village_point', region_code: '370481101201', parent_id: s.hongxu.id, status: 'active' })).toContain(
      'stations_one_active_point_per_village',
    );
    const moved = await sql`update stations set region_code = ${NANSHAHE} where id = ${s.hongxu.id}`.execute(h.db).then(() => 'updated', (e: Error) => e.message);
    expect(moved).toContain('STATION_HAS_CHILDREN');
  });

  it('allows one active village point per village, unless an admin gives a reason', async () => {
    const second = { ...base, code: 'TZ-V101201B', name: '张庄村第二服务点', tier: 'village_point', regionCode: '370481101201', parentId: s.hongxu.id, status: 'active' } as const;
    const refused = await refusal(h.deps, staff.stations.create(second));
    expect(refused).toMatchObject({ appCode: 'STATION_DUPLICATE_ACTIVE_POINT' });
    expect(refused.message).toContain('张庄村');
    expect((await refusal(h.deps, staff.stations.create({ ...second, duplicateOverrideReason: '村域大、两个自然村' }))).appCode).toBe('STATION_OVERRIDE_ADMIN_ONLY');
    const allowed = await admin.stations.create({ ...second, duplicateOverrideReason: '村域大、两个自然村' });
    expect(allowed.status).toBe('active');
  });

  it('moves through planned → active → suspended → closed with dates and reasons, and detects concurrent edits', async () => {
    const planned = await staff.stations.create({ ...base, code: 'TZ-V101204', name: '后刘村服务点', tier: 'village_point', regionCode: '370481101204', parentId: s.hongxu.id });
    expect(planned.status).toBe('planned');
    const active = await staff.stations.setStatus({ id: planned.id, version: planned.version, status: 'active', since: '2026-01-05', reason: null });
    expect((await refusal(h.deps, staff.stations.setStatus({ id: planned.id, version: active.version, status: 'planned', since: '2026-02-01', reason: null }))).appCode).toBe(
      'STATION_STATUS_TRANSITION_INVALID',
    );
    expect((await refusal(h.deps, staff.stations.setStatus({ id: planned.id, version: active.version, status: 'closed', since: '2026-02-01', reason: null }))).appCode).toBe(
      'STATION_STATUS_REASON_REQUIRED',
    );
    const closed = await staff.stations.setStatus({ id: planned.id, version: active.version, status: 'closed', since: '2026-02-01', reason: '经营者外出务工' });
    expect(closed).toMatchObject({ status: 'closed', statusSince: '2026-02-01', statusReason: '经营者外出务工' });
    // a stale version is a concurrent edit, never a silent overwrite
    const stale = await refusal(h.deps, staff.stations.update({ ...base, id: planned.id, version: active.version, code: 'TZ-V101204', name: '改名', tier: 'village_point', regionCode: '370481101204', parentId: s.hongxu.id }));
    expect(stale.appCode).toBe('STATION_VERSION_CONFLICT');
    const history = await h.db.selectFrom('station_status_history').select(['status', 'since']).where('station_id', '=', planned.id).orderBy('id').execute();
    expect(history.map((r) => r.status)).toEqual(['planned', 'active', 'closed']);
  });

  it('validates coordinates to China and refuses a taken code', async () => {
    const outside = await refusal(h.deps, staff.stations.create({ ...base, code: 'TZ-X', name: 'x', tier: 'village_point', regionCode: '370481101203', parentId: s.hongxu.id, lat: 48.85, lng: 2.35 }));
    expect(outside.appCode).toBe('STATION_COORDINATES_INVALID');
    const taken = await refusal(h.deps, staff.stations.create({ ...base, code: 'TZ-C', name: 'x', tier: 'village_point', regionCode: '370481102202', parentId: s.nanshahe.id }));
    expect(taken).toMatchObject({ code: 'CONFLICT', appCode: 'STATION_CODE_TAKEN' });
  });
});

describe('the daily ledger: who may write which day', () => {
  let h: Harness;
  let s: Awaited<ReturnType<typeof buildStations>>;
  let operator: Awaited<ReturnType<Harness['user']>>;
  const today = shanghaiToday();

  beforeAll(async () => {
    h = await createHarness();
    const admin = h.caller((await h.user('admin')).actor);
    await addVillages(h);
    s = await buildStations(h, admin);
    operator = await h.user('station_operator', { loginName: 'zhang.op', password: 'Passw0rd!', scopes: { stations: [String(s.zhang.id)] } });
  });
  afterAll(() => h.close());

  it("over raw HTTP, an operator can neither read nor write another station's ledger", async () => {
    const login = await trpcHttp(h.app, 'auth.session.login', { mutation: true, input: { loginName: 'zhang.op', password: 'Passw0rd!' } });
    const cookie = cookiePair(login.setCookie);
    const own = await trpcHttp(h.app, 'stations.ledger.upsert', { mutation: true, cookie, input: { ...zeroFigures, stationId: s.zhang.id, date: today, parcelsIn: 5 } });
    expect(own.status).toBe(200);
    for (const [path, input, mutation] of [
      ['stations.ledger.day', { stationId: s.wang.id, date: today }, false],
      ['stations.ledger.month', { stationId: s.wang.id, month: today.slice(0, 7) }, false],
      ['stations.get', { id: s.wang.id }, false],
      ['stations.ledger.upsert', { ...zeroFigures, stationId: s.wang.id, date: today, parcelsIn: 5 }, true],
      // a station nobody has: the same answer
      ['stations.get', { id: 999_999 }, false],
      ['stations.ledger.day', { stationId: 999_999, date: today }, false],
      ['stations.ledger.upsert', { ...zeroFigures, stationId: 999_999, date: today, parcelsIn: 5 }, true],
      ['stations.ledger.export', { list: { stationId: 999_999, month: today.slice(0, 7) }, columns: [{ key: 'date', header: '日期' }], sheetName: '台账' }, true],
    ] as const) {
      const res = await trpcHttp(h.app, path, { mutation, cookie, input });
      expect(res.status, path).toBe(403);
      expect(res.body.error!.data.appCode, path).toBe('FORBIDDEN_SCOPE');
    }
    const list = await trpcHttp(h.app, 'stations.list', { cookie, input: {} });
    expect(list.body.result!.data.items.map((x: { id: number }) => x.id)).toEqual([s.zhang.id]);
    const wang = await h.db.selectFrom('ledger_entries').selectAll().where('station_id', '=', s.wang.id).execute();
    expect(wang).toEqual([]);
  });

  it('a training coordinator cannot write ledgers, even in their own towns', async () => {
    const coordinator = await h.user('training_coordinator', { scopes: { regions: [HONGXU] } });
    const refused = await refusal(h.deps, h.caller(coordinator.actor).stations.ledger.upsert({ ...zeroFigures, stationId: s.zhang.id, date: today, note: null }));
    expect(refused).toMatchObject({ code: 'FORBIDDEN', appCode: 'FORBIDDEN_ROLE' });
    // but may read the stations of their towns
    expect((await h.caller(coordinator.actor).stations.list({})).total).toBe(4);
  });

  it('operators correct the last 7 days only; after that only staff can, and it is audited', async () => {
    const op = h.caller(operator.actor);
    const sixDaysAgo = addDays(today, -6);
    const sevenDaysAgo = addDays(today, -7);
    await op.stations.ledger.upsert({ ...zeroFigures, stationId: s.zhang.id, date: sixDaysAgo, parcelsIn: 3, note: null });
    const locked = await refusal(h.deps, op.stations.ledger.upsert({ ...zeroFigures, stationId: s.zhang.id, date: sevenDaysAgo, parcelsIn: 3, note: null }));
    expect(locked).toMatchObject({ code: 'FORBIDDEN', appCode: 'LEDGER_LOCKED', params: { date: sevenDaysAgo, days: 7 } });
    const future = await refusal(h.deps, op.stations.ledger.upsert({ ...zeroFigures, stationId: s.zhang.id, date: addDays(today, 1), note: null }));
    expect(future.appCode).toBe('LEDGER_DATE_IN_FUTURE');

    const staffUser = await h.user('staff');
    const corrected = await h.caller(staffUser.actor).stations.ledger.upsert({ ...zeroFigures, stationId: s.zhang.id, date: sevenDaysAgo, parcelsIn: 4, note: '补录' });
    expect(corrected).toMatchObject({ parcelsIn: 4, version: 1, updatedBy: staffUser.loginName });
    const audit = await h.db.selectFrom('audit_log').selectAll().where('entity', '=', 'ledger_entry').where('entity_id', '=', `${s.zhang.id}:${sevenDaysAgo}`).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_user_id: staffUser.id, action: 'create' });
  });

  it('detects concurrent edits, and a resend of the same figures is a no-op', async () => {
    const op = h.caller(operator.actor);
    const date = addDays(today, -1);
    const first = await op.stations.ledger.upsert({ ...zeroFigures, stationId: s.zhang.id, date, parcelsIn: 10, note: null });
    expect(first.version).toBe(1);
    // the phone lost the answer and sends the same thing again, without the version
    const resent = await op.stations.ledger.upsert({ ...zeroFigures, stationId: s.zhang.id, date, parcelsIn: 10, note: null });
    expect(resent.version).toBe(1);
    const second = await op.stations.ledger.upsert({ ...zeroFigures, stationId: s.zhang.id, date, parcelsIn: 12, note: null, version: 1 });
    expect(second.version).toBe(2);
    // someone who still has version 1 on screen
    const stale = await refusal(h.deps, op.stations.ledger.upsert({ ...zeroFigures, stationId: s.zhang.id, date, parcelsIn: 11, note: null, version: 1 }));
    expect(stale).toMatchObject({ code: 'CONFLICT', appCode: 'LEDGER_VERSION_CONFLICT', params: { current: 2 } });
    const stored = await h.db.selectFrom('ledger_entries').select(['parcels_in', 'version']).where('station_id', '=', s.zhang.id).where('entry_date', '=', date).executeTakeFirstOrThrow();
    expect(stored).toEqual({ parcels_in: 12, version: 2 });
  });

  it('shows yesterday beside today', async () => {
    const day = await h.caller(operator.actor).stations.ledger.day({ stationId: s.zhang.id, date: today });
    expect(day.entry).toMatchObject({ parcelsIn: 5 });
    expect(day.previous).toMatchObject({ date: addDays(today, -1), parcelsIn: 12 });
  });
});
