import { addDays, shanghaiToday } from '@cuntong/server/lib/dates';
import { saveRouteVersion } from '@cuntong/server/modules/courier/courier.service';
import { addVillages, buildStations, COUNTY, HONGXU, NANSHAHE } from '../stations/fixture';
import type { Harness } from '../support/harness';
import { serviceContext } from '../support/service-context';

/** The first day of the month `back` months before `day`'s. */
export function monthStart(day: string, back: number): string {
  const [y, m] = day.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) - back;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}-01`;
}

/**
 * Two hubs with known coverage (K = 5, the default rule). 洪绪镇's hub, since the first day of the
 * month before last (`since`):
 * - 一号线 Mon–Fri: 张庄村 and 洪绪社区 (a residents' committee: on the route, never counted);
 * - 二号线 Mon–Thu: 王楼村 — four days, not served;
 * - 三号线 Sat–Sun and 四号线 Mon–Wed: 李屯村 — five weekdays between them, served.
 * 南沙河镇's hub: 南沙河线 every day: 南村. 后刘村 and 北村 have no village point.
 * The county's administrative villages: 6; served 3 (张庄, 李屯, 南村); 洪绪镇 2 of 4, 南沙河镇 1 of 2.
 */
export async function buildCourier(h: Harness) {
  const today = shanghaiToday();
  const since = monthStart(today, 2);
  const adminUser = await h.user('admin');
  const admin = h.caller(adminUser.actor);
  await addVillages(h);
  const stations = await buildStations(h, admin);
  const base = { address: null, lat: null, lng: null, phone: null, openedOn: '2025-01-01', services: [], duplicateOverrideReason: null, status: 'active' as const, statusSince: '2025-01-01' };
  const community = await admin.stations.create({ ...base, code: 'TZ-V101001', name: '洪绪社区服务点', tier: 'village_point', regionCode: '370481101001', parentId: stations.hongxu.id });
  const nancun = await admin.stations.create({ ...base, code: 'TZ-V102201', name: '南村服务点', tier: 'village_point', regionCode: '370481102201', parentId: stations.nanshahe.id });

  const carriers = await h.db.selectFrom('courier_carriers').select(['id', 'code', 'name']).orderBy('id').execute();
  const carrier = (code: string) => carriers.find((c) => c.code === code)!;
  const hongxuHub = await admin.courier.hubs.create({ name: '洪绪镇快递共配站', stationId: stations.hongxu.id });
  const nanshaheHub = await admin.courier.hubs.create({ name: '南沙河镇快递共配站', stationId: stations.nanshahe.id });
  for (const hub of [hongxuHub, nanshaheHub]) for (const code of ['zto', 'yto']) await admin.courier.hubs.setCarrier({ hubId: hub.id, carrierId: carrier(code).id, fromDate: since, toDate: null });
  // 申通 took part at 洪绪 until yesterday
  await admin.courier.hubs.setCarrier({ hubId: hongxuHub.id, carrierId: carrier('sto').id, fromDate: since, toDate: addDays(today, -1) });
  const van = await admin.courier.vehicles.create({ hubId: hongxuHub.id, plate: '鲁D·A1234', kind: 'van', capacityParcels: 400, capacityKg: 1200, driverName: '赵师傅', driverMobile: '13900007777', costPerKmFen: 180, costPerDayFen: 20000, speedKmh: 40 });

  const ctx = serviceContext(h.deps, adminUser.actor);
  const route = async (hubId: number, name: string, days: number[], stops: { id: number }[], plannedAt: (string | null)[] = []) => {
    const { id } = await admin.courier.routes.create({ hubId, name });
    await saveRouteVersion(
      ctx,
      { routeId: id, effectiveFrom: since, vehicleId: hubId === hongxuHub.id ? van.id : null, days, departAt: '08:00', serviceMinutes: 5, stops: stops.map((s, i) => ({ stationId: s.id, plannedAt: plannedAt[i] ?? null })) },
      since,
    );
    return id;
  };
  const routes = {
    one: await route(hongxuHub.id, '洪绪一号线', [1, 2, 3, 4, 5], [stations.zhang, community], ['08:30', '09:00']),
    two: await route(hongxuHub.id, '洪绪二号线', [1, 2, 3, 4], [stations.wang]),
    three: await route(hongxuHub.id, '洪绪三号线', [6, 7], [stations.li]),
    four: await route(hongxuHub.id, '洪绪四号线', [1, 2, 3], [stations.li]),
    nanshahe: await route(nanshaheHub.id, '南沙河线', [1, 2, 3, 4, 5, 6, 7], [nancun]),
  };
  const hubStaff = await h.user('station_operator', { loginName: 'hub.hongxu', scopes: { stations: [String(stations.hongxu.id)] } });
  return { today, since, admin, adminUser, stations: { ...stations, community, nancun }, hubs: { hongxu: hongxuHub, nanshahe: nanshaheHub }, van, routes, carrier, hubStaff, ctx };
}
export type CourierFixture = Awaited<ReturnType<typeof buildCourier>>;
export { COUNTY, HONGXU, NANSHAHE };
