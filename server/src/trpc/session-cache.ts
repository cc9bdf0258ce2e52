import type { ResolvedSession } from '../modules/auth/auth.service';

/** Sessions a process keeps at most; the oldest go first. */
const MAX_ENTRIES = 10_000;

/** Bumped by sessionsChanged(); a cache that sees a new value forgets everything it kept. */
let generation = 0;

/**
 * Users or sessions changed in this process (an auth.* mutation succeeded: see trpc.ts): every
 * session cache of the process asks the database again.
 */
export function sessionsChanged(): void {
  generation++;
}

/**
 * Resolved sessions kept for a few seconds by this process: a coordinator's phone checking in a
 * hall, or a page's burst of lists, asks the database once rather than once a request, and
 * simultaneous requests of one session share one lookup. Only sessions with a user are kept.
 *
 * What must take effect at once still does in this process: after every auth.* mutation (login,
 * logout, password change, disabling a user, roles and scopes) it forgets what it kept, lookups
 * under way included, before answering the next request. Another server behind the same balancer does not hear
 * of it and may honour the old session, role or scopes for up to `seconds` (SESSION_CACHE_SECONDS,
 * default 5) — as it may a session that has just expired.
 */
export function createSessionCache(resolve: (token: string | null) => Promise<ResolvedSession>, seconds: number, now: () => number = () => performance.now()) {
  const entries = new Map<string, { session: Promise<ResolvedSession>; until: number }>();
  let seen = generation;

  function forget(t: number) {
    for (const [token, entry] of entries) if (entry.until <= t) entries.delete(token);
    for (const token of entries.keys()) {
      if (entries.size < MAX_ENTRIES) break;
      entries.delete(token); // insertion order: the oldest first
    }
  }

  return {
    resolve(token: string | null): Promise<ResolvedSession> {
      if (!token || seconds === 0) return resolve(token);
      if (seen !== generation) {
        seen = generation;
        entries.clear();
      }
      const t = now();
      const hit = entries.get(token);
      if (hit && hit.until > t) return hit.session;
      if (entries.size >= MAX_ENTRIES) forget(t);
      const session = resolve(token);
      const entry = { session, until: t + seconds * 1000 };
      entries.set(token, entry);
      const drop = () => {
        if (entries.get(token) === entry) entries.delete(token);
      };
      session.then((s) => s.actor === null && drop(), drop);
      return session;
    },
  };
}
