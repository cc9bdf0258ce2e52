import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Db } from '../../db/create-db';
import type { Database, StationStatus, StationTier } from '../../db/types';
import type { JobQueue } from '../../jobs/queue';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../lib/app-error';
import { addDays, shanghaiToday } from '../../lib/dates';
import { likePattern, maskMobile, offsetOf } from '../../lib/list';
import type { Logger } from '../../lib/logger';
import { recordAudit, type AuditWho } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { actorCoversRegion, isUnscoped, missingRow, regionPrefix } from '../auth/scope';
import { activePointIn, monthStatsOf, operatorsOf, regionForStation, stationById, stationsWithContext, type StationRow } from './stations.repository';
import type { createStationInput, setStatusInput, stationListInput, stationView, updateStationInput } from './stations.schemas';

export type StationView = z.infer<typeof stationView>;
type Deps = { db: Db; queue: JobQueue; log: Logger };

/** The tier a station's parent must have, and the region level it must sit on. */
const HIERARCHY: Record<StationTier, { level: 'county' | 'town' | 'village'; parentTier: StationTier | null; parentLevel: 'county' | 'town' | null }> = {
  county_center: { level: 'county', parentTier: null, parentLevel: null },
  town_station: { level: 'town', parentTier: 'county_center', parentLevel: 'county' },
  village_point: { level: 'village', parentTier: 'town_station', parentLevel: 'town' },
};

/** Allowed status changes; reopening a closed station needs a reason like closing it does. */
const TRANSITIONS: Record<StationStatus, StationStatus[]> = {
  planned: ['active', 'closed'],
  active: ['suspended', 'closed'],
  suspended: ['active', 'closed'],
  closed: ['active'],
};
const REASON_REQUIRED: StationStatus[] = ['suspended', 'closed'];

// ---- who may see and change what ---------------------------------------------------------------

/** Admin and staff see every station; an operator their own; a coordinator those in their regions. */
export function canReadStation(actor: Actor, station: { id: number; region_code: string }): boolean {
  if (isUnscoped(actor)) return true;
  if (actor.role === 'station_operator') return actor.scopes.stations.includes(String(station.id));
  if (actor.role === 'training_coordinator') return actorCoversRegion(actor, station.region_code);
  return false;
}

/**
 * A station asked for by id is one the actor may read. A station that does not exist gets the same
 * answer as one outside the actor's scope (auth/scope.ts: missingRow), so ids cannot be probed.
 */
export function assertCanReadStation<S extends { id: number; region_code: string }>(actor: Actor, station: S | undefined): asserts station is S {
  if (!station) throw missingRow(actor, 'station', 'STATION_NOT_FOUND');
  if (!canReadStation(actor, station)) throw forbidden('FORBIDDEN_SCOPE', { kind: 'station' });
}

/**
 * Who reads a station's phone in full (often its operator's own mobile): admin, staff and the
 * station's own operators. Everyone else — a coordinator of its town, and every list — sees it masked.
 */
function seesStationPhone(actor: Actor, station: { id: number }): boolean {
  return isUnscoped(actor) || (actor.role === 'station_operator' && actor.scopes.stations.includes(String(station.id)));
}

/** The same rule as a query filter, so lists never hold a row the user may not open. */
function scoped<Q extends ReturnType<typeof stationsWithContext>>(query: Q, actor: Actor): Q {
  if (isUnscoped(actor)) return query;
  if (actor.role === 'station_operator') {
    const ids = actor.scopes.stations.map(Number).filter(Number.isInteger);
    return query.where('s.id', 'in', ids.length ? ids : [-1]) as Q;
  }
  if (actor.role === 'training_coordinator' && actor.scopes.regions.length) {
    return query.where((eb) => eb.or(actor.scopes.regions.map((code) => eb('s.region_code', 'like', `${regionPrefix(code)}%`)))) as Q;
  }
  return query.where('s.id', '=', -1) as Q;
}

// ---- views -----------------------------------------------------------------------------------------

function toView(row: StationRow, operators: { id: number; displayName: string }[], maskPhone: boolean): StationView {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    tier: row.tier,
    regionCode: row.region_code,
    regionName: row.region_name,
    townCode: row.town_code,
    townName: row.town_name,
    parentId: row.parent_id,
    parentName: row.parent_name,
    address: row.address,
    lat: row.lat === null ? null : Number(row.lat),
    lng: row.lng === null ? null : Number(row.lng),
    phone: maskPhone ? maskMobile(row.phone) : row.phone,
    openedOn: row.opened_on,
    services: row.services,
    status: row.status,
    statusSince: row.status_since,
    statusReason: row.status_reason,
    duplicateOverrideReason: row.duplicate_override_reason,
    version: row.version,
    operators,
    activity:
      row.as_of === null
        ? null
        : {
            asOf: row.as_of,
            lastEntryDate: row.last_entry_date,
            lastActiveDate: row.last_active_date,
            activeDays30: row.active_days_30 ?? 0,
            quiet: row.quiet ?? false,
            quietDays: row.quiet_days,
            ruleVersion: row.rule_version ?? 0,
          },
  };
}

const SORT = { code: 's.code', name: 's.name', tier: 's.tier', status: 's.status', lastEntryDate: 'a.last_entry_date' } as const;

export async function listStations(db: Db, actor: Actor, input: z.output<typeof stationListInput>) {
  const f = input.filter ?? {};
  const base = scoped(stationsWithContext(db), actor)
    .$if(!!f.tier, (q) => q.where('s.tier', '=', f.tier!))
    .$if(!!f.status, (q) => q.where('s.status', '=', f.status!))
    .$if(!!f.townCode, (q) => q.where('s.region_code', 'like', `${regionPrefix(f.townCode!)}%`).where('s.tier', '<>', 'county_center'))
    .$if(f.quiet !== undefined, (q) => (f.quiet ? q.where('a.quiet', '=', true) : q.where((eb) => eb.or([eb('a.quiet', '=', false), eb('a.quiet', 'is', null)]))))
    .$if(!!f.q, (q) => q.where((eb) => eb.or([eb('s.name', 'ilike', likePattern(f.q!)), eb('s.code', 'ilike', likePattern(f.q!))])));
  const sort = input.sort ?? { key: 'code', order: 'asc' };
  const [rows, total] = await Promise.all([
    base.orderBy(SORT[sort.key], sort.order).orderBy('s.id').limit(input.pageSize).offset(offsetOf(input)).execute(),
    base.clearSelect().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  const operators = await operatorsOf(db, rows.map((r) => r.id));
  return { total: Number(total.n), items: rows.map((r) => toView(r, operators.get(r.id)!, true)) };
}

export async function getStation(db: Db, actor: Actor, id: number) {
  const row = await stationsWithContext(db).where('s.id', '=', id).executeTakeFirst();
  assertCanReadStation(actor, row);
  const [operators, months] = await Promise.all([
    operatorsOf(db, [id]),
    monthStatsOf(db, id, `${addDays(shanghaiToday(), -365).slice(0, 7)}-01`),
  ]);
  return {
    station: toView(row, operators.get(id)!, !seesStationPhone(actor, row)),
    months: months.map((m) => ({
      month: m.month.slice(0, 7),
      daysWithEntry: m.days_with_entry,
      activeDays: m.active_days,
      parcelsIn: m.parcels_in,
      parcelsOut: m.parcels_out,
      purchaseOrders: m.purchase_orders,
      purchaseAmountFen: m.purchase_amount_fen,
      salesOrders: m.sales_orders,
      salesAmountFen: m.sales_amount_fen,
      incomeTotalFen: m.income_total_fen,
      villagersServed: m.villagers_served,
      incomePerOpenDayFen: m.income_per_open_day_fen,
    })),
  };
}

// ---- writes ------------------------------------------------------------------------------------------

type StationFields = z.output<typeof createStationInput> | z.output<typeof updateStationInput>;

/** The hierarchy, explained: which rule a station breaks, before the database's own check refuses it. */
async function assertHierarchy(trx: Kysely<Database>, input: StationFields): Promise<{ villageName: string }> {
  const rule = HIERARCHY[input.tier];
  const region = await regionForStation(trx, input.regionCode);
  if (!region) throw notFound('REGION_NOT_FOUND', { code: input.regionCode });
  if (region.level !== rule.level) {
    throw badRequest('STATION_REGION_LEVEL_MISMATCH', { tier: input.tier, level: rule.level, regionCode: input.regionCode });
  }
  if (rule.parentTier === null) {
    if (input.parentId !== null) throw badRequest('STATION_PARENT_TIER_MISMATCH', { tier: input.tier, parentTier: '—' });
    return { villageName: region.name };
  }
  const parent = input.parentId === null ? undefined : await stationById(trx, input.parentId);
  if (!parent || parent.tier !== rule.parentTier) {
    throw badRequest('STATION_PARENT_TIER_MISMATCH', { tier: input.tier, parentTier: rule.parentTier });
  }
  if (parent.region_code !== region.parent_code) {
    throw badRequest('STATION_PARENT_REGION_MISMATCH', { tier: input.tier, parentTier: rule.parentTier, parentLevel: rule.parentLevel! });
  }
  return { villageName: region.name };
}

function assertCoordinates(input: { lat: number | null; lng: number | null }) {
  const { lat, lng } = input;
  if ((lat === null) !== (lng === null)) throw badRequest('STATION_COORDINATES_INVALID');
  if (lat !== null && lng !== null && !(lat >= 3.8 && lat <= 53.6 && lng >= 73.4 && lng <= 135.1)) {
    throw badRequest('STATION_COORDINATES_INVALID');
  }
}

/** One active village point per village, unless an admin said why a second one is needed. */
async function assertSingleActivePoint(
  trx: Kysely<Database>,
  actor: Actor,
  station: { id: number | null; tier: StationTier; status: StationStatus; regionCode: string; duplicateOverrideReason: string | null },
  villageName: string,
) {
  if (station.duplicateOverrideReason && actor.role !== 'admin') throw forbidden('STATION_OVERRIDE_ADMIN_ONLY');
  if (station.tier !== 'village_point' || station.status !== 'active' || station.duplicateOverrideReason) return;
  const existing = await activePointIn(trx, station.regionCode, station.id);
  if (existing) throw conflict('STATION_DUPLICATE_ACTIVE_POINT', { village: villageName, existing: `${existing.name}（${existing.code}）` });
}

/** Turn the database's own refusals (trigger, unique code) into the same coded errors. */
function databaseRefusal(err: unknown, code: string): never {
  const message = String((err as { message?: string })?.message ?? '');
  for (const known of ['STATION_REGION_LEVEL_MISMATCH', 'STATION_PARENT_TIER_MISMATCH', 'STATION_PARENT_REGION_MISMATCH', 'STATION_HAS_CHILDREN'] as const) {
    if (message.includes(known)) throw badRequest(known, { tier: '', level: '', regionCode: '', parentTier: '', parentLevel: '' });
  }
  if (message.includes('stations_code_key')) throw conflict('STATION_CODE_TAKEN', { code });
  if (message.includes('stations_one_active_point_per_village')) throw conflict('STATION_DUPLICATE_ACTIVE_POINT', { village: '', existing: '' });
  throw err;
}

const auditShape = (s: Record<string, unknown>) => {
  const { created_at, updated_at, ...rest } = s;
  return rest;
};

/**
 * Insert one station inside the caller's transaction, after the same checks as every write:
 * hierarchy explained, one active point per village, coordinates in China; the database's own
 * refusals come back as the same coded errors.
 */
export async function insertStation(trx: Kysely<Database>, actor: Actor, who: AuditWho, input: z.output<typeof createStationInput>): Promise<number> {
  assertCoordinates(input);
  const { villageName } = await assertHierarchy(trx, input);
  await assertSingleActivePoint(trx, actor, { ...input, id: null }, villageName);
  const since = input.statusSince ?? shanghaiToday();
  const row = await trx
    .insertInto('stations')
    .values({
      code: input.code,
      name: input.name,
      tier: input.tier,
      region_code: input.regionCode,
      parent_id: input.parentId,
      address: input.address,
      lat: input.lat,
      lng: input.lng,
      phone: input.phone,
      opened_on: input.openedOn,
      services: input.services,
      status: input.status,
      status_since: since,
      duplicate_override_reason: input.duplicateOverrideReason,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
    .catch((err) => databaseRefusal(err, input.code));
  await trx.insertInto('station_status_history').values({ station_id: row.id, status: row.status, since, changed_by: who.id }).execute();
  await recordAudit(trx, who, { entity: 'station', entityId: row.id, action: 'create', after: auditShape(row) });
  return row.id;
}

export async function createStation(deps: Deps, actor: Actor, who: AuditWho, input: z.output<typeof createStationInput>) {
  const id = await deps.db.transaction().execute((trx) => insertStation(trx, actor, who, input));
  await enqueueRecompute(deps, input.regionCode);
  return getStation(deps.db, actor, id).then((r) => r.station);
}

export async function updateStation(deps: Deps, actor: Actor, who: AuditWho, input: z.output<typeof updateStationInput>) {
  assertCoordinates(input);
  await deps.db
    .transaction()
    .execute(async (trx) => {
      const before = await stationById(trx, input.id);
      if (!before) throw notFound('STATION_NOT_FOUND');
      if (before.version !== input.version) throw conflict('STATION_VERSION_CONFLICT');
      const { villageName } = await assertHierarchy(trx, input);
      await assertSingleActivePoint(trx, actor, { ...input, status: before.status }, villageName);
      const after = await trx
        .updateTable('stations')
        .set({
          code: input.code,
          name: input.name,
          tier: input.tier,
          region_code: input.regionCode,
          parent_id: input.parentId,
          address: input.address,
          lat: input.lat,
          lng: input.lng,
          phone: input.phone,
          opened_on: input.openedOn,
          services: input.services,
          duplicate_override_reason: input.duplicateOverrideReason,
          version: before.version + 1,
          updated_at: new Date(),
        })
        .where('id', '=', input.id)
        .where('version', '=', input.version)
        .returningAll()
        .executeTakeFirst();
      if (!after) throw conflict('STATION_VERSION_CONFLICT');
      await recordAudit(trx, who, { entity: 'station', entityId: input.id, action: 'update', before: auditShape(before), after: auditShape(after) });
    })
    .catch((err) => (err instanceof AppError ? Promise.reject(err) : databaseRefusal(err, input.code)));
  await enqueueRecompute(deps, input.regionCode);
  return getStation(deps.db, actor, input.id).then((r) => r.station);
}

export async function setStationStatus(deps: Deps, actor: Actor, who: AuditWho, input: z.output<typeof setStatusInput>) {
  const regionCode = await deps.db
    .transaction()
    .execute(async (trx) => {
      const before = await stationById(trx, input.id);
      if (!before) throw notFound('STATION_NOT_FOUND');
      if (before.version !== input.version) throw conflict('STATION_VERSION_CONFLICT');
      if (!TRANSITIONS[before.status].includes(input.status)) {
        throw badRequest('STATION_STATUS_TRANSITION_INVALID', { from: before.status, to: input.status });
      }
      const reopening = before.status === 'closed';
      if ((REASON_REQUIRED.includes(input.status) || reopening) && !input.reason) {
        throw badRequest('STATION_STATUS_REASON_REQUIRED', { to: input.status });
      }
      const region = await regionForStation(trx, before.region_code);
      await assertSingleActivePoint(
        trx,
        actor,
        { id: before.id, tier: before.tier, status: input.status, regionCode: before.region_code, duplicateOverrideReason: before.duplicate_override_reason },
        region?.name ?? before.region_code,
      );
      await trx
        .updateTable('stations')
        .set({ status: input.status, status_since: input.since, status_reason: input.reason, version: before.version + 1, updated_at: new Date() })
        .where('id', '=', input.id)
        .execute();
      await trx
        .insertInto('station_status_history')
        .values({ station_id: input.id, status: input.status, since: input.since, reason: input.reason, changed_by: who.id })
        .execute();
      await recordAudit(trx, who, {
        entity: 'station',
        entityId: input.id,
        action: 'set_status',
        before: { status: before.status, since: before.status_since },
        after: { status: input.status, since: input.since, reason: input.reason },
      });
      return before.region_code;
    })
    .catch((err) => (err instanceof AppError ? Promise.reject(err) : databaseRefusal(err, '')));
  await enqueueRecompute(deps, regionCode);
  return getStation(deps.db, actor, input.id).then((r) => r.station);
}

/** The town a region code belongs to (12 digits), or null for a county-level code. */
export function townOf(regionCode: string): string | null {
  return regionCode.slice(6, 9) === '000' ? null : `${regionCode.slice(0, 9)}000`;
}

/**
 * A write has committed: recompute its town's (and so its county's) station metrics in the
 * background, debounced — many writes in a few seconds make one recompute.
 */
export async function enqueueRecompute(deps: { queue: JobQueue; log: Logger }, regionCode: string): Promise<void> {
  const townCode = townOf(regionCode);
  try {
    await deps.queue.enqueue('stations.recompute', townCode ? { townCode } : { countyCode: `${regionCode.slice(0, 6)}000000` }, { delayMs: 2000 });
  } catch (err) {
    deps.log.error({ err, regionCode }, 'could not enqueue stations.recompute; the nightly run will catch up');
  }
}
