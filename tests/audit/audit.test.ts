import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookiePair, createHarness, trpcHttp, type Harness } from '../support/harness';
import { refusal } from '../support/refusal';

/** Every write leaves exactly one audit row in its own transaction; a refused write leaves none and no half of itself. */
describe('audit log', () => {
  let h: Harness;
  let admin: Awaited<ReturnType<Harness['user']>>;
  let adminCaller: ReturnType<Harness['caller']>;
  beforeAll(async () => {
    h = await createHarness();
    admin = await h.user('admin', { loginName: 'audit.admin' });
    adminCaller = h.caller(admin.actor);
  });
  afterAll(() => h.close());

  const lastAuditId = async () =>
    Number((await h.db.selectFrom('audit_log').select((eb) => eb.fn.max('id').as('id')).executeTakeFirstOrThrow()).id ?? 0);

  /** Run a write and return the audit rows it left. */
  async function auditOf(write: () => Promise<unknown>) {
    const since = await lastAuditId();
    await write();
    return h.db.selectFrom('audit_log').selectAll().where('id', '>', since).orderBy('id').execute();
  }

  /** Run a write that must be refused; return the refusal, having checked it left no audit row. */
  async function refusedWithoutAudit(write: () => Promise<unknown>) {
    const since = await lastAuditId();
    const refused = await refusal(h.deps, write());
    expect(await h.db.selectFrom('audit_log').selectAll().where('id', '>', since).execute()).toEqual([]);
    return refused;
  }

  /** The audit "who" of a call through the admin's caller. */
  const byAdmin = () => ({ actor_user_id: admin.id, actor_login: 'audit.admin', ip: '127.0.0.1' });

  describe('each write leaves exactly one row', () => {
    let userId: number;

    it('auth.users.create', async () => {
      const rows = await auditOf(async () => {
        const { user } = await adminCaller.auth.users.create({
          loginName: 'audited.one',
          displayName: '被审计者',
          role: 'training_coordinator',
          mobile: '13900000009',
          password: 'FirstPass123',
          scopes: { regions: ['370481101000'] },
        });
        userId = user.id;
      });
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ ...byAdmin(), entity: 'user', entity_id: String(userId), action: 'create', before: null });
      expect(rows[0].after).toEqual({
        loginName: 'audited.one',
        displayName: '被审计者',
        mobile: '13900000009',
        role: 'training_coordinator',
        disabled: false,
        scopes: { regions: ['370481101000'], stations: [], bases: [] },
      });
    });

    it('auth.users.update records before and after', async () => {
      const rows = await auditOf(() =>
        adminCaller.auth.users.update({ id: userId, displayName: '改名了', mobile: null, role: 'training_coordinator', scopes: { regions: ['370481102000'] } }),
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ ...byAdmin(), entity: 'user', entity_id: String(userId), action: 'update' });
      expect(rows[0].before).toMatchObject({ displayName: '被审计者', mobile: '13900000009', scopes: { regions: ['370481101000'] } });
      expect(rows[0].after).toMatchObject({ displayName: '改名了', mobile: null, scopes: { regions: ['370481102000'] } });
    });

    it('auth.users.setDisabled', async () => {
      const rows = await auditOf(() => adminCaller.auth.users.setDisabled({ id: userId, disabled: true }));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ ...byAdmin(), entity: 'user', entity_id: String(userId), action: 'disable' });
      expect([rows[0].before, rows[0].after]).toEqual([{ disabled: false }, { disabled: true }]);
      const enabled = await auditOf(() => adminCaller.auth.users.setDisabled({ id: userId, disabled: false }));
      expect(enabled).toHaveLength(1);
      expect(enabled[0]).toMatchObject({ action: 'enable', before: { disabled: true }, after: { disabled: false } });
    });

    it('auth.users.resetPassword', async () => {
      const rows = await auditOf(() => adminCaller.auth.users.resetPassword({ id: userId, password: 'ResetPass456' }));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ ...byAdmin(), entity: 'user', entity_id: String(userId), action: 'reset_password', before: null, after: null });
    });

    it('auth.password.change, by the user themselves', async () => {
      const user = await h.db.selectFrom('users').select(['id', 'login_name']).where('id', '=', userId).executeTakeFirstOrThrow();
      const self = h.caller({ id: user.id, loginName: user.login_name, displayName: '改名了', role: 'training_coordinator', scopes: { regions: [], stations: [], bases: [] } });
      const rows = await auditOf(() => self.auth.password.change({ currentPassword: 'ResetPass456', newPassword: 'OwnPass789' }));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ actor_user_id: userId, actor_login: 'audited.one', entity: 'user', entity_id: String(userId), action: 'change_password' });
    });

    it('targets.upsert, creating and then updating', async () => {
      const target = { year: 2026, regionCode: '370481000000', metricKey: 'training_person_times' as const };
      const created = await auditOf(() => adminCaller.targets.upsert({ ...target, value: 1500 }));
      expect(created).toHaveLength(1);
      expect(created[0]).toMatchObject({
        ...byAdmin(),
        entity: 'target',
        entity_id: '2026:370481000000:training_person_times',
        action: 'create',
        before: null,
        after: { value: 1500 },
      });
      const updated = await auditOf(() => adminCaller.targets.upsert({ ...target, value: 1800 }));
      expect(updated).toHaveLength(1);
      expect(updated[0]).toMatchObject({ action: 'update', before: { value: 1500 }, after: { value: 1800 } });
      expect(await adminCaller.targets.list({ year: 2026 })).toMatchObject([{ regionCode: '370481000000', value: 1800, updatedBy: 'audit.admin' }]);
    });

    it('regions.villages.add', async () => {
      const rows = await auditOf(() => adminCaller.regions.villages.add({ townCode: '370481101000', code: '370481101205', name: '审计村' }));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ ...byAdmin(), entity: 'region', entity_id: '370481101205', action: 'create', before: null });
      expect(rows[0].after).toEqual({
        code: '370481101205',
        name: '审计村',
        level: 'village',
        parent_code: '370481101000',
        village_kind: 'villagers_committee',
      });
    });

    it('login and logout over HTTP', async () => {
      const user = await h.user('staff', { password: 'Correct123' });
      let cookie = '';
      const loginRows = await auditOf(async () => {
        const res = await trpcHttp(h.app, 'auth.session.login', { mutation: true, input: { loginName: user.loginName, password: 'Correct123' } });
        expect(res.status).toBe(200);
        cookie = cookiePair(res.setCookie);
      });
      expect(loginRows).toHaveLength(1);
      expect(loginRows[0]).toMatchObject({
        actor_user_id: user.id,
        actor_login: user.loginName,
        entity: 'session',
        entity_id: String(user.id),
        action: 'login',
        ip: 'unknown', // app.request() has no socket
      });

      const logoutRows = await auditOf(async () => {
        expect((await trpcHttp(h.app, 'auth.session.logout', { mutation: true, cookie })).status).toBe(200);
      });
      expect(logoutRows).toHaveLength(1);
      expect(logoutRows[0]).toMatchObject({ actor_user_id: user.id, entity: 'session', entity_id: String(user.id), action: 'logout' });

      // a refused login is counted in login_attempts, not audited
      const failed = await auditOf(() => trpcHttp(h.app, 'auth.session.login', { mutation: true, input: { loginName: user.loginName, password: 'Wrong12345' } }));
      expect(failed).toEqual([]);
    });
  });

  describe('a refused write leaves no row and no half-written data', () => {
    it('a duplicate login name creates no second user', async () => {
      await adminCaller.auth.users.create({ loginName: 'only.once', displayName: '唯一', role: 'staff', password: 'Weiyi#2026x' });
      const refused = await refusedWithoutAudit(() =>
        adminCaller.auth.users.create({ loginName: 'only.once', displayName: '第二个', role: 'staff', password: 'Weiyi#2026x' }),
      );
      expect(refused.appCode).toBe('USER_LOGIN_TAKEN');
      expect(await h.db.selectFrom('users').select('display_name').where('login_name', '=', 'only.once').execute()).toEqual([{ display_name: '唯一' }]);
    });

    it('an unknown region scope creates neither the user nor any scope', async () => {
      const users = await h.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const scopes = await h.db.selectFrom('user_scopes').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const refused = await refusedWithoutAudit(() =>
        adminCaller.auth.users.create({
          loginName: 'half.made',
          displayName: '半成品',
          role: 'training_coordinator',
          scopes: { regions: ['370481101000', '370481999000'] },
        }),
      );
      expect(refused).toMatchObject({ appCode: 'USER_SCOPE_REGION_UNKNOWN', params: { code: '370481999000' } });
      expect(await h.db.selectFrom('users').select('id').where('login_name', '=', 'half.made').execute()).toEqual([]);
      expect(await h.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).toEqual(users);
      expect(await h.db.selectFrom('user_scopes').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).toEqual(scopes);
    });

    it('an update with a wrong scope leaves the user as they were', async () => {
      const { user } = await adminCaller.auth.users.create({ loginName: 'stays.same', displayName: '不变', role: 'training_coordinator', scopes: { regions: ['370481101000'] } });
      const refused = await refusedWithoutAudit(() =>
        adminCaller.auth.users.update({ id: user.id, displayName: '变了', mobile: null, role: 'training_coordinator', scopes: { regions: ['370481999000'] } }),
      );
      expect(refused.appCode).toBe('USER_SCOPE_REGION_UNKNOWN');
      expect(await adminCaller.auth.users.get({ id: user.id })).toMatchObject({ displayName: '不变', scopes: { regions: ['370481101000'] } });
    });

    it('a target for an unknown region is not stored', async () => {
      const before = await h.db.selectFrom('targets').selectAll().execute();
      const refused = await refusedWithoutAudit(() =>
        adminCaller.targets.upsert({ year: 2026, regionCode: '370481999000', metricKey: 'active_hosts', value: 10 }),
      );
      expect(refused).toEqual({ code: 'NOT_FOUND', appCode: 'REGION_NOT_FOUND', params: { code: '370481999000' }, message: '行政区划 370481999000 不存在。' });
      expect(await h.db.selectFrom('targets').selectAll().execute()).toEqual(before);
    });

    it('a target too large for its column is bad input, not a server error half-way through', async () => {
      const target = { year: 2030, regionCode: '370481000000', metricKey: 'online_sales' as const };
      const refused = await refusedWithoutAudit(() => adminCaller.targets.upsert({ ...target, value: 1e12 }));
      expect(refused).toMatchObject({ code: 'BAD_REQUEST', appCode: 'BAD_INPUT' });
      expect(await h.db.selectFrom('targets').select('value').where('year', '=', 2030).execute()).toEqual([]);
      // the largest whole amount numeric(14, 2) holds goes in, and comes back exact
      await adminCaller.targets.upsert({ ...target, value: 999_999_999_999 });
      expect(await h.db.selectFrom('targets').select('value').where('year', '=', 2030).execute()).toEqual([{ value: 999_999_999_999 }]);
    });

    it('a village with an invalid or taken code is not stored', async () => {
      await adminCaller.regions.villages.add({ townCode: '370481102000', code: '370481102210', name: '先来村' });
      const count = () => h.db.selectFrom('regions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const before = await count();
      const invalid = await refusedWithoutAudit(() => adminCaller.regions.villages.add({ townCode: '370481102000', code: '370481101211', name: '错村' }));
      expect(invalid.appCode).toBe('REGION_VILLAGE_CODE_INVALID');
      const taken = await refusedWithoutAudit(() => adminCaller.regions.villages.add({ townCode: '370481102000', code: '370481102210', name: '后来村' }));
      expect(taken.appCode).toBe('REGION_CODE_TAKEN');
      expect(await count()).toEqual(before);
      expect(await h.db.selectFrom('regions').select('name').where('code', '=', '370481102210').executeTakeFirstOrThrow()).toEqual({ name: '先来村' });
    });

    it('a password change with the wrong current password changes nothing', async () => {
      const user = await h.user('staff', { password: 'Correct123' });
      const hash = () => h.db.selectFrom('users').select(['password_hash', 'password_changed_at']).where('id', '=', user.id).executeTakeFirstOrThrow();
      const before = await hash();
      const refused = await refusedWithoutAudit(() =>
        h.caller(user.actor).auth.password.change({ currentPassword: 'NotMine123', newPassword: 'Brand9new' }),
      );
      expect(refused.appCode).toBe('AUTH_CURRENT_PASSWORD_WRONG');
      expect(await hash()).toEqual(before);
    });

    it('an admin disabling themselves is refused and not recorded', async () => {
      const refused = await refusedWithoutAudit(() => adminCaller.auth.users.setDisabled({ id: admin.id, disabled: true }));
      expect(refused.appCode).toBe('USER_CANNOT_DISABLE_SELF');
    });
  });

  it('never keeps a password, a hash or a session token', async () => {
    const created = await adminCaller.auth.users.create({ loginName: 'secret.keeper', displayName: '保密', role: 'staff', password: 'Plain1Secret' });
    const generated = await adminCaller.auth.users.resetPassword({ id: created.user.id });
    await adminCaller.auth.users.resetPassword({ id: created.user.id, password: 'Given2Secret' });
    const login = await trpcHttp(h.app, 'auth.session.login', { mutation: true, input: { loginName: 'secret.keeper', password: 'Given2Secret' } });
    const token = cookiePair(login.setCookie).replace(/^cuntong_sid=/, '');
    expect(token.length).toBeGreaterThan(20);
    const self = h.caller(created.user);
    await self.auth.password.change({ currentPassword: 'Given2Secret', newPassword: 'Changed3Secret' });

    const everything = JSON.stringify(await h.db.selectFrom('audit_log').selectAll().execute());
    expect(everything).toContain('secret.keeper'); // the rows are there…
    for (const secret of ['Plain1Secret', generated.password, 'Given2Secret', 'Changed3Secret', token, '$argon2id$', 'password_hash']) {
      expect(everything, secret).not.toContain(secret); // …the secrets are not
    }
  });

  describe('audit.log.list', () => {
    const OLD_DAY = ['2020-03-01T08:00:00Z', '2020-03-01T09:00:00Z', '2020-03-01T10:00:00Z', '2020-03-01T11:00:00Z', '2020-03-01T12:00:00Z'];

    beforeAll(async () => {
      // five rows on a day long past, by the admin, on an entity nothing else writes
      await h.db
        .insertInto('audit_log')
        .values(
          OLD_DAY.map((at, i) => ({
            at,
            actor_user_id: admin.id,
            actor_login: 'audit.admin',
            entity: 'probe',
            entity_id: String(i + 1),
            action: i % 2 ? 'update' : 'create',
            before: null,
            after: JSON.stringify({ n: i + 1 }),
            ip: '10.0.0.1',
          })),
        )
        .execute();
    });

    it('filters by entity and pages with the total, newest first', async () => {
      const page1 = await adminCaller.audit.log.list({ pageSize: 2, filter: { entity: 'probe' } });
      expect(page1.total).toBe(5);
      expect(page1.items.map((i) => i.entityId)).toEqual(['5', '4']);
      expect(page1.items[0]).toEqual({
        id: expect.any(Number),
        at: '2020-03-01T12:00:00.000Z',
        actorUserId: admin.id,
        actorLogin: 'audit.admin',
        entity: 'probe',
        entityId: '5',
        action: 'create',
        before: null,
        after: { n: 5 },
        ip: '10.0.0.1',
      });
      const page3 = await adminCaller.audit.log.list({ page: 3, pageSize: 2, filter: { entity: 'probe' } });
      expect(page3).toMatchObject({ total: 5, items: [{ entityId: '1' }] });
      const ascending = await adminCaller.audit.log.list({ pageSize: 10, sort: { key: 'at', order: 'asc' }, filter: { entity: 'probe' } });
      expect(ascending.items.map((i) => i.entityId)).toEqual(['1', '2', '3', '4', '5']);
      const updates = await adminCaller.audit.log.list({ filter: { entity: 'probe', action: 'update' } });
      expect(updates.items.map((i) => i.entityId)).toEqual(['4', '2']);
    });

    it('filters by date range, from inclusive, to exclusive', async () => {
      const range = await adminCaller.audit.log.list({ filter: { from: '2020-03-01T09:00:00Z', to: '2020-03-01T11:00:00Z' } });
      expect(range.total).toBe(2);
      expect(range.items.map((i) => i.at)).toEqual(['2020-03-01T10:00:00.000Z', '2020-03-01T09:00:00.000Z']);
      const beijing = await adminCaller.audit.log.list({ filter: { from: '2020-03-01T00:00:00+08:00', to: '2020-03-02T00:00:00+08:00' } });
      expect(beijing.total).toBe(5);
      expect((await adminCaller.audit.log.list({ filter: { to: '2020-01-01T00:00:00Z' } })).total).toBe(0);
    });

    it('filters by actor', async () => {
      const other = await h.user('admin', { loginName: 'other.admin' });
      await h.caller(other.actor).targets.upsert({ year: 2027, regionCode: '370481101000', metricKey: 'active_hosts', value: 3 });
      await h.caller(other.actor).targets.upsert({ year: 2027, regionCode: '370481102000', metricKey: 'active_hosts', value: 4 });
      const mine = await adminCaller.audit.log.list({ pageSize: 200, filter: { actorUserId: other.id } });
      expect(mine.total).toBe(2);
      expect(mine.items.map((i) => [i.actorLogin, i.entity, i.entityId])).toEqual([
        ['other.admin', 'target', '2027:370481102000:active_hosts'],
        ['other.admin', 'target', '2027:370481101000:active_hosts'],
      ]);
      const byLogin = await adminCaller.audit.log.list({ filter: { q: 'other.adm' } });
      expect(byLogin.total).toBe(2);
      const adminsProbes = await adminCaller.audit.log.list({ filter: { actorUserId: admin.id, entity: 'probe' } });
      expect(adminsProbes.total).toBe(5);
      expect((await adminCaller.audit.log.list({ filter: { actorUserId: other.id, entity: 'probe' } })).total).toBe(0);
    });
  });
});
