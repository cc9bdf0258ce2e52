/**
 * The outbox of ledger entries that could not be sent (no signal, or a connection that dropped):
 * kept in the browser per user, one entry per station and day — the latest save wins — and sent
 * again when the network is back. The server takes a resend of the same figures as a no-op, so
 * sending twice is harmless. Pure functions over plain data; the store (stores/use-ledger-outbox-store.ts)
 * wires them to localStorage, the API and the browser's online events.
 */
import type { LedgerUpsertPayload } from './ledger-fields';

export interface OutboxItem {
  /** `${stationId}:${date}`: one item per station and day. */
  key: string;
  payload: LedgerUpsertPayload;
  /** When it was put here (ISO); a resend removes the item only if it is still this one. */
  queuedAt: string;
  /** Why the server refused it on a resend (a concurrent edit, a locked day): kept for the user to decide. */
  refused: string | null;
}

export const outboxKey = (stationId: number, date: string) => `${stationId}:${date}`;

/** Add an entry, replacing any earlier one for the same station and day. */
export function putItem(items: readonly OutboxItem[], payload: LedgerUpsertPayload, queuedAt: string): OutboxItem[] {
  const key = outboxKey(payload.stationId, payload.date);
  return [...items.filter((i) => i.key !== key), { key, payload, queuedAt, refused: null }];
}

/** Remove an item once sent, unless a newer save for the same day replaced it meanwhile. */
export function removeItem(items: readonly OutboxItem[], key: string, queuedAt?: string): OutboxItem[] {
  return items.filter((i) => !(i.key === key && (queuedAt === undefined || i.queuedAt === queuedAt)));
}

export function markRefused(items: readonly OutboxItem[], key: string, queuedAt: string, message: string): OutboxItem[] {
  return items.map((i) => (i.key === key && i.queuedAt === queuedAt ? { ...i, refused: message } : i));
}

/** The items a resend should try: oldest first, those the server refused left for the user. */
export const sendable = (items: readonly OutboxItem[]) => [...items].filter((i) => !i.refused).sort((a, b) => a.queuedAt.localeCompare(b.queuedAt));

const isItem = (v: unknown): v is OutboxItem => {
  const i = v as OutboxItem;
  return !!i && typeof i.key === 'string' && typeof i.queuedAt === 'string' && !!i.payload && typeof i.payload.stationId === 'number' && typeof i.payload.date === 'string';
};

/** What was stored, tolerant of a missing or damaged value (then: nothing waiting). */
export function parseOutbox(raw: string | null): OutboxItem[] {
  if (!raw) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? parsed.filter(isItem).map((i) => ({ ...i, refused: i.refused ?? null })) : [];
  } catch {
    return [];
  }
}

export const serializeOutbox = (items: readonly OutboxItem[]) => JSON.stringify(items);

export const storageKey = (userId: number) => `cuntong.ledgerOutbox.${userId}`;

/**
 * Whether a failed save is worth keeping to send later: the request never got a translated answer
 * from the server (network down, connection dropped, a proxy's error page, a 5xx), or the server
 * was too busy to take it (429 RATE_LIMITED). An answer with any other application code (locked
 * day, concurrent edit, bad input) will not change by sending again.
 */
export function isTransientFailure(error: unknown): boolean {
  const data = (error as { data?: { appCode?: string; httpStatus?: number } | null } | null)?.data;
  if (!data?.appCode) return true;
  if (data.appCode === 'RATE_LIMITED') return true;
  return (data.httpStatus ?? 0) >= 500 && data.appCode === 'INTERNAL';
}
