import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { forbidden, notFound, type AppError } from '../../lib/app-error';
import type { Role, ScopeKind } from '../../db/types';
import type { MessageKey } from '../../i18n/messages';
import type { Actor } from './actor';

/**
 * Row scope, once. Roles are checked by procedure bases; scope answers "may this user touch this
 * row?". Admin and bureau staff see every row (what staff may *write* is decided by the procedure's
 * role list); a station operator works in `actor.scopes.stations`, a training coordinator in
 * `actor.scopes.regions` (towns, or a county), a base manager in `actor.scopes.bases`.
 *
 * Each kind of scope gives the same four things:
 * - `covers(actor, key)`: a yes/no answer for a row already read;
 * - `assert(actor, key)`: the same, throwing FORBIDDEN_SCOPE;
 * - `where(actor, column)`: a typed Kysely condition on any column holding the key, usable in a
 *   builder (`.where(regionScope.where(actor, 'c.region_code'))`) and inside raw `sql` (the one-
 *   statement check-in) alike;
 * - `row(actor, row, keyOf, missing)`: a row asked for by id, refused the same way whether it does
 *   not exist or lies outside the scope, so ids cannot be probed.
 *
 * Domains compose these in their own `<domain>.scope.ts` (who sees a station, a trainee, a host);
 * nothing else writes a scope condition by hand.
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

/** A column as Kysely names it in a query: `alias.column` (or a bare column). */
export type ColumnRef = string;

const TRUE = () => sql<SqlBool>`true`;
const FALSE = () => sql<SqlBool>`false`;

/** A row asked for by id that does not exist: a scoped user hears FORBIDDEN_SCOPE, as for a row outside their scope; the bureau hears `missing`. */
export function missingRow(actor: Actor, kind: ScopeKind, code: MessageKey): AppError {
  return isUnscoped(actor) ? notFound(code) : forbidden('FORBIDDEN_SCOPE', { kind });
}

export interface Scope<K> {
  readonly kind: ScopeKind;
  covers(actor: Actor, key: K): boolean;
  /** Refuse (FORBIDDEN_SCOPE with this kind) unless the actor covers `key`. */
  assert(actor: Actor, key: K): void;
  /** "This row's `column` is in the actor's scope": `true` for admin and staff, `false` for an empty scope. */
  where(actor: Actor, column: ColumnRef): RawBuilder<SqlBool>;
  /** The row if it exists and is in scope; else the same refusal for both (see missingRow). */
  row<R>(actor: Actor, row: R | undefined, keyOf: (row: R) => K, missing: MessageKey): R;
}

function scopeOf<K>(kind: ScopeKind, covers: (actor: Actor, key: K) => boolean, where: (actor: Actor, column: ColumnRef) => RawBuilder<SqlBool>): Scope<K> {
  const assert = (actor: Actor, key: K) => {
    if (!covers(actor, key)) throw forbidden('FORBIDDEN_SCOPE', { kind });
  };
  return {
    kind,
    covers,
    assert,
    where,
    row(actor, row, keyOf, missing) {
      if (row === undefined) throw missingRow(actor, kind, missing);
      assert(actor, keyOf(row));
      return row;
    },
  };
}

// ---- regions (a coordinator's towns) ---------------------------------------------------------------

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

/** The prefixes of the actor's regions: null for every region (admin, staff). */
export function actorRegionPrefixes(actor: Actor): string[] | null {
  return isUnscoped(actor) ? null : actor.scopes.regions.map(regionPrefix);
}

/** A region-code column lies under one of the actor's regions. */
export const regionScope: Scope<string> = scopeOf(
  'region',
  (actor, code) => {
    const prefixes = actorRegionPrefixes(actor);
    return prefixes === null || prefixes.some((p) => code.startsWith(p));
  },
  (actor, column) => {
    const prefixes = actorRegionPrefixes(actor);
    if (prefixes === null) return TRUE();
    if (!prefixes.length) return FALSE();
    return sql<SqlBool>`(${sql.join(
      prefixes.map((p) => sql`${sql.ref(column)} like ${`${p}%`}`),
      sql` or `,
    )})`;
  },
);

// ---- stations and livestream bases (scopes that list ids) ------------------------------------------

type IdScopeKind = 'station' | 'base';
const SCOPE_FIELD = { station: 'stations', base: 'bases' } as const;

/** The ids of this kind the actor works on: null for every one (admin, staff); [] for none. */
export function actorScopeIds(actor: Actor, kind: IdScopeKind): number[] | null {
  if (isUnscoped(actor)) return null;
  return actor.scopes[SCOPE_FIELD[kind]].map(Number).filter((id) => Number.isInteger(id));
}

function idScope(kind: IdScopeKind): Scope<number | string> {
  return scopeOf<number | string>(
    kind,
    (actor, id) => {
      const ids = actorScopeIds(actor, kind);
      return ids === null || ids.includes(Number(id));
    },
    (actor, column) => {
      const ids = actorScopeIds(actor, kind);
      if (ids === null) return TRUE();
      if (!ids.length) return FALSE();
      return sql<SqlBool>`${sql.ref(column)} in (${sql.join(ids)})`;
    },
  );
}

/** A station-id column is one of the actor's stations (a station operator's own). */
export const stationScope = idScope('station');
/** A base-id column is one of the actor's livestream bases (a base manager's own). */
export const baseScope = idScope('base');
