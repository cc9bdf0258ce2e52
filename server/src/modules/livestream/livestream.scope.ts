import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import { forbidden } from '../../lib/app-error';
import type { MessageKey } from '../../i18n/messages';
import type { Actor } from '../auth/actor';
import { assertBaseScope, isUnscoped, missingRow } from '../auth/scope';

/**
 * Row scope for livestreaming, in one place: a base manager (livestream_manager) reads and writes
 * only the bases in `actor.scopes.bases`, with their hosts and streams; the bureau (admin, staff)
 * sees every base. Bases, hosts, streams, import and metrics all narrow through these helpers.
 */

/** The base ids the actor may see: null for every base (admin, staff); [] for none. */
export function visibleBaseIds(actor: Actor): number[] | null {
  if (isUnscoped(actor)) return null;
  return actor.scopes.bases.map(Number).filter((id) => Number.isInteger(id));
}

/**
 * A Kysely condition "this row's base is one the actor may see", on any base-id column:
 * `.where(inActorBases(actor, 'h.base_id'))`, `.where(inActorBases(actor, 's.base_id'))`.
 */
export function inActorBases(actor: Actor, column: string) {
  const ids = visibleBaseIds(actor);
  return <DB, TB extends keyof DB>(eb: ExpressionBuilder<DB, TB>): Expression<SqlBool> => {
    if (ids === null) return sql<SqlBool>`true`;
    if (!ids.length) return sql<SqlBool>`false`;
    return eb(eb.ref(column as any), 'in', ids) as Expression<SqlBool>;
  };
}

/** May the actor see (and, with a livestream role, write) base `baseId`? */
export function actorCoversBase(actor: Actor, baseId: number): boolean {
  const ids = visibleBaseIds(actor);
  return ids === null || ids.includes(baseId);
}

/** Refuse (FORBIDDEN_SCOPE, kind base) unless the actor covers the base. */
export function assertLivestreamBase(actor: Actor, baseId: number): void {
  assertBaseScope(actor, baseId);
}

/**
 * A row asked for by id (a base, host or stream) if it is at one of the actor's bases. A base
 * manager hears the same for a row that does not exist as for another base's (FORBIDDEN_SCOPE), so
 * ids cannot be probed for what exists elsewhere; the bureau hears `missing` (NOT_FOUND).
 */
export function rowInActorBases<R>(actor: Actor, row: R | undefined, baseIdOf: (row: R) => number, missing: MessageKey): R {
  if (row === undefined) throw missingRow(actor, 'base', missing);
  assertLivestreamBase(actor, baseIdOf(row));
  return row;
}

/** Refuse when a scoped actor names a base filter outside their bases (rather than silently showing nothing). */
export function assertBaseFilter(actor: Actor, baseId: number | undefined): void {
  if (baseId !== undefined && !actorCoversBase(actor, baseId)) throw forbidden('FORBIDDEN_SCOPE', { kind: 'base' });
}
