import { sql } from 'kysely';
import { addDays, clockOfMinutes } from '../../lib/dates';
import { createRandom } from '../../lib/random';
import { recordAudit } from '../audit/audit.service';
import { SYSTEM_ACTOR } from '../auth/actor';
import { demoSeedStep } from '../module';
import { isoWeekday } from './courier.service';

/**
 * The demo county's shared delivery: three hubs — the county centre (for the subdistricts and the
 * western towns), 洪绪镇 (its station's operator, `zhan.hongxu`, is the hub's staff) and 官桥镇 — with
 * the usual carriers, routes of about a dozen village points each, by bearing from the hub, and
 * vehicles enough for each to make two trips a day (a morning and an afternoon loop). Every route
 * runs daily but one of the centre's, which runs four days a week (not "served" under the default
 * rule), and a few village points are on no route, so the unserved villages show; coverage stays
 * below the share of villages that have a village point at all (the stations demo leaves some
 * without). Three months of runs, with parcels per carrier at every stop, a few stops missed, and
 * one route changed three weeks ago (its earlier runs keep their version).
 */
const HUBS = [
  { code: 'TZ-C', name: '滕州市快递共配中心', towns: (t: string) => !['101', '102', '103', '104', '105', '110', '111', '112', '113'].includes(t) },
  { code: 'TZ-T101', name: '洪绪镇快递共配站', towns: (t: string) => ['101', '102', '103', '104', '105'].includes(t) },
  { code: 'TZ-T110', name: '官桥镇快递共配站', towns: (t: string) => ['110', '111', '112', '113'].includes(t) },
] as const;
const STOPS_PER_ROUTE = 12;
/** Loops a vehicle drives a day, the later ones leaving this many minutes after the first. */
const TRIPS_PER_DAY = 2;
const TRIP_SPACING_MINUTES = 240;
const RUN_DAYS = 90;
const PLATES = ['鲁D', '鲁D'];
const MISSED = ['road', 'weather', 'vehicle', 'closed'] as const;


export const courierDemo = demoSeedStep('courier', async ({ db, seed, today, countyCode }) => {
  if (await db.selectFrom('courier_hubs').select('id').limit(1).executeTakeFirst()) return { hubs: 0, runs: 0 };
  const rng = createRandom(seed + 14);
  const county = countyCode.slice(0, 6);
  const carriers = await db.selectFrom('courier_carriers').select(['id', 'code']).orderBy('id').execute();
  const points = await db
    .selectFrom('stations')
    .select(['id', 'region_code', 'lat', 'lng'])
    .where('tier', '=', 'village_point')
    .where('status', '=', 'active')
    .where('region_code', 'like', `${county}%`)
    .orderBy('id')
    .execute();
  const from = addDays(today, -RUN_DAYS);
  const routeStart = addDays(today, -120);
  const changedOn = addDays(today, -21);
  let runs = 0;

  await db.transaction().execute(async (trx) => {
    /** The carriers at a route's hub, each from the day it joined. */
    type Joined = { id: number; from: string }[];
    const routeRows: { routeId: number; version: number; days: number[]; stops: number[]; depart: number; vehicle: { id: number; perKm: number; perDay: number }; carriers: Joined; from: string; to: string }[] = [];
    for (const [h, spec] of HUBS.entries()) {
      const station = await trx.selectFrom('stations').select(['id', 'lat', 'lng']).where('code', '=', spec.code).executeTakeFirstOrThrow();
      const hub = await trx.insertInto('courier_hubs').values({ name: spec.name, station_id: station.id }).returning('id').executeTakeFirstOrThrow();
      // the central hub has every carrier; the town hubs most of them; 京东 joined 洪绪 six weeks ago
      const mine: Joined = carriers.filter((_c, i) => h === 0 || i % 4 !== 3).map((c) => ({ id: c.id, from: h === 1 && c.code === 'jd' ? addDays(today, -42) : addDays(today, -400) }));
      for (const c of mine) await trx.insertInto('courier_hub_carriers').values({ hub_id: hub.id, carrier_id: c.id, from_date: c.from }).execute();
      // the hub's village points by bearing, cut into routes; a few left off any route
      const lat0 = Number(station.lat);
      const lng0 = Number(station.lng);
      const served = points
        .filter((p) => spec.towns(p.region_code.slice(6, 9)) && p.lat !== null)
        .filter(() => !rng.chance(0.03))
        .sort((a, b) => Math.atan2(Number(a.lat) - lat0, Number(a.lng) - lng0) - Math.atan2(Number(b.lat) - lat0, Number(b.lng) - lng0));
      const routeCount = Math.ceil(served.length / STOPS_PER_ROUTE);
      const vehicles = [];
      for (let v = 0; v < Math.max(2, Math.ceil(routeCount / TRIPS_PER_DAY)); v++) {
        const perKm = rng.int(120, 220);
        const perDay = rng.int(8_000, 15_000);
        const row = await trx
          .insertInto('courier_vehicles')
          .values({
            hub_id: hub.id,
            plate: `${PLATES[v % 2]}${String.fromCharCode(65 + h)}${rng.int(10000, 99999)}`,
            kind: v % 4 === 3 ? 'tricycle' : 'van',
            capacity_parcels: v % 4 === 3 ? 150 : rng.pick([400, 500, 600]),
            capacity_kg: v % 4 === 3 ? 300 : 1500,
            driver_name: rng.pick(['张', '王', '李', '刘', '陈']) + rng.pick(['师傅', '建国', '志刚', '海涛']),
            driver_mobile: `139${String(rng.int(10_000_000, 99_999_999))}`,
            cost_per_km_fen: perKm,
            cost_per_day_fen: perDay,
            speed_kmh: v % 4 === 3 ? 25 : 45,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        vehicles.push({ id: row.id, perKm, perDay });
      }
      for (let r = 0; r * STOPS_PER_ROUTE < served.length; r++) {
        const stops = served.slice(r * STOPS_PER_ROUTE, (r + 1) * STOPS_PER_ROUTE).map((p) => p.id);
        const route = await trx.insertInto('courier_routes').values({ hub_id: hub.id, name: `${spec.name.slice(0, 3)}${r + 1}号线` }).returning('id').executeTakeFirstOrThrow();
        const days = h === 0 && r === 4 ? [1, 3, 5, 6] : [1, 2, 3, 4, 5, 6, 7];
        const vehicle = vehicles[r % vehicles.length]!;
        const depart = 7 * 60 + Math.floor(r / vehicles.length) * TRIP_SPACING_MINUTES + rng.int(0, 30);
        const version = async (v: number, effectiveFrom: string, order: number[]) => {
          await trx.insertInto('courier_route_versions').values({ route_id: route.id, version: v, effective_from: effectiveFrom, vehicle_id: vehicle.id, days, depart_at: clockOfMinutes(depart), service_minutes: 5 }).execute();
          await trx.insertInto('courier_route_stops').values(order.map((id, i) => ({ route_id: route.id, version: v, seq: i + 1, station_id: id, planned_at: clockOfMinutes(depart + 20 + i * 15) }))).execute();
        };
        const changed = r === 1 && h === 1;
        await version(1, routeStart, stops);
        routeRows.push({ routeId: route.id, version: 1, days, stops, depart, vehicle, carriers: mine, from, to: changed ? addDays(changedOn, -1) : today });
        if (changed) {
          const reordered = [...stops].reverse();
          await version(2, changedOn, reordered);
          routeRows.push({ routeId: route.id, version: 2, days, stops: reordered, depart, vehicle, carriers: mine, from: changedOn, to: today });
        }
      }
    }

    // three months of runs (not today's: the day is not over)
    const runValues = [];
    const plans: { stops: number[]; depart: number; carriers: number[]; day: string }[] = [];
    for (const route of routeRows) {
      for (let day = route.from; day < route.to; day = addDays(day, 1)) {
        if (!route.days.includes(isoWeekday(day))) continue;
        const km = Math.round((30 + route.stops.length * rng.int(3, 6) + rng.next() * 10) * 10) / 10;
        const cost = Math.round(km * route.vehicle.perKm + route.vehicle.perDay / 2);
        runValues.push({
          route_id: route.routeId,
          route_version: route.version,
          run_date: day,
          vehicle_id: route.vehicle.id,
          departed_at: clockOfMinutes(route.depart + rng.int(-5, 15)),
          returned_at: clockOfMinutes(route.depart + 40 + route.stops.length * 15 + rng.int(0, 40)),
          km,
          cost_fen: cost,
          subsidy_fen: Math.round(cost * 0.3),
        });
        plans.push({ stops: route.stops, depart: route.depart, carriers: route.carriers.filter((c) => c.from <= day).map((c) => c.id), day });
      }
    }
    const ids: number[] = [];
    for (let i = 0; i < runValues.length; i += 1000) {
      ids.push(...(await trx.insertInto('courier_runs').values(runValues.slice(i, i + 1000)).returning('id').execute()).map((r) => r.id));
    }
    runs = ids.length;
    const stopRows = [];
    const parcelRows = [];
    for (const [i, plan] of plans.entries()) {
      for (const [s, stationId] of plan.stops.entries()) {
        const missed = rng.chance(0.02);
        stopRows.push({ run_id: ids[i]!, station_id: stationId, arrived_at: missed ? null : clockOfMinutes(plan.depart + 20 + s * 15 + rng.int(-5, rng.chance(0.1) ? 45 : 12)), missed, missed_reason: missed ? rng.pick(MISSED) : null });
        if (missed) continue;
        for (const carrierId of plan.carriers) {
          if (!rng.chance(0.55)) continue;
          parcelRows.push({ run_id: ids[i]!, station_id: stationId, carrier_id: carrierId, delivered: rng.int(1, 14), collected: rng.chance(0.4) ? rng.int(1, 6) : 0 });
        }
      }
    }
    for (let i = 0; i < stopRows.length; i += 5000) await trx.insertInto('courier_run_stops').values(stopRows.slice(i, i + 5000)).execute();
    for (let i = 0; i < parcelRows.length; i += 5000) await trx.insertInto('courier_run_parcels').values(parcelRows.slice(i, i + 5000)).execute();
    await recordAudit(trx, SYSTEM_ACTOR, { entity: 'courier_hub', entityId: countyCode, action: 'seed', after: { hubs: HUBS.length, routes: routeRows.length, runs, seed } });
  });
  await sql`analyze courier_runs, courier_run_stops, courier_run_parcels`.execute(db);
  return { hubs: HUBS.length, runs };
});
