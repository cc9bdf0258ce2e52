import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '@cuntong/server/lib/dates';
import { buildCourier, type CourierFixture } from '../courier/fixture';
import { createHarness, type Harness } from '../support/harness';
import { sheetXlsx } from '../support/hostile-xlsx';
import { refusal } from '../support/refusal';

type Plan = Awaited<ReturnType<ReturnType<Harness['caller']>['planner']['plans']['get']>>;

describe('the route planner wired to a hub: plan, compare, accept', () => {
  let h: Harness;
  let f: CourierFixture;
  let small: { id: number };

  /** Follows a plan as the page does, until the job has finished it. */
  const finished = async (id: number): Promise<Plan> => {
    for (let i = 0; i < 200; i++) {
      const plan = await f.admin.planner.plans.get({ id });
      if (plan.status !== 'running') return plan;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`plan ${id} still running`);
  };

  beforeAll(async () => {
    h = await createHarness();
    f = await buildCourier(h);
    // 洪绪镇's hub and its village points a few km apart (the fixture's stations have no coordinates)
    const points: [number, number, number][] = [
      [f.stations.hongxu.id, 117.3, 36.8],
      [f.stations.zhang.id, 117.33, 36.81],
      [f.stations.community.id, 117.31, 36.83],
      [f.stations.wang.id, 117.26, 36.78],
      [f.stations.li.id, 117.35, 36.77],
    ];
    for (const [id, lng, lat] of points) await h.db.updateTable('stations').set({ lng, lat }).where('id', '=', id).execute();
    small = await f.admin.courier.vehicles.create({ hubId: f.hubs.hongxu.id, plate: '鲁D·B5678', kind: 'tricycle', capacityParcels: 30, costPerKmFen: 50, costPerDayFen: 5000, speedKmh: 25 });
    // 张庄: 36 and 20 parcels on two days of the last 28 (mean 28); a busy day 40 days ago does not count
    const version = (await h.db.selectFrom('courier_route_versions').select('version').where('route_id', '=', f.routes.one).executeTakeFirstOrThrow()).version;
    const zto = f.carrier('zto').id;
    for (const [back, delivered, collected] of [[1, 30, 6], [3, 20, 0], [40, 1000, 0]] as const) {
      const run = await h.db.insertInto('courier_runs').values({ route_id: f.routes.one, route_version: version, run_date: addDays(f.today, -back), vehicle_id: f.van.id }).returning('id').executeTakeFirstOrThrow();
      await h.db.insertInto('courier_run_parcels').values({ run_id: run.id, station_id: f.stations.zhang.id, carrier_id: zto, delivered, collected }).execute();
    }
  }, 120_000);
  afterAll(() => h?.close());

  const start = () =>
    f.admin.planner.plans.start({
      hubId: f.hubs.hongxu.id,
      // the hub's village points and 南村, which has no coordinates
      stationIds: [f.stations.zhang.id, f.stations.community.id, f.stations.wang.id, f.stations.li.id, f.stations.nancun.id],
      vehicleIds: [f.van.id, small.id],
      timeLimitSeconds: 1,
      seed: 7,
      pins: [{ stationId: f.stations.wang.id, vehicleId: small.id }],
    });

  let plan: Plan;
  it('finishes a plan: every stop on a route or with a reason, capacity kept, the pin honoured, today’s routes beside it', async () => {
    plan = await finished((await start()).id);
    expect(plan.status).toBe('done');
    expect(plan.progress).toBe(100);
    const proposal = plan.proposal!;
    const routed = proposal.routes.flatMap((r) => r.stationIds);
    expect(proposal.unassigned).toEqual([{ stationId: f.stations.nancun.id, reason: 'no_coordinates' }]);
    expect([...routed].sort()).toEqual([f.stations.zhang.id, f.stations.community.id, f.stations.wang.id, f.stations.li.id].sort());
    const parcels = new Map(plan.stops.map((s) => [s.stationId, s.parcels]));
    expect(parcels.get(f.stations.zhang.id)).toBe(28);
    expect(parcels.get(f.stations.wang.id)).toBe(1);
    const capacity = new Map([[f.van.id, 400], [small.id, 30]]);
    for (const r of proposal.routes) {
      expect(r.load).toBe(r.stationIds.reduce((sum, id) => sum + parcels.get(id)!, 0));
      expect(r.load).toBeLessThanOrEqual(capacity.get(r.vehicleId)!);
      expect(r.hours * 60).toBeLessThanOrEqual(480);
    }
    expect(proposal.routes.find((r) => r.stationIds.includes(f.stations.wang.id))!.vehicleId).toBe(small.id);
    expect(plan.bestKm).toBeCloseTo(proposal.routes.reduce((sum, r) => sum + r.km, 0), 2);
    // today's four routes of the hub, measured the same way: 李屯 is on two of them
    expect(plan.today.map((r) => r.name)).toEqual(['洪绪一号线', '洪绪二号线', '洪绪三号线', '洪绪四号线']);
    expect(plan.compare.before.vehicles).toBe(1);
    expect(plan.compare.before.parcels).toBe(28 + 1 + 1 + 1);
    expect(plan.compare.before.km).toBeGreaterThan(plan.compare.after!.km);
    expect(plan.compare.after!.vehicles).toBe(proposal.routes.length);
    expect(plan.stops.find((s) => s.stationId === f.stations.zhang.id)).toMatchObject({ lng: 117.33, lat: 36.81 });
  });

  it('gives the same proposal for the same seed', async () => {
    const again = await finished((await start()).id);
    expect(again.proposal!.routes.map((r) => [r.vehicleId, r.stationIds])).toEqual(plan.proposal!.routes.map((r) => [r.vehicleId, r.stationIds]));
  });

  it('refuses to accept a proposal that leaves villages off every route until the bureau says so, writing nothing', async () => {
    const versions = await h.db.selectFrom('courier_route_versions').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    const refused = await refusal(h.deps, f.admin.planner.plans.accept({ id: plan.id }));
    expect(refused.appCode).toBe('PLANNER_UNASSIGNED_LEFT');
    expect(refused.message).toContain('1 个村点');
    expect(await h.db.selectFrom('courier_route_versions').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).toEqual(versions);
    expect((await f.admin.planner.plans.get({ id: plan.id })).status).toBe('done');
  });

  it('accepts: versions from tomorrow, the van’s route kept with its days, a new route for the other vehicle, unused routes ended, audited; never twice', async () => {
    const tomorrow = addDays(f.today, 1);
    const accepted = await f.admin.planner.plans.accept({ id: plan.id, leaveUnassigned: true });
    expect(accepted.effectiveFrom).toBe(tomorrow);
    const versionOn = (routeId: number) =>
      h.db.selectFrom('courier_route_versions').selectAll().where('route_id', '=', routeId).where('effective_from', '=', tomorrow).executeTakeFirst();
    const stopsOf = async (routeId: number, version: number) =>
      (await h.db.selectFrom('courier_route_stops').select('station_id').where('route_id', '=', routeId).where('version', '=', version).orderBy('seq').execute()).map((s) => s.station_id);

    const vanRoute = plan.proposal!.routes.find((r) => r.vehicleId === f.van.id);
    const smallRoute = plan.proposal!.routes.find((r) => r.vehicleId === small.id)!;
    // the van ran 一号线 (and the others): 一号线 becomes the van's proposal, Mon–Fri at 08:00 as before
    if (vanRoute) {
      const one = (await versionOn(f.routes.one))!;
      expect(one).toMatchObject({ vehicle_id: f.van.id, days: [1, 2, 3, 4, 5], depart_at: '08:00' });
      expect(await stopsOf(f.routes.one, one.version)).toEqual(vanRoute.stationIds);
    }
    const created = await h.db.selectFrom('courier_routes').select(['id', 'name']).where('hub_id', '=', f.hubs.hongxu.id).where('name', '=', '规划线路 1').executeTakeFirstOrThrow();
    const fresh = (await versionOn(created.id))!;
    expect(fresh).toMatchObject({ vehicle_id: small.id, days: [1, 2, 3, 4, 5, 6, 7], depart_at: '08:00' });
    expect(await stopsOf(created.id, fresh.version)).toEqual(smallRoute.stationIds);
    const ended = vanRoute ? [f.routes.two, f.routes.three, f.routes.four] : [f.routes.one, f.routes.two, f.routes.three, f.routes.four];
    expect(accepted.endedRouteIds.sort()).toEqual([...ended].sort());
    for (const id of ended) expect((await versionOn(id))!.days).toEqual([]);
    // 南沙河's route is another hub's: untouched
    expect(await versionOn(f.routes.nanshahe)).toBeUndefined();

    const audits = await h.db.selectFrom('audit_log').select(['entity', 'entity_id', 'action']).where('entity', 'in', ['planner_plan', 'courier_route']).execute();
    expect(audits.filter((a) => a.entity === 'planner_plan' && a.entity_id === String(plan.id) && a.action === 'accept')).toHaveLength(1);
    expect(audits.filter((a) => a.entity === 'courier_route' && a.action === 'version').length).toBeGreaterThanOrEqual(4 + accepted.routeIds.length);
    expect((await f.admin.planner.plans.get({ id: plan.id })).status).toBe('accepted');

    const twice = await refusal(h.deps, f.admin.planner.plans.accept({ id: plan.id, leaveUnassigned: true }));
    expect(twice.appCode).toBe('PLANNER_ACCEPTED_ALREADY');
  });

  it('refuses an effective day in the past', async () => {
    const other = await finished((await start()).id);
    const past = await refusal(h.deps, f.admin.planner.plans.accept({ id: other.id, effectiveFrom: addDays(f.today, -1), leaveUnassigned: true }));
    expect(past.appCode).toBe('PLANNER_EFFECTIVE_PAST');
  });

  it('lets a vehicle make several trips a shift, each within its share, and accepts them as routes leaving one share apart', async () => {
    const villages = [f.stations.zhang.id, f.stations.community.id, f.stations.wang.id, f.stations.li.id];
    const plan = (trips: number) => f.admin.planner.plans.start({ hubId: f.hubs.hongxu.id, stationIds: villages, vehicleIds: [small.id], tripsPerVehicle: trips, timeLimitSeconds: 1, seed: 5 });
    // 31 parcels a day, 30 to a trip: one trip leaves a village out, two carry them all
    const one = await finished((await plan(1)).id);
    expect(one.proposal!.routes).toHaveLength(1);
    expect(one.proposal!.unassigned).toHaveLength(1);
    const two = await finished((await plan(2)).id);
    expect(two.settings.tripsPerVehicle).toBe(2);
    expect(two.proposal!.unassigned).toEqual([]);
    expect(two.proposal!.routes).toHaveLength(2);
    for (const r of two.proposal!.routes) {
      expect(r.vehicleId).toBe(small.id);
      expect(r.load).toBeLessThanOrEqual(30);
      expect(r.hours * 60).toBeLessThanOrEqual(240);
    }
    // one vehicle on the road, its cost per day counted once
    expect(two.compare.after!.vehicles).toBe(1);

    const from = addDays(f.today, 2);
    const accepted = await f.admin.planner.plans.accept({ id: two.id, effectiveFrom: from });
    const departures = await h.db.selectFrom('courier_route_versions').select(['depart_at', 'vehicle_id']).where('route_id', 'in', accepted.routeIds).where('effective_from', '=', from).orderBy('depart_at').execute();
    expect(departures).toEqual([{ depart_at: '08:00', vehicle_id: small.id }, { depart_at: '12:00', vehicle_id: small.id }]);
  });

  it('keeps a pinned sequence on its vehicle in its order, and refuses sequences that contradict themselves or a pin', async () => {
    const { zhang, community, wang, li } = f.stations;
    const order = [li.id, wang.id, zhang.id];
    const sequenced = await finished(
      (await f.admin.planner.plans.start({ hubId: f.hubs.hongxu.id, stationIds: [zhang.id, community.id, wang.id, li.id], vehicleIds: [f.van.id, small.id], timeLimitSeconds: 1, seed: 11, sequences: [{ stationIds: order, vehicleId: f.van.id }] })).id,
    );
    expect(sequenced.settings.sequences).toEqual([{ stationIds: order, vehicleId: f.van.id }]);
    const route = sequenced.proposal!.routes.find((r) => r.stationIds.includes(li.id))!;
    expect(route.vehicleId).toBe(f.van.id);
    expect(route.stationIds.filter((id) => order.includes(id))).toEqual(order);

    const twice = await refusal(h.deps, f.admin.planner.plans.start({ hubId: f.hubs.hongxu.id, vehicleIds: [f.van.id, small.id], sequences: [{ stationIds: [li.id, wang.id] }, { stationIds: [zhang.id, li.id] }] }));
    expect(twice.appCode).toBe('PLANNER_SEQUENCE_INVALID');
    expect(twice.message).toContain(String(li.id));
    const against = await refusal(
      h.deps,
      f.admin.planner.plans.start({ hubId: f.hubs.hongxu.id, vehicleIds: [f.van.id, small.id], pins: [{ stationId: wang.id, vehicleId: small.id }], sequences: [{ stationIds: [li.id, wang.id], vehicleId: f.van.id }] }),
    );
    expect(against.appCode).toBe('PLANNER_SEQUENCE_INVALID');
  });

  it('measures with the hub’s uploaded distance table: its km and minutes, either way, and a village without coordinates that the table places', async () => {
    const { zhang, community, nancun } = f.stations;
    const table = (rows: string[][]) => ({ fileName: '洪绪距离表.xlsx', fileBase64: sheetXlsx([['洪绪镇距离表'], ['起点', '终点', '公里', '分钟'], ...rows]).toString('base64') });
    const start = (rows: string[][]) =>
      f.admin.planner.plans.start({ hubId: f.hubs.hongxu.id, stationIds: [zhang.id, community.id, nancun.id], vehicleIds: [f.van.id], timeLimitSeconds: 1, seed: 2, matrix: table(rows) });
    // by code, by name, by the hub's name; each pair given one way serves both; 南村 has no coordinates
    const rows = [
      ['TZ-T101', '张庄村服务点', '10', '20'],
      ['张庄村服务点', 'TZ-V101001', '3', '6'],
      ['TZ-V101001', '洪绪镇快递共配站', '12', '25'],
      ['洪绪镇服务站', '南村服务点', '30', '40'],
      ['南村服务点', 'TZ-V101201', '25', '35'],
      ['南村服务点', '洪绪社区服务点', '28', '38'],
    ];
    const plan = await finished((await start(rows)).id);
    expect(plan.settings.matrix).toEqual({ fileName: '洪绪距离表.xlsx', pairs: 6 });
    const [route] = plan.proposal!.routes;
    expect(plan.proposal!.unassigned).toEqual([]);
    expect([...route!.stationIds].sort()).toEqual([zhang.id, community.id, nancun.id].sort());
    // the best tour: hub → 南村 (30) → 张庄 (25) → 社区 (3) → hub (12), or the same backwards = 70 km, 40+35+6+25 = 106 minutes and 3 stops × 5
    expect(route!.km).toBeCloseTo(70, 6);
    expect(route!.hours * 60).toBeCloseTo(106 + 15, 6);

    const unknown = await refusal(h.deps, start([...rows, ['TZ-T101', '李庄村服务点', '5', '']]));
    expect(unknown.appCode).toBe('PLANNER_MATRIX_PLACE_UNKNOWN');
    expect(unknown.message).toContain('第 9 行');
    const bad = await refusal(h.deps, start([['TZ-T101', 'TZ-V101201', '-4', '']]));
    expect(bad.appCode).toBe('PLANNER_MATRIX_AMOUNT_INVALID');
    const headers = await refusal(h.deps, f.admin.planner.plans.start({ hubId: f.hubs.hongxu.id, vehicleIds: [f.van.id], matrix: { fileName: 'x.xlsx', fileBase64: sheetXlsx([['从', '去'], ['a', 'b']]).toString('base64') } }));
    expect(headers.appCode).toBe('PLANNER_MATRIX_HEADERS');
  });

  it('stops a plan when cancelled, keeping the best found so far', async () => {
    const { id } = await f.admin.planner.plans.start({ hubId: f.hubs.hongxu.id, vehicleIds: [f.van.id, small.id], timeLimitSeconds: 30, seed: 3 });
    await f.admin.planner.plans.cancel({ id });
    const began = Date.now();
    const stopped = await finished(id);
    expect(Date.now() - began).toBeLessThan(10_000);
    expect(stopped.status).toBe('done');
    expect(stopped.proposal!.cancelled).toBe(true);
    expect(stopped.proposal!.routes.flatMap((r) => r.stationIds).length + stopped.proposal!.unassigned.length).toBe(4);
  });

  it('accepts all or nothing: a village point closed since the plan refuses the whole acceptance and leaves the routes and the plan as they were', async () => {
    const { community, li } = f.stations;
    const closing = await finished((await f.admin.planner.plans.start({ hubId: f.hubs.hongxu.id, stationIds: [community.id, li.id], vehicleIds: [f.van.id], timeLimitSeconds: 1 })).id);
    const count = async () => ({
      routes: Number((await h.db.selectFrom('courier_routes').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n),
      versions: Number((await h.db.selectFrom('courier_route_versions').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n),
    });
    const before = await count();
    await h.db.updateTable('stations').set({ status: 'closed' }).where('id', '=', li.id).execute();
    try {
      const refused = await refusal(h.deps, f.admin.planner.plans.accept({ id: closing.id, effectiveFrom: addDays(f.today, 3) }));
      expect(refused.appCode).toBe('COURIER_ROUTE_STOP_INVALID');
      expect(await count()).toEqual(before);
      expect((await f.admin.planner.plans.get({ id: closing.id })).status).toBe('done');
    } finally {
      await h.db.updateTable('stations').set({ status: 'active' }).where('id', '=', li.id).execute();
    }
  });

  it('refuses a station operator, even the hub’s own staff', async () => {
    const staff = h.caller(f.hubStaff.actor);
    const refused = await refusal(h.deps, staff.planner.plans.start({ hubId: f.hubs.hongxu.id }));
    expect(refused.code).toBe('FORBIDDEN');
    expect((await refusal(h.deps, staff.planner.plans.get({ id: plan.id }))).code).toBe('FORBIDDEN');
  });
});
