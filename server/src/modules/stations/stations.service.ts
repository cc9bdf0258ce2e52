import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Database, StationStatus, StationTier } from '../../db/types';
import { enqueueBestEffort } from '../../jobs/enqueue';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../lib/app-error';
import { addDays, shanghaiToday } from '../../lib/dates';
import { likePattern, maskMobile, offsetOf } from '../../lib/list';
import { isUniqueViolation, raisedCode } from '../../lib/pg-error';
import { recordAudit, type AuditWho } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { regionPrefix } from '../auth/scope';
import type { ServiceContext, ServiceDeps } from '../service-context';
import {
  activePointIn,
  insertStationRow,
  monthStatsOf,
  operatorsOf,
  recordStatusHistory,
  regionForStation,
  setStationStatusRow,
  stationById,
  stationsWithContext,
  updateStationRow,
  type StationRow,
  type StationWrite,
} from './stations.repository';
import type { createStationInput, setStatusInput, stationListInput, stationView, updateStationInput } from './stations.schemas';
import { assertCanReadStation, seesStationPhone, stationReadable } from './stations.scope';

export type StationView = z.infer<typeof stationView>;
/** Kept for the import pipelines (ledger.import.ts), which read them from here. */
export { assertCanReadStation, canReadStation } from './stations.scope';

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

export async function listStations({ db, actor }: Pick<ServiceContext, 'db' | 'actor'>, input: z.output<typeof stationListInput>) {
  const f = input.filter ?? {};
  const base = stationsWithContext(db)
    .where(stationReadable(actor, { id: 's.id', regionCode: 's.region_code' }))
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

export async function getStation({ db, actor }: Pick<ServiceContext, 'db' | 'actor'>, id: number) {
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

const HIERARCHY_CODES = ['STATION_REGION_LEVEL_MISMATCH', 'STATION_PARENT_TIER_MISMATCH', 'STATION_PARENT_REGION_MISMATCH', 'STATION_HAS_CHILDREN'] as const;

/** Turn the database's own refusals (trigger, unique code) into the same coded errors, by SQLSTATE (lib/pg-error.ts). */
function databaseRefusal(err: unknown, code: string): never {
  const raised = raisedCode(err, HIERARCHY_CODES);
  if (raised) throw badRequest(raised, { tier: '', level: '', regionCode: '', parentTier: '', parentLevel: '' });
  if (isUniqueViolation(err, 'stations_code_key')) throw conflict('STATION_CODE_TAKEN', { code });
  if (isUniqueViolation(err, 'stations_one_active_point_per_village')) throw conflict('STATION_DUPLICATE_ACTIVE_POINT', { village: '', existing: '' });
  throw err;
}

/** A station's fields as its columns. */
const stationColumns = (input: StationFields): StationWrite => ({
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
});

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
  const row = await insertStationRow(trx, { ...stationColumns(input), status: input.status, status_since: since }).catch((err) => databaseRefusal(err, input.code));
  await recordStatusHistory(trx, { stationId: row.id, status: row.status, since, changedBy: who.id });
  await recordAudit(trx, who, { entity: 'station', entityId: row.id, action: 'create', after: auditShape(row) });
  return row.id;
}

export async function createStation(ctx: ServiceContext, input: z.output<typeof createStationInput>) {
  const id = await ctx.db.transaction().execute((trx) => insertStation(trx, ctx.actor, ctx.who, input));
  await enqueueRecompute(ctx, input.regionCode);
  return getStation(ctx, id).then((r) => r.station);
}

export async function updateStation(ctx: ServiceContext, input: z.output<typeof updateStationInput>) {
  const { actor, who } = ctx;
  assertCoordinates(input);
  await ctx.db
    .transaction()
    .execute(async (trx) => {
      const before = await stationById(trx, input.id);
      if (!before) throw notFound('STATION_NOT_FOUND');
      if (before.version !== input.version) throw conflict('STATION_VERSION_CONFLICT');
      const { villageName } = await assertHierarchy(trx, input);
      await assertSingleActivePoint(trx, actor, { ...input, status: before.status }, villageName);
      const after = await updateStationRow(trx, input.id, input.version, stationColumns(input));
      if (!after) throw conflict('STATION_VERSION_CONFLICT');
      await recordAudit(trx, who, { entity: 'station', entityId: input.id, action: 'update', before: auditShape(before), after: auditShape(after) });
    })
    .catch((err) => (err instanceof AppError ? Promise.reject(err) : databaseRefusal(err, input.code)));
  await enqueueRecompute(ctx, input.regionCode);
  return getStation(ctx, input.id).then((r) => r.station);
}

export async function setStationStatus(ctx: ServiceContext, input: z.output<typeof setStatusInput>) {
  const { actor, who } = ctx;
  const regionCode = await ctx.db
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
      await setStationStatusRow(trx, input.id, before.version, input);
      await recordStatusHistory(trx, { stationId: input.id, status: input.status, since: input.since, reason: input.reason, changedBy: who.id });
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
  await enqueueRecompute(ctx, regionCode);
  return getStation(ctx, input.id).then((r) => r.station);
}

/** The town a region code belongs to (12 digits), or null for a county-level code. */
export function townOf(regionCode: string): string | null {
  return regionCode.slice(6, 9) === '000' ? null : `${regionCode.slice(0, 9)}000`;
}

/**
 * A write has committed: recompute its town's (and so its county's) station metrics in the
 * background, debounced — many writes in a few seconds make one recompute.
 */
export async function enqueueRecompute(deps: Pick<ServiceDeps, 'queue' | 'log'>, regionCode: string): Promise<void> {
  const townCode = townOf(regionCode);
  await enqueueBestEffort(deps, 'stations.recompute', townCode ? { townCode } : { countyCode: `${regionCode.slice(0, 6)}000000` }, { delayMs: 2000 });
}
