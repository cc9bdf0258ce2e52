import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '@cuntong/server/app';
import type { Config } from '@cuntong/server/config';
import { createDb, type DbHandle } from '@cuntong/server/db/create-db';
import { createRequestLimiter } from '@cuntong/server/trpc/limiter';
import { cookiePair, createHarness, trpcHttp, type Harness } from '../support/harness';
import { DATABASE_URL, hasPostgres, NO_POSTGRES_REASON } from '../support/env';

describe('the request limiter on its own', () => {
  const settings = { readsInFlight: 0, sessionInFlight: 2, sessionPerMinute: 0, addressInFlight: 3, addressPerMinute: 0 };
  const one = { session: 'token-1', address: '10.0.0.1' };
  /** Admitted: its release; refused: null. */
  const admit = (limiter: ReturnType<typeof createRequestLimiter>, caller: { session: string | null; address: string } = one, calls = 1) => {
    const a = limiter.admit(caller, calls);
    return a.admitted ? a.release : null;
  };

  it('admits calls up to the in-flight limit of the session and of the address, and more once some are done', () => {
    const limiter = createRequestLimiter(settings);
    const a = admit(limiter);
    expect(a).not.toBeNull();
    expect(admit(limiter)).not.toBeNull();
    expect(admit(limiter)).toBeNull(); // the session's third
    expect(admit(limiter, { session: 'token-2', address: '10.0.0.1' })).not.toBeNull(); // the address's third
    expect(admit(limiter, { session: 'token-3', address: '10.0.0.1' })).toBeNull(); // the address's fourth
    a!();
    a!(); // releasing twice frees one place, not two
    expect(admit(limiter)).not.toBeNull();
    expect(admit(limiter)).toBeNull();
  });

  it('admits a batch bigger than the limit when the caller has nothing else in flight, and nothing beside it', () => {
    const limiter = createRequestLimiter(settings);
    const batch = admit(limiter, one, 5);
    expect(batch).not.toBeNull();
    expect(admit(limiter)).toBeNull();
    batch!();
    expect(admit(limiter)).not.toBeNull();
  });

  it('refills the rate a token at a time: 60 a minute allows 15 at once, then one a second', () => {
    let now = 0;
    const limiter = createRequestLimiter({ ...settings, sessionInFlight: 100, addressInFlight: 100, sessionPerMinute: 60 }, () => now);
    for (let i = 0; i < 15; i++) admit(limiter)!();
    expect(admit(limiter)).toBeNull();
    now += 999;
    expect(admit(limiter)).toBeNull();
    now += 1;
    expect(admit(limiter)).not.toBeNull();
    expect(admit(limiter)).toBeNull();
    // the anonymous are counted by address only, which has no rate limit here
    expect(admit(limiter, { session: null, address: '10.0.0.1' })).not.toBeNull();
  });

  it('caps reads in flight for the whole server, whoever sends them; writes are not counted', () => {
    const limiter = createRequestLimiter({ ...settings, readsInFlight: 2 });
    const reader = (n: number) => ({ session: `token-${n}`, address: `10.0.0.${n}`, read: true });
    const first = limiter.admit(reader(1));
    expect(first.admitted).toBe(true);
    expect(limiter.admit(reader(2)).admitted).toBe(true);
    expect(limiter.admit(reader(3))).toEqual({ admitted: false, holdMs: 0 });
    expect(limiter.admit({ ...reader(3), read: false }).admitted).toBe(true); // a login, a check-in
    if (first.admitted) first.release();
    expect(limiter.admit(reader(3)).admitted).toBe(true);
  });

  it('answers the first ten refusals of a second at once, and holds the answers of a caller who keeps coming', () => {
    let now = 0;
    const limiter = createRequestLimiter(settings, () => now);
    admit(limiter);
    admit(limiter);
    const holds = Array.from({ length: 12 }, () => limiter.admit(one)).map((a) => (a.admitted ? 'admitted' : a.holdMs));
    expect(holds).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1000, 1000]);
    now += 1001; // a new second: at once again
    expect(limiter.admit(one)).toEqual({ admitted: false, holdMs: 0 });
  });

  it('forgets callers that went quiet', () => {
    let now = 0;
    const limiter = createRequestLimiter({ ...settings, sessionPerMinute: 60 }, () => now);
    admit(limiter)!();
    expect(limiter.size).toBe(2);
    now += 61_000;
    admit(limiter, { session: null, address: '10.0.0.2' });
    expect(limiter.size).toBe(1);
  });
});

describe.skipIf(!hasPostgres)(`load limits over HTTP (PostgreSQL)${hasPostgres ? '' : ` — ${NO_POSTGRES_REASON}`}`, () => {
  let h: Harness;
  let slowReads: DbHandle;
  beforeAll(async () => {
    h = await createHarness();
    const { name } = (await sql<{ name: string }>`select current_database() as name`.execute(h.db)).rows[0]!;
    const url = new URL(DATABASE_URL!);
    url.pathname = `/${name}`;
    // reads time out after 300 ms; one read connection, and no read may wait for it
    slowReads = await createDb({ databaseUrl: url.toString(), readPool: { size: 1, statementTimeoutMs: 300, maxWaiting: 0 } });
  });
  afterAll(async () => {
    await slowReads.close();
    await h.close();
  });

  /** The app as `pnpm start` builds it, with these settings; callers are told apart by X-Forwarded-For. */
  const appWith = (settings: Partial<Config>, readDb = h.deps.readDb) => createApp({ ...h.deps, readDb, config: { ...h.deps.config, TRUST_PROXY: 1, ...settings } }, { clientDir: '/nonexistent' });
  const from = (address: string, extra: Record<string, string> = {}) => ({ 'x-forwarded-for': address, ...extra });

  async function loggedIn(app: ReturnType<typeof createApp>, address: string) {
    const user = await h.user('training_coordinator', { scopes: { regions: ['370481101000'] } });
    const res = await trpcHttp(app, 'auth.session.login', { mutation: true, input: { loginName: user.loginName, password: user.password }, headers: from(address) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return cookiePair(res.setCookie);
  }

  it('answers 429 at once past a session\'s calls in flight, while a login from elsewhere goes through', async () => {
    const app = appWith({ LIMIT_SESSION_IN_FLIGHT: 2 });
    const cookie = await loggedIn(app, '10.0.0.1');
    const other = await h.user('staff');
    const lists = Array.from({ length: 6 }, () => trpcHttp(app, 'training.trainees.list', { input: {}, cookie, headers: from('10.0.0.1') }));
    // started while the six are in flight: two of them at the limit, four refused
    const login = trpcHttp(app, 'auth.session.login', { mutation: true, input: { loginName: other.loginName, password: other.password }, headers: from('10.0.0.2') });
    const answers = await Promise.all(lists);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 200, 429, 429, 429, 429]);
    const refused = answers.find((r) => r.status === 429)!;
    expect(refused.body.error!.data).toMatchObject({ code: 'TOO_MANY_REQUESTS', httpStatus: 429, appCode: 'RATE_LIMITED' });
    expect(refused.body.error!.message).toBe('请求过于频繁，请稍后再试。');
    expect(refused.headers.get('retry-after')).toBe('1');
    expect((await login).status).toBe(200);
    // once they are answered, the session may ask again
    expect((await trpcHttp(app, 'training.trainees.list', { input: {}, cookie, headers: from('10.0.0.1', { 'x-cuntong-lang': 'en' }) })).status).toBe(200);
  });

  it('counts the calls of a batch, and answers a batch of more than 20 with 400', async () => {
    const app = appWith({ LIMIT_SESSION_IN_FLIGHT: 2 });
    const cookie = await loggedIn(app, '10.0.1.1');
    const batch = (n: number) =>
      app.request(`http://localhost/trpc/${Array(n).fill('auth.session.me').join(',')}?batch=1`, { headers: { cookie, ...from('10.0.1.1', { 'x-cuntong-lang': 'en' }) } });
    const [three, one] = await Promise.all([batch(3), batch(1)]);
    expect(three.status).toBe(200); // bigger than the limit, but alone
    expect(await three.json()).toHaveLength(3);
    expect(one.status).toBe(429);
    expect(await one.json()).toMatchObject({ error: { message: 'Too many requests: please try again in a moment.', data: { appCode: 'RATE_LIMITED' } } });
    const tooMany = await batch(21);
    expect(tooMany.status).toBe(400);
  });

  it('answers 429 past an address\'s calls in flight, whoever they are', async () => {
    const app = appWith({ LIMIT_ADDRESS_IN_FLIGHT: 3 });
    const answers = await Promise.all(Array.from({ length: 5 }, () => trpcHttp(app, 'auth.session.me', { headers: from('10.0.2.1') })));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 200, 200, 429, 429]);
    expect((await trpcHttp(app, 'auth.session.me', { headers: from('10.0.2.2') })).status).toBe(200);
  });

  it('limits a session\'s calls a minute: a quarter of them at once, then 429', async () => {
    const app = appWith({ LIMIT_SESSION_PER_MINUTE: 8 });
    const cookie = await loggedIn(app, '10.0.3.1');
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await trpcHttp(app, 'auth.session.me', { cookie, headers: from('10.0.3.1') })).status);
    expect(statuses).toEqual([200, 200, 429]);
  });

  it('a list past the read timeout answers "narrow the filter", a read that would have to wait is refused, a login is not held up', async () => {
    const app = appWith({}, slowReads.readDb);
    const cookie = await loggedIn(app, '10.0.4.1');
    const list = (lang = 'zh-CN') => trpcHttp(app, 'training.trainees.list', { input: {}, cookie, headers: from('10.0.4.1', { 'x-cuntong-lang': lang }) });
    const other = await h.user('staff');
    await h.db.transaction().execute(async (trx) => {
      // a lock held by a long write: the read waits for it until its statement_timeout strikes
      await sql`lock table trainees in access exclusive mode`.execute(trx);
      const lists = Promise.all([list(), list('en')]);
      // mutations keep the main pool: a login answers while the read pool is taken
      const login = await trpcHttp(app, 'auth.session.login', { mutation: true, input: { loginName: other.loginName, password: other.password }, headers: from('10.0.4.2') });
      expect(login.status).toBe(200);
      const [first, second] = await lists;
      const answers = [first, second].map((r) => ({ status: r.status, appCode: r.body.error?.data.appCode, message: r.body.error?.message }));
      expect(answers).toContainEqual({ status: 400, appCode: 'QUERY_TIMEOUT', message: expect.stringMatching(/^(查询超时，请缩小筛选范围。|The query took too long: please narrow the filter\.)$/) });
      // the only read connection is taken and none may wait for it: refused at once, not queued
      expect(answers).toContainEqual({ status: 429, appCode: 'RATE_LIMITED', message: expect.any(String) });
    });
    const after = await list();
    expect(after.status).toBe(200);
  });

  it('keeps a resolved session a few seconds, and forgets it when an auth change is made in this process', async () => {
    const app = appWith({});
    const cookie = await loggedIn(app, '10.0.5.1');
    const me = async () => (await trpcHttp(app, 'auth.session.me', { cookie, headers: from('10.0.5.1') })).body.result!.data.actor?.id ?? null;
    const id = await me();
    expect(id).toEqual(expect.any(Number));
    // the session ended elsewhere (another server's logout): this server may keep it a few seconds
    await h.db.deleteFrom('sessions').where('user_id', '=', id).execute();
    expect(await me()).toBe(id);
    // any auth.* mutation answered by this process (here another user's login) empties the cache
    await loggedIn(app, '10.0.5.2');
    expect(await me()).toBeNull();

    const uncached = appWith({ SESSION_CACHE_SECONDS: 0 });
    const cookie2 = await loggedIn(uncached, '10.0.5.3');
    const me2 = async () => (await trpcHttp(uncached, 'auth.session.me', { cookie: cookie2, headers: from('10.0.5.3') })).body.result!.data.actor?.id ?? null;
    const id2 = await me2();
    await h.db.deleteFrom('sessions').where('user_id', '=', id2).execute();
    expect(await me2()).toBeNull();
  });
});
