import { sql, type Insertable, type Kysely } from 'kysely';
import type { Database, StationStatus, StationsTable } from '../../db/types';

type Executor = Kysely<Database>;

/**
 * A station with what every view needs beside it: its region's and town's names, its parent's
 * name and its latest activity snapshot. The town of a village point is its village's parent.
 */
export function stationsWithContext(db: Executor) {
  return db
    .selectFrom('stations as s')
    .innerJoin('regions as r', 'r.code', 's.region_code')
    .leftJoin('regions as town', (join) =>
      join.on((eb) =>
        eb(
          'town.code',
          '=',
          eb.case().when('s.tier', '=', 'village_point').then(eb.ref('r.parent_code')).when('s.tier', '=', 'town_station').then(eb.ref('s.region_code')).else(null).end(),
        ),
      ),
    )
    .leftJoin('stations as p', 'p.id', 's.parent_id')
    .leftJoin('station_activity as a', 'a.station_id', 's.id')
    .select([
      's.id',
      's.code',
      's.name',
      's.tier',
      's.region_code',
      'r.name as region_name',
      'town.code as town_code',
      'town.name as town_name',
      's.parent_id',
      'p.name as parent_name',
      's.address',
      's.lat',
      's.lng',
      's.phone',
      's.opened_on',
      's.services',
      's.status',
      's.status_since',
      's.status_reason',
      's.duplicate_override_reason',
      's.version',
      'a.as_of',
      'a.last_entry_date',
      'a.last_active_date',
      'a.active_days_30',
      'a.quiet',
      'a.quiet_days',
      'a.rule_version',
    ]);
}

export type StationRow = Awaited<ReturnType<ReturnType<typeof stationsWithContext>['executeTakeFirstOrThrow']>>;

export async function operatorsOf(db: Executor, stationIds: number[]): Promise<Map<number, { id: number; displayName: string }[]>> {
  const map = new Map<number, { id: number; displayName: string }[]>(stationIds.map((id) => [id, []]));
  if (!stationIds.length) return map;
  const rows = await db
    .selectFrom('user_scopes as us')
    .innerJoin('users as u', 'u.id', 'us.user_id')
    .select(['us.ref', 'u.id', 'u.display_name'])
    .where('us.kind', '=', 'station')
    .where('us.ref', 'in', stationIds.map(String))
    .where('u.role', '=', 'station_operator')
    .where('u.disabled_at', 'is', null)
    .orderBy('u.display_name')
    .execute();
  for (const r of rows) map.get(Number(r.ref))?.push({ id: r.id, displayName: r.display_name });
  return map;
}

/** The region a station sits on, with its level and parent: what the hierarchy rules look at. */
export function regionForStation(db: Executor, code: string) {
  return db.selectFrom('regions').select(['code', 'name', 'level', 'parent_code']).where('code', '=', code).executeTakeFirst();
}

export function stationById(db: Executor, id: number) {
  return db.selectFrom('stations').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The active village point already serving a village, other than `exceptId`. */
export function activePointIn(db: Executor, villageCode: string, exceptId: number | null) {
  return db
    .selectFrom('stations')
    .select(['id', 'code', 'name'])
    .where('region_code', '=', villageCode)
    .where('tier', '=', 'village_point')
    .where('status', '=', 'active')
    .$if(exceptId !== null, (q) => q.where('id', '<>', exceptId!))
    .executeTakeFirst();
}

export function monthStatsOf(db: Executor, stationId: number, fromMonth: string) {
  return db
    .selectFrom('station_month_stats')
    .selectAll()
    .where('station_id', '=', stationId)
    .where('month', '>=', fromMonth)
    .orderBy('month')
    .execute();
}

export const lockStation = (db: Executor, id: number) => sql`select 1 from stations where id = ${id} for update`.execute(db);

/** The columns a station write sets (everything but its status, which has its own history). */
export type StationWrite = Omit<Insertable<StationsTable>, 'id' | 'status' | 'status_since' | 'status_reason' | 'version' | 'created_at' | 'updated_at'>;

export function insertStationRow(db: Executor, values: StationWrite & { status: StationStatus; status_since: string }) {
  return db.insertInto('stations').values(values).returningAll().executeTakeFirstOrThrow();
}

/** Update a station's fields if it is still at `version`; undefined when someone else wrote first. */
export function updateStationRow(db: Executor, id: number, version: number, values: StationWrite) {
  return db
    .updateTable('stations')
    .set({ ...values, version: version + 1, updated_at: new Date() })
    .where('id', '=', id)
    .where('version', '=', version)
    .returningAll()
    .executeTakeFirst();
}

export async function setStationStatusRow(db: Executor, id: number, version: number, status: { status: StationStatus; since: string; reason: string | null }) {
  await db
    .updateTable('stations')
    .set({ status: status.status, status_since: status.since, status_reason: status.reason, version: version + 1, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export async function recordStatusHistory(db: Executor, row: { stationId: number; status: StationStatus; since: string; reason?: string | null; changedBy: number | null }) {
  await db
    .insertInto('station_status_history')
    .values({ station_id: row.stationId, status: row.status, since: row.since, reason: row.reason, changed_by: row.changedBy })
    .execute();
}
