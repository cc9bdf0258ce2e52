import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '@cuntong/server/db/types';
import { AppError } from '@cuntong/server/lib/app-error';
import type { Actor } from '@cuntong/server/modules/auth/actor';
import { baseScope, regionPrefix, regionScope, stationScope } from '@cuntong/server/modules/auth/scope';
import { appRouter } from '@cuntong/server/router';
import { cookiePair, createHarness, trpcHttp, type Harness } from '../support/harness';
import { refusal } from '../support/refusal';
import { settlingQueue, trackChanges, type ChangeLog } from '../support/change-log';
import { buildTwoScopes, type TwoScopes } from '../support/two-scopes';
import { readExport } from '../support/xlsx';
import { SCOPE_RULES, type ScopeRule } from './access-scopes';

/**
 * Every procedure of the app, by dotted path. At run time tRPC v11 keeps `_def.procedures` as a flat
 * record keyed 'auth.session.login'; its declared type is the nested router shape, hence the cast.
 */
const PROCEDURES = Object.entries(
  appRouter._def.procedures as unknown as Record<string, { _def: { type: 'query' | 'mutation' | 'subscription' } }>,
).map(([path, procedure]) => ({ path, type: procedure._def.type }));

/** The only procedures an anonymous caller may reach: logging in, who-am-I, and what the login page shows. */
const PUBLIC = ['auth.session.login', 'auth.session.me', 'system.info', 'training.qr.checkIn', 'display.screen'];

/** Procedures only the administrator may call. A new one must be added here on purpose, or the role test fails. */
const ADMIN_ONLY = [
  'audit.log.export',
  'audit.log.facets',
  'audit.log.list',
  'auth.users.create',
  'auth.users.export',
  'auth.users.get',
  'auth.users.list',
  'auth.users.options',
  'auth.users.resetPassword',
  'auth.users.setDisabled',
  'auth.users.update',
  'display.links.create',
  'display.links.list',
  'display.links.revoke',
  'notifications.rule.create',
  'notifications.rule.list',
  'operations.queue.retry',
  'operations.queue.status',
  'operations.recompute.start',
  'operations.recompute.status',
  'operations.runs',
  'regions.import',
  'reports.close',
  'reports.recompute',
  'reports.reopen',
  'regions.villages.add',
  'targets.bases.upsert',
  'targets.split.commit',
  'targets.split.preview',
  'targets.upsert',
  'courier.rule.create',
  'taobao.criteria.create',
  'taobao.year.close',
  'taobao.year.reopen',
];

const NON_ADMIN_ROLES: Role[] = ['staff', 'station_operator', 'training_coordinator', 'livestream_manager'];

/** Procedures open to some roles besides the admin: which. Everything else is open to every logged-in user. */
const STATION_READERS: Role[] = ['staff', 'station_operator', 'training_coordinator'];
const STATION_MANAGERS: Role[] = ['staff'];
const TRAINING_STAFF: Role[] = ['staff', 'training_coordinator'];
const LIVESTREAM_STAFF: Role[] = ['staff', 'livestream_manager'];
const STATION_PEOPLE: Role[] = ['staff', 'station_operator'];
const RESTRICTED: Record<string, Role[]> = {
  'stations.list': STATION_READERS,
  'stations.export': STATION_READERS,
  'stations.get': STATION_READERS,
  'stations.ledger.day': STATION_READERS,
  'stations.ledger.month': STATION_READERS,
  'stations.ledger.export': STATION_READERS,
  'stations.ledger.upsert': ['staff', 'station_operator'],
  'stations.ledger.import.preview': ['staff', 'station_operator'],
  'stations.ledger.import.commit': ['staff', 'station_operator'],
  'stations.ledger.import.progress': ['staff', 'station_operator'],
  'stations.create': STATION_MANAGERS,
  'stations.update': STATION_MANAGERS,
  'stations.setStatus': STATION_MANAGERS,
  'stations.quiet.list': STATION_MANAGERS,
  'stations.quiet.export': STATION_MANAGERS,
  'stations.import.preview': STATION_MANAGERS,
  'stations.import.commit': STATION_MANAGERS,
  'stations.import.progress': STATION_MANAGERS,
  'stations.ranking.towns': STATION_MANAGERS,
  'stations.ranking.export': STATION_MANAGERS,
  ...Object.fromEntries(
    [
      'training.courses.list',
      'training.conversion.progress',
      'training.conversion.progressExport',
      'training.conversion.summary',
      'training.conversion.cutExport',
      'training.conversion.followUp.list',
      'training.conversion.followUp.export',
      'training.conversion.spotCheck.sample',
      'training.conversion.spotCheck.export',
      'training.courses.get',
      'training.courses.export',
      'training.courses.create',
      'training.courses.update',
      'training.sessions.get',
      'training.sessions.list',
      'training.sessions.add',
      'training.trainees.search',
      'training.trainees.list',
      'training.trainees.export',
      'training.trainees.get',
      'training.trainees.update',
      'training.trainees.duplicates',
      'training.trainees.merge',
      'training.attendance.checkIn',
      'training.attendance.import.preview',
      'training.attendance.import.commit',
      'training.attendance.import.progress',
      'training.attendance.roster',
      'training.attendance.bulkMark',
      'training.qr.token',
      'training.outcomes.list',
      'training.outcomes.record',
    ].map((path) => [path, TRAINING_STAFF]),
  ),
  // livestream: bases, hosts, streams
  ...Object.fromEntries(
    [
      'livestream.bases.list',
      'livestream.bases.options',
      'livestream.bases.export',
      'livestream.bases.get',
      'livestream.hosts.list',
      'livestream.hosts.export',
      'livestream.hosts.get',
      'livestream.hosts.create',
      'livestream.hosts.update',
      'livestream.streams.list',
      'livestream.streams.export',
      'livestream.streams.get',
      'livestream.streams.create',
      'livestream.streams.update',
      'livestream.streams.delete',
    ].map((path) => [path, LIVESTREAM_STAFF]),
  ),
  'livestream.bases.create': ['staff'],
  'livestream.bases.update': ['staff'],
  // a host's link to a trainee record: the bureau's (a base manager sees no trainee records)
  'livestream.hosts.linkTrainee': ['staff'],
  'livestream.hosts.unlinkTrainee': ['staff'],
  // livestream: import
  ...Object.fromEntries(['livestream.import.preview', 'livestream.import.commit', 'livestream.import.progress', 'livestream.import.hosts'].map((path) => [path, LIVESTREAM_STAFF])),
  // livestream: metrics
  ...Object.fromEntries(
    [
      'livestream.metrics.progress',
      'livestream.metrics.activeByMonth',
      'livestream.metrics.activeByMonthExport',
      'livestream.metrics.byBase',
      'livestream.metrics.byBaseExport',
      'livestream.metrics.leaderboard',
      'livestream.metrics.leaderboardExport',
      'livestream.metrics.hostMonths',
      'livestream.metrics.hostMonthsExport',
      'livestream.metrics.rule.list',
    ].map((path) => [path, LIVESTREAM_STAFF]),
  ),
  // a new version of the active-host rule: the administrator only
  'livestream.metrics.rule.create': [],
  // the cockpit is the bureau's; a coordinator drills into their own towns; each role has its own home
  'reports.months': ['staff'],
  'reports.get': ['staff'],
  'reports.download': ['staff'],
  'reports.build': ['staff'],
  'reports.job': ['staff'],
  'reports.export': ['staff'],
  'cockpit.overview': ['staff'],
  'cockpit.ranking.export': ['staff'],
  'cockpit.town': ['staff', 'training_coordinator'],
  'cockpit.home.operator': ['station_operator'],
  'cockpit.home.coordinator': ['training_coordinator'],
  'cockpit.home.manager': ['livestream_manager'],
  // Taobao villages: the bureau, and coordinators within their towns; the official imports and the criteria are the bureau's
  ...Object.fromEntries(
    ['taobao.years', 'taobao.candidates.list', 'taobao.candidates.export', 'taobao.place.get', 'taobao.figures.upsert', 'taobao.pipeline.board', 'taobao.pipeline.set', 'taobao.pipeline.action'].map((path) => [
      path,
      TRAINING_STAFF,
    ]),
  ),
  ...Object.fromEntries(
    [
      'taobao.figures.import.preview',
      'taobao.figures.import.commit',
      'taobao.figures.import.progress',
      'taobao.recognitions.import.preview',
      'taobao.recognitions.import.commit',
      'taobao.recognitions.import.progress',
      'taobao.recognitions.unmatched',
      'taobao.recognitions.resolve',
      'taobao.criteria.list',
      'taobao.recompute',
    ].map((path) => [path, ['staff'] as Role[]]),
  ),
  // shared delivery: the bureau, and hub staff (the operators of a hub's station) for their hub; setting up hubs, vehicles and routes, and the county's coverage, are the bureau's
  ...Object.fromEntries(
    [
      'courier.carriers.list', 'courier.hubs.list', 'courier.hubs.export', 'courier.hubs.get', 'courier.hubs.stops', 'courier.vehicles.list', 'courier.vehicles.export', 'courier.routes.list', 'courier.routes.export', 'courier.routes.get',
      'courier.runs.day', 'courier.runs.save', 'courier.runs.list', 'courier.runs.export', 'courier.runs.import.preview', 'courier.runs.import.commit', 'courier.runs.import.progress',
      'courier.stats.months', 'courier.stats.days', 'courier.stats.export',
    ].map((path) => [path, STATION_PEOPLE]),
  ),
  ...Object.fromEntries(
    [
      'courier.carriers.create', 'courier.carriers.update', 'courier.hubs.create', 'courier.hubs.update', 'courier.hubs.setCarrier', 'courier.vehicles.create', 'courier.vehicles.update',
      'courier.routes.create', 'courier.routes.saveVersion', 'courier.coverage.get', 'courier.coverage.unservedExport', 'courier.rule.list', 'courier.recompute',
    ].map((path) => [path, ['staff'] as Role[]]),
  ),
  // the route planner: the bureau plans a hub's routes; hub staff run the routes they are given
  ...Object.fromEntries(['planner.plans.start', 'planner.plans.get', 'planner.plans.cancel', 'planner.plans.accept'].map((path) => [path, ['staff'] as Role[]])),
};
const forbiddenTo = (role: Role) =>
  [...ADMIN_ONLY, ...Object.entries(RESTRICTED).filter(([, roles]) => !roles.includes(role)).map(([path]) => path)].sort();

type Caller = ReturnType<Harness['caller']>;
function callPath(caller: Caller, path: string, input: unknown): Promise<unknown> {
  const fn = path.split('.').reduce<any>((node, key) => node[key], caller);
  return fn(input);
}

/** What a call came to: 'ok' or the tRPC error code. */
async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'ok';
  } catch (err) {
    if ((err as Error).name !== 'TRPCError') throw err;
    return (err as { code: string }).code;
  }
}

const actor = (role: Role, scopes: Partial<Actor['scopes']> = {}): Actor => ({
  id: 1,
  loginName: 'x',
  displayName: 'x',
  role,
  scopes: { regions: [], stations: [], bases: [], ...scopes },
});

describe('who may call what', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  it('the router has the procedures this file knows about', () => {
    expect(PROCEDURES.length).toBeGreaterThanOrEqual(17);
    for (const path of [...PUBLIC, ...ADMIN_ONLY]) expect(PROCEDURES.map((p) => p.path)).toContain(path);
  });

  it('refuses every procedure but the public ones to an anonymous caller, before looking at the input', async () => {
    const anonymous = h.caller(null);
    const results: Record<string, string> = {};
    for (const { path } of PROCEDURES) results[path] = await outcome(callPath(anonymous, path, {}));
    const expected = Object.fromEntries(PROCEDURES.map(({ path }) => [path, 'UNAUTHORIZED']));
    // `{}` is not a valid login: the input is checked, so login is reachable; me answers "nobody"
    expected['auth.session.login'] = 'BAD_REQUEST';
    expected['auth.session.me'] = 'ok';
    expected['system.info'] = 'ok';
    expected['training.qr.checkIn'] = 'BAD_REQUEST'; // a trainee's phone is not logged in: the input is checked
    expected['display.screen'] = 'BAD_REQUEST'; // the wall screen is not logged in: its link's token is checked
    expect(results).toEqual(expected);

    // with a well-formed input the answer is the same: the session is checked first
    expect(await outcome(anonymous.targets.upsert({ year: 2026, regionCode: '370481000000', metricKey: 'active_hosts', value: 1 }))).toBe(
      'UNAUTHORIZED',
    );
    expect(await anonymous.auth.session.me()).toMatchObject({ actor: null, sessionProblem: null });
    const refused = await refusal(h.deps, anonymous.auth.users.list({}));
    expect(refused).toMatchObject({ code: 'UNAUTHORIZED', appCode: 'UNAUTHENTICATED', message: '请先登录。' });
    expect(await refusal(h.deps, anonymous.auth.users.list({}), 'en')).toMatchObject({ message: 'Please log in first.' });
  });

  it.each(NON_ADMIN_ROLES)('refuses exactly the procedures not meant for %s, with FORBIDDEN_ROLE', async (role) => {
    const user = await h.user(role);
    const caller = h.caller(user.actor);
    const forbidden: string[] = [];
    for (const { path } of PROCEDURES) {
      const result = await outcome(callPath(caller, path, {}));
      expect(result, path).not.toBe('UNAUTHORIZED');
      if (result === 'FORBIDDEN') forbidden.push(path);
    }
    expect(forbidden.sort()).toEqual(forbiddenTo(role));
    for (const path of forbiddenTo(role)) {
      const refused = await refusal(h.deps, callPath(caller, path, {}));
      expect(refused, path).toEqual({ code: 'FORBIDDEN', appCode: 'FORBIDDEN_ROLE', params: {}, message: '您的角色无权进行此操作。' });
    }
  });

  it('lets the admin through the role check of every admin procedure', async () => {
    const admin = await h.user('admin');
    const caller = h.caller(admin.actor);
    // regions.import takes no input and would re-run the national import; its role check is the same adminProcedure
    for (const path of ADMIN_ONLY.filter((p) => p !== 'regions.import')) {
      expect(await outcome(callPath(caller, path, {})), path).toMatch(/^(ok|BAD_REQUEST)$/);
    }
  });

  it('over HTTP, every non-admin cookie gets 403 FORBIDDEN_ROLE from every admin procedure', async () => {
    for (const role of NON_ADMIN_ROLES) {
      const user = await h.user(role, { password: 'Correct123' });
      const login = await trpcHttp(h.app, 'auth.session.login', { mutation: true, input: { loginName: user.loginName, password: 'Correct123' } });
      expect(login.status).toBe(200);
      const cookie = cookiePair(login.setCookie);
      for (const { path, type } of PROCEDURES.filter((p) => ADMIN_ONLY.includes(p.path))) {
        const res = await trpcHttp(h.app, path, { cookie, mutation: type === 'mutation', input: {} });
        expect(res.status, `${role} ${path}`).toBe(403);
        expect(res.body.error!.data.appCode, `${role} ${path}`).toBe('FORBIDDEN_ROLE');
      }
    }
  });

  it('a station operator\'s cookie cannot list users', async () => {
    const operator = await h.user('station_operator', { password: 'Correct123', scopes: { stations: ['3'] } });
    const login = await trpcHttp(h.app, 'auth.session.login', { mutation: true, input: { loginName: operator.loginName, password: 'Correct123' } });
    const res = await trpcHttp(h.app, 'auth.users.list', { cookie: cookiePair(login.setCookie), input: {} });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ message: '您的角色无权进行此操作。', data: { code: 'FORBIDDEN', appCode: 'FORBIDDEN_ROLE' } });
    expect(res.body.result).toBeUndefined();
  });

  describe('row scope helpers', () => {
    it('regionPrefix keeps the significant digits of each level', () => {
      expect(regionPrefix('370000000000')).toBe('37');
      expect(regionPrefix('370400000000')).toBe('3704');
      expect(regionPrefix('370481000000')).toBe('370481');
      expect(regionPrefix('370481101000')).toBe('370481101');
      expect(regionPrefix('370481001000')).toBe('370481001');
      expect(regionPrefix('370481101201')).toBe('370481101201');
    });

    it('a coordinator covers the regions beneath their towns and nothing else', () => {
      const coordinator = actor('training_coordinator', { regions: ['370481101000'] });
      expect(regionScope.covers(coordinator, '370481101000')).toBe(true);
      expect(regionScope.covers(coordinator, '370481101201')).toBe(true);
      expect(regionScope.covers(coordinator, '370481102201')).toBe(false);
      expect(regionScope.covers(coordinator, '370481102000')).toBe(false);
      expect(regionScope.covers(coordinator, '370481000000')).toBe(false);
      expect(regionScope.covers(actor('training_coordinator'), '370481101201')).toBe(false);
      const countyWide = actor('training_coordinator', { regions: ['370481000000'] });
      expect(regionScope.covers(countyWide, '370481102201')).toBe(true);
      expect(regionScope.covers(countyWide, '370482100000')).toBe(false);
      expect(() => regionScope.assert(coordinator, '370481102201')).toThrow(
        expect.objectContaining({ code: 'FORBIDDEN_SCOPE', kind: 'FORBIDDEN', params: { kind: 'region' } }),
      );
      expect(() => regionScope.assert(coordinator, '370481101201')).not.toThrow();
    });

    it('admin and staff are unscoped; operators and managers only reach their own stations and bases', () => {
      for (const role of ['admin', 'staff'] as const) {
        expect(regionScope.covers(actor(role), '650102001000')).toBe(true);
        expect(() => stationScope.assert(actor(role), 99)).not.toThrow();
        expect(() => baseScope.assert(actor(role), 99)).not.toThrow();
      }
      const operator = actor('station_operator', { stations: ['17', '18'] });
      expect(() => stationScope.assert(operator, 17)).not.toThrow();
      expect(() => stationScope.assert(operator, '18')).not.toThrow();
      const stationError = (() => {
        try {
          stationScope.assert(operator, 19);
        } catch (err) {
          return err;
        }
      })();
      expect(stationError).toBeInstanceOf(AppError);
      expect(stationError).toMatchObject({ code: 'FORBIDDEN_SCOPE', kind: 'FORBIDDEN', params: { kind: 'station' } });
      // an operator has no bases, whatever the id
      expect(() => baseScope.assert(operator, 17)).toThrow(expect.objectContaining({ code: 'FORBIDDEN_SCOPE', params: { kind: 'base' } }));

      const manager = actor('livestream_manager', { bases: ['5'] });
      expect(() => baseScope.assert(manager, 5)).not.toThrow();
      expect(() => baseScope.assert(manager, 6)).toThrow(expect.objectContaining({ code: 'FORBIDDEN_SCOPE', params: { kind: 'base' } }));
      expect(() => stationScope.assert(manager, 5)).toThrow(expect.objectContaining({ code: 'FORBIDDEN_SCOPE', params: { kind: 'station' } }));
      // a coordinator does not cover stations through its regions
      expect(() => stationScope.assert(actor('training_coordinator', { regions: ['370481000000'] }), 1)).toThrow(
        expect.objectContaining({ code: 'FORBIDDEN_SCOPE' }),
      );
    });
  });

  describe('user administration rules', () => {
    let adminCaller: Caller;
    let adminId: number;
    beforeAll(async () => {
      const admin = await h.user('admin');
      adminId = admin.id;
      adminCaller = h.caller(admin.actor);
    });

    it('gives a coordinator region scopes that exist', async () => {
      const { user } = await adminCaller.auth.users.create({
        loginName: 'coord.hongxu',
        displayName: '洪绪培训专员',
        role: 'training_coordinator',
        password: 'Quanxian#2026',
        scopes: { regions: ['370481102000', '370481101000'] },
      });
      expect(user.scopes).toEqual({ regions: ['370481101000', '370481102000'], stations: [], bases: [] });
      const rows = await h.db.selectFrom('user_scopes').select(['kind', 'ref']).where('user_id', '=', user.id).orderBy('ref').execute();
      expect(rows).toEqual([
        { kind: 'region', ref: '370481101000' },
        { kind: 'region', ref: '370481102000' },
      ]);

      const unknown = await refusal(
        h.deps,
        adminCaller.auth.users.create({ loginName: 'coord.nowhere', displayName: '无', role: 'training_coordinator', scopes: { regions: ['370481999000'] } }),
      );
      expect(unknown).toEqual({
        code: 'BAD_REQUEST',
        appCode: 'USER_SCOPE_REGION_UNKNOWN',
        params: { code: '370481999000' },
        message: '行政区划代码 370481999000 不存在。',
      });
      expect(await h.db.selectFrom('users').select('id').where('login_name', '=', 'coord.nowhere').execute()).toEqual([]);
    });

    it('refuses a scope of the wrong kind for the role, on create and on update', async () => {
      const operatorWithRegion = await refusal(
        h.deps,
        adminCaller.auth.users.create({ loginName: 'op.region', displayName: '站点', role: 'station_operator', scopes: { regions: ['370481101000'] } }),
      );
      expect(operatorWithRegion).toEqual({
        code: 'BAD_REQUEST',
        appCode: 'USER_SCOPE_NOT_ALLOWED',
        params: { role: 'station_operator', kind: 'region' },
        message: '角色“站点运营者”不能分配区划范围。',
      });
      expect(await h.db.selectFrom('users').select('id').where('login_name', '=', 'op.region').execute()).toEqual([]);

      const adminWithStation = await refusal(
        h.deps,
        adminCaller.auth.users.create({ loginName: 'admin.two', displayName: '管理员二', role: 'admin', scopes: { stations: ['1'] } }),
      );
      expect(adminWithStation.appCode).toBe('USER_SCOPE_NOT_ALLOWED');

      const { user } = await adminCaller.auth.users.create({
        loginName: 'op.station',
        displayName: '站点运营',
        role: 'station_operator',
        scopes: { stations: ['12'] },
      });
      expect(user.scopes.stations).toEqual(['12']);
      const update = await refusal(
        h.deps,
        adminCaller.auth.users.update({ id: user.id, displayName: '站点运营', mobile: null, role: 'station_operator', scopes: { regions: ['370481101000'] } }),
      );
      expect(update.appCode).toBe('USER_SCOPE_NOT_ALLOWED');
      expect((await adminCaller.auth.users.get({ id: user.id })).scopes).toEqual({ regions: [], stations: ['12'], bases: [] });
    });

    it('refuses a login name that is taken, whatever its case', async () => {
      await adminCaller.auth.users.create({ loginName: 'taken.name', displayName: '甲', role: 'staff', password: 'Quanxian#2026' });
      const again = await refusal(h.deps, adminCaller.auth.users.create({ loginName: 'Taken.Name', displayName: '乙', role: 'staff' }));
      expect(again).toEqual({
        code: 'CONFLICT',
        appCode: 'USER_LOGIN_TAKEN',
        params: { loginName: 'taken.name' },
        message: '用户名“taken.name”已被使用。',
      });
      const rows = await h.db.selectFrom('users').select('display_name').where('login_name', '=', 'taken.name').execute();
      expect(rows).toEqual([{ display_name: '甲' }]);
    });

    it('an admin cannot disable themselves', async () => {
      const self = await refusal(h.deps, adminCaller.auth.users.setDisabled({ id: adminId, disabled: true }));
      expect(self).toEqual({ code: 'BAD_REQUEST', appCode: 'USER_CANNOT_DISABLE_SELF', params: {}, message: '不能停用自己的账号。' });
      const row = await h.db.selectFrom('users').select('disabled_at').where('id', '=', adminId).executeTakeFirstOrThrow();
      expect(row.disabled_at).toBeNull();
    });

    it('an admin cannot change their own role, so there is always an admin left', async () => {
      const self = await refusal(
        h.deps,
        adminCaller.auth.users.update({ id: adminId, displayName: '管理员', mobile: null, role: 'staff', scopes: {} }),
      );
      expect(self).toMatchObject({ code: 'BAD_REQUEST', appCode: 'USER_CANNOT_CHANGE_OWN_ROLE', message: '不能修改自己的角色，请由其他管理员操作。' });
      const row = await h.db.selectFrom('users').select('role').where('id', '=', adminId).executeTakeFirstOrThrow();
      expect(row.role).toBe('admin');
    });

    it('masks mobiles in the list and shows them whole to the admin editing the user', async () => {
      const { user } = await adminCaller.auth.users.create({
        loginName: 'mobile.owner',
        displayName: '有手机',
        role: 'staff',
        mobile: '+86 138-0000-0001',
      });
      expect(user.mobile).toBe('13800000001');
      const list = await adminCaller.auth.users.list({ filter: { q: 'mobile.owner' } });
      expect(list.total).toBe(1);
      expect(list.items[0].mobile).toBe('138****0001');
      expect((await adminCaller.auth.users.get({ id: user.id })).mobile).toBe('13800000001');
      const stored = await h.db.selectFrom('users').select('mobile').where('id', '=', user.id).executeTakeFirstOrThrow();
      expect(stored.mobile).toBe('13800000001');
    });

    it('creates a user without a password by generating one that logs in and must be changed', async () => {
      const { user, password } = await adminCaller.auth.users.create({ loginName: 'new.hand', displayName: '新人', role: 'staff' });
      expect(password).toMatch(/^[A-Za-z2-9]{12}$/);
      expect(password).toMatch(/[A-Za-z]/);
      expect(password).toMatch(/\d/);
      expect(user.mustChangePassword).toBe(true);
      const login = await trpcHttp(h.app, 'auth.session.login', { mutation: true, input: { loginName: 'new.hand', password } });
      expect(login.status).toBe(200);
      expect(login.body.result!.data).toMatchObject({ mustChangePassword: true, actor: { id: user.id, role: 'staff' } });

      // a password the admin chose is known to the admin too: it must be changed as well
      const given = await adminCaller.auth.users.create({ loginName: 'old.hand', displayName: '老手', role: 'staff', password: 'Gongxi#2026' });
      expect(given).toMatchObject({ password: 'Gongxi#2026', user: { mustChangePassword: true } });

      // until it is changed, the server refuses everything but the change (and logout)
      const cookie = cookiePair(login.setCookie);
      const blocked = await trpcHttp(h.app, 'targets.list', { input: {}, cookie });
      expect(blocked.status).toBe(403);
      expect(blocked.body.error!.data.appCode).toBe('AUTH_PASSWORD_CHANGE_REQUIRED');
      expect(blocked.body.error!.message).toBe('请先修改初始密码，再继续使用。');
      const me = await trpcHttp(h.app, 'auth.session.me', { cookie });
      expect(me.body.result!.data).toMatchObject({ mustChangePassword: true });
      const changed = await trpcHttp(h.app, 'auth.password.change', { mutation: true, input: { currentPassword: password, newPassword: 'MyOwn2026pw' }, cookie });
      expect(changed.status).toBe(200);
      expect((await trpcHttp(h.app, 'targets.list', { input: {}, cookie })).status).toBe(200);
      const weak = await refusal(h.deps, adminCaller.auth.users.create({ loginName: 'weak.one', displayName: '弱', role: 'staff', password: 'abc' }));
      expect(weak.appCode).toBe('AUTH_PASSWORD_TOO_WEAK');
    });
  });
});

/**
 * Issue 10, item 7: every procedure × every role (and nobody), aimed at rows outside the caller's
 * scope (tests/auth/access-scopes.ts declares how, per procedure, on tests/support/two-scopes.ts):
 * a refusal, and no row changed; the same answer whether the row exists or not; lists in scope
 * showing nothing of the other scope. The role lists above say who may call what at all.
 */
describe('row scope: every procedure, every role, aimed outside the scope', () => {
  const jobs = settlingQueue();
  let h: Harness;
  let f: TwoScopes;
  let changes: ChangeLog;
  const SCOPED_ROLES = ['station_operator', 'training_coordinator', 'livestream_manager'] as const;

  beforeAll(async () => {
    h = await createHarness({ queue: jobs.create });
    f = await buildTwoScopes(h);
    await jobs.settle();
    changes = await trackChanges(h.db);
  });
  afterAll(() => h.close());

  /** One call: what it answered (the formatted refusal, when refused) and the tables it changed. */
  async function attempt(caller: Caller, path: string, input: unknown) {
    await jobs.settle();
    const mark = await changes.mark();
    const answer = await callPath(caller, path, input).then(
      (result) => ({ ok: true as const, result }),
      async (err: unknown) => ({ ok: false as const, refusal: await refusal(h.deps, Promise.reject(err)) }),
    );
    await jobs.settle();
    return { answer, changed: await changes.since(mark) };
  }

  /** What a scoped user was shown, as text: a workbook it carries (an export, rejected rows) by its cells. */
  async function shownText(result: unknown): Promise<string> {
    const workbooks: unknown[] = [];
    const text = JSON.stringify(result ?? null, (key, value) => {
      if (key !== 'contentBase64' || typeof value !== 'string') return value;
      workbooks.push(value);
      return `«workbook ${workbooks.length}»`;
    });
    const sheets = await Promise.all(workbooks.map(async (file) => JSON.stringify((await readExport(file as string)).rows)));
    return [text, ...sheets].join('\n');
  }

  const firstInput = (rule: ScopeRule) => ('none' in rule ? {} : rule.checks[0].kind === 'list' ? rule.checks[0].input(f) : rule.checks[0].outside(f));
  const mayCall = (role: Role | null, path: string) => (role === null ? PUBLIC.includes(path) : role === 'admin' || !forbiddenTo(role).includes(path));

  it('every procedure declares its row scope', () => {
    const undeclared = PROCEDURES.map((p) => p.path).filter((path) => !(path in SCOPE_RULES));
    expect(undeclared, 'declare how to aim these outside a scope in tests/auth/access-scopes.ts (SCOPE_RULES)').toEqual([]);
    const stale = Object.keys(SCOPE_RULES).filter((path) => !PROCEDURES.some((p) => p.path === path));
    expect(stale, 'declared in tests/auth/access-scopes.ts but gone from the router').toEqual([]);
  });

  it.each(['nobody', 'admin', 'staff', ...SCOPED_ROLES] as const)('as %s: a procedure not open to the caller is refused and changes nothing', async (who) => {
    const role = who === 'nobody' ? null : who;
    const caller = h.caller(role === null ? null : f.users[role].actor);
    const wrong: string[] = [];
    for (const { path } of PROCEDURES) {
      if (mayCall(role, path) || !SCOPE_RULES[path]) continue;
      const { answer, changed } = await attempt(caller, path, firstInput(SCOPE_RULES[path]));
      const expected = role === null ? 'UNAUTHORIZED' : 'FORBIDDEN';
      if (answer.ok || answer.refusal.code !== expected) wrong.push(`${path}: ${answer.ok ? 'answered' : answer.refusal.appCode}, not ${expected}`);
      if (changed.length) wrong.push(`${path}: changed ${changed.join(', ')}`);
    }
    expect(wrong).toEqual([]);
  });

  it.each(SCOPED_ROLES)('as %s: every row outside the scope is refused, alike whether it exists, and every list holds none of it', async (role) => {
    const caller = h.caller(f.users[role].actor);
    const markers = f.theirMarkers[role];
    const escapes: string[] = [];
    for (const { path } of PROCEDURES) {
      const rule = SCOPE_RULES[path];
      if (!rule || 'none' in rule || !mayCall(role, path)) continue;
      for (const [i, check] of rule.checks.entries()) {
        const at = `${path}#${i + 1} (${check.kind})`;
        if (check.kind === 'target') {
          const outside = await attempt(caller, path, check.outside(f));
          if (outside.answer.ok) escapes.push(`${at}: answered a row outside the scope`);
          else if (!['FORBIDDEN', 'NOT_FOUND'].includes(outside.answer.refusal.code)) escapes.push(`${at}: refused with ${outside.answer.refusal.code} ${outside.answer.refusal.appCode}`);
          if (outside.changed.length) escapes.push(`${at}: changed ${outside.changed.join(', ')}`);
          if (check.missing && !outside.answer.ok) {
            const missing = await attempt(caller, path, check.missing(f));
            if (missing.answer.ok || JSON.stringify(missing.answer.refusal) !== JSON.stringify(outside.answer.refusal)) {
              escapes.push(`${at}: tells an existing row from a missing one (${outside.answer.refusal.appCode} / ${missing.answer.ok ? 'answered' : missing.answer.refusal.appCode})`);
            }
          }
        } else if (check.kind === 'list') {
          const { answer, changed } = await attempt(caller, path, check.input(f));
          // a filter naming a row of theirs may be refused as such; anything else is a wrong declaration
          if (!answer.ok && answer.refusal.appCode !== 'FORBIDDEN_SCOPE') escapes.push(`${at}: refused ${answer.refusal.appCode}`);
          else if (answer.ok) {
            const text = await shownText(answer.result);
            const leaked = markers.filter((m) => text.includes(m));
            if (leaked.length) escapes.push(`${at}: shows ${leaked.join(', ')}`);
          }
          if (changed.length) escapes.push(`${at}: changed ${changed.join(', ')}`);
        } else {
          // the file names a row of theirs, or one that does not exist: the answers must differ only by that name
          const [outsideToken, missingToken] = check.tokens(f);
          const outside = await attempt(caller, path, check.outside(f));
          const missing = await attempt(caller, path, check.missing(f));
          const said = async (a: typeof outside, token: string) => (await shownText(a.answer.ok ? a.answer.result : a.answer.refusal)).split(token).join('«row»');
          const [saidOutside, saidMissing] = [await said(outside, outsideToken), await said(missing, missingToken)];
          if (saidOutside !== saidMissing) escapes.push(`${at}: tells a row outside the scope from a missing one: ${saidOutside.slice(0, 400)} / ${saidMissing.slice(0, 400)}`);
          const leaked = markers.filter((m) => m !== outsideToken && saidOutside.includes(m));
          if (leaked.length) escapes.push(`${at}: shows ${leaked.join(', ')}`);
          for (const a of [outside, missing]) {
            const changed = a.changed.filter((t) => t !== 'import_mappings'); // the caller's own remembered column mapping
            if (changed.length) escapes.push(`${at}: changed ${changed.join(', ')}`);
          }
        }
      }
    }
    expect(escapes).toEqual([]);
  });
});
