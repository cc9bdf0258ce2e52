import { sql } from 'kysely';
import type { z } from 'zod';
import type { Db } from '../../db/create-db';
import type { MissedReason } from '../../db/enums';
import { enqueueBestEffort } from '../../jobs/enqueue';
import { badRequest, conflict } from '../../lib/app-error';
import { onceByClientKey } from '../../lib/client-key';
import { shanghaiToday } from '../../lib/dates';
import { toXlsx } from '../../lib/excel';
import { maskMobile } from '../../lib/list';
import { isUniqueViolation } from '../../lib/pg-error';
import { createRuleVersion, listRuleVersions, ruleAt } from '../../rules/rules.service';
import { recordAudit } from '../audit/audit.service';
import { isUnscoped } from '../auth/scope';
import type { MessageKey, MessageParams } from '../../i18n/messages';
import type { ServiceContext } from '../service-context';
import { villageWeekdays } from './courier.metrics';
import { coverageRule, type CoverageParams } from './courier.rules';
import type {
  carrierInput,
  carrierUpdate,
  hubCarrierInput,
  hubInput,
  hubUpdate,
  routeInput,
  routeVersionInput,
  hubsExportInput,
  routesExportInput,
  vehiclesExportInput,
  runsExportInput,
  RunInput,
  statsExportInput,
  unservedExportInput,
  vehicleInput,
  vehicleUpdate,
} from './courier.schemas';
import { hubIdIn, hubRow, hubWhere } from './courier.scope';

type Ctx = Pick<ServiceContext, 'db' | 'actor' | 'queue' | 'log' | 'who'>;
type ReadCtx = Pick<ServiceContext, 'db' | 'actor'>;
const yuanOf = (fen: number) => fen / 100;

/** After runs, routes or hubs change: one debounced recompute of the courier snapshots. */
export const enqueueRecompute = (ctx: Pick<ServiceContext, 'queue' | 'log'>): Promise<void> => enqueueBestEffort(ctx, 'courier.recompute', {});

// ---- carriers ---------------------------------------------------------------------------------------

export const listCarriers = (db: Db) => db.selectFrom('courier_carriers').select(['id', 'code', 'name', 'active']).orderBy('id').execute();

export async function createCarrier(ctx: Ctx, input: z.output<typeof carrierInput>) {
  return ctx.db.transaction().execute(async (trx) => {
    const row = await trx.insertInto('courier_carriers').values(input).onConflict((oc) => oc.doNothing()).returningAll().executeTakeFirst();
    if (!row) throw conflict('COURIER_CARRIER_TAKEN', { name: input.name });
    await recordAudit(trx, ctx.who, { entity: 'courier_carrier', entityId: String(row.id), action: 'create', after: row });
    return { id: row.id };
  });
}

export async function updateCarrier(ctx: Ctx, input: z.output<typeof carrierUpdate>) {
  return ctx.db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('courier_carriers').selectAll().where('id', '=', input.id).forUpdate().executeTakeFirst();
    if (!before) throw badRequest('COURIER_CARRIER_NOT_FOUND');
    try {
      const after = await trx.updateTable('courier_carriers').set({ name: input.name, active: input.active }).where('id', '=', input.id).returningAll().executeTakeFirstOrThrow();
      await recordAudit(trx, ctx.who, { entity: 'courier_carrier', entityId: String(input.id), action: 'update', before, after });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('COURIER_CARRIER_TAKEN', { name: input.name });
      throw err;
    }
    return { ok: true as const };
  });
}

// ---- hubs ------------------------------------------------------------------------------------------------

function hubsQuery(db: Db) {
  return db
    .selectFrom('courier_hubs as h')
    .innerJoin('stations as s', 's.id', 'h.station_id')
    .innerJoin('regions as r', 'r.code', 's.region_code')
    .select(['h.id', 'h.name', 'h.station_id', 'h.station_id as hub_station_id', 's.name as station_name', 's.region_code', 'r.name as region_name', 'h.active', 'h.version', 's.lat', 's.lng']);
}

export async function listHubs(ctx: ReadCtx) {
  const rows = await hubsQuery(ctx.db)
    .select([
      sql<number>`(select count(*)::int from courier_vehicles v where v.hub_id = h.id and v.active)`.as('vehicles'),
      sql<number>`(select count(*)::int from courier_routes rt where rt.hub_id = h.id and rt.active)`.as('routes'),
      sql<string[]>`(select coalesce(array_agg(c.name order by c.id), '{}') from courier_hub_carriers hc join courier_carriers c on c.id = hc.carrier_id
        where hc.hub_id = h.id and hc.from_date <= current_date and (hc.to_date is null or hc.to_date >= current_date))`.as('carriers'),
    ])
    .where(hubWhere(ctx.actor))
    .orderBy('h.id')
    .execute();
  return rows.map((h) => ({
    id: h.id,
    name: h.name,
    stationId: h.station_id,
    stationName: h.station_name,
    regionCode: h.region_code,
    regionName: h.region_name,
    active: h.active,
    version: h.version,
    vehicles: h.vehicles,
    routes: h.routes,
    carriers: h.carriers,
  }));
}

export async function exportHubs(ctx: ReadCtx, input: z.output<typeof hubsExportInput>) {
  return toXlsx(await listHubs(ctx), input.columns, { sheetName: input.sheetName, filenameStem: 'courier-hubs' });
}

/** A hub in the actor's scope (else the same refusal as one that does not exist). */
export async function hubById(ctx: ReadCtx, id: number) {
  return hubRow(ctx.actor, await hubsQuery(ctx.db).where('h.id', '=', id).executeTakeFirst());
}

export async function getHub(ctx: ReadCtx, id: number) {
  const hub = await hubById(ctx, id);
  const carriers = await ctx.db
    .selectFrom('courier_hub_carriers as hc')
    .innerJoin('courier_carriers as c', 'c.id', 'hc.carrier_id')
    .select(['hc.carrier_id', 'c.name', 'hc.from_date', 'hc.to_date'])
    .where('hc.hub_id', '=', id)
    .orderBy('c.id')
    .orderBy('hc.from_date')
    .execute();
  return {
    id: hub.id,
    name: hub.name,
    stationId: hub.station_id,
    stationName: hub.station_name,
    regionCode: hub.region_code,
    regionName: hub.region_name,
    active: hub.active,
    version: hub.version,
    lat: hub.lat === null ? null : Number(hub.lat),
    lng: hub.lng === null ? null : Number(hub.lng),
    carriers: carriers.map((c) => ({ carrierId: c.carrier_id, name: c.name, fromDate: c.from_date, toDate: c.to_date })),
  };
}

export async function createHub(ctx: Ctx, input: z.output<typeof hubInput>) {
  const station = await ctx.db.selectFrom('stations').select(['id', 'tier', 'status']).where('id', '=', input.stationId).executeTakeFirst();
  if (!station || station.tier === 'village_point') throw badRequest('COURIER_HUB_STATION_INVALID');
  return ctx.db.transaction().execute(async (trx) => {
    try {
      const row = await trx.insertInto('courier_hubs').values({ name: input.name, station_id: input.stationId }).returningAll().executeTakeFirstOrThrow();
      await recordAudit(trx, ctx.who, { entity: 'courier_hub', entityId: String(row.id), action: 'create', after: row });
      return { id: row.id };
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('COURIER_HUB_TAKEN');
      throw err;
    }
  });
}

export async function updateHub(ctx: Ctx, input: z.output<typeof hubUpdate>) {
  await ctx.db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('courier_hubs').selectAll().where('id', '=', input.id).forUpdate().executeTakeFirst();
    if (!before) throw badRequest('COURIER_HUB_NOT_FOUND');
    if (before.version !== input.version) throw conflict('COURIER_VERSION_CONFLICT');
    try {
      const after = await trx
        .updateTable('courier_hubs')
        .set({ name: input.name, active: input.active, version: before.version + 1 })
        .where('id', '=', input.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(trx, ctx.who, { entity: 'courier_hub', entityId: String(input.id), action: 'update', before, after });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('COURIER_HUB_TAKEN');
      throw err;
    }
  });
  await enqueueRecompute(ctx);
  return { ok: true as const };
}

/** A carrier takes part at a hub from a day (to a day), audited. */
export async function setHubCarrier(ctx: Ctx, input: z.output<typeof hubCarrierInput>) {
  await hubById(ctx, input.hubId);
  if (input.toDate && input.toDate < input.fromDate) throw badRequest('COURIER_DATES_INVALID');
  await ctx.db.transaction().execute(async (trx) => {
    const carrier = await trx.selectFrom('courier_carriers').select('id').where('id', '=', input.carrierId).executeTakeFirst();
    if (!carrier) throw badRequest('COURIER_CARRIER_NOT_FOUND');
    const row = await trx
      .insertInto('courier_hub_carriers')
      .values({ hub_id: input.hubId, carrier_id: input.carrierId, from_date: input.fromDate, to_date: input.toDate })
      .onConflict((oc) => oc.columns(['hub_id', 'carrier_id', 'from_date']).doUpdateSet({ to_date: input.toDate }))
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.who, { entity: 'courier_hub', entityId: String(input.hubId), action: 'carrier', after: row });
  });
  return { ok: true as const };
}

/** The carriers taking part at a hub on a day. */
export async function carriersAt(db: Db, hubId: number, day: string) {
  return db
    .selectFrom('courier_hub_carriers as hc')
    .innerJoin('courier_carriers as c', 'c.id', 'hc.carrier_id')
    .select(['c.id', 'c.name'])
    .distinct()
    .where('hc.hub_id', '=', hubId)
    .where('hc.from_date', '<=', day)
    .where((eb) => eb.or([eb('hc.to_date', 'is', null), eb('hc.to_date', '>=', day)]))
    .orderBy('c.id')
    .execute();
}

// ---- vehicles ------------------------------------------------------------------------------------------

export async function listVehicles(ctx: ReadCtx, hubId?: number) {
  let q = ctx.db
    .selectFrom('courier_vehicles as v')
    .innerJoin('courier_hubs as h', 'h.id', 'v.hub_id')
    .select(['v.id', 'v.hub_id', 'h.name as hub_name', 'v.plate', 'v.kind', 'v.capacity_parcels', 'v.capacity_kg', 'v.driver_name', 'v.driver_mobile', 'v.cost_per_km_fen', 'v.cost_per_day_fen', 'v.speed_kmh', 'v.active', 'v.version'])
    .where(hubWhere(ctx.actor))
    .orderBy('v.hub_id')
    .orderBy('v.plate');
  if (hubId) q = q.where('v.hub_id', '=', hubId);
  const rows = await q.execute();
  return rows.map((v) => ({
    id: v.id,
    hubId: v.hub_id,
    hubName: v.hub_name,
    plate: v.plate,
    kind: v.kind,
    capacityParcels: v.capacity_parcels,
    capacityKg: v.capacity_kg === null ? null : Number(v.capacity_kg),
    driverName: v.driver_name,
    // personal data: masked for hub staff; the bureau, who edits the vehicles, sees the number
    driverMobile: isUnscoped(ctx.actor) ? v.driver_mobile : maskMobile(v.driver_mobile),
    costPerKmFen: v.cost_per_km_fen,
    costPerDayFen: v.cost_per_day_fen,
    speedKmh: v.speed_kmh,
    active: v.active,
    version: v.version,
  }));
}

export async function exportVehicles(ctx: ReadCtx, input: z.output<typeof vehiclesExportInput>) {
  const rows = await listVehicles(ctx, input.list.hubId);
  return toXlsx(rows.map((v) => ({ ...v, costPerKmYuan: yuanOf(v.costPerKmFen), costPerDayYuan: yuanOf(v.costPerDayFen) })), input.columns, { sheetName: input.sheetName, filenameStem: 'courier-vehicles' });
}

const vehicleValues = (input: z.output<typeof vehicleInput>) => ({
  hub_id: input.hubId,
  plate: input.plate.toUpperCase(),
  kind: input.kind,
  capacity_parcels: input.capacityParcels,
  capacity_kg: input.capacityKg,
  driver_name: input.driverName,
  driver_mobile: input.driverMobile,
  cost_per_km_fen: input.costPerKmFen,
  cost_per_day_fen: input.costPerDayFen,
  speed_kmh: input.speedKmh,
});

export async function createVehicle(ctx: Ctx, input: z.output<typeof vehicleInput>) {
  await hubById(ctx, input.hubId);
  return ctx.db.transaction().execute(async (trx) => {
    try {
      const row = await trx.insertInto('courier_vehicles').values(vehicleValues(input)).returningAll().executeTakeFirstOrThrow();
      await recordAudit(trx, ctx.who, { entity: 'courier_vehicle', entityId: String(row.id), action: 'create', after: row });
      return { id: row.id };
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('COURIER_PLATE_TAKEN', { plate: input.plate });
      throw err;
    }
  });
}

export async function updateVehicle(ctx: Ctx, input: z.output<typeof vehicleUpdate>) {
  await hubById(ctx, input.hubId);
  return ctx.db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('courier_vehicles').selectAll().where('id', '=', input.id).forUpdate().executeTakeFirst();
    if (!before) throw badRequest('COURIER_VEHICLE_NOT_FOUND');
    if (before.version !== input.version) throw conflict('COURIER_VERSION_CONFLICT');
    try {
      const after = await trx
        .updateTable('courier_vehicles')
        .set({ ...vehicleValues(input), active: input.active, version: before.version + 1 })
        .where('id', '=', input.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(trx, ctx.who, { entity: 'courier_vehicle', entityId: String(input.id), action: 'update', before, after });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('COURIER_PLATE_TAKEN', { plate: input.plate });
      throw err;
    }
    return { ok: true as const };
  });
}

// ---- routes --------------------------------------------------------------------------------------------

/** The version of a route in force on a day, or undefined. */
export async function routeVersionAt(db: Db, routeId: number, day: string) {
  return db
    .selectFrom('courier_route_versions')
    .selectAll()
    .where('route_id', '=', routeId)
    .where('effective_from', '<=', day)
    .orderBy('effective_from', 'desc')
    .orderBy('version', 'desc')
    .executeTakeFirst();
}

export async function listRoutes(ctx: ReadCtx, hubId?: number, today = shanghaiToday()) {
  let q = ctx.db
    .selectFrom('courier_routes as rt')
    .innerJoin('courier_hubs as h', 'h.id', 'rt.hub_id')
    .leftJoin('courier_route_versions as rv', (j) =>
      j.onRef('rv.route_id', '=', 'rt.id').on(
        'rv.version',
        '=',
        sql<number>`(select v.version from courier_route_versions v where v.route_id = rt.id and v.effective_from <= ${today} order by v.effective_from desc, v.version desc limit 1)`,
      ),
    )
    .leftJoin('courier_vehicles as v', 'v.id', 'rv.vehicle_id')
    .select([
      'rt.id',
      'rt.name',
      'rt.hub_id',
      'h.name as hub_name',
      'rt.active',
      'rv.version',
      'rv.effective_from',
      'rv.days',
      'rv.depart_at',
      'v.plate',
      sql<number>`(select count(*)::int from courier_route_stops st where st.route_id = rt.id and st.version = rv.version)`.as('stops'),
      sql<string | null>`(select min(f.effective_from)::text from courier_route_versions f where f.route_id = rt.id and f.effective_from > ${today})`.as('next_from'),
    ])
    .where(hubWhere(ctx.actor))
    .orderBy('rt.hub_id')
    .orderBy('rt.name');
  if (hubId) q = q.where('rt.hub_id', '=', hubId);
  return (await q.execute()).map((r) => ({
    id: r.id,
    name: r.name,
    hubId: r.hub_id,
    hubName: r.hub_name,
    active: r.active,
    version: r.version,
    effectiveFrom: r.effective_from,
    days: r.days ?? [],
    departAt: r.depart_at,
    plate: r.plate,
    stops: r.stops,
    nextFrom: r.next_from,
  }));
}

export async function exportRoutes(ctx: ReadCtx, input: z.output<typeof routesExportInput>) {
  return toXlsx(await listRoutes(ctx, input.list.hubId), input.columns, { sheetName: input.sheetName, filenameStem: 'courier-routes' });
}

/** A route with every version and each version's stops (village points with their coordinates). */
export async function getRoute(ctx: ReadCtx, id: number) {
  const route = await ctx.db
    .selectFrom('courier_routes as rt')
    .innerJoin('courier_hubs as h', 'h.id', 'rt.hub_id')
    .select(['rt.id', 'rt.name', 'rt.hub_id', 'rt.active', 'h.name as hub_name', 'h.station_id as hub_station_id'])
    .where('rt.id', '=', id)
    .executeTakeFirst();
  const r = hubRow(ctx.actor, route, 'COURIER_ROUTE_NOT_FOUND');
  const versions = await ctx.db.selectFrom('courier_route_versions').selectAll().where('route_id', '=', id).orderBy('effective_from', 'desc').execute();
  const stops = await ctx.db
    .selectFrom('courier_route_stops as st')
    .innerJoin('stations as s', 's.id', 'st.station_id')
    .innerJoin('regions as v', 'v.code', 's.region_code')
    .select(['st.version', 'st.seq', 'st.station_id', 'st.planned_at', 's.name', 's.code', 'v.name as village_name', 's.lat', 's.lng'])
    .where('st.route_id', '=', id)
    .orderBy('st.version')
    .orderBy('st.seq')
    .execute();
  return {
    id: r.id,
    name: r.name,
    hubId: r.hub_id,
    hubName: r.hub_name,
    active: r.active,
    versions: versions.map((v) => ({
      version: v.version,
      effectiveFrom: v.effective_from,
      vehicleId: v.vehicle_id,
      days: v.days,
      departAt: v.depart_at,
      serviceMinutes: v.service_minutes,
      stops: stops
        .filter((s) => s.version === v.version)
        .map((s) => ({ seq: s.seq, stationId: s.station_id, plannedAt: s.planned_at, name: s.name, code: s.code, villageName: s.village_name, lat: s.lat === null ? null : Number(s.lat), lng: s.lng === null ? null : Number(s.lng) })),
    })),
  };
}

export async function createRoute(ctx: Ctx, input: z.output<typeof routeInput>) {
  return ctx.db.transaction().execute((trx) => insertRoute({ ...ctx, db: trx }, input));
}

/** createRoute inside the caller's transaction (`ctx.db`), so several routes can be written as one change. */
export async function insertRoute(ctx: Ctx, input: z.output<typeof routeInput>) {
  await hubById(ctx, input.hubId);
  const row = await ctx.db.insertInto('courier_routes').values({ hub_id: input.hubId, name: input.name }).onConflict((oc) => oc.doNothing()).returningAll().executeTakeFirst();
  if (!row) throw conflict('COURIER_ROUTE_TAKEN', { name: input.name });
  await recordAudit(ctx.db, ctx.who, { entity: 'courier_route', entityId: String(row.id), action: 'create', after: row });
  return { id: row.id };
}

/** The village points a hub's routes may stop at: the active ones of the hub's county. */
export async function stopOptions(ctx: ReadCtx, hubId: number) {
  const hub = await hubById(ctx, hubId);
  // routes cross town lines (a town hub serves its neighbours): any village point of the hub's county
  const prefix = hub.region_code.slice(0, 6);
  const rows = await ctx.db
    .selectFrom('stations as s')
    .innerJoin('regions as v', 'v.code', 's.region_code')
    .innerJoin('regions as t', 't.code', 'v.parent_code')
    .select(['s.id', 's.code', 's.name', 'v.name as village_name', 't.name as town_name', 's.lat', 's.lng'])
    .where('s.tier', '=', 'village_point')
    .where('s.status', '=', 'active')
    .where('s.region_code', 'like', `${prefix}%`)
    .orderBy('s.region_code')
    .execute();
  return rows.map((s) => ({ id: s.id, code: s.code, name: s.name, villageName: s.village_name, townName: s.town_name, lat: s.lat === null ? null : Number(s.lat), lng: s.lng === null ? null : Number(s.lng) }));
}

/**
 * A new version of a route from a day — today at the earliest, so no month already run changes: its
 * days of the week, departure, service minutes, vehicle (of the same hub) and ordered stops (active
 * village points, each once). A version of the same day not yet run is replaced; one already run is not.
 */
export async function saveRouteVersion(ctx: Ctx, input: z.output<typeof routeVersionInput>, today = shanghaiToday()) {
  const result = await ctx.db.transaction().execute((trx) => writeRouteVersion({ ...ctx, db: trx }, input, today));
  await enqueueRecompute(ctx);
  return result;
}

/** saveRouteVersion's checks and writes inside the caller's transaction (`ctx.db`); the caller asks for the recompute. */
export async function writeRouteVersion(ctx: Ctx, input: z.output<typeof routeVersionInput>, today = shanghaiToday()) {
  const route = await getRouteRow(ctx, input.routeId);
  if (input.effectiveFrom < today) throw badRequest('COURIER_ROUTE_EFFECTIVE_PAST', { today });
  const ids = input.stops.map((s) => s.stationId);
  if (new Set(ids).size !== ids.length) throw badRequest('COURIER_ROUTE_STOP_TWICE');
  const allowed = new Set((await stopOptions(ctx, route.hub_id)).map((s) => s.id));
  const unknown = ids.find((id) => !allowed.has(id));
  if (unknown !== undefined) throw badRequest('COURIER_ROUTE_STOP_INVALID', { id: unknown });
  const trx = ctx.db;
  if (input.vehicleId !== null) {
    const vehicle = await trx.selectFrom('courier_vehicles').select(['hub_id', 'active']).where('id', '=', input.vehicleId).executeTakeFirst();
    if (!vehicle || vehicle.hub_id !== route.hub_id || !vehicle.active) throw badRequest('COURIER_VEHICLE_NOT_AT_HUB');
  }
  await sql`select pg_advisory_xact_lock(hashtext(${`courier_route:${input.routeId}`}))`.execute(trx);
  const same = await trx.selectFrom('courier_route_versions').selectAll().where('route_id', '=', input.routeId).where('effective_from', '=', input.effectiveFrom).executeTakeFirst();
  if (same) {
    const run = await trx.selectFrom('courier_runs').select('id').where('route_id', '=', input.routeId).where('route_version', '=', same.version).executeTakeFirst();
    if (run) throw badRequest('COURIER_ROUTE_VERSION_RUN');
    await trx.deleteFrom('courier_route_versions').where('route_id', '=', input.routeId).where('version', '=', same.version).execute();
  }
  const { max } = await trx.selectFrom('courier_route_versions').select(sql<number>`coalesce(max(version), 0)`.as('max')).where('route_id', '=', input.routeId).executeTakeFirstOrThrow();
  const version = Math.max(Number(max), same?.version ?? 0) + 1;
  const row = await trx
    .insertInto('courier_route_versions')
    .values({ route_id: input.routeId, version, effective_from: input.effectiveFrom, vehicle_id: input.vehicleId, days: input.days, depart_at: input.departAt, service_minutes: input.serviceMinutes, created_by: ctx.who.id })
    .returningAll()
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('courier_route_stops')
    .values(input.stops.map((s, i) => ({ route_id: input.routeId, version, seq: i + 1, station_id: s.stationId, planned_at: s.plannedAt })))
    .execute();
  await recordAudit(trx, ctx.who, { entity: 'courier_route', entityId: String(input.routeId), action: same ? 'replace_version' : 'version', before: same ?? null, after: { ...row, stops: ids } });
  return { version };
}

export async function getRouteRow(ctx: ReadCtx, id: number) {
  const route = await ctx.db
    .selectFrom('courier_routes as rt')
    .innerJoin('courier_hubs as h', 'h.id', 'rt.hub_id')
    .select(['rt.id', 'rt.hub_id', 'rt.name', 'rt.active', 'h.station_id as hub_station_id'])
    .where('rt.id', '=', id)
    .executeTakeFirst();
  return hubRow(ctx.actor, route, 'COURIER_ROUTE_NOT_FOUND');
}

// ---- runs ----------------------------------------------------------------------------------------------

/** The run form of a route on a day: the version then in force, its stops, the hub's carriers then, and the run if entered. */
export async function runDay(ctx: ReadCtx, routeId: number, day: string) {
  const route = await getRouteRow(ctx, routeId);
  const version = await routeVersionAt(ctx.db, routeId, day);
  const carriers = await carriersAt(ctx.db, route.hub_id, day);
  const stops = version
    ? await ctx.db
        .selectFrom('courier_route_stops as st')
        .innerJoin('stations as s', 's.id', 'st.station_id')
        .select(['st.station_id', 'st.planned_at', 's.name'])
        .where('st.route_id', '=', routeId)
        .where('st.version', '=', version.version)
        .orderBy('st.seq')
        .execute()
    : [];
  const run = await ctx.db.selectFrom('courier_runs').selectAll().where('route_id', '=', routeId).where('run_date', '=', day).executeTakeFirst();
  const runStops = run ? await ctx.db.selectFrom('courier_run_stops').selectAll().where('run_id', '=', run.id).execute() : [];
  const parcels = run ? await ctx.db.selectFrom('courier_run_parcels').selectAll().where('run_id', '=', run.id).execute() : [];
  return {
    routeId,
    routeName: route.name,
    day,
    version: version?.version ?? null,
    runsToday: version ? version.days.includes(isoWeekday(day)) : false,
    carriers,
    stops: stops.map((s) => {
      const entered = runStops.find((x) => x.station_id === s.station_id);
      return {
        stationId: s.station_id,
        name: s.name,
        plannedAt: s.planned_at,
        arrivedAt: entered?.arrived_at ?? null,
        missed: entered?.missed ?? false,
        missedReason: entered?.missed_reason ?? null,
        parcels: parcels.filter((p) => p.station_id === s.station_id).map((p) => ({ carrierId: p.carrier_id, delivered: p.delivered, collected: p.collected })),
      };
    }),
    run: run
      ? { id: run.id, departedAt: run.departed_at, returnedAt: run.returned_at, km: run.km === null ? null : Number(run.km), costFen: run.cost_fen, subsidyFen: run.subsidy_fen, note: run.note }
      : null,
  };
}

/** 1 = Monday … 7 = Sunday. */
export const isoWeekday = (day: string) => ((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;

/** Something wrong with a run as entered, and the stop or carrier it concerns (the hub's sheet marks that row). */
export interface RunProblem {
  key: MessageKey;
  params: MessageParams;
  stationId?: number;
  carrierId?: number;
}
type RouteVersionRow = NonNullable<Awaited<ReturnType<typeof routeVersionAt>>>;

/**
 * The one judgement of a run, on a phone or from the hub's sheet: not a day to come, the route's
 * version in force that day, each stop one of its stops and entered once, a missed stop with its
 * reason, each carrier one taking part at the hub that day. Answers the version, or the first problem.
 */
export async function judgeRun(
  db: Db,
  route: { id: number; hub_id: number },
  run: { runDate: string; stops: RunInput['stops'] },
  today: string,
): Promise<{ version: RouteVersionRow } | { problem: RunProblem }> {
  if (run.runDate > today) return { problem: { key: 'COURIER_RUN_FUTURE', params: {} } };
  const version = await routeVersionAt(db, route.id, run.runDate);
  if (!version) return { problem: { key: 'COURIER_RUN_NO_VERSION', params: { date: run.runDate } } };
  const stops = await db
    .selectFrom('courier_route_stops as st')
    .innerJoin('stations as s', 's.id', 'st.station_id')
    .select(['st.station_id', 's.name'])
    .where('st.route_id', '=', route.id)
    .where('st.version', '=', version.version)
    .execute();
  const onRoute = new Set(stops.map((s) => s.station_id));
  const carriers = new Set((await carriersAt(db, route.hub_id, run.runDate)).map((c) => c.id));
  const seen = new Set<number>();
  for (const stop of run.stops) {
    const at = { stationId: stop.stationId };
    if (!onRoute.has(stop.stationId)) return { problem: { key: 'COURIER_RUN_STOP_NOT_ON_ROUTE', params: { id: stop.stationId }, ...at } };
    if (seen.has(stop.stationId)) return { problem: { key: 'COURIER_ROUTE_STOP_TWICE', params: {}, ...at } };
    seen.add(stop.stationId);
    if (stop.missed !== (stop.missedReason !== null)) return { problem: { key: 'COURIER_RUN_MISSED_REASON', params: {}, ...at } };
    if (stop.missed && stop.parcels.some((p) => p.delivered || p.collected)) return { problem: { key: 'COURIER_RUN_MISSED_PARCELS', params: {}, ...at } };
    for (const p of stop.parcels) {
      if (carriers.has(p.carrierId)) continue;
      const name = (await db.selectFrom('courier_carriers').select('name').where('id', '=', p.carrierId).executeTakeFirst())?.name ?? String(p.carrierId);
      return { problem: { key: 'COURIER_CARRIER_NOT_AT_HUB', params: { carrier: name, date: run.runDate }, ...at, carrierId: p.carrierId } };
    }
  }
  return { version };
}

/** A judged run written in the caller's transaction, replacing the route's run of that day (audited). */
export async function writeRun(
  trx: Db,
  who: ServiceContext['who'],
  version: RouteVersionRow,
  input: Omit<RunInput, 'clientKey'>,
  source: 'entered' | 'imported',
): Promise<{ id: number; replaced: boolean }> {
  const before = await trx.selectFrom('courier_runs').selectAll().where('route_id', '=', input.routeId).where('run_date', '=', input.runDate).forUpdate().executeTakeFirst();
  if (before) await trx.deleteFrom('courier_runs').where('id', '=', before.id).execute();
  const run = await trx
    .insertInto('courier_runs')
    .values({
      route_id: input.routeId,
      route_version: version.version,
      run_date: input.runDate,
      vehicle_id: version.vehicle_id,
      departed_at: input.departedAt,
      returned_at: input.returnedAt,
      km: input.km,
      cost_fen: input.costFen,
      subsidy_fen: input.subsidyFen,
      note: input.note,
      source,
      created_by: who.id,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('courier_run_stops')
    .values(input.stops.map((s) => ({ run_id: run.id, station_id: s.stationId, arrived_at: s.missed ? null : s.arrivedAt, missed: s.missed, missed_reason: s.missedReason })))
    .execute();
  const parcels = input.stops.flatMap((s) => s.parcels.filter((p) => p.delivered || p.collected).map((p) => ({ run_id: run.id, station_id: s.stationId, carrier_id: p.carrierId, delivered: p.delivered, collected: p.collected })));
  if (parcels.length) await trx.insertInto('courier_run_parcels').values(parcels).execute();
  await recordAudit(trx, who, { entity: 'courier_run', entityId: String(run.id), action: before ? (source === 'imported' ? 'import_replace' : 'replace') : source === 'imported' ? 'import' : 'create', before: before ?? null, after: { ...run, stops: input.stops } });
  return { id: run.id, replaced: Boolean(before) };
}

/** A run entered on a phone: judged, then written once per clientKey, however often the phone sends it. */
export async function saveRun(ctx: Ctx, input: RunInput, today = shanghaiToday()): Promise<{ id: number; replay: boolean }> {
  const route = await getRouteRow(ctx, input.routeId);
  const judged = await judgeRun(ctx.db, route, input, today);
  if ('problem' in judged) throw badRequest(judged.problem.key, judged.problem.params);
  const result = await ctx.db.transaction().execute((trx) =>
    onceByClientKey(trx, ctx.actor, 'courier.runs.save', input.clientKey, () => writeRun(trx, ctx.who, judged.version, input, 'entered')),
  );
  if (!result.replay) await enqueueRecompute(ctx);
  return { id: result.value.id, replay: result.replay };
}

function runsQuery(ctx: ReadCtx, filter: z.output<typeof runsExportInput>['list']) {
  const from = `${filter.month}-01`;
  let q = ctx.db
    .selectFrom('courier_runs as r')
    .innerJoin('courier_routes as rt', 'rt.id', 'r.route_id')
    .innerJoin('courier_hubs as h', 'h.id', 'rt.hub_id')
    .leftJoin('courier_vehicles as v', 'v.id', 'r.vehicle_id')
    .select([
      'r.id',
      'r.run_date',
      'h.name as hub_name',
      'rt.name as route_name',
      'r.route_version',
      'v.plate',
      'r.km',
      'r.cost_fen',
      'r.subsidy_fen',
      sql<number>`(select count(*)::int from courier_run_stops s where s.run_id = r.id)`.as('stops'),
      sql<number>`(select count(*)::int from courier_run_stops s where s.run_id = r.id and s.missed)`.as('missed'),
      sql<number>`(select coalesce(sum(p.delivered), 0)::int from courier_run_parcels p where p.run_id = r.id)`.as('delivered'),
      sql<number>`(select coalesce(sum(p.collected), 0)::int from courier_run_parcels p where p.run_id = r.id)`.as('collected'),
    ])
    .where(hubWhere(ctx.actor))
    .where('r.run_date', '>=', from)
    .where('r.run_date', '<', sql<string>`(${from}::date + interval '1 month')::date`)
    .orderBy('r.run_date', 'desc')
    .orderBy('rt.name');
  if (filter.hubId) q = q.where('h.id', '=', filter.hubId);
  return q;
}

export async function listRuns(ctx: ReadCtx, filter: z.output<typeof runsExportInput>['list']) {
  return (await runsQuery(ctx, filter).execute()).map((r) => ({
    id: r.id,
    runDate: r.run_date,
    hubName: r.hub_name,
    routeName: r.route_name,
    routeVersion: r.route_version,
    plate: r.plate,
    stops: r.stops,
    missed: r.missed,
    delivered: r.delivered,
    collected: r.collected,
    km: r.km === null ? null : Number(r.km),
    costFen: r.cost_fen,
    subsidyFen: r.subsidy_fen,
  }));
}

export async function exportRuns(ctx: ReadCtx, input: z.output<typeof runsExportInput>) {
  const rows = await listRuns(ctx, input.list);
  return toXlsx(rows.map((r) => ({ ...r, costYuan: yuanOf(r.costFen), subsidyYuan: yuanOf(r.subsidyFen) })), input.columns, { sheetName: input.sheetName, filenameStem: `courier-runs-${input.list.month}` });
}

// ---- figures -------------------------------------------------------------------------------------------

/** Month stats by hub and carrier for the months kept (a hub's staff: their hub), cost and subsidy per parcel. */
export async function monthStats(ctx: ReadCtx, hubId?: number) {
  let q = ctx.db
    .selectFrom('courier_month_stats as m')
    .innerJoin('courier_hubs as h', 'h.id', 'm.hub_id')
    .leftJoin('courier_carriers as c', 'c.id', 'm.carrier_id')
    .select(['m.hub_id', 'h.name as hub_name', 'm.month', 'm.carrier_id', 'c.name as carrier_name', 'm.runs', 'm.days', 'm.delivered', 'm.collected', 'm.km', 'm.cost_fen', 'm.subsidy_fen', 'm.stops', 'm.stops_missed', 'm.stops_timed', 'm.stops_on_time', 'm.missed_reasons'])
    .where(hubIdIn(ctx.actor, 'm.hub_id'))
    .orderBy('m.month')
    .orderBy('m.hub_id')
    .orderBy('m.carrier_id');
  if (hubId) q = q.where('m.hub_id', '=', hubId);
  return (await q.execute()).map((m) => {
    const parcels = Number(m.delivered) + Number(m.collected);
    return {
      hubId: m.hub_id,
      hubName: m.hub_name,
      month: String(m.month).slice(0, 7),
      carrierId: m.carrier_id,
      carrierName: m.carrier_name,
      runs: m.runs,
      days: m.days,
      delivered: Number(m.delivered),
      collected: Number(m.collected),
      km: Number(m.km),
      costFen: Number(m.cost_fen),
      subsidyFen: Number(m.subsidy_fen),
      costPerParcelFen: m.carrier_id === 0 && parcels ? Math.round(Number(m.cost_fen) / parcels) : null,
      subsidyPerParcelFen: m.carrier_id === 0 && parcels ? Math.round(Number(m.subsidy_fen) / parcels) : null,
      stops: m.stops,
      missed: m.stops_missed,
      /** The missed stops by reason (MISSED_REASONS), on the row of every carrier (0). */
      missedReasons: m.missed_reasons as Partial<Record<MissedReason, number>>,
      onTimeShare: m.stops_timed ? m.stops_on_time / m.stops_timed : null,
    };
  });
}

/** Parcels a day in a month, per hub and carrier (carrier 0: every carrier, with the day's runs and missed stops). */
export async function dayStats(ctx: ReadCtx, input: { month: string; hubId?: number }) {
  const from = `${input.month}-01`;
  let q = ctx.db
    .selectFrom('courier_day_stats as d')
    .innerJoin('courier_hubs as h', 'h.id', 'd.hub_id')
    .leftJoin('courier_carriers as c', 'c.id', 'd.carrier_id')
    .select(['d.hub_id', 'h.name as hub_name', 'd.day', 'd.carrier_id', 'c.name as carrier_name', 'd.runs', 'd.delivered', 'd.collected', 'd.stops_missed'])
    .where(hubIdIn(ctx.actor, 'd.hub_id'))
    .where('d.day', '>=', from)
    .where('d.day', '<', sql<string>`(${from}::date + interval '1 month')::date`)
    .orderBy('d.day')
    .orderBy('d.hub_id')
    .orderBy('d.carrier_id');
  if (input.hubId) q = q.where('d.hub_id', '=', input.hubId);
  return (await q.execute()).map((d) => ({
    hubId: d.hub_id,
    hubName: d.hub_name,
    day: d.day,
    carrierId: d.carrier_id,
    carrierName: d.carrier_name,
    runs: d.runs,
    delivered: d.delivered,
    collected: d.collected,
    missed: d.stops_missed,
  }));
}

export async function exportStats(ctx: ReadCtx, input: z.output<typeof statsExportInput>) {
  const rows = await monthStats(ctx, input.list.hubId);
  return toXlsx(
    rows.map((r) => ({
      ...r,
      costYuan: yuanOf(r.costFen),
      subsidyYuan: yuanOf(r.subsidyFen),
      costPerParcelYuan: r.costPerParcelFen === null ? null : yuanOf(r.costPerParcelFen),
      subsidyPerParcelYuan: r.subsidyPerParcelFen === null ? null : yuanOf(r.subsidyPerParcelFen),
      carrierName: r.carrierName ?? '全部',
    })),
    input.columns,
    { sheetName: input.sheetName, filenameStem: 'courier-costs' },
  );
}

/**
 * 快递进村 coverage of a month by town (the snapshot's figures), and the villages not served: those
 * whose village point is on no route running K days a week — or that have no village point at all.
 */
export async function coverage(ctx: ReadCtx & { countyCode: string }, month: string) {
  const towns = await ctx.db
    .selectFrom('regions as t')
    .innerJoin('region_rollups as rr', 'rr.region_code', 't.code')
    .select(['t.code', 't.name', 'rr.administrative_village_count as villages'])
    .where('t.parent_code', '=', ctx.countyCode)
    .orderBy('t.code')
    .execute();
  const metrics = await ctx.db
    .selectFrom('metric_values')
    .select(['metric_key', 'region_code', 'value', 'rule_version'])
    .where('period', '=', month)
    .where('metric_key', 'in', ['courier.coverage', 'courier.villages_served', 'courier.villages_reached', 'courier.parcels'])
    .where('region_code', 'in', [ctx.countyCode, ...towns.map((t) => t.code)])
    .execute();
  const figure = (key: string, code: string) => {
    const m = metrics.find((x) => x.metric_key === key && x.region_code === code);
    return m ? Number(m.value) : null;
  };
  const row = (code: string, name: string, villages: number) => ({
    code,
    name,
    villages,
    served: figure('courier.villages_served', code),
    reached: figure('courier.villages_reached', code),
    coverage: figure('courier.coverage', code),
    parcels: figure('courier.parcels', code),
  });
  const county = await ctx.db.selectFrom('region_rollups').select('administrative_village_count').where('region_code', '=', ctx.countyCode).executeTakeFirst();
  return {
    month,
    ruleVersion: metrics.find((m) => m.metric_key === 'courier.coverage')?.rule_version ?? null,
    county: row(ctx.countyCode, '', county?.administrative_village_count ?? 0),
    towns: towns.map((t) => row(t.code, t.name, t.villages)),
    unserved: await unservedVillages(ctx.db, ctx.countyCode, month),
  };
}

/** The county's administrative villages not served on the month's judged day, with why. */
export async function unservedVillages(db: Db, countyCode: string, month: string, today = shanghaiToday()) {
  const last = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).toISOString().slice(0, 10);
  const day = last < today ? last : today;
  const rule = await ruleAt(db, coverageRule, day);
  const prefix = `${countyCode.slice(0, 6)}%`;
  const jd = sql`(values (${`${month}-01`}::date, ${day}::date)) as jd (month, day)`;
  const { rows } = await sql<{ town_name: string; village_code: string; village_name: string; point_name: string | null; days: number | null }>`
    select t.name as town_name, v.code as village_code, v.name as village_name, min(s.name) as point_name, max(w.weekdays) as days
    from regions v
    join regions t on t.code = v.parent_code
    left join stations s on s.region_code = v.code and s.tier = 'village_point' and s.status = 'active'
    left join ${villageWeekdays(jd, prefix)} w on w.village = v.code
    where v.level = 'village' and v.village_kind = 'villagers_committee' and v.code like ${prefix}
    group by t.name, v.code, v.name
    having coalesce(max(w.weekdays), 0) < ${rule.params.minDaysPerWeek}
    order by v.code`.execute(db);
  return rows.map((r) => ({
    townName: r.town_name,
    villageCode: r.village_code,
    villageName: r.village_name,
    pointName: r.point_name,
    daysPerWeek: r.days === null ? 0 : Number(r.days),
    reason: (r.point_name === null ? 'no_point' : r.days === null ? 'no_route' : 'too_few_days') as 'no_point' | 'no_route' | 'too_few_days',
  }));
}

export async function exportUnserved(ctx: ReadCtx & { countyCode: string }, input: z.output<typeof unservedExportInput>) {
  const rows = await unservedVillages(ctx.db, ctx.countyCode, input.list.month);
  return toXlsx(rows, input.columns, { sheetName: input.sheetName, filenameStem: `courier-unserved-${input.list.month}` });
}

export const listCoverageRule = (db: Db, today = shanghaiToday()) => listRuleVersions(db, coverageRule, today);

export async function createCoverageRule(ctx: Ctx, input: { params: CoverageParams; effectiveFrom: string }, today = shanghaiToday()) {
  const result = await createRuleVersion(ctx, coverageRule, { ...input, today, tooEarly: 'COURIER_RULE_TOO_EARLY' });
  await enqueueRecompute(ctx);
  return { version: result.version };
}

