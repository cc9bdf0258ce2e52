import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { MessageKey } from '../../i18n/messages';
import type { Actor } from '../auth/actor';
import { stationScope } from '../auth/scope';

/**
 * Who sees a hub (共配中心): admin and staff every one; hub staff — the operators of the station the
 * hub sits at (the county centre or a town station) — their hub only, its vehicles, routes and runs.
 * A hub is scoped by its station, so no new role is needed: a driver entering runs is given an
 * operator account on the hub's station. Everything of a hub is reached through `h.station_id`.
 */
export const hubWhere = (actor: Actor, stationColumn = 'h.station_id'): RawBuilder<SqlBool> => stationScope.where(actor, stationColumn);

/** A hub (or a row of one, carrying its hub's station id) asked for by id: the same refusal whether missing or outside. */
export function hubRow<R extends { hub_station_id: number }>(actor: Actor, row: R | undefined, missing: MessageKey = 'COURIER_HUB_NOT_FOUND'): R {
  return stationScope.row(actor, row, (r) => r.hub_station_id, missing);
}

/** "This hub id is one the actor may see", for a hub-id column. */
export const hubIdIn = (actor: Actor, column: string): RawBuilder<SqlBool> =>
  sql<SqlBool>`${sql.ref(column)} in (select h.id from courier_hubs h where ${hubWhere(actor)})`;
