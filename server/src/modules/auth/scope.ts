import { forbidden, notFound, type AppError } from '../../lib/app-error';
import type { Role, ScopeKind } from '../../db/types';
import type { MessageKey } from '../../i18n/messages';
import type { Actor } from './actor';

/**
 * Row scope, checked in services: one helper per kind of scope. Roles are checked by procedure
 * bases; these answer "may this user touch this row?". Admin and bureau staff see every row (what
 * staff may *write* is decided by the procedure's role list).
 */

const UNSCOPED_ROLES: readonly Role[] = ['admin', 'staff'];

/** The scope kind each role works in; admin and staff have none. */
export const SCOPE_KIND_OF_ROLE: Record<Role, ScopeKind | null> = {
  admin: null,
  staff: null,
  station_operator: 'station',
  training_coordinator: 'region',
  livestream_manager: 'base',
};

export function isUnscoped(actor: Actor): boolean {
  return UNSCOPED_ROLES.includes(actor.role);
}

/**
 * The significant prefix of a 12-digit division code: 37 (province), 3704 (city), 370481 (county),
 * 370481001 (town), or all 12 digits (village). Everything under a region shares its prefix.
 */
export function regionPrefix(code: string): string {
  if (code.endsWith('0000000000')) return code.slice(0, 2);
  if (code.endsWith('00000000')) return code.slice(0, 4);
  if (code.endsWith('000000')) return code.slice(0, 6);
  if (code.endsWith('000')) return code.slice(0, 9);
  return code;
}

export function actorCoversRegion(actor: Actor, regionCode: string): boolean {
  if (isUnscoped(actor)) return true;
  return actor.scopes.regions.some((scope) => regionCode.startsWith(regionPrefix(scope)));
}

/**
 * The answer for a row asked for by id that does not exist. A scoped user gets the same refusal as
 * for a row outside their scope (FORBIDDEN_SCOPE), so that ids cannot be probed for what exists
 * elsewhere; admin and staff, who see every row, hear that it does not exist.
 */
export function missingRow(actor: Actor, kind: ScopeKind, code: MessageKey): AppError {
  return isUnscoped(actor) ? notFound(code) : forbidden('FORBIDDEN_SCOPE', { kind });
}

export function assertRegionScope(actor: Actor, regionCode: string): void {
  if (!actorCoversRegion(actor, regionCode)) throw forbidden('FORBIDDEN_SCOPE', { kind: 'region' });
}

export function assertStationScope(actor: Actor, stationId: number | string): void {
  if (isUnscoped(actor)) return;
  if (!actor.scopes.stations.includes(String(stationId))) throw forbidden('FORBIDDEN_SCOPE', { kind: 'station' });
}

export function assertBaseScope(actor: Actor, baseId: number | string): void {
  if (isUnscoped(actor)) return;
  if (!actor.scopes.bases.includes(String(baseId))) throw forbidden('FORBIDDEN_SCOPE', { kind: 'base' });
}
