import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '@cuntong/server/app';
import { ConfigError, loadConfig } from '@cuntong/server/config';
import { passwordVerifications } from '@cuntong/server/modules/auth/password';
import { waitAfter } from '@cuntong/server/modules/auth/throttle';
import { createHarness, trpcHttp, type Harness } from '../support/harness';

/**
 * Password guessing is slowed, never turned into a lock anyone can trigger: by login name and
 * address together with growing waits, by address across names, and by account across addresses
 * except from an address the account is known at. All over raw HTTP, behind a proxy where it matters.
 */
describe('login throttling', () => {
  let h: Harness;
  /** The app behind one trusted proxy (TRUST_PROXY=true): X-Forwarded-For says where a request came from. */
  let proxied: Harness['app'];
  beforeAll(async () => {
    h = await createHarness();
    proxied = createApp({ ...h.deps, config: { ...h.deps.config, TRUST_PROXY: 1 } }, { clientDir: '/nonexistent' });
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await h.db.deleteFrom('login_attempts').execute();
  });

  const login = (loginName: string, password: string, options: { app?: Harness['app']; from?: string; headers?: Record<string, string> } = {}) =>
    trpcHttp(options.app ?? h.app, 'auth.session.login', {
      mutation: true,
      input: { loginName, password },
      headers: { ...(options.from ? { 'x-forwarded-for': options.from } : {}), ...options.headers },
    });
  const codeOf = (res: Awaited<ReturnType<typeof login>>) => res.body.error?.data.appCode ?? 'OK';
  /** Let time pass: every recorded try moves this far into the past. */
  const later = (seconds: number) => sql`update login_attempts set at = at - make_interval(secs => ${seconds})`.execute(h.db);
  const sessionsOf = (userId: number) => h.db.selectFrom('sessions').select('id').where('user_id', '=', userId).execute();

  it('waits grow 1, 2, 4, 8 and at most 15 minutes', () => {
    expect([0, 4, 5, 6, 7, 8, 9, 30].map((failures) => waitAfter(failures, 5))).toEqual([0, 0, 60, 120, 240, 480, 900, 900]);
  });

  it('after five wrong passwords for one name from one address, each further try waits longer; never a lock', async () => {
    const user = await h.user('staff', { loginName: 'wang.wu', password: 'Correct123' });
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await login('wang.wu', 'wrong-one1'));
    expect(answers.map(codeOf)).toEqual(['AUTH_BAD_CREDENTIALS', 'AUTH_BAD_CREDENTIALS', 'AUTH_BAD_CREDENTIALS', 'AUTH_BAD_CREDENTIALS', 'AUTH_THROTTLED']);
    expect(answers.slice(0, 4).map((a) => a.body.error!.data.params.remaining)).toEqual([4, 3, 2, 1]);
    // the fifth failure already says how long to wait
    expect(answers[4].status).toBe(429);
    expect(answers[4].body.error!.data).toMatchObject({ code: 'TOO_MANY_REQUESTS', params: { seconds: 60, minutes: 1 } });
    expect(answers[4].body.error!.message).toBe('密码错误次数过多，请在 1 分钟后再试。');
    expect((await login('wang.wu', 'wrong-one1', { headers: { 'x-cuntong-lang': 'en' } })).body.error!.message).toBe(
      'Too many wrong passwords. Please try again in 1 min.',
    );

    // while waiting not even the right password is checked
    await later(30);
    const early = await login('wang.wu', 'Correct123');
    expect(early.status).toBe(429);
    expect(early.body.error!.data.params.seconds).toBeGreaterThan(25);
    expect(early.body.error!.data.params.seconds).toBeLessThanOrEqual(30);
    expect(early.setCookie).toEqual([]);
    expect(await sessionsOf(user.id)).toEqual([]);

    // each failure after a wait doubles the next one, up to 15 minutes
    const waits = [];
    for (let i = 0; i < 6; i++) {
      await later(15 * 60 + 1);
      waits.push((await login('wang.wu', 'wrong-one1')).body.error!.data.params.seconds);
    }
    expect(waits).toEqual([120, 240, 480, 900, 900, 900]);
    await later(15 * 60 + 1);
    expect((await login('wang.wu', 'Correct123')).status).toBe(200);
    // a success starts the count again
    expect((await login('wang.wu', 'wrong-one1')).body.error!.data.params.remaining).toBe(4);
  });

  it('checks no more than five passwords when the guesses arrive all at once', async () => {
    const user = await h.user('staff', { loginName: 'qin.shi', password: 'Correct123' });
    const checkedBefore = passwordVerifications();
    const guesses = await Promise.all(Array.from({ length: 30 }, (_, i) => login('qin.shi', `guess-${i}-x9`)));
    const checked = passwordVerifications() - checkedBefore;
    const codes = guesses.map(codeOf);
    expect(codes.every((c) => c === 'AUTH_BAD_CREDENTIALS' || c === 'AUTH_THROTTLED')).toBe(true);
    expect(checked).toBeLessThanOrEqual(5);
    // every checked guess left its row; the refused ones took theirs back
    const failures = await h.db.selectFrom('login_attempts').select('id').where('login_name', '=', 'qin.shi').where('succeeded', '=', false).execute();
    expect(failures).toHaveLength(checked);
    const right = await login('qin.shi', 'Correct123');
    expect(codeOf(right)).toBe(checked === 5 ? 'AUTH_THROTTLED' : 'OK');
    expect(await sessionsOf(user.id)).toHaveLength(checked === 5 ? 0 : 1);
  });

  it('a stranger typing wrong passwords cannot keep the admin out, from the usual address or a new one', async () => {
    const admin = await h.user('admin', { loginName: 'chief', password: 'Correct123' });
    expect(codeOf(await login('chief', 'Correct123', { app: proxied, from: '198.51.100.10' }))).toBe('OK');

    const stranger = [];
    for (let i = 0; i < 12; i++) stranger.push(codeOf(await login('chief', `guess-${i}-x9`, { app: proxied, from: '203.0.113.66' })));
    expect(stranger.slice(0, 4)).toEqual(Array(4).fill('AUTH_BAD_CREDENTIALS'));
    expect(stranger.slice(4)).toEqual(Array(8).fill('AUTH_THROTTLED'));

    expect(codeOf(await login('chief', 'Correct123', { app: proxied, from: '198.51.100.10' }))).toBe('OK');
    expect(codeOf(await login('chief', 'Correct123', { app: proxied, from: '192.0.2.44' }))).toBe('OK');
    expect(await sessionsOf(admin.id)).toHaveLength(3);
  });

  it('many addresses guessing one account slow it for unknown addresses only; the account\'s known address still logs in', async () => {
    const admin = await h.user('admin', { loginName: 'boss', password: 'Correct123' });
    expect(codeOf(await login('boss', 'Correct123', { app: proxied, from: '198.51.100.20' }))).toBe('OK');

    const botnet = [];
    for (let i = 1; i <= 50; i++) botnet.push(codeOf(await login('boss', `guess-${i}-x9`, { app: proxied, from: `203.0.113.${i}` })));
    // one guess each: no address and no name-and-address pair is slowed, but the account is, at the fiftieth
    expect(botnet.slice(0, 49)).toEqual(Array(49).fill('AUTH_BAD_CREDENTIALS'));
    expect(botnet[49]).toBe('AUTH_THROTTLED');
    const unknown = await login('boss', 'Correct123', { app: proxied, from: '203.0.113.200' });
    expect(codeOf(unknown)).toBe('AUTH_THROTTLED');
    expect(unknown.body.error!.data.params).toMatchObject({ minutes: 1 });
    expect(unknown.body.error!.data.params.seconds).toBeGreaterThan(45);

    // logged in from there within 90 days: the account-wide count does not apply
    expect(codeOf(await login('boss', 'Correct123', { app: proxied, from: '198.51.100.20' }))).toBe('OK');
    // a success long ago does not make an address known
    await h.db.updateTable('login_attempts').set({ at: sql`at - interval '91 days'` }).where('login_name', '=', 'boss').where('succeeded', '=', true).execute();
    expect(codeOf(await login('boss', 'Correct123', { app: proxied, from: '198.51.100.20' }))).toBe('AUTH_THROTTLED');
    expect(await sessionsOf(admin.id)).toHaveLength(2);
  });

  it('twenty failures from one address with rotating names slow that address, even for a valid login; other addresses go on', async () => {
    const user = await h.user('staff', { loginName: 'wu.jiu', password: 'Correct123' });
    const codes = [];
    for (let i = 1; i <= 20; i++) codes.push(codeOf(await login(`stranger-${i}`, 'guess1234', { app: proxied, from: '203.0.113.9' })));
    expect(codes).toEqual([...Array(19).fill('AUTH_BAD_CREDENTIALS'), 'AUTH_THROTTLED']);
    const res = await login('wu.jiu', 'Correct123', { app: proxied, from: '203.0.113.9' });
    expect(res.status).toBe(429);
    expect(res.body.error!.data).toMatchObject({ appCode: 'AUTH_THROTTLED', params: { minutes: 1 } });
    expect(codeOf(await login('wu.jiu', 'Correct123', { app: proxied, from: '198.51.100.30' }))).toBe('OK');
    expect(await sessionsOf(user.id)).toHaveLength(1);
  });

  it('does not slow an address at 19 failures', async () => {
    await h.user('staff', { loginName: 'zheng.shi', password: 'Correct123' });
    for (let i = 1; i <= 19; i++) expect(codeOf(await login(`visitor-${i}`, 'guess1234'))).toBe('AUTH_BAD_CREDENTIALS');
    expect(codeOf(await login('zheng.shi', 'Correct123'))).toBe('OK');
  });

  describe('the client address behind proxies', () => {
    it('behind one proxy, a rotating forged first X-Forwarded-For entry does not escape throttling, and the audit log has the real address', async () => {
      const user = await h.user('staff', { loginName: 'lu.shi', password: 'Correct123' });
      const codes = [];
      for (let i = 0; i < 30; i++) {
        // the client writes any first entry it likes; the proxy appends the address it saw
        codes.push(codeOf(await login('lu.shi', `guess-${i}-x9`, { app: proxied, from: `10.${i}.${i}.${i}, 203.0.113.77` })));
      }
      expect(codes).toEqual([...Array(4).fill('AUTH_BAD_CREDENTIALS'), ...Array(26).fill('AUTH_THROTTLED')]);
      const recorded = await h.db.selectFrom('login_attempts').select('ip').distinct().where('login_name', '=', 'lu.shi').execute();
      expect(recorded).toEqual([{ ip: '203.0.113.77' }]);

      const ok = await login('lu.shi', 'Correct123', { app: proxied, from: '1.2.3.4, 198.51.100.40' });
      expect(ok.status).toBe(200);
      const audit = await h.db.selectFrom('audit_log').select(['ip', 'action']).where('actor_user_id', '=', user.id).execute();
      expect(audit).toEqual([{ ip: '198.51.100.40', action: 'login' }]);
      const session = await h.db.selectFrom('sessions').select('ip').where('user_id', '=', user.id).executeTakeFirstOrThrow();
      expect(session.ip).toBe('198.51.100.40');
    });

    it('with N proxies takes the N-th entry from the right; with fewer entries the left-most; without the header, or without TRUST_PROXY, the socket', async () => {
      const twoProxies = createApp({ ...h.deps, config: { ...h.deps.config, TRUST_PROXY: 2 } }, { clientDir: '/nonexistent' });
      const ipOf = async (app: Harness['app'], forwardedFor?: string) => {
        await h.db.deleteFrom('login_attempts').execute();
        await login('nobody.here', 'guess1234', { app, from: forwardedFor });
        return (await h.db.selectFrom('login_attempts').select('ip').executeTakeFirstOrThrow()).ip;
      };
      expect(await ipOf(twoProxies, 'forged, 198.51.100.1, 10.0.0.2')).toBe('198.51.100.1');
      expect(await ipOf(twoProxies, '198.51.100.3')).toBe('198.51.100.3');
      expect(await ipOf(proxied, '198.51.100.1, 10.0.0.2')).toBe('10.0.0.2');
      // app.request() has no socket: the socket address reads "unknown"
      expect(await ipOf(twoProxies)).toBe('unknown');
      expect(await ipOf(h.app, '198.51.100.1')).toBe('unknown');
    });

    it('TRUST_PROXY is true, false or a number of proxies; anything else stops the start naming it', () => {
      const proxies = (value?: string) => loadConfig({ TRUST_PROXY: value }).TRUST_PROXY;
      expect([proxies(), proxies('false'), proxies('true'), proxies('1'), proxies('2'), proxies('0')]).toEqual([0, 0, 1, 1, 2, 0]);
      for (const bad of ['maybe', '-1', '11', '1.5']) {
        expect(() => loadConfig({ TRUST_PROXY: bad })).toThrow(ConfigError);
        expect(() => loadConfig({ TRUST_PROXY: bad })).toThrow(/TRUST_PROXY: must be true, false or the number of proxies in front/);
      }
    });
  });

  it('the nightly housekeeping drops expired sessions and attempts no count reads any more, and keeps the rest', async () => {
    const user = await h.user('staff');
    const day = 24 * 3600_000;
    const at = (msAgo: number) => new Date(Date.now() - msAgo);
    await h.db
      .insertInto('login_attempts')
      .values([
        { login_name: 'a', ip: '198.51.100.1', succeeded: false, at: at(2 * day) }, // past every window
        { login_name: 'a', ip: '198.51.100.1', succeeded: false, at: at(day / 2) }, // still counted
        { login_name: 'a', ip: '198.51.100.1', succeeded: true, at: at(91 * day) }, // no longer a known address
        { login_name: 'a', ip: '198.51.100.2', succeeded: true, at: at(30 * day) }, // still known
      ])
      .execute();
    await h.db
      .insertInto('sessions')
      .values([
        { id: 'expired-session', user_id: user.id, expires_at: at(1000), ip: '198.51.100.1', user_agent: null },
        { id: 'live-session', user_id: user.id, expires_at: at(-day), ip: '198.51.100.1', user_agent: null },
      ])
      .execute();
    const job = await h.deps.queue.enqueue('auth.housekeeping', {});
    expect(await job.finished()).toEqual({ sessions: 1, loginAttempts: 2 });
    expect((await h.db.selectFrom('login_attempts').select(['ip', 'succeeded']).orderBy('id').execute())).toEqual([
      { ip: '198.51.100.1', succeeded: false },
      { ip: '198.51.100.2', succeeded: true },
    ]);
    expect((await h.db.selectFrom('sessions').select('id').where('user_id', '=', user.id).execute()).map((s) => s.id)).toEqual(['live-session']);
  });
});
