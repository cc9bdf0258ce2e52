import crypto from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '@cuntong/server/app';
import { cookiePair, createHarness, trpcHttp, type Harness } from '../support/harness';

/** Logging in, throttling, sessions and the HTTP guards, all through raw HTTP the way a browser (or an attacker) arrives. */
describe('login and sessions over HTTP', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await h.db.deleteFrom('login_attempts').execute();
  });

  const login = (loginName: string, password: string, headers?: Record<string, string>) =>
    trpcHttp(h.app, 'auth.session.login', { input: { loginName, password }, mutation: true, headers });

  /** Log in (must succeed) and return the cookie to send back, plus the raw token. */
  async function loggedIn(loginName: string, password: string) {
    const res = await login(loginName, password);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const cookie = cookiePair(res.setCookie);
    return { cookie, token: cookie.replace(/^cuntong_sid=/, ''), res };
  }

  const me = (cookie?: string) => trpcHttp(h.app, 'auth.session.me', { cookie });
  const sessionsOf = (userId: number) => h.db.selectFrom('sessions').selectAll().where('user_id', '=', userId).execute();

  it('counts down the attempts left on a wrong password, then locks the account even for the right one', async () => {
    const user = await h.user('staff', { loginName: 'wang.wu', password: 'Correct123' });

    const remaining: unknown[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await login('wang.wu', 'wrong-one1');
      expect(res.status).toBe(401);
      expect(res.body.error!.data.appCode).toBe('AUTH_WRONG_PASSWORD');
      expect(res.body.error!.data.params).toMatchObject({ limit: 5, minutes: 10 });
      remaining.push(res.body.error!.data.params.remaining);
    }
    expect(remaining).toEqual([4, 3, 2, 1]);
    const fifth = await login('wang.wu', 'wrong-one1');
    // the fifth failure is the one that locks: it already answers with the lock
    expect(fifth.status).toBe(429);
    expect(fifth.body.error!.data.appCode).toBe('AUTH_THROTTLED');

    const sixth = await login('wang.wu', 'Correct123');
    expect(sixth.status).toBe(429);
    expect(sixth.body.error!.data).toMatchObject({ code: 'TOO_MANY_REQUESTS', appCode: 'AUTH_THROTTLED', params: { minutes: 10 } });
    expect(sixth.body.error!.message).toBe('登录失败次数过多，请在 10 分钟后再试。');
    expect(sixth.body.error!.message).toContain('分钟');
    expect(sixth.setCookie).toEqual([]);

    const english = await login('wang.wu', 'Correct123', { 'x-cuntong-lang': 'en' });
    expect(english.status).toBe(429);
    expect(english.body.error!.message).toBe('Too many failed logins. Please try again in 10 minutes.');
    expect(await sessionsOf(user.id)).toEqual([]);
  });

  it('checks no more than five passwords when the guesses arrive all at once', async () => {
    const user = await h.user('staff', { loginName: 'qin.shi', password: 'Correct123' });
    const guesses = await Promise.all(Array.from({ length: 30 }, (_, i) => login('qin.shi', `guess-${i}-x9`)));
    const codes = guesses.map((g) => g.body.error!.data.appCode);
    expect(codes.every((c) => c === 'AUTH_WRONG_PASSWORD' || c === 'AUTH_THROTTLED')).toBe(true);
    // a wrong-password answer means the password was checked; at most four of those, the fifth check answers with the lock
    expect(codes.filter((c) => c === 'AUTH_WRONG_PASSWORD').length).toBeLessThanOrEqual(4);
    const failures = await h.db.selectFrom('login_attempts').select('id').where('login_name', '=', 'qin.shi').where('succeeded', '=', false).execute();
    // guesses refused unchecked leave no row; so the checked ones are exactly the rows left
    expect(failures.length).toBeLessThanOrEqual(5);
    expect(codes.filter((c) => c === 'AUTH_WRONG_PASSWORD').length).toBeLessThanOrEqual(failures.length);
    const right = await login('qin.shi', 'Correct123');
    if (failures.length === 5) expect(right.body.error!.data.appCode).toBe('AUTH_THROTTLED');
    else expect(right.status).toBe(200);
    expect(await sessionsOf(user.id)).toHaveLength(failures.length === 5 ? 0 : 1);
  });

  it('says how many attempts are left in Chinese, and in English when asked', async () => {
    await h.user('staff', { loginName: 'zhao.liu', password: 'Correct123' });
    const zh = await login('zhao.liu', 'nope-nope1');
    expect(zh.body.error!.message).toBe('密码错误。连续输错 5 次将锁定 10 分钟，还可尝试 4 次。');
    expect(zh.body.error!.message).toContain('密码错误');
    const en = await login('zhao.liu', 'nope-nope1', { 'x-cuntong-lang': 'en' });
    expect(en.body.error!.message).toBe('Wrong password. After 5 failures the account is locked for 10 minutes; 3 attempts left.');
  });

  it('starts counting again after a successful login', async () => {
    await h.user('staff', { loginName: 'sun.qi', password: 'Correct123' });
    await login('sun.qi', 'wrong-one1');
    await login('sun.qi', 'wrong-one1');
    await loggedIn('sun.qi', 'Correct123');
    const res = await login('sun.qi', 'wrong-one1');
    expect(res.body.error!.data.params.remaining).toBe(4);
  });

  it('refuses an unknown user', async () => {
    const res = await login('nobody.here', 'whatever1');
    expect(res.status).toBe(401);
    expect(res.body.error!.data).toMatchObject({ code: 'UNAUTHORIZED', appCode: 'AUTH_UNKNOWN_USER' });
    expect(res.body.error!.message).toBe('用户名不存在。');
  });

  it('refuses a disabled user with the right password, and says only "wrong password" to anyone without it', async () => {
    const user = await h.user('station_operator', { loginName: 'zhou.ba', password: 'Correct123' });
    await h.db.updateTable('users').set({ disabled_at: new Date() }).where('id', '=', user.id).execute();

    const right = await login('zhou.ba', 'Correct123');
    expect(right.status).toBe(403);
    expect(right.body.error!.data).toMatchObject({ code: 'FORBIDDEN', appCode: 'AUTH_USER_DISABLED' });
    expect(right.body.error!.message).toBe('该账号已被停用，请联系管理员。');
    expect(right.setCookie).toEqual([]);

    const wrong = await login('zhou.ba', 'Wrong12345');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error!.data.appCode).toBe('AUTH_WRONG_PASSWORD');
    expect(await sessionsOf(user.id)).toEqual([]);
  });

  it('locks an address after 20 failures across different accounts, even for a valid login', async () => {
    const user = await h.user('staff', { loginName: 'wu.jiu', password: 'Correct123' });
    for (let i = 1; i <= 20; i++) {
      const res = await login(`stranger-${i}`, 'guess1234');
      // each name fails once, so no account lock is involved: only the address counts
      expect(res.body.error!.data.appCode, `attempt ${i}`).toBe('AUTH_UNKNOWN_USER');
    }
    const res = await login('wu.jiu', 'Correct123');
    expect(res.status).toBe(429);
    expect(res.body.error!.data).toMatchObject({ appCode: 'AUTH_THROTTLED', params: { minutes: 10 } });
    expect(await sessionsOf(user.id)).toEqual([]);
  });

  it('does not lock an address at 19 failures', async () => {
    await h.user('staff', { loginName: 'zheng.shi', password: 'Correct123' });
    for (let i = 1; i <= 19; i++) await login(`visitor-${i}`, 'guess1234');
    await loggedIn('zheng.shi', 'Correct123');
  });

  it('sets an httpOnly, SameSite=Lax session cookie and keeps only the token\'s SHA-256 in the database', async () => {
    const user = await h.user('training_coordinator', { loginName: 'chen.yi', password: 'Correct123', scopes: { regions: ['370481101000'] } });
    const { res, token, cookie } = await loggedIn('chen.yi', 'Correct123');

    expect(res.setCookie).toHaveLength(1);
    const setCookie = res.setCookie[0];
    expect(setCookie).toMatch(/^cuntong_sid=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Lax');
    expect(setCookie).toContain('Path=/');
    expect(setCookie).toContain(`Max-Age=${14 * 24 * 3600}`);
    expect(setCookie).not.toContain('Secure'); // plain http in tests; https adds it
    expect(res.body.result!.data).toMatchObject({
      actor: { id: user.id, loginName: 'chen.yi', role: 'training_coordinator', scopes: { regions: ['370481101000'], stations: [], bases: [] } },
      mustChangePassword: false,
    });

    const who = await me(cookie);
    expect(who.body.result!.data.actor).toEqual({
      id: user.id,
      loginName: 'chen.yi',
      displayName: user.displayName,
      role: 'training_coordinator',
      scopes: { regions: ['370481101000'], stations: [], bases: [] },
    });
    expect(who.body.result!.data.sessionProblem).toBeNull();

    const sessions = await sessionsOf(user.id);
    expect(sessions).toHaveLength(1);
    expect(sessions[0].id).toBe(crypto.createHash('sha256').update(token).digest('hex'));
    expect(sessions[0].id).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(await h.db.selectFrom('sessions').selectAll().execute())).not.toContain(token);
    const row = await h.db.selectFrom('users').select('last_login_at').where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(row.last_login_at).not.toBeNull();
  });

  it('without a cookie, me is anonymous and authed procedures say "log in first"', async () => {
    expect((await me()).body.result!.data).toMatchObject({ actor: null, sessionProblem: null });
    const res = await trpcHttp(h.app, 'targets.list', { input: {} });
    expect(res.status).toBe(401);
    expect(res.body.error!.data.appCode).toBe('UNAUTHENTICATED');
    expect(res.body.error!.message).toBe('请先登录。');
  });

  it('logout ends the session on the server: the old cookie opens nothing', async () => {
    const user = await h.user('staff', { loginName: 'li.er', password: 'Correct123' });
    const { cookie } = await loggedIn('li.er', 'Correct123');
    expect((await trpcHttp(h.app, 'targets.list', { input: {}, cookie })).status).toBe(200);

    const out = await trpcHttp(h.app, 'auth.session.logout', { mutation: true, cookie });
    expect(out.status).toBe(200);
    expect(out.setCookie.join()).toMatch(/cuntong_sid=;.*Max-Age=0/);
    expect(await sessionsOf(user.id)).toEqual([]);

    const change = await trpcHttp(h.app, 'auth.password.change', {
      mutation: true,
      cookie,
      input: { currentPassword: 'Correct123', newPassword: 'Another456' },
    });
    expect(change.status).toBe(401);
    expect(change.body.error!.data.appCode).toBe('SESSION_EXPIRED');
    expect(change.body.error!.message).toBe('登录已过期，请重新登录。');
    const list = await trpcHttp(h.app, 'targets.list', { input: {}, cookie });
    expect(list.status).toBe(401);
    expect(list.body.error!.data.appCode).toBe('SESSION_EXPIRED');

    const who = await me(cookie);
    expect(who.body.result!.data).toMatchObject({ actor: null, sessionProblem: 'expired' });
    expect(who.setCookie.join()).toMatch(/cuntong_sid=;.*Max-Age=0/); // the browser drops the stale cookie
    // the password did not change
    await loggedIn('li.er', 'Correct123');
  });

  it('disabling a user ends their sessions at once', async () => {
    const admin = await h.user('admin');
    const user = await h.user('station_operator', { loginName: 'he.san', password: 'Correct123', scopes: { stations: ['7'] } });
    const { cookie } = await loggedIn('he.san', 'Correct123');
    expect((await me(cookie)).body.result!.data.actor.id).toBe(user.id);

    await h.caller(admin.actor).auth.users.setDisabled({ id: user.id, disabled: true });
    expect(await sessionsOf(user.id)).toEqual([]);
    expect((await me(cookie)).body.result!.data).toMatchObject({ actor: null, sessionProblem: 'expired' });
    expect((await trpcHttp(h.app, 'targets.list', { input: {}, cookie })).status).toBe(401);

    // enabling again does not bring the old session back
    await h.caller(admin.actor).auth.users.setDisabled({ id: user.id, disabled: false });
    expect((await me(cookie)).body.result!.data.actor).toBeNull();
  });

  it('changes one\'s own password: checks the current one and the strength, keeps this session, ends the others', async () => {
    const user = await h.user('livestream_manager', { loginName: 'ma.si', password: 'Correct123' });
    const here = await loggedIn('ma.si', 'Correct123');
    const elsewhere = await loggedIn('ma.si', 'Correct123');
    const hashBefore = (await h.db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow()).password_hash;
    const change = (currentPassword: string, newPassword: string) =>
      trpcHttp(h.app, 'auth.password.change', { mutation: true, cookie: here.cookie, input: { currentPassword, newPassword } });

    const wrongCurrent = await change('NotMine123', 'Brand9new');
    expect(wrongCurrent.status).toBe(400);
    expect(wrongCurrent.body.error!.data.appCode).toBe('AUTH_CURRENT_PASSWORD_WRONG');
    expect(wrongCurrent.body.error!.message).toBe('当前密码不正确。');
    for (const weak of ['short1', 'onlyletters', '1234567890']) {
      const res = await change('Correct123', weak);
      expect(res.status, weak).toBe(400);
      expect(res.body.error!.data.appCode, weak).toBe('AUTH_PASSWORD_TOO_WEAK');
    }
    expect((await change('Correct123', 'Correct123')).body.error!.data.appCode).toBe('AUTH_PASSWORD_SAME');
    const unchanged = await h.db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(unchanged.password_hash).toBe(hashBefore);
    expect(await sessionsOf(user.id)).toHaveLength(2);

    const ok = await change('Correct123', 'Brand9new');
    expect(ok.status).toBe(200);
    expect(ok.body.result!.data).toEqual({ ok: true });

    expect((await me(here.cookie)).body.result!.data.actor.id).toBe(user.id);
    expect((await me(elsewhere.cookie)).body.result!.data).toMatchObject({ actor: null, sessionProblem: 'expired' });
    expect(await sessionsOf(user.id)).toHaveLength(1);

    const old = await login('ma.si', 'Correct123');
    expect(old.status).toBe(401);
    expect(old.body.error!.data.appCode).toBe('AUTH_WRONG_PASSWORD');
    await loggedIn('ma.si', 'Brand9new');
  });

  describe('HTTP guards', () => {
    it('refuses a mutation from another origin before it reaches the procedure', async () => {
      const user = await h.user('staff', { loginName: 'qian.wu', password: 'Correct123' });
      const res = await login('qian.wu', 'Correct123', { origin: 'https://evil.example' });
      expect(res.status).toBe(403);
      expect(res.body.error!.data).toMatchObject({ code: 'FORBIDDEN', appCode: 'CSRF_ORIGIN_MISMATCH' });
      expect(res.body.error!.message).toBe('请求来源不被允许。');
      expect(res.setCookie).toEqual([]);
      expect(await sessionsOf(user.id)).toEqual([]);
      // it never reached the login: nothing was counted either
      expect(await h.db.selectFrom('login_attempts').selectAll().execute()).toEqual([]);

      const en = await login('qian.wu', 'Correct123', { origin: 'https://evil.example', 'x-cuntong-lang': 'en' });
      expect(en.body.error!.message).toBe('Request origin not allowed.');
    });

    it('refuses a cross-site mutation without an Origin header when the browser marks it so', async () => {
      const user = await h.user('staff', { loginName: 'feng.liu', password: 'Correct123' });
      const res = await login('feng.liu', 'Correct123', { 'sec-fetch-site': 'cross-site' });
      expect(res.status).toBe(403);
      expect(res.body.error!.data.appCode).toBe('CSRF_ORIGIN_MISMATCH');
      expect(await sessionsOf(user.id)).toEqual([]);
    });

    it('a forged logout from another site leaves the session alone', async () => {
      const user = await h.user('staff', { loginName: 'chu.qi', password: 'Correct123' });
      const { cookie } = await loggedIn('chu.qi', 'Correct123');
      const res = await trpcHttp(h.app, 'auth.session.logout', { mutation: true, cookie, headers: { origin: 'https://evil.example' } });
      expect(res.status).toBe(403);
      expect(await sessionsOf(user.id)).toHaveLength(1);
    });

    it('will not run a mutation sent as GET (an <img> cannot log anyone out)', async () => {
      const user = await h.user('staff', { loginName: 'yang.er', password: 'Correct123' });
      const { cookie } = await loggedIn('yang.er', 'Correct123');
      const res = await h.app.request('http://localhost/trpc/auth.session.logout', { headers: { cookie } });
      expect(res.status).toBe(405);
      expect(await sessionsOf(user.id)).toHaveLength(1);
    });

    it('lets a same-origin mutation through', async () => {
      const user = await h.user('staff', { loginName: 'wei.ba', password: 'Correct123' });
      const res = await login('wei.ba', 'Correct123', { origin: 'http://localhost', 'sec-fetch-site': 'same-origin' });
      expect(res.status).toBe(200);
      expect(await sessionsOf(user.id)).toHaveLength(1);
    });

    it('behind a trusted TLS proxy, takes its own origin from X-Forwarded-Proto/-Host and marks the cookie Secure', async () => {
      await h.user('staff', { loginName: 'proxy.user', password: 'Correct123' });
      const proxied = createApp({ ...h.deps, config: { ...h.deps.config, TRUST_PROXY: true } }, { clientDir: '/nonexistent' });
      const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'cuntong.example.gov.cn' };
      const input = { loginName: 'proxy.user', password: 'Correct123' };
      const ok = await trpcHttp(proxied, 'auth.session.login', { mutation: true, input, headers: { ...forwarded, origin: 'https://cuntong.example.gov.cn' } });
      expect(ok.status).toBe(200);
      expect(ok.setCookie[0]).toContain('Secure');
      const refused = await trpcHttp(proxied, 'auth.session.login', { mutation: true, input, headers: { ...forwarded, origin: 'https://evil.example' } });
      expect(refused.body.error?.data.appCode).toBe('CSRF_ORIGIN_MISMATCH');
      // without TRUST_PROXY the forwarded headers are ignored: the https origin is not the server's own
      const direct = await trpcHttp(h.app, 'auth.session.login', { mutation: true, input, headers: { ...forwarded, origin: 'https://cuntong.example.gov.cn' } });
      expect(direct.body.error?.data.appCode).toBe('CSRF_ORIGIN_MISMATCH');
    });

    it('sends security headers on API responses, refused or not', async () => {
      const ok = await me();
      const refused = await login('x.y.z', 'whatever1', { origin: 'https://evil.example' });
      for (const res of [ok, refused]) {
        expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
        expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
        expect(res.headers.get('referrer-policy')).toBe('same-origin');
      }
    });
  });

  it('stores every password as an argon2id hash', async () => {
    await h.user('staff', { loginName: 'jiang.jiu', password: 'Correct123' });
    const rows = await h.db.selectFrom('users').select(['login_name', 'password_hash']).execute();
    expect(rows.length).toBeGreaterThan(5);
    for (const row of rows) {
      expect(row.password_hash, row.login_name).toMatch(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
      expect(row.password_hash).not.toContain('Correct123');
    }
  });
});
