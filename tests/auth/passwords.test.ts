import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@cuntong/server/config';
import { generatePassword } from '@cuntong/server/modules/auth/password';
import { passwordProblem } from '@cuntong/server/modules/auth/password-policy';
import { ensureFirstAdmin, firstAdminNotice } from '@cuntong/server/modules/auth/users.service';
import { cookiePair, createHarness, trpcHttp, type Harness } from '../support/harness';
import { refusal } from '../support/refusal';

/** What a password may be, wherever one is set; the first admin's first password; guessing the current one. */
describe('passwords', () => {
  let h: Harness;
  let admin: Awaited<ReturnType<Harness['user']>>;
  beforeAll(async () => {
    h = await createHarness();
    admin = await h.user('admin');
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await h.db.deleteFrom('login_attempts').execute();
  });

  const WEAK = ['Short1!x', 'abcdefghijkl', '8472916305', 'password1'];
  const COMMON = ['Password123!', 'PASSWORD2026', 'qwertyuiop1', 'Correct123', '!!Monkey2026'];

  it('refuses short or one-kind passwords, common ones (in any case, padded with digits and symbols) and ones with the login name, saying what is needed', async () => {
    const adminCaller = h.caller(admin.actor);
    const create = (loginName: string, password: string) => refusal(h.deps, adminCaller.auth.users.create({ loginName, displayName: '测试', role: 'staff', password }));
    for (const password of WEAK) {
      expect(await create('li.ming', password), password).toMatchObject({ appCode: 'AUTH_PASSWORD_TOO_WEAK', params: { min: 10 } });
    }
    for (const password of COMMON) expect((await create('li.ming', password)).appCode, password).toBe('AUTH_PASSWORD_TOO_COMMON');
    for (const password of ['li.ming#2026', 'LI.MING-2026x']) expect((await create('li.ming', password)).appCode, password).toBe('AUTH_PASSWORD_CONTAINS_LOGIN');
    expect(await h.db.selectFrom('users').select('id').where('login_name', '=', 'li.ming').execute()).toEqual([]);

    const weak = await create('li.ming', 'short');
    expect(weak.message).toBe('密码至少 10 位，且须包含字母、数字、符号中的至少两种。');
    const en = (password: string) => refusal(h.deps, adminCaller.auth.users.create({ loginName: 'li.ming', displayName: '测试', role: 'staff', password }), 'en');
    expect((await en('short')).message).toBe('A password needs at least 10 characters, using at least two of letters, digits and symbols.');
    expect((await create('li.ming', 'Password123!')).message).toBe('这是常见密码（或常见密码加上数字、符号），很容易被猜中，请换一个。');
    expect((await en('Password123!')).message).toBe('This is a common password (or one with digits or symbols added) and easy to guess: please choose another.');
    expect((await create('li.ming', 'li.ming#2026')).message).toBe('密码不能包含用户名。');
    expect((await en('li.ming#2026')).message).toBe('A password must not contain the login name.');

    const { user } = await adminCaller.auth.users.create({ loginName: 'li.ming', displayName: '李明', role: 'staff', password: 'Laoban#2026' });
    expect(user.loginName).toBe('li.ming');
  });

  it('applies the same rule to a reset and to one\'s own change', async () => {
    const user = await h.user('staff', { loginName: 'zhou.qi', password: 'Right#Pass2026' });
    const adminCaller = h.caller(admin.actor);
    expect((await refusal(h.deps, adminCaller.auth.users.resetPassword({ id: user.id, password: 'Password123!' }))).appCode).toBe('AUTH_PASSWORD_TOO_COMMON');
    expect((await refusal(h.deps, adminCaller.auth.users.resetPassword({ id: user.id, password: 'zhou.qi-2026' }))).appCode).toBe('AUTH_PASSWORD_CONTAINS_LOGIN');
    const self = h.caller(user.actor);
    const change = (newPassword: string) => refusal(h.deps, self.auth.password.change({ currentPassword: 'Right#Pass2026', newPassword }));
    expect((await change('Short1!x')).appCode).toBe('AUTH_PASSWORD_TOO_WEAK');
    expect((await change('Dragon#2026')).appCode).toBe('AUTH_PASSWORD_TOO_COMMON');
    expect((await change('ZHOU.QI.home1')).appCode).toBe('AUTH_PASSWORD_CONTAINS_LOGIN');
    await self.auth.password.change({ currentPassword: 'Right#Pass2026', newPassword: 'Laoban#2026' });
  });

  it('generated passwords (new users, resets) always pass the rule', async () => {
    for (let i = 0; i < 300; i++) expect(passwordProblem(generatePassword('abc'), 'abc')).toBeNull();
    const { user, password } = await h.caller(admin.actor).auth.users.create({ loginName: 'new.hand', displayName: '新人', role: 'staff' });
    expect(passwordProblem(password, 'new.hand')).toBeNull();
    const reset = await h.caller(admin.actor).auth.users.resetPassword({ id: user.id });
    expect(passwordProblem(reset.password, 'new.hand')).toBeNull();
  });

  it('a weak ADMIN_PASSWORD stops the start with a message naming the variable, in Chinese and English', () => {
    for (const [password, zh] of [
      ['Password123!', '这是常见密码'],
      ['Admin#2026x', '密码不能包含用户名。'],
      ['short1', '密码至少 10 位'],
    ]) {
      expect(() => loadConfig({ ADMIN_PASSWORD: password })).toThrow(ConfigError);
      expect(() => loadConfig({ ADMIN_PASSWORD: password })).toThrow(new RegExp(`ADMIN_PASSWORD: ${zh}.* / `));
    }
    expect(loadConfig({ ADMIN_PASSWORD: 'Tengzhou#2026' }).ADMIN_PASSWORD).toBe('Tengzhou#2026');
  });

  it('guesses at the current password in a password change are slowed like logins', async () => {
    const user = await h.user('staff', { loginName: 'sun.ba', password: 'Right#Pass2026' });
    const login = await trpcHttp(h.app, 'auth.session.login', { mutation: true, input: { loginName: 'sun.ba', password: 'Right#Pass2026' } });
    const cookie = cookiePair(login.setCookie);
    const change = (currentPassword: string) =>
      trpcHttp(h.app, 'auth.password.change', { mutation: true, cookie, input: { currentPassword, newPassword: 'Laoban#2026' } });
    const hash = async () => (await h.db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow()).password_hash;
    const before = await hash();

    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await change(`Guess#${i}-2026`));
    expect(answers.map((a) => a.body.error!.data.appCode)).toEqual([...Array(4).fill('AUTH_CURRENT_PASSWORD_WRONG'), 'AUTH_THROTTLED']);
    expect(answers[4].status).toBe(429);
    expect(answers[4].body.error!.data.params).toEqual({ seconds: 60, minutes: 1 });
    // while waiting, not even the right current password is checked
    const early = await change('Right#Pass2026');
    expect(early.body.error!.data.appCode).toBe('AUTH_THROTTLED');
    expect(await hash()).toBe(before);
    // and a login of the same account from the same address waits too: one count for both
    const loginNow = await trpcHttp(h.app, 'auth.session.login', { mutation: true, input: { loginName: 'sun.ba', password: 'Right#Pass2026' } });
    expect(loginNow.body.error!.data.appCode).toBe('AUTH_THROTTLED');

    await sql`update login_attempts set at = at - interval '61 seconds'`.execute(h.db);
    expect((await change('Right#Pass2026')).status).toBe(200);
    expect(await hash()).not.toBe(before);
  });

  describe('the first admin', () => {
    it('is created with ADMIN_PASSWORD on an empty database and must change it at the first login', async () => {
      const fresh = await createHarness({ regions: false });
      try {
        expect(await ensureFirstAdmin(fresh, { adminPassword: 'Tengzhou#2026' })).toEqual({ password: 'Tengzhou#2026', generated: false });
        expect(await ensureFirstAdmin(fresh, { adminPassword: 'Tengzhou#2026' })).toBeNull(); // only on an empty database
        const row = await fresh.db.selectFrom('users').select(['login_name', 'role', 'must_change_password']).executeTakeFirstOrThrow();
        expect(row).toEqual({ login_name: 'admin', role: 'admin', must_change_password: true });

        const login = await trpcHttp(fresh.app, 'auth.session.login', { mutation: true, input: { loginName: 'admin', password: 'Tengzhou#2026' } });
        expect(login.body.result!.data).toMatchObject({ mustChangePassword: true, actor: { loginName: 'admin', role: 'admin' } });
        const cookie = cookiePair(login.setCookie);
        const blocked = await trpcHttp(fresh.app, 'auth.users.list', { input: {}, cookie });
        expect(blocked.status).toBe(403);
        expect(blocked.body.error!.data.appCode).toBe('AUTH_PASSWORD_CHANGE_REQUIRED');
        const changed = await trpcHttp(fresh.app, 'auth.password.change', { mutation: true, cookie, input: { currentPassword: 'Tengzhou#2026', newPassword: 'Shandong#2026' } });
        expect(changed.status).toBe(200);
        expect((await trpcHttp(fresh.app, 'auth.users.list', { input: {}, cookie })).status).toBe(200);
        expect(firstAdminNotice({ password: 'Tengzhou#2026', generated: false })).not.toContain('Tengzhou#2026');
      } finally {
        await fresh.close();
      }
    });

    it('without ADMIN_PASSWORD gets a generated one, printed once with the rule to change it', async () => {
      const fresh = await createHarness({ regions: false });
      try {
        const made = await ensureFirstAdmin(fresh);
        expect(made).toMatchObject({ generated: true });
        expect(passwordProblem(made!.password, 'admin')).toBeNull();
        const notice = firstAdminNotice(made!);
        expect(notice).toContain(`password "${made!.password}"`);
        expect(notice).toContain('首次登录时须修改此密码 / it must be changed at the first login.');
        const row = await fresh.db.selectFrom('users').select('must_change_password').executeTakeFirstOrThrow();
        expect(row.must_change_password).toBe(true);
      } finally {
        await fresh.close();
      }
    });
  });
});
