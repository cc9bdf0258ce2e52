/**
 * The ledger form's part of the outbox (outbox/outbox.ts): one waiting entry per station and day —
 * the latest save wins. A queued edit carries the version it was based on; if someone changed the
 * day meanwhile, the server refuses it and the entry stays as a conflict with the server's figures
 * beside it, for the user to choose (never overwritten). Its sender is ledger-sender.ts. No
 * framework imports, so the tests load it as it is.
 */
import type { LedgerUpsertPayload } from './ledger-fields';

export const LEDGER_KIND = 'stations.ledger.upsert';

/** One waiting entry per station and day. */
export const ledgerSlot = (stationId: number, date: string) => `ledger:${stationId}:${date}`;

/** Keep mine over a conflict: the same figures, now as an edit of the server's version. */
export const keepMine = (mine: LedgerUpsertPayload, theirs: { version: number } | null): LedgerUpsertPayload => ({ ...mine, version: theirs?.version });

// ---- the localStorage outbox of earlier versions: read once, moved into IndexedDB, removed --------

interface LegacyItem {
  key: string;
  payload: LedgerUpsertPayload;
  queuedAt: string;
}

const isLegacyItem = (v: unknown): v is LegacyItem => {
  const i = v as LegacyItem;
  return !!i && typeof i.key === 'string' && typeof i.queuedAt === 'string' && !!i.payload && typeof i.payload.stationId === 'number' && typeof i.payload.date === 'string';
};

/** What an earlier version stored, oldest first; nothing from a missing or damaged value. */
export function parseLegacyOutbox(raw: string | null): LegacyItem[] {
  if (!raw) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? parsed.filter(isLegacyItem).sort((a, b) => a.queuedAt.localeCompare(b.queuedAt)) : [];
  } catch {
    return [];
  }
}

export const legacyStorageKey = (userId: number) => `cuntong.ledgerOutbox.${userId}`;

/** The user's entries from the old localStorage outbox, as outbox entries to queue. */
export function legacyLedgerOutbox(userId: number) {
  let raw: string | null = null;
  try {
    raw = localStorage.getItem(legacyStorageKey(userId));
  } catch {
    // storage disabled: nothing was kept there either
  }
  return parseLegacyOutbox(raw).map((item) => ({
    kind: LEDGER_KIND,
    payload: item.payload,
    options: { slot: ledgerSlot(item.payload.stationId, item.payload.date), label: item.payload.date },
  }));
}

/** Once moved into IndexedDB. */
export function dropLegacyLedgerOutbox(userId: number): void {
  try {
    localStorage.removeItem(legacyStorageKey(userId));
  } catch {
    // nothing to remove
  }
}
