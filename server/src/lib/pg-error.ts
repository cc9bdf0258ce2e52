/**
 * PostgreSQL's refusals, decoded one way: by SQLSTATE (the `code` both node-postgres and PGlite put
 * on their errors), never by the wording of the message. Services turn them into AppErrors.
 */

/** The SQLSTATEs the platform reacts to. */
export const SQLSTATE = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  checkViolation: '23514',
  /** RAISE EXCEPTION in our triggers: the message is the AppError code (e.g. STATION_HAS_CHILDREN). */
  raised: 'P0001',
  queryCanceled: '57014',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
} as const;

export interface PgError {
  sqlState: string;
  /** The constraint refused, when the server names one. */
  constraint: string | null;
  message: string;
}

/** What PostgreSQL said, or null for an error that did not come from the database. */
export function pgError(err: unknown): PgError | null {
  if (typeof err !== 'object' || err === null) return null;
  const e = err as { code?: unknown; constraint?: unknown; message?: unknown };
  if (typeof e.code !== 'string' || !/^[0-9A-Z]{5}$/.test(e.code)) return null;
  const message = typeof e.message === 'string' ? e.message : '';
  // PGlite does not always fill `constraint`; the server's own message names it in quotes then
  const constraint = typeof e.constraint === 'string' ? e.constraint : (/constraint "([^"]+)"/.exec(message)?.[1] ?? null);
  return { sqlState: e.code, constraint, message };
}

/** A unique constraint (by name, or any when none is given) refused the row. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const pg = pgError(err);
  return pg?.sqlState === SQLSTATE.uniqueViolation && (constraint === undefined || pg.constraint === constraint);
}

/** The code one of our triggers raised (RAISE EXCEPTION 'CODE' USING errcode = 'P0001'), if it is one of `codes`. */
export function raisedCode<C extends string>(err: unknown, codes: readonly C[]): C | null {
  const pg = pgError(err);
  if (pg?.sqlState !== SQLSTATE.raised) return null;
  return codes.find((c) => pg.message === c) ?? null;
}
