import { sql } from 'kysely';
import type { Db } from '../../db/create-db';
import { badRequest, conflict } from '../../lib/app-error';
import { addDays, clockOfMinutes, shanghaiToday } from '../../lib/dates';
import { recordAudit } from '../audit/audit.service';
import { hubRow } from '../courier/courier.scope';
import { enqueueRecompute, getHub, insertRoute, stopOptions, writeRouteVersion } from '../courier/courier.service';
import type { ServiceContext } from '../service-context';
import { readMatrix } from './planner.matrix';
import { planMeasure, routeHours, routeKm, tripMinutes } from './planner.measure';
import { planInputShape, planResultShape, type PlanInput, type PlanStartInput } from './planner.schemas';

type Ctx = Pick<ServiceContext, 'db' | 'actor' | 'queue' | 'log' | 'who'>;
type ReadCtx = Pick<ServiceContext, 'db' | 'actor'>;

/** Days of runs the expected parcels per stop are averaged over. */
const PARCEL_WINDOW_DAYS = 28;
/** What a route planned from nothing runs: every day, its vehicle's first trip leaving at eight and each later trip a share of the shift after. */
const NEW_ROUTE_DAYS = [1, 2, 3, 4, 5, 6, 7];
const FIRST_DEPARTURE_MINUTES = 8 * 60;

/** The hub's routes with the version in force on `day` (ended ones — no days — left out), their vehicle and ordered stops. */
async function routesInForce(db: Db, hubId: number, day: string) {
  const versions = await db
    .selectFrom('courier_routes as rt')
    .innerJoin('courier_route_versions as rv', 'rv.route_id', 'rt.id')
    .leftJoin('courier_vehicles as v', 'v.id', 'rv.vehicle_id')
    .select(['rt.id', 'rt.name', 'rv.version', 'rv.vehicle_id', 'rv.days', 'rv.depart_at', 'rv.service_minutes', 'v.plate', 'v.speed_kmh', 'v.cost_per_km_fen', 'v.cost_per_day_fen'])
    .where('rt.hub_id', '=', hubId)
    .where('rt.active', '=', true)
    .where(
      'rv.version',
      '=',
      sql<number>`(select f.version from courier_route_versions f where f.route_id = rt.id and f.effective_from <= ${day} order by f.effective_from desc, f.version desc limit 1)`,
    )
    .where(sql<boolean>`cardinality(rv.days) > 0`)
    .orderBy('rt.id')
    .execute();
  if (versions.length === 0) return [];
  const stops = await db
    .selectFrom('courier_route_stops')
    .select(['route_id', 'version', 'station_id'])
    .where((eb) => eb.or(versions.map((v) => eb.and([eb('route_id', '=', v.id), eb('version', '=', v.version)]))))
    .orderBy('seq')
    .execute();
  return versions.map((v) => ({ ...v, stationIds: stops.filter((s) => s.route_id === v.id && s.version === v.version).map((s) => s.station_id) }));
}

/** Mean daily parcels (delivered + collected) of each stop over the runs of the last 28 days, at least 1. */
async function expectedParcels(db: Db, stationIds: number[], today: string): Promise<Map<number, number>> {
  const rows = stationIds.length === 0 ? [] : await db
    .selectFrom('courier_run_parcels as p')
    .innerJoin('courier_runs as r', 'r.id', 'p.run_id')
    .select(['p.station_id', sql<string>`sum(p.delivered + p.collected)::float8 / count(distinct r.run_date)`.as('mean')])
    .where('p.station_id', 'in', stationIds)
    .where('r.run_date', '>=', addDays(today, -PARCEL_WINDOW_DAYS))
    .where('r.run_date', '<', today)
    .groupBy('p.station_id')
    .execute();
  const mean = new Map(rows.map((r) => [r.station_id, Number(r.mean)]));
  return new Map(stationIds.map((id) => [id, Math.max(1, Math.round(mean.get(id) ?? 0))]));
}

/**
 * Pinned sequences must name the plan's village points and vehicles, each point in one sequence at
 * most and once in it, and must not send a point pinned to one vehicle onto another.
 */
function checkSequences(input: PlanStartInput, stationIds: number[], vehicleIds: number[]) {
  const seen = new Set<number>();
  const pinnedTo = new Map(input.pins.map((p) => [p.stationId, p.vehicleId]));
  for (const q of input.sequences) {
    if (q.vehicleId !== undefined && !vehicleIds.includes(q.vehicleId)) throw badRequest('PLANNER_SEQUENCE_INVALID', { id: q.stationIds[0]! });
    for (const id of q.stationIds) {
      const pin = pinnedTo.get(id);
      if (!stationIds.includes(id) || seen.has(id) || (pin !== undefined && q.vehicleId !== undefined && pin !== q.vehicleId)) throw badRequest('PLANNER_SEQUENCE_INVALID', { id });
      seen.add(id);
    }
  }
}

/**
 * Starts a plan: the problem as the bureau states it (defaults: the village points on the hub's
 * routes today, its vehicles in use), each stop's expected parcels from recent runs; the solve
 * itself is the job `planner.plan`, which the page follows through `planner.plans.get`.
 */
export async function startPlan(ctx: Ctx, input: PlanStartInput, today = shanghaiToday()) {
  const hub = await getHub(ctx, input.hubId);
  if (hub.lng === null || hub.lat === null) throw badRequest('PLANNER_HUB_NO_POINT');
  const options = new Map((await stopOptions(ctx, input.hubId)).map((s) => [s.id, s]));
  const stationIds = input.stationIds ?? [...new Set((await routesInForce(ctx.db, input.hubId, today)).flatMap((r) => r.stationIds))].filter((id) => options.has(id));
  if (stationIds.length === 0) throw badRequest('PLANNER_NO_STOPS');
  const unknown = stationIds.find((id) => !options.has(id));
  if (unknown !== undefined) throw badRequest('PLANNER_STOP_INVALID', { id: unknown });

  const hubVehicles = await ctx.db.selectFrom('courier_vehicles').selectAll().where('hub_id', '=', input.hubId).where('active', '=', true).orderBy('id').execute();
  const vehicles = input.vehicleIds ? input.vehicleIds.map((id) => hubVehicles.find((v) => v.id === id)) : hubVehicles;
  if (vehicles.some((v) => v === undefined)) throw badRequest('COURIER_VEHICLE_NOT_AT_HUB');
  if (vehicles.length === 0) throw badRequest('PLANNER_NO_VEHICLES');
  const pinned = input.pins.find((p) => !stationIds.includes(p.stationId) || !vehicles.some((v) => v!.id === p.vehicleId));
  if (pinned) throw badRequest('PLANNER_PIN_INVALID', { id: pinned.stationId });
  checkSequences(input, stationIds, vehicles.map((v) => v!.id));

  const parcels = await expectedParcels(ctx.db, [...new Set(stationIds)], today);
  let matrix: PlanInput['matrix'] = null;
  if (input.matrix) {
    const depot = await ctx.db.selectFrom('stations').select(['id', 'code', 'name']).where('id', '=', hub.stationId).executeTakeFirstOrThrow();
    const places = [
      { stationId: depot.id, code: depot.code, names: [depot.name, hub.name] },
      // a hub's table may cover more villages than this plan: any village point the hub may serve can be named
      ...[...options.values()].map((o) => ({ stationId: o.id, code: o.code, names: [o.name, o.villageName] })),
    ];
    const pairs = await readMatrix(input.matrix.fileBase64, input.matrix.fileName, places);
    matrix = { fileName: input.matrix.fileName, depotStationId: depot.id, pairCount: pairs.length, pairs };
  }
  const planInput: PlanInput = {
    hubId: input.hubId,
    asOf: today,
    depot: { lng: hub.lng, lat: hub.lat },
    stops: [...new Set(stationIds)].map((id) => ({ stationId: id, lng: options.get(id)!.lng, lat: options.get(id)!.lat, parcels: parcels.get(id)! })),
    vehicles: vehicles.map((v) => ({
      vehicleId: v!.id,
      capacity: v!.capacity_parcels,
      capacityKg: v!.capacity_kg === null ? null : Number(v!.capacity_kg),
      speedKmh: v!.speed_kmh,
      costPerKmFen: v!.cost_per_km_fen,
      costPerDayFen: v!.cost_per_day_fen,
    })),
    shiftMinutes: input.shiftMinutes,
    tripsPerVehicle: input.tripsPerVehicle,
    serviceMinutes: input.serviceMinutes,
    roadFactor: input.roadFactor,
    timeLimitSeconds: input.timeLimitSeconds,
    seed: input.seed,
    pins: input.pins,
    sequences: input.sequences.map((q) => ({ stationIds: q.stationIds, vehicleId: q.vehicleId ?? null })),
    matrix,
  };
  const plan = await ctx.db.transaction().execute(async (trx) => {
    const row = await trx.insertInto('planner_plans').values({ hub_id: input.hubId, created_by: ctx.who.id, input: JSON.stringify(planInput) }).returning('id').executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.who, { entity: 'planner_plan', entityId: String(row.id), action: 'start', after: { hubId: input.hubId, stops: planInput.stops.length, vehicles: planInput.vehicles.length, pins: input.pins, sequences: planInput.sequences, matrix: matrix && { fileName: matrix.fileName, pairs: matrix.pairCount } } });
    return row;
  });
  await ctx.queue.enqueue('planner.plan', { planId: plan.id });
  return { id: plan.id };
}

async function planRow(ctx: ReadCtx, id: number) {
  const row = await ctx.db
    .selectFrom('planner_plans as p')
    .innerJoin('courier_hubs as h', 'h.id', 'p.hub_id')
    .select(['p.id', 'p.hub_id', 'h.name as hub_name', 'h.station_id as hub_station_id', 'p.status', 'p.best_cost', 'p.progress', 'p.result', 'p.error', 'p.created_at', 'p.finished_at'])
    // a distance table can hold a county's 250,000 legs: the page asks twice a second while the plan
    // runs and shows no measures then, so the legs are left in the row until it has finished
    .select(sql<unknown>`case when p.status = 'running' and jsonb_typeof(p.input->'matrix') = 'object' then jsonb_set(p.input, '{matrix,pairs}', '[]'::jsonb) else p.input end`.as('input'))
    .where('p.id', '=', id)
    .executeTakeFirst();
  return hubRow(ctx.actor, row, 'PLANNER_PLAN_NOT_FOUND');
}

/** What the bureau chose for a plan, as the page shows it back: the input less the problem itself. */
function settingsOf(input: PlanInput) {
  const { hubId: _hub, asOf: _asOf, depot: _depot, stops: _stops, vehicles: _vehicles, matrix: _matrix, ...settings } = input;
  return settings;
}

/** Totals of a set of routes, and their cost per parcel: (km × cost per km + cost per day of each vehicle used) ÷ parcels. */
function totals(routes: { vehicleKey: string; km: number; hours: number; costPerKmFen: number; costPerDayFen: number }[], parcels: number) {
  const days = new Map(routes.map((r) => [r.vehicleKey, r.costPerDayFen]));
  const costFen = routes.reduce((sum, r) => sum + r.km * r.costPerKmFen, 0) + [...days.values()].reduce((a, b) => a + b, 0);
  return {
    km: routes.reduce((sum, r) => sum + r.km, 0),
    hours: routes.reduce((sum, r) => sum + r.hours, 0),
    vehicles: days.size,
    parcels,
    costFen: Math.round(costFen),
    costPerParcelFen: parcels > 0 ? costFen / parcels : null,
  };
}

/** A plan as the page shows it: progress, the proposal beside the hub's routes today measured the same way, and points to plot. */
export async function getPlan(ctx: ReadCtx, id: number) {
  const row = await planRow(ctx, id);
  const input = planInputShape.parse(row.input);
  const result = row.result === null ? null : planResultShape.parse(row.result);
  const current = await routesInForce(ctx.db, row.hub_id, input.asOf);
  const stationIds = [...new Set([...input.stops.map((s) => s.stationId), ...current.flatMap((r) => r.stationIds)])];
  const stations = await ctx.db.selectFrom('stations').select(['id', 'name', 'code', 'lng', 'lat']).where('id', 'in', stationIds).execute();
  const station = new Map(stations.map((s) => [s.id, { name: s.name, code: s.code, lng: s.lng === null ? null : Number(s.lng), lat: s.lat === null ? null : Number(s.lat) }]));
  const parcels = new Map(input.stops.map((s) => [s.stationId, s.parcels]));
  const missing = stationIds.filter((id) => !parcels.has(id));
  for (const [sid, n] of await expectedParcels(ctx.db, missing, input.asOf)) parcels.set(sid, n);
  const plates = new Map((await ctx.db.selectFrom('courier_vehicles').select(['id', 'plate']).where('hub_id', '=', row.hub_id).execute()).map((v) => [v.id, v.plate]));
  const vehicle = new Map(input.vehicles.map((v) => [v.vehicleId, v]));
  const sumParcels = (ids: number[]) => ids.reduce((sum, sid) => sum + (parcels.get(sid) ?? 1), 0);

  const points = new Map(stations.map((s) => [s.id, s.lng === null || s.lat === null ? null : { lng: Number(s.lng), lat: Number(s.lat) }]));
  const measure = planMeasure(input, points);
  const today = current.map((r) => {
    const km = routeKm(measure, r.stationIds);
    return {
      routeId: r.id,
      name: r.name,
      vehicleId: r.vehicle_id,
      plate: r.plate,
      stationIds: r.stationIds,
      km,
      hours: routeHours(km, r.speed_kmh ?? 40, r.stationIds.length, r.service_minutes),
      load: sumParcels(r.stationIds),
      // a route without a vehicle is still one vehicle on the road, of unknown cost
      vehicleKey: r.vehicle_id === null ? `route:${r.id}` : `vehicle:${r.vehicle_id}`,
      costPerKmFen: r.cost_per_km_fen ?? 0,
      costPerDayFen: r.cost_per_day_fen ?? 0,
    };
  });
  const proposal = (result?.routes ?? []).map((r) => ({
    ...r,
    plate: plates.get(r.vehicleId) ?? null,
    vehicleKey: `vehicle:${r.vehicleId}`,
    costPerKmFen: vehicle.get(r.vehicleId)?.costPerKmFen ?? 0,
    costPerDayFen: vehicle.get(r.vehicleId)?.costPerDayFen ?? 0,
  }));
  // parcels counted before: every stop today's routes serve (a stop on two routes counts once a day)
  const before = totals(today, sumParcels([...new Set(today.flatMap((r) => r.stationIds))]));
  const after = result ? totals(proposal, sumParcels(proposal.flatMap((r) => r.stationIds))) : null;
  return {
    id: row.id,
    hubId: row.hub_id,
    hubName: row.hub_name,
    status: row.status,
    progress: row.progress,
    bestKm: row.best_cost === null ? null : Number(row.best_cost),
    error: row.error,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    settings: { ...settingsOf(input), matrix: input.matrix && { fileName: input.matrix.fileName, pairs: input.matrix.pairCount } },
    depot: input.depot,
    vehicleIds: input.vehicles.map((v) => v.vehicleId),
    stops: stationIds.map((sid) => ({ stationId: sid, ...station.get(sid)!, parcels: parcels.get(sid) ?? 1, planned: input.stops.some((s) => s.stationId === sid) })),
    proposal: result && {
      routes: proposal.map(({ vehicleKey: _k, costPerKmFen: _km, costPerDayFen: _day, ...r }) => r),
      unassigned: result.unassigned,
      cancelled: result.cancelled,
      elapsedMs: result.elapsedMs,
    },
    today: today.map(({ vehicleKey: _k, costPerKmFen: _km, costPerDayFen: _day, ...r }) => r),
    compare: { before, after },
  };
}

/** Asks a running plan to stop; the job keeps the best proposal found so far. */
export async function cancelPlan(ctx: Ctx, id: number) {
  await planRow(ctx, id);
  await ctx.db.updateTable('planner_plans').set({ cancel_requested: true }).where('id', '=', id).where('status', '=', 'running').execute();
  return { ok: true as const };
}

/**
 * Writes a finished proposal into the hub's routes from a day (tomorrow by default). A proposal
 * route on vehicle V becomes a new version of a route V runs on that day (its days and departure kept),
 * else a new route 规划线路 N (every day, V's k-th trip leaving at 08:00 plus k shares of the shift);
 * routes left without a proposal get a version with no days, which ends them. A proposal that
 * leaves villages off every route is accepted only when the bureau says so (`leaveUnassigned`).
 * All of it is one transaction: a version refused (say, a village point closed since the plan was
 * made) leaves the hub's routes and the plan as they were; the plan's row is claimed first, so a
 * second accept waits and is then refused.
 */
export async function acceptPlan(ctx: Ctx, input: { id: number; effectiveFrom?: string; leaveUnassigned?: boolean }, today = shanghaiToday()) {
  const row = await planRow(ctx, input.id);
  const effectiveFrom = input.effectiveFrom ?? addDays(today, 1);
  if (effectiveFrom < today) throw badRequest('PLANNER_EFFECTIVE_PAST', { today });
  if (row.status === 'accepted') throw conflict('PLANNER_ACCEPTED_ALREADY');
  if (row.status !== 'done' || row.result === null) throw badRequest('PLANNER_NOT_DONE');
  const plan = planInputShape.parse(row.input);
  const result = planResultShape.parse(row.result);
  if (result.unassigned.length > 0 && !input.leaveUnassigned) throw badRequest('PLANNER_UNASSIGNED_LEFT', { count: result.unassigned.length });

  const written = await ctx.db.transaction().execute(async (trx) => {
    const tx = { ...ctx, db: trx };
    // the claim first: a second accept waits on its row lock, then finds the plan accepted
    const claim = await trx.updateTable('planner_plans').set({ status: 'accepted' }).where('id', '=', input.id).where('status', '=', 'done').returning('id').executeTakeFirst();
    if (!claim) throw conflict('PLANNER_ACCEPTED_ALREADY');
    await recordAudit(trx, ctx.who, { entity: 'planner_plan', entityId: String(input.id), action: 'accept', after: { effectiveFrom, routes: result.routes.map((r) => ({ vehicleId: r.vehicleId, stationIds: r.stationIds })) } });

    const existing = await routesInForce(trx, row.hub_id, effectiveFrom);
    const names = new Set((await trx.selectFrom('courier_routes').select('name').where('hub_id', '=', row.hub_id).execute()).map((r) => r.name));
    const used = new Set<number>();
    const routeIds: number[] = [];
    const trips = new Map<number, number>();
    let n = 0;
    for (const route of result.routes) {
      const trip = trips.get(route.vehicleId) ?? 0;
      trips.set(route.vehicleId, trip + 1);
      const replaced = existing.find((r) => r.vehicle_id === route.vehicleId && !used.has(r.id));
      let routeId: number;
      if (replaced) {
        used.add(replaced.id);
        routeId = replaced.id;
      } else {
        do n++;
        while (names.has(`规划线路 ${n}`));
        names.add(`规划线路 ${n}`);
        routeId = (await insertRoute(tx, { hubId: row.hub_id, name: `规划线路 ${n}` })).id;
      }
      await writeRouteVersion(
        tx,
        {
          routeId,
          effectiveFrom,
          vehicleId: route.vehicleId,
          days: replaced ? replaced.days : NEW_ROUTE_DAYS,
          departAt: replaced ? replaced.depart_at : clockOfMinutes(FIRST_DEPARTURE_MINUTES + trip * tripMinutes(plan)),
          serviceMinutes: plan.serviceMinutes,
          stops: route.stationIds.map((stationId) => ({ stationId, plannedAt: null })),
        },
        today,
      );
      routeIds.push(routeId);
    }
    const ended = existing.filter((r) => !used.has(r.id));
    for (const r of ended) {
      await writeRouteVersion(tx, { routeId: r.id, effectiveFrom, vehicleId: null, days: [], departAt: r.depart_at, serviceMinutes: r.service_minutes, stops: r.stationIds.map((stationId) => ({ stationId, plannedAt: null })) }, today);
    }
    return { effectiveFrom, routeIds, endedRouteIds: ended.map((r) => r.id) };
  });
  await enqueueRecompute(ctx);
  return written;
}
