import type { RawBuilder, SqlBool } from 'kysely';
import type { MessageKey } from '../../i18n/messages';
import type { Actor } from '../auth/actor';
import { baseScope, isUnscoped, type ColumnRef } from '../auth/scope';

/**
 * Row scope for livestreaming, composed of the scope module's base scope (auth/scope.ts): a base
 * manager (livestream_manager) reads and writes only the bases in `actor.scopes.bases`, with their
 * hosts and streams; the bureau (admin, staff) sees every base. Bases, hosts, streams, import and
 * metrics all narrow through `livestreamScope`.
 */
export const livestreamScope = {
  /** The bureau (admin, staff): every base, and the trainee records hosts are linked to. */
  countyWide: (actor: Actor): boolean => isUnscoped(actor),

  /** "This row's base is one the actor may see", on any base-id column: `.where(livestreamScope.where(actor, 'h.base_id'))`, or inside raw `sql`. */
  where: (actor: Actor, baseIdColumn: ColumnRef): RawBuilder<SqlBool> => baseScope.where(actor, baseIdColumn),

  /** May the actor see (and, with a livestream role, write) base `baseId`? */
  covers: (actor: Actor, baseId: number): boolean => baseScope.covers(actor, baseId),

  /** Refuse (FORBIDDEN_SCOPE) when a scoped actor names a base filter outside their bases, rather than silently showing nothing. */
  assertFilter(actor: Actor, baseId: number | undefined): void {
    if (baseId !== undefined) baseScope.assert(actor, baseId);
  },

  /**
   * A base, host or stream asked for by id, if it is at one of the actor's bases. A base manager
   * hears the same for a row that does not exist as for another base's (FORBIDDEN_SCOPE), so ids
   * cannot be probed for what exists elsewhere; the bureau hears `missing` (NOT_FOUND).
   */
  base: <R extends { id: number }>(actor: Actor, row: R | undefined): R => baseScope.row(actor, row, (b) => b.id, 'LIVESTREAM_BASE_NOT_FOUND'),
  host: <R extends { base_id: number }>(actor: Actor, row: R | undefined, missing: MessageKey = 'LIVESTREAM_HOST_NOT_FOUND'): R =>
    baseScope.row(actor, row, (h) => h.base_id, missing),
  stream: <R extends { base_id: number }>(actor: Actor, row: R | undefined): R => baseScope.row(actor, row, (s) => s.base_id, 'LIVESTREAM_STREAM_NOT_FOUND'),
};
