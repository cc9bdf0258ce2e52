import crypto from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '@cuntong/server/app';
import { passwordVerifications } from '@cuntong/server/modules/auth/password';
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

  it('an unknown login name and a wrong password get one answer, after the same argon2 work', async () => {
    await h.user('staff', { loginName: 'zhao.liu', password: 'Correct123' });
    const answer = async (loginName: string, lang?: string) => {
      await h.db.deleteFrom('login_attempts').execute();
      const checked = passwordVerifications();
      const res = await login(loginName, 'nope-nope1', lang ? { 'x-cuntong-lang': lang } : undefined);
      return { status: res.status, error: res.body.error, setCookie: res.setCookie, verifications: passwordVerifications() - checked };
    };
    const wrongPassword = await answer('zhao.liu');
    const unknownName = await answer('nobody.here');
    expect(unknownName).toEqual(wrongPassword);
    expect(wrongPassword).toMatchObject({ status: 401, setCookie: [], verifications: 1 });
    expect(wrongPassword.error!.data).toMatchObject({ code: 'UNAUTHORIZED', appCode: 'AUTH_BAD_CREDENTIALS', params: { remaining: 4 } });
    expect(wrongPassword.error!.message).toBe('用户名或密码错误。再错 4 次后，每次重试前须等待一段时间。');
    const en = await answer('nobody.here', 'en');
    expect(en).toEqual(await answer('zhao.liu', 'en'));
    expect(en.error!.message).toBe('Wrong login name or password. After 4 more failures you will have to wait before each new try.');
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
    expect(wrong.body.error!.data.appCode).toBe('AUTH_BAD_CREDENTIALS');
    expect(await sessionsOf(user.id)).toEqual([]);
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
      input: { currentPassword: 'Correct123', newPassword: 'Lingyi#4567' },
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

  it('logging in again ends the session that browser had, and only that one', async () => {
    const user = await h.user('staff', { loginName: 'lin.san', password: 'Correct123' });
    const other = await h.user('staff', { loginName: 'lin.si', password: 'Correct123' });
    const first = await loggedIn('lin.san', 'Correct123');
    const elsewhere = await loggedIn('lin.san', 'Correct123');
    const again = await login('lin.san', 'Correct123', { cookie: first.cookie });
    expect(again.status).toBe(200);
    const renewed = cookiePair(again.setCookie);
    expect(renewed).not.toBe(first.cookie);
    expect((await me(first.cookie)).body.result!.data).toMatchObject({ actor: null, sessionProblem: 'expired' });
    expect((await me(renewed)).body.result!.data.actor.id).toBe(user.id);
    expect((await me(elsewhere.cookie)).body.result!.data.actor.id).toBe(user.id);
    expect(await sessionsOf(user.id)).toHaveLength(2);

    // another user logging in on this browser ends it too: the cookie is the browser's, not the person's
    const switched = await login('lin.si', 'Correct123', { cookie: renewed });
    expect(switched.status).toBe(200);
    expect(await sessionsOf(user.id)).toHaveLength(1);
    expect(await sessionsOf(other.id)).toHaveLength(1);
    // a failed login leaves the browser's session alone
    const kept = cookiePair(switched.setCookie);
    expect((await login('lin.si', 'Wrong#pass1', { cookie: kept })).status).toBe(401);
    expect((await me(kept)).body.result!.data.actor.id).toBe(other.id);
  });

  it('disabling a user ends their sessions at once', async () => {
    await h.user('admin', { loginName: 'top.admin', password: 'Correct123' });
    const user = await h.user('station_operator', { loginName: 'he.san', password: 'Correct123', scopes: { stations: ['7'] } });
    const { cookie } = await loggedIn('he.san', 'Correct123');
    expect((await me(cookie)).body.result!.data.actor.id).toBe(user.id);

    // over HTTP, as the admin's page does it (the server's session cache hears of it there)
    const admin = await loggedIn('top.admin', 'Correct123');
    const setDisabled = (disabled: boolean) =>
      trpcHttp(h.app, 'auth.users.setDisabled', { mutation: true, cookie: admin.cookie, input: { id: user.id, disabled } });
    expect((await setDisabled(true)).status).toBe(200);
    expect(await sessionsOf(user.id)).toEqual([]);
    expect((await me(cookie)).body.result!.data).toMatchObject({ actor: null, sessionProblem: 'expired' });
    expect((await trpcHttp(h.app, 'targets.list', { input: {}, cookie })).status).toBe(401);

    // enabling again does not bring the old session back
    expect((await setDisabled(false)).status).toBe(200);
    expect((await me(cookie)).body.result!.data.actor).toBeNull();
  });

  it('changes one\'s own password: checks the current one and the strength, keeps this session, ends the others', async () => {
    const user = await h.user('livestream_manager', { loginName: 'ma.si', password: 'Correct123' });
    const here = await loggedIn('ma.si', 'Correct123');
    const elsewhere = await loggedIn('ma.si', 'Correct123');
    const hashBefore = (await h.db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow()).password_hash;
    const change = (currentPassword: string, newPassword: string) =>
      trpcHttp(h.app, 'auth.password.change', { mutation: true, cookie: here.cookie, input: { currentPassword, newPassword } });

    const wrongCurrent = await change('NotMine123', 'Brand9new!x');
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

    const ok = await change('Correct123', 'Brand9new!x');
    expect(ok.status).toBe(200);
    expect(ok.body.result!.data).toEqual({ ok: true });

    expect((await me(here.cookie)).body.result!.data.actor.id).toBe(user.id);
    expect((await me(elsewhere.cookie)).body.result!.data).toMatchObject({ actor: null, sessionProblem: 'expired' });
    expect(await sessionsOf(user.id)).toHaveLength(1);

    const old = await login('ma.si', 'Correct123');
    expect(old.status).toBe(401);
    expect(old.body.error!.data.appCode).toBe('AUTH_BAD_CREDENTIALS');
    await loggedIn('ma.si', 'Brand9new!x');
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
      const proxied = createApp({ ...h.deps, config: { ...h.deps.config, TRUST_PROXY: 1 } }, { clientDir: '/nonexistent' });
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

    it('tells browsers and proxies to keep no copy of any API answer', async () => {
      await h.user('staff', { loginName: 'tang.er', password: 'Correct123' });
      const answers = [
        await me(),
        await login('tang.er', 'Correct123'),
        await login('tang.er', 'Wrong#pass1'),
        await login('tang.er', 'Correct123', { origin: 'https://evil.example' }),
        await trpcHttp(h.app, 'targets.list', { input: {} }),
      ];
      expect(answers.map((a) => a.status)).toEqual([200, 200, 401, 403, 401]);
      for (const res of answers) expect(res.headers.get('cache-control')).toBe('no-store');
      const unknown = await h.app.request('http://localhost/trpc/no.such.procedure');
      expect(unknown.headers.get('cache-control')).toBe('no-store');
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
