/**
 * The outbox every field form shares: a write that cannot reach the server (no signal, a dropped
 * connection, a server too busy) waits in IndexedDB, per user, and sends itself when the network
 * is back — in the order it was made, surviving reloads. Each entry gets an idempotency key when it
 * is queued (crypto.randomUUID) and keeps it through every try, so the server applies it once
 * however often it arrives (server/src/lib/client-key.ts). No Vue here: the store
 * (use-outbox-store.ts) wires it to the screen, and the tests run it as it is.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { newClientKey } from '../utils/client-key';

/** waiting: will be sent; conflict: the server holds a newer version, the user chooses; refused: the server said no. */
export type OutboxState = 'waiting' | 'conflict' | 'refused';

export interface OutboxEntry<P = unknown> {
  /** The IndexedDB key, in the order entries were queued. */
  seq: number;
  /** The idempotency key the server sees. */
  key: string;
  userId: number;
  kind: string;
  payload: P;
  /** Entries of one slot replace each other while they wait (the ledger: one per station and day). */
  slot: string | null;
  /** What the user recognises it by in the list ("2026-12-03 · 张庄村服务点"), in the words of when it was queued. */
  label: string;
  queuedAt: string;
  state: OutboxState;
  attempts: number;
  /** Why the server refused it (in the user's language), for `refused`. */
  error: string | null;
  /** For `conflict`: the server's side, shown beside this entry's. */
  theirs: unknown;
}

/** How one kind of write is sent; each field form declares one (a few lines). */
export interface OutboxSender<P = any, R = any> {
  send(payload: P, key: string): Promise<R>;
  /** A refusal that is a concurrent edit: the server's side (fetched if need be); undefined: a plain refusal. */
  conflict?(error: unknown, payload: P): Promise<unknown> | unknown;
  /** A later entry of the same slot once this one arrived (the ledger: it now edits the new version). */
  follow?(next: P, arrived: R): P;
  /** After it arrived: refresh what shows it. */
  arrived?(result: R, payload: P): void;
}

interface OutboxSchema extends DBSchema {
  entries: { key: number; value: OutboxEntry; indexes: { byUser: number } };
}
export type OutboxDb = IDBPDatabase<OutboxSchema>;

export function openOutboxDb(name = 'cuntong-outbox'): Promise<OutboxDb> {
  return openDB<OutboxSchema>(name, 1, {
    upgrade(db) {
      db.createObjectStore('entries', { keyPath: 'seq', autoIncrement: true }).createIndex('byUser', 'userId');
    },
  });
}

/**
 * Whether a failed send is worth trying again: the request never got a translated answer from the
 * server (network down, connection dropped, a proxy's error page, a 5xx), or the server was too
 * busy to take it (429 RATE_LIMITED). An answer with any other application code (locked day,
 * concurrent edit, bad input) will not change by sending again.
 */
export function isTransientFailure(error: unknown): boolean {
  const data = (error as { data?: { appCode?: string; httpStatus?: number } | null } | null)?.data;
  if (!data?.appCode) return true;
  if (data.appCode === 'RATE_LIMITED') return true;
  return (data.httpStatus ?? 0) >= 500 && data.appCode === 'INTERNAL';
}

/** Waits between tries while the server cannot be reached: 2 s, 4 s, 8 s … at most a minute. */
export const retryDelay = (failures: number, baseMs = 2_000, maxMs = 60_000) => Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));

export interface OutboxOptions {
  db: Promise<OutboxDb>;
  senders: ReadonlyMap<string, OutboxSender>;
  /** The user's words for a refusal. */
  describe: (error: unknown) => string;
  online?: () => boolean;
  newKey?: () => string;
  retry?: { baseMs: number; maxMs: number };
  /** Called with the user's entries after every change this tab made. */
  onChange?: (entries: OutboxEntry[]) => void;
  /** Called for each entry that arrived. */
  onArrived?: (entry: OutboxEntry, result: unknown) => void;
}

export type Outbox = ReturnType<typeof createOutbox>;

export function createOutbox(options: OutboxOptions) {
  const online = options.online ?? (() => navigator.onLine);
  const newKey = options.newKey ?? newClientKey;
  const retry = options.retry ?? { baseMs: 2_000, maxMs: 60_000 };
  let userId: number | null = null;
  let flushing: Promise<number> | null = null;
  let again = false;
  let failures = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** The entry being sent: a newer save of its slot waits behind it instead of replacing it. */
  let inFlight: number | null = null;

  async function list(): Promise<OutboxEntry[]> {
    if (userId === null) return [];
    return (await options.db).getAllFromIndex('entries', 'byUser', userId);
  }
  async function sorted(): Promise<OutboxEntry[]> {
    return (await list()).sort((a, b) => a.seq - b.seq);
  }
  async function changed(): Promise<OutboxEntry[]> {
    const entries = await sorted();
    options.onChange?.(entries);
    return entries;
  }

  /** Queue a write: a fresh key unless the caller already tried it with one (then the same key). */
  async function queue<P>(kind: string, payload: P, opts: { label: string; slot?: string; key?: string }): Promise<OutboxEntry<P>> {
    if (userId === null) throw new Error('outbox: nobody is logged in');
    const db = await options.db;
    const slot = opts.slot ?? null;
    const tx = db.transaction('entries', 'readwrite');
    if (slot !== null) {
      for (const old of await tx.store.index('byUser').getAll(userId)) {
        if (old.slot === slot && old.seq !== inFlight) await tx.store.delete(old.seq);
      }
    }
    const entry = { key: opts.key ?? newKey(), userId, kind, payload, slot, label: opts.label, queuedAt: new Date().toISOString(), state: 'waiting', attempts: 0, error: null, theirs: null } as Omit<OutboxEntry<P>, 'seq'>;
    const seq = await tx.store.add(entry as OutboxEntry);
    await tx.done;
    await changed();
    schedule(0);
    return { ...entry, seq };
  }

  async function update(seq: number, change: (entry: OutboxEntry) => OutboxEntry | null): Promise<void> {
    const db = await options.db;
    const tx = db.transaction('entries', 'readwrite');
    const entry = await tx.store.get(seq);
    if (entry) {
      const next = change(entry);
      if (next) await tx.store.put(next);
      else await tx.store.delete(seq);
    }
    await tx.done;
  }

  /** Send what waits, oldest first. A network failure stops the round (the rest would fail too) and retries later. Resolves to how many arrived. */
  function flush(): Promise<number> {
    if (flushing) {
      again = true;
      return flushing;
    }
    flushing = (async () => {
      let arrived = 0;
      try {
        do {
          again = false;
          arrived += await round();
        } while (again);
      } finally {
        flushing = null;
      }
      return arrived;
    })();
    return flushing;
  }

  async function round(): Promise<number> {
    if (userId === null || !online()) return 0;
    let arrived = 0;
    for (const { seq } of (await sorted()).filter((e) => e.state === 'waiting')) {
      // read again: a newer save of its slot may have replaced it, or the user discarded it, meanwhile
      const entry = await (await options.db).get('entries', seq);
      const sender = entry && options.senders.get(entry.kind);
      if (!entry || entry.state !== 'waiting' || !sender) continue;
      inFlight = entry.seq;
      try {
        const result = await sender.send(entry.payload, entry.key);
        inFlight = null;
        await update(entry.seq, () => null);
        if (entry.slot !== null && sender.follow) {
          for (const next of (await list()).filter((e) => e.slot === entry.slot && e.state === 'waiting')) {
            await update(next.seq, (e) => ({ ...e, payload: sender.follow!(e.payload, result) }));
          }
        }
        failures = 0;
        arrived++;
        sender.arrived?.(result, entry.payload);
        options.onArrived?.(entry, result);
      } catch (error) {
        inFlight = null;
        if (isTransientFailure(error)) {
          failures++;
          await update(entry.seq, (e) => ({ ...e, attempts: e.attempts + 1 }));
          await changed();
          schedule(retryDelay(failures, retry.baseMs, retry.maxMs));
          return arrived;
        }
        let theirs: unknown;
        try {
          theirs = await sender.conflict?.(error, entry.payload);
        } catch {
          // the server's side could not be fetched: try the whole entry again later
          failures++;
          schedule(retryDelay(failures, retry.baseMs, retry.maxMs));
          return arrived;
        }
        await update(entry.seq, (e) =>
          theirs === undefined ? { ...e, state: 'refused', error: options.describe(error) } : { ...e, state: 'conflict', theirs, error: options.describe(error) },
        );
      }
      await changed();
    }
    return arrived;
  }

  function schedule(delayMs: number): void {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      void flush();
    }, delayMs);
  }

  return {
    queue,
    flush,
    /** The user's entries, in the order queued (another tab may have changed them). */
    list: sorted,
    /** Whose entries: a login loads and sends that user's, a logout hides them. */
    async setUser(id: number | null): Promise<void> {
      userId = id;
      failures = 0;
      await changed();
      if (id !== null) schedule(0);
    },
    /** Drop an entry (the user chose the server's side, or gave up on a refused one). */
    async discard(seq: number): Promise<void> {
      await update(seq, () => null);
      await changed();
    },
    /** Send an entry again, with a new payload (the user kept theirs over a conflict, on the server's version). */
    async resend(seq: number, payload?: unknown): Promise<void> {
      await update(seq, (e) => ({ ...e, payload: payload ?? e.payload, state: 'waiting', error: null, theirs: null, key: newKey() }));
      await changed();
      schedule(0);
    },
    /** The network is back: try now, whatever the backoff said. */
    wake(): void {
      failures = 0;
      schedule(0);
    },
    stop(): void {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
