import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '@cuntong/server/lib/dates';
import { computeCourierMetrics } from '@cuntong/server/modules/courier/courier.metrics';
import { unservedVillages } from '@cuntong/server/modules/courier/courier.service';
import { computeRegionRollups } from '@cuntong/server/modules/regions/regions.metrics';
import { createHarness, type Harness } from '../support/harness';
import { sheetXlsx } from '../support/hostile-xlsx';
import { refusal } from '../support/refusal';
import { buildCourier, COUNTY, HONGXU, monthStart, NANSHAHE, type CourierFixture } from './fixture';

const clientKey = () => crypto.randomUUID();

describe('shared courier delivery: coverage, runs, the hub’s sheet and scope', () => {
  let h: Harness;
  let f: CourierFixture;
  let lastMonth: string;
  const metric = async (key: string, region: string, period: string) =>
    (await h.db.selectFrom('metric_values').select(['value', 'rule_version']).where('metric_key', '=', key).where('region_code', '=', region).where('period', '=', period).executeTakeFirst()) ?? null;

  beforeAll(async () => {
    h = await createHarness();
    f = await buildCourier(h);
    lastMonth = monthStart(f.today, 1).slice(0, 7);
    await computeRegionRollups(h.db, COUNTY);
  }, 120_000);
  afterAll(() => h?.close());

  it('counts a village served when its routes stop there on at least K weekdays between them; four days do not count under K = 5', async () => {
    await computeCourierMetrics(h.db, { regionCode: COUNTY, asOf: f.today });
    for (const period of [lastMonth, f.today.slice(0, 7)]) {
      expect(Number((await metric('courier.villages_served', COUNTY, period))!.value)).toBe(3);
      expect(Number((await metric('courier.coverage', COUNTY, period))!.value)).toBe(0.5);
      expect(Number((await metric('courier.coverage', HONGXU, period))!.value)).toBe(0.5);
      expect(Number((await metric('courier.coverage', NANSHAHE, period))!.value)).toBe(0.5);
    }
    const unserved = await unservedVillages(h.db, COUNTY, lastMonth, f.today);
    expect(unserved.map((u) => [u.villageName, u.reason, u.daysPerWeek])).toEqual([
      ['王楼村', 'too_few_days', 4],
      ['后刘村', 'no_point', 0],
      ['北村', 'no_point', 0],
    ]);
    const coverage = await f.admin.courier.coverage.get({ month: lastMonth });
    expect(coverage.county).toMatchObject({ villages: 6, served: 3, coverage: 0.5 });
    expect(coverage.towns.find((t) => t.code === HONGXU)).toMatchObject({ villages: 4, served: 2, coverage: 0.5 });
    expect(coverage.unserved).toHaveLength(3);
  });

  it('a route changed today leaves last month’s figures as they were and counts from today', async () => {
    const before = await metric('courier.coverage', HONGXU, lastMonth);
    const route = await f.admin.courier.routes.get({ id: f.routes.two });
    const stops = route.versions[0]!.stops.map((s) => ({ stationId: s.stationId, plannedAt: s.plannedAt }));
    await f.admin.courier.routes.saveVersion({ routeId: f.routes.two, effectiveFrom: f.today, vehicleId: f.van.id, days: [1, 2, 3, 4, 5, 6, 7], departAt: '08:00', serviceMinutes: 5, stops });
    // a day already run cannot be changed
    expect(await refusal(h.deps, f.admin.courier.routes.saveVersion({ routeId: f.routes.two, effectiveFrom: addDays(f.today, -1), vehicleId: null, days: [1], departAt: '08:00', serviceMinutes: 5, stops }))).toMatchObject({
      appCode: 'COURIER_ROUTE_EFFECTIVE_PAST',
    });
    await computeCourierMetrics(h.db, { regionCode: COUNTY, asOf: f.today });
    expect(await metric('courier.coverage', HONGXU, lastMonth)).toEqual(before);
    expect(Number((await metric('courier.coverage', HONGXU, f.today.slice(0, 7)))!.value)).toBe(0.75);
    // and the run of last month keeps the version it ran
    const lastMonthDay = `${lastMonth}-15`;
    await f.admin.courier.runs.save({ routeId: f.routes.two, runDate: lastMonthDay, departedAt: '08:00', returnedAt: '10:00', km: 20, costFen: 8000, subsidyFen: 2000, note: null, clientKey: clientKey(), stops: [{ stationId: f.stations.wang.id, arrivedAt: '08:40', missed: false, missedReason: null, parcels: [{ carrierId: f.carrier('zto').id, delivered: 30, collected: 5 }] }] });
    const run = await h.db.selectFrom('courier_runs').select(['route_version']).where('route_id', '=', f.routes.two).where('run_date', '=', lastMonthDay).executeTakeFirstOrThrow();
    expect(run.route_version).toBe(1);
  });

  it('refuses parcels of a carrier not at the hub that day, and a missed stop without its reason or with parcels', async () => {
    const stop = (carrier: string, extra = {}) => ({ stationId: f.stations.zhang.id, arrivedAt: '08:35', missed: false, missedReason: null, parcels: [{ carrierId: f.carrier(carrier).id, delivered: 12, collected: 0 }], ...extra });
    const run = (stops: unknown[], runDate = f.today) => ({ routeId: f.routes.one, runDate, departedAt: '08:00', returnedAt: null, km: null, costFen: 0, subsidyFen: 0, note: null, clientKey: clientKey(), stops }) as never;
    // 韵达 never joined; 申通 left yesterday (it could still be entered for the day before)
    expect(await refusal(h.deps, f.admin.courier.runs.save(run([stop('yunda')])))).toMatchObject({ appCode: 'COURIER_CARRIER_NOT_AT_HUB', params: { carrier: '韵达' } });
    expect(await refusal(h.deps, f.admin.courier.runs.save(run([stop('sto')])))).toMatchObject({ appCode: 'COURIER_CARRIER_NOT_AT_HUB' });
    await f.admin.courier.runs.save(run([stop('sto')], addDays(f.today, -2)));
    expect(await refusal(h.deps, f.admin.courier.runs.save(run([stop('zto', { missed: true })])))).toMatchObject({ appCode: 'COURIER_RUN_MISSED_REASON' });
    expect(await refusal(h.deps, f.admin.courier.runs.save(run([stop('zto', { missed: true, missedReason: 'road', arrivedAt: null })])))).toMatchObject({ appCode: 'COURIER_RUN_MISSED_PARCELS' });
    expect(await refusal(h.deps, f.admin.courier.runs.save(run([{ ...stop('zto'), stationId: f.stations.wang.id }])))).toMatchObject({ appCode: 'COURIER_RUN_STOP_NOT_ON_ROUTE' });
    expect(await h.db.selectFrom('courier_runs').select('id').where('route_id', '=', f.routes.one).where('run_date', '=', f.today).execute()).toEqual([]);
  });

  it('a run sent again from the phone’s outbox arrives once; a correction replaces the day’s run', async () => {
    const staff = h.caller(f.hubStaff.actor);
    const key = clientKey();
    const input = {
      routeId: f.routes.one,
      runDate: f.today,
      departedAt: '08:00',
      returnedAt: '11:30',
      km: 42.5,
      costFen: 12_000,
      subsidyFen: 3_000,
      note: null,
      clientKey: key,
      stops: [
        { stationId: f.stations.zhang.id, arrivedAt: '08:40', missed: false, missedReason: null, parcels: [{ carrierId: f.carrier('zto').id, delivered: 40, collected: 8 }, { carrierId: f.carrier('yto').id, delivered: 20, collected: 0 }] },
        { stationId: f.stations.community.id, arrivedAt: null, missed: true, missedReason: 'closed' as const, parcels: [] },
      ],
    };
    const first = await staff.courier.runs.save(input);
    const again = await staff.courier.runs.save(input);
    expect(again).toEqual({ id: first.id, replay: true });
    expect(await h.db.selectFrom('courier_runs').selectAll().where('route_id', '=', f.routes.one).where('run_date', '=', f.today).execute()).toHaveLength(1);
    const sent = await h.db.selectFrom('courier_run_parcels').select(['delivered', 'collected']).where('run_id', '=', first.id).execute();
    expect(sent.reduce((n, p) => n + p.delivered + p.collected, 0)).toBe(68);
    // a correction, sent with its own key, replaces the day's run
    const corrected = await staff.courier.runs.save({ ...input, clientKey: clientKey(), stops: [{ ...input.stops[0]!, parcels: [{ carrierId: f.carrier('zto').id, delivered: 41, collected: 8 }] }, input.stops[1]!] });
    expect(corrected.replay).toBe(false);
    expect(await h.db.selectFrom('courier_runs').select('id').where('route_id', '=', f.routes.one).where('run_date', '=', f.today).execute()).toEqual([{ id: corrected.id }]);
    // the month's statistics: parcels per carrier, cost per parcel, the missed stop and its share on time
    await computeCourierMetrics(h.db, { regionCode: COUNTY, asOf: f.today });
    const month = `${f.today.slice(0, 7)}`;
    const stats = (await staff.courier.stats.months({ hubId: f.hubs.hongxu.id })).filter((m) => m.month === month);
    const all = stats.find((m) => m.carrierId === 0)!;
    // against the runs themselves: every run of the hub's routes this month
    const runs = await h.db
      .selectFrom('courier_runs as r')
      .innerJoin('courier_routes as rt', 'rt.id', 'r.route_id')
      .select(['r.id', 'r.cost_fen', 'r.subsidy_fen'])
      .where('rt.hub_id', '=', f.hubs.hongxu.id)
      .where('r.run_date', '>=', `${month}-01`)
      .execute();
    const parcels = await h.db.selectFrom('courier_run_parcels').select(['delivered', 'collected']).where('run_id', 'in', runs.map((r) => r.id)).execute();
    const delivered = parcels.reduce((n, p) => n + p.delivered, 0);
    const collected = parcels.reduce((n, p) => n + p.collected, 0);
    const cost = runs.reduce((n, r) => n + r.cost_fen, 0);
    expect(all).toMatchObject({ runs: runs.length, delivered, collected, costFen: cost, costPerParcelFen: Math.round(cost / (delivered + collected)) });
    expect(all.missed).toBeGreaterThanOrEqual(1);
    // the missed stops by reason, against the stops themselves
    const missed = await h.db.selectFrom('courier_run_stops').select(['missed_reason']).where('run_id', 'in', runs.map((r) => r.id)).where('missed', '=', true).execute();
    expect(all.missedReasons).toEqual(missed.reduce<Record<string, number>>((m, r) => ({ ...m, [r.missed_reason!]: (m[r.missed_reason!] ?? 0) + 1 }), {}));
    expect(all.missedReasons.closed).toBeGreaterThanOrEqual(1);
    expect(stats.filter((m) => m.carrierId !== 0).every((m) => Object.keys(m.missedReasons).length === 0)).toBe(true);
    expect(all.onTimeShare).toBe(1);
    expect(stats.find((m) => m.carrierName === '中通')).toMatchObject({ delivered: 41, collected: 8 });
    // and today's parcels, by carrier
    const days = (await staff.courier.stats.days({ month, hubId: f.hubs.hongxu.id })).filter((d) => d.day === f.today);
    expect(days.map((d) => [d.carrierName, d.runs, d.delivered, d.collected, d.missed])).toEqual([
      [null, 1, 41, 8, 1],
      ['中通', 0, 41, 8, 0],
    ]);
  });

  it('hub staff see and enter their own hub only; coverage is the bureau’s', async () => {
    const staff = h.caller(f.hubStaff.actor);
    expect((await staff.courier.hubs.list()).map((hub) => hub.name)).toEqual(['洪绪镇快递共配站']);
    expect((await staff.courier.routes.list({})).map((r) => r.name).sort()).toEqual(['洪绪一号线', '洪绪三号线', '洪绪二号线', '洪绪四号线']);
    const theirs = await refusal(h.deps, staff.courier.hubs.get({ id: f.hubs.nanshahe.id }));
    const missing = await refusal(h.deps, staff.courier.hubs.get({ id: 2_147_000_000 }));
    expect(theirs).toEqual(missing);
    const day = (routeId: number) => refusal(h.deps, staff.courier.runs.day({ routeId, day: f.today }));
    expect(await day(f.routes.nanshahe)).toEqual(await day(2_147_000_000));
    const save = (routeId: number) =>
      refusal(
        h.deps,
        staff.courier.runs.save({ routeId, runDate: f.today, departedAt: null, returnedAt: null, km: null, costFen: 0, subsidyFen: 0, note: null, clientKey: clientKey(), stops: [{ stationId: f.stations.nancun.id, arrivedAt: null, missed: false, missedReason: null, parcels: [] }] }),
      );
    expect(await save(f.routes.nanshahe)).toEqual(await save(2_147_000_000));
    expect(await h.db.selectFrom('courier_runs').select('id').where('route_id', '=', f.routes.nanshahe).execute()).toEqual([]);
    expect((await staff.courier.runs.list({ month: f.today.slice(0, 7) })).every((r) => r.hubName === '洪绪镇快递共配站')).toBe(true);
    expect((await refusal(h.deps, staff.courier.coverage.get({ month: lastMonth }))).code).toBe('FORBIDDEN');
    expect((await refusal(h.deps, staff.courier.vehicles.create({ hubId: f.hubs.hongxu.id, plate: '鲁D·B9999', kind: 'van', capacityParcels: 100, capacityKg: null, driverName: null, driverMobile: null, costPerKmFen: 0, costPerDayFen: 0, speedKmh: 40 }))).code).toBe('FORBIDDEN');
    // the driver's mobile is masked in lists
    expect((await staff.courier.vehicles.list({})).map((v) => v.driverMobile)).toEqual(['139****7777']);
  });

  it('imports the hub’s daily sheet: a run whole or not at all, other hubs’ routes unknown, the same sheet again adds nothing', async () => {
    const day = addDays(f.today, -3);
    const zto = '中通';
    const sheet = sheetXlsx([
      ['日期', '线路', '村点', '快递公司', '派件数', '揽件数', '到达时间', '未到原因', '出车时间', '返回时间', '里程', '成本(元)', '补贴(元)'],
      [day, '洪绪一号线', 'TZ-V101201', zto, '35', '4', '8:41', '', '08:00', '11:10', '38.5', '110.5', '30'],
      [day, '洪绪一号线', '张庄村', '圆通', '12', '0', '8:41', '', '', '', '', '', ''],
      [day, '洪绪一号线', '洪绪社区服务点', '', '', '', '', '停业', '', '', '', '', ''],
      [day, '洪绪四号线', '李屯村', zto, '9', '1', '9:05', '', '08:10', '10:00', '20', '60', '10'],
      [day, '洪绪四号线', '李屯村', '韵达快递', '3', '0', '', '', '', '', '', '', ''],
      [day, '南沙河线', '南村', zto, '5', '0', '', '', '', '', '', '', ''],
      [day, '不存在线', '南村', zto, '5', '0', '', '', '', '', '', '', ''],
    ]).toString('base64');
    const staff = h.caller(f.hubStaff.actor);
    const preview = await staff.courier.runs.import.preview({ hubId: f.hubs.hongxu.id, fileBase64: sheet });
    expect(preview.missing).toEqual([]);
    expect(preview.totals).toMatchObject({ rows: 7, ok: 3, problem: 4, runs: 1 });
    const byRow = new Map(preview.rows.items.map((r) => [r.row, r]));
    expect(byRow.get(6)!.problems[0]!.message).toContain('韵达快递');
    expect(byRow.get(5)!.problems[0]!.message).toContain('第 6 行');
    // another hub's route and a route nobody has read alike
    expect(byRow.get(7)!.problems[0]!.message.replace('南沙河线', 'X')).toBe(byRow.get(8)!.problems[0]!.message.replace('不存在线', 'X'));

    expect(await refusal(h.deps, staff.courier.runs.import.commit({ hubId: f.hubs.hongxu.id, fileBase64: sheet, mode: 'all_or_nothing' }))).toMatchObject({ appCode: 'IMPORT_INVALID' });
    expect(await h.db.selectFrom('courier_runs').select('id').where('run_date', '=', day).execute()).toEqual([]);
    const done = await staff.courier.runs.import.commit({ hubId: f.hubs.hongxu.id, fileBase64: sheet, mode: 'skip_invalid' });
    expect(done).toMatchObject({ runs: 1, replaced: 0, rejected: 4 });
    const run = await h.db.selectFrom('courier_runs').selectAll().where('route_id', '=', f.routes.one).where('run_date', '=', day).executeTakeFirstOrThrow();
    expect(run).toMatchObject({ source: 'imported', departed_at: '08:00', returned_at: '11:10', cost_fen: 11_050, subsidy_fen: 3_000 });
    expect(Number(run.km)).toBe(38.5);
    const stops = await h.db.selectFrom('courier_run_stops').select(['station_id', 'arrived_at', 'missed', 'missed_reason']).where('run_id', '=', run.id).orderBy('station_id').execute();
    expect(stops).toEqual([
      { station_id: f.stations.zhang.id, arrived_at: '08:41', missed: false, missed_reason: null },
      { station_id: f.stations.community.id, arrived_at: null, missed: true, missed_reason: 'closed' },
    ]);
    expect(await h.db.selectFrom('courier_runs').select('id').where('route_id', '=', f.routes.four).where('run_date', '=', day).execute()).toEqual([]);
    const again = await staff.courier.runs.import.preview({ hubId: f.hubs.hongxu.id, fileBase64: sheet });
    expect(again.totals).toMatchObject({ ok: 0, already: 3 });
    // a hub outside the scope: refused as one that does not exist
    expect(await refusal(h.deps, staff.courier.runs.import.preview({ hubId: f.hubs.nanshahe.id, fileBase64: sheet }))).toEqual(await refusal(h.deps, staff.courier.runs.import.preview({ hubId: 2_147_000_000, fileBase64: sheet })));
  });

  it('judges each month by the coverage rule then in force: a stricter K from today leaves last month as it was', async () => {
    const before = await metric('courier.coverage', COUNTY, lastMonth);
    const { version } = await f.admin.courier.rule.create({ params: { minDaysPerWeek: 6, onTimeMinutes: 15 }, effectiveFrom: f.today });
    await computeCourierMetrics(h.db, { regionCode: COUNTY, asOf: f.today });
    expect(await metric('courier.coverage', COUNTY, lastMonth)).toEqual(before);
    // from today, six weekdays: only 王楼村 (now daily) and 南村 are served
    expect(await metric('courier.villages_served', COUNTY, f.today.slice(0, 7))).toEqual({ value: 2, rule_version: version });
    expect((await unservedVillages(h.db, COUNTY, f.today.slice(0, 7), f.today)).map((u) => u.villageName)).toEqual(['张庄村', '李屯村', '后刘村', '北村']);
  });
});
