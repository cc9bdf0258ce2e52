import type { Context as HonoContext, MiddlewareHandler } from 'hono';

/**
 * How much one caller may ask of the server at once. A session (one browser or phone) and a client
 * address (a whole office behind one NAT, a class on one Wi-Fi) each have a number of procedure
 * calls in flight and a rate: calls per minute, of which a quarter may come at once. And reads
 * (queries: lists, dashboards) have a number in flight for the whole server — as many as the read
 * pool runs and lets wait — so that many sessions, each within its own limits, cannot together
 * pile up reads either. Beyond any of these, the request is refused at once with 429, before it
 * costs a database round trip — never queued, so lists hammered by one session or by twenty
 * cannot make a login elsewhere wait behind them.
 *
 * A refusal still costs the server an HTTP exchange, and a script that sends again the moment it
 * is refused can keep the event loop busy with thousands of them a second (everyone's requests
 * then wait their turn behind them). So a caller refused more than PROMPT_REFUSALS times within a
 * second gets its further refusals answered after HOLD_MS: nothing runs for them meanwhile (a timer
 * and an open socket), and the hammering slows to what its connections can wait for. A person who
 * hits a limit once is answered at once. At most MAX_HELD refusals are held; past that, at once.
 *
 * The counts live in this process's memory: several servers behind a balancer each enforce their
 * own limits (a caller spread over N servers gets N times as much). That is enough for what the
 * limits are for — keeping one caller from taking a server's time from everyone else.
 */
export interface LimitSettings {
  /** Reads in flight for the whole server (0: no such limit). */
  readsInFlight: number;
  sessionInFlight: number;
  /** 0: no rate limit. */
  sessionPerMinute: number;
  addressInFlight: number;
  addressPerMinute: number;
}

interface Counter {
  inFlight: number;
  /** Refusals since `refusedSince` (a window of a second). */
  refusals: number;
  refusedSince: number;
  /** Token bucket: calls that may start now; refilled at perMinute/60 a second up to a quarter of perMinute. */
  tokens: number;
  at: number;
}

/** Counters of callers that went quiet are dropped when there are this many (and once a minute). */
const SWEEP_AT = 10_000;
const PROMPT_REFUSALS = 10;
const HOLD_MS = 1000;
const MAX_HELD = 2000;

/** Admitted (call `release` when the request is done), or refused (answer 429 after `holdMs`). */
export type Admission = { admitted: true; release: () => void } | { admitted: false; holdMs: number };

export type RequestLimiter = ReturnType<typeof createRequestLimiter>;

export function createRequestLimiter(settings: LimitSettings, now: () => number = () => performance.now()) {
  const counters = new Map<string, Counter>();
  let sweptAt = now();
  const burst = (perMinute: number) => Math.max(1, perMinute / 4);

  function counter(key: string, perMinute: number, t: number): Counter {
    let c = counters.get(key);
    if (!c) {
      c = { inFlight: 0, refusals: 0, refusedSince: t, tokens: burst(perMinute), at: t };
      counters.set(key, c);
    } else if (perMinute > 0) {
      c.tokens = Math.min(burst(perMinute), c.tokens + ((t - c.at) / 60_000) * perMinute);
      c.at = t;
    }
    return c;
  }

  function sweep(t: number) {
    sweptAt = t;
    for (const [key, c] of counters) {
      const perMinute = key.startsWith('s:') ? settings.sessionPerMinute : key.startsWith('a:') ? settings.addressPerMinute : 0;
      const full = perMinute === 0 || c.tokens + ((t - c.at) / 60_000) * perMinute >= burst(perMinute);
      if (c.inFlight === 0 && full && t - c.refusedSince > 1000) counters.delete(key);
    }
  }

  let held = 0;

  /** Count a refusal against each of the caller's counters; hold its answer when one of them keeps being refused. */
  function refusal(counters: Counter[], t: number): Admission {
    let hammering = false;
    for (const c of counters) {
      if (t - c.refusedSince > 1000) {
        c.refusals = 0;
        c.refusedSince = t;
      }
      hammering ||= ++c.refusals > PROMPT_REFUSALS;
    }
    return { admitted: false, holdMs: hammering && held < MAX_HELD ? HOLD_MS : 0 };
  }

  return {
    /**
     * Admit `calls` procedure calls (a tRPC batch is several) for this session and address, or
     * refuse. A batch larger than the in-flight limit is admitted when nothing else of the caller's
     * is in flight, so a page's first batch always goes through.
     */
    admit(caller: { session: string | null; address: string; read?: boolean }, calls = 1): Admission {
      const t = now();
      if (counters.size >= SWEEP_AT || t - sweptAt > 60_000) sweep(t);
      const limits = [
        ...(caller.session ? [{ key: `s:${caller.session}`, inFlight: settings.sessionInFlight, perMinute: settings.sessionPerMinute }] : []),
        { key: `a:${caller.address}`, inFlight: settings.addressInFlight, perMinute: settings.addressPerMinute },
        ...(caller.read && settings.readsInFlight ? [{ key: 'reads', inFlight: settings.readsInFlight, perMinute: 0 }] : []),
      ];
      const counted = limits.map((l) => ({ ...l, c: counter(l.key, l.perMinute, t) }));
      const refused = counted.some(({ c, inFlight, perMinute }) => (c.inFlight > 0 && c.inFlight + calls > inFlight) || (perMinute > 0 && c.tokens < 1));
      // the caller's own counters say whether it keeps coming; the server-wide one does not
      if (refused) return refusal(counted.filter((l) => l.key !== 'reads').map(({ c }) => c), t);
      for (const { c, perMinute } of counted) {
        c.inFlight += calls;
        if (perMinute > 0) c.tokens -= calls; // a big batch may take the bucket below zero: it refills from there
      }
      let released = false;
      return {
        admitted: true,
        release: () => {
          if (released) return;
          released = true;
          for (const { c } of counted) c.inFlight -= calls;
        },
      };
    },
    /** Wait out a refusal's hold (see above), counted against MAX_HELD. */
    async hold(ms: number): Promise<void> {
      held++;
      try {
        await new Promise((r) => setTimeout(r, ms));
      } finally {
        held--;
      }
    },
    /** For tests: how many callers are being counted. */
    get size() {
      return counters.size;
    },
  };
}

/**
 * The limiter in front of /trpc. `caller` names the session (the cookie's token, checked or not:
 * a forged one is still bound by its address) and the address; `refuse` shapes the 429.
 */
export function limitRequests(
  limiter: RequestLimiter,
  caller: (c: HonoContext) => { session: string | null; address: string },
  refuse: (c: HonoContext) => Response,
): MiddlewareHandler {
  return async (c, next) => {
    // /trpc/a,b,c?batch=1 is three calls; queries come as GET (the client's httpBatchLink), mutations as POST
    const calls = c.req.path.slice(c.req.path.lastIndexOf('/') + 1).split(',').length;
    const admission = limiter.admit({ ...caller(c), read: c.req.method === 'GET' }, calls);
    if (!admission.admitted) {
      if (admission.holdMs) await limiter.hold(admission.holdMs);
      c.header('Retry-After', '1');
      return refuse(c);
    }
    try {
      await next();
    } finally {
      admission.release();
    }
  };
}
