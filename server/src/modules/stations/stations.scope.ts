import type { RawBuilder, SqlBool } from 'kysely';
import { sql } from 'kysely';
import { forbidden } from '../../lib/app-error';
import type { Actor } from '../auth/actor';
import { isUnscoped, missingRow, regionScope, stationScope, type ColumnRef } from '../auth/scope';

/**
 * Who sees a station, composed of the scope module (auth/scope.ts): admin and staff every station,
 * an operator their own (stationScope), a coordinator those in their regions (regionScope); any
 * other role none. The list filter and the by-id check are the same rule.
 */
type StationKey = { id: number; region_code: string };

export function canReadStation(actor: Actor, station: StationKey): boolean {
  if (isUnscoped(actor)) return true;
  if (actor.role === 'station_operator') return stationScope.covers(actor, station.id);
  if (actor.role === 'training_coordinator') return regionScope.covers(actor, station.region_code);
  return false;
}

/**
 * A station asked for by id is one the actor may read. A station that does not exist gets the same
 * answer as one outside the actor's scope (auth/scope.ts: missingRow), so ids cannot be probed.
 */
export function assertCanReadStation<S extends StationKey>(actor: Actor, station: S | undefined): asserts station is S {
  if (!station) throw missingRow(actor, 'station', 'STATION_NOT_FOUND');
  if (!canReadStation(actor, station)) throw forbidden('FORBIDDEN_SCOPE', { kind: 'station' });
}

/** The same rule as a condition on a station's id and region columns, so lists never hold a row the user may not open. */
export function stationReadable(actor: Actor, columns: { id: ColumnRef; regionCode: ColumnRef }): RawBuilder<SqlBool> {
  if (isUnscoped(actor)) return sql<SqlBool>`true`;
  if (actor.role === 'station_operator') return stationScope.where(actor, columns.id);
  if (actor.role === 'training_coordinator') return regionScope.where(actor, columns.regionCode);
  return sql<SqlBool>`false`;
}

/**
 * Who reads a station's phone in full (often its operator's own mobile): admin, staff and the
 * station's own operators. Everyone else — a coordinator of its town, and every list — sees it masked.
 */
export function seesStationPhone(actor: Actor, station: { id: number }): boolean {
  return isUnscoped(actor) || (actor.role === 'station_operator' && stationScope.covers(actor, station.id));
}

/** Who writes a station's ledger: the bureau any station; an operator only their own. */
export function assertMayWriteStation(actor: Actor, station: { id: number }): void {
  if (isUnscoped(actor)) return;
  if (actor.role !== 'station_operator') throw forbidden('FORBIDDEN_SCOPE', { kind: 'station' });
  stationScope.assert(actor, station.id);
}
