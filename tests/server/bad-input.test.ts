import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiToday } from '@cuntong/server/lib/dates';
import { recordAudit } from '@cuntong/server/modules/audit/audit.service';
import { INVALID, parseCount } from '@cuntong/server/modules/livestream/stream-values';
import { addVillages, buildStations, zeroFigures } from '../stations/fixture';
import { courseInput } from '../training/course-fixture';
import { baseInput, hostInput, streamInput, twoBases } from '../livestream/fixture';
import { cookiePair, createHarness, trpcHttp, type Harness } from '../support/harness';
import { refusal } from '../support/refusal';
import { sheetXlsx } from '../support/hostile-xlsx';
import { readExport } from '../support/xlsx';

/**
 * Issue 10, item 15: malformed input gets a 400 in the caller's language, never a 500 — NUL bytes
 * and lone surrogates in any string, ids past int4, days that do not exist, bad scope refs, an
 * unknown procedure or method — and nothing is written. Also: a rule version cannot be dated so far
 * ahead that it blocks every later one, and one still to come can be replaced.
 */
describe('bad input gets a clear answer, never a 500', () => {
  let h: Harness;
  let admin: ReturnType<Harness['caller']>;
  let stations: Awaited<ReturnType<typeof buildStations>>;
  const count = async (table: 'stations' | 'courses' | 'livestream_streams' | 'ledger_entries' | 'users' | 'course_sessions') =>
    Number((await h.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
  const stationFields = { address: null, lat: null, lng: null, phone: null, openedOn: null, services: [], duplicateOverrideReason: null, tier: 'town_station' as const, regionCode: '370481106000', status: 'planned' as const };

  beforeAll(async () => {
    h = await createHarness();
    admin = h.caller((await h.user('admin')).actor);
    await addVillages(h);
    stations = await buildStations(h, admin);
  });
  afterAll(() => h.close());

  describe('text PostgreSQL cannot store', () => {
    it('a NUL in any string is BAD_INPUT naming the field, in Chinese or English, and nothing is written', async () => {
      const before = await count('stations');
      const call = () => admin.stations.create({ ...stationFields, code: 'TZ-T106', name: '西岗\u0000镇服务站', parentId: stations.center.id });
      expect(await refusal(h.deps, call())).toEqual({
        code: 'BAD_REQUEST',
        appCode: 'BAD_INPUT',
        params: { detail: 'name: 含有无法保存的字符（空字符或不成对的代理字符）' },
        message: '输入有误：name: 含有无法保存的字符（空字符或不成对的代理字符）',
      });
      expect((await refusal(h.deps, call(), 'en')).message).toBe('Invalid input: name: contains a character that cannot be stored (NUL or a lone surrogate)');
      expect(await count('stations')).toBe(before);
    });

    it('a lone surrogate, high or low, in a string, an array or an object key is refused; a real pair (an emoji) is kept', async () => {
      const lone = await refusal(h.deps, admin.training.courses.create({ ...courseInput('370481101000', '直播\uD83D带货'), trainers: ['孟老师'] }));
      expect(lone).toMatchObject({ code: 'BAD_REQUEST', appCode: 'BAD_INPUT', params: { detail: 'title: 含有无法保存的字符（空字符或不成对的代理字符）' } });
      const inArray = await refusal(h.deps, admin.training.courses.create({ ...courseInput('370481101000', '直播带货'), trainers: ['孟老师', '\uDC00'] }));
      expect(inArray.params.detail).toBe('trainers.1: 含有无法保存的字符（空字符或不成对的代理字符）');
      // a record's key: the answer names it with U+FFFD, never echoing the lone surrogate
      const inKey = await refusal(
        h.deps,
        admin.stations.export({ list: {}, columns: [{ key: 'status', header: '状态', labels: { ['active\uDC00']: '运营中' } }] }),
      );
      expect(inKey.params.detail).toBe('columns.0.labels.active\uFFFD: 含有无法保存的字符（空字符或不成对的代理字符）');
      expect(await count('courses')).toBe(0);

      const emoji = await admin.training.courses.create(courseInput('370481101000', '直播带货👍'));
      expect(emoji.title).toBe('直播带货👍');
    });

    it('is found at the bottom of a body nested 300,000 deep, at once, and named briefly', async () => {
      let nested: unknown = 'a\u0000';
      for (let i = 0; i < 300_000; i++) nested = [nested];
      const started = performance.now();
      const refused = await refusal(h.deps, admin.stations.get(nested as { id: number }));
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(refused.params.detail).toBe(`${Array(20).fill('0').join('.')}.…: 含有无法保存的字符（空字符或不成对的代理字符）`);
    });

    it('a NUL in the login name is a 400 over HTTP, not a 500', async () => {
      const res = await trpcHttp(h.app, 'auth.session.login', { mutation: true, input: { loginName: 'ad\u0000min', password: 'whatever1' } });
      expect(res.status).toBe(400);
      expect(res.body.error!.data).toMatchObject({ code: 'BAD_REQUEST', appCode: 'BAD_INPUT', params: { detail: 'loginName: 含有无法保存的字符（空字符或不成对的代理字符）' } });
      const attempts = await h.db.selectFrom('login_attempts').select('login_name').execute();
      expect(attempts).toEqual([]);
    });

    it('the audit log stores a NUL or a lone surrogate that reaches it (from a file, say) as U+FFFD', async () => {
      await h.db.transaction().execute((trx) =>
        recordAudit(trx, { id: null, loginName: 'system', ip: null }, {
          entity: 'test',
          entityId: 'row\u0000',
          action: 'import',
          after: { name: '张\uD800三', ['key\uDC00']: ['a\u0000b', '👍'] },
        }),
      );
      const row = await h.db.selectFrom('audit_log').select(['entity_id', 'after']).where('entity', '=', 'test').executeTakeFirstOrThrow();
      expect(row).toEqual({ entity_id: 'row\uFFFD', after: { name: '张\uFFFD三', ['key\uFFFD']: ['a\uFFFDb', '👍'] } });
    });
  });

  describe('ids are positive int4', () => {
    it('an id of 2^31, 0 or −1 is BAD_INPUT; 2^31 − 1 is looked up and not found', async () => {
      for (const id of [2 ** 31, 0, -1, 1.5]) {
        const refused = await refusal(h.deps, admin.stations.get({ id }));
        expect(refused, String(id)).toMatchObject({ code: 'BAD_REQUEST', appCode: 'BAD_INPUT' });
        expect(refused.params.detail, String(id)).toMatch(/^id: /);
      }
      expect(await refusal(h.deps, admin.stations.get({ id: 2 ** 31 - 1 }))).toMatchObject({ code: 'NOT_FOUND', appCode: 'STATION_NOT_FOUND' });
    });

    it('in arrays, in nested references and in versions, and over HTTP a 400', async () => {
      const bulk = await refusal(h.deps, admin.training.attendance.bulkMark({ sessionId: 1, traineeIds: [1, 2 ** 31] }));
      expect(bulk).toMatchObject({ appCode: 'BAD_INPUT' });
      expect(bulk.params.detail).toMatch(/^traineeIds\.1: /);
      const parent = await refusal(h.deps, admin.stations.create({ ...stationFields, code: 'TZ-T106', name: '西岗镇服务站', parentId: 2 ** 40 }));
      expect(parent.params.detail).toMatch(/^parentId: /);
      const version = await refusal(h.deps, admin.stations.setStatus({ id: stations.zhang.id, version: 2 ** 31, status: 'suspended', since: '2026-01-01', reason: '整顿' }));
      expect(version.params.detail).toMatch(/^version: /);

      const user = await h.user('staff', { password: 'Correct123' });
      const cookie = cookiePair((await trpcHttp(h.app, 'auth.session.login', { mutation: true, input: { loginName: user.loginName, password: 'Correct123' } })).setCookie);
      const res = await trpcHttp(h.app, 'stations.get', { cookie, input: { id: 2 ** 31 } });
      expect(res.status).toBe(400);
      expect(res.body.error!.data.appCode).toBe('BAD_INPUT');
    });
  });

  describe('days, months and times that exist', () => {
    it('2026-02-30 is refused everywhere a day goes in, and nothing is stored', async () => {
      const ledger = await refusal(h.deps, admin.stations.ledger.upsert({ ...zeroFigures, stationId: stations.zhang.id, date: '2026-02-30' }));
      expect(ledger).toEqual({
        code: 'BAD_REQUEST',
        appCode: 'BAD_INPUT',
        params: { detail: 'date: 日期格式为 YYYY-MM-DD，且须是真实存在的日期' },
        message: '输入有误：date: 日期格式为 YYYY-MM-DD，且须是真实存在的日期',
      });
      expect((await refusal(h.deps, admin.stations.ledger.upsert({ ...zeroFigures, stationId: stations.zhang.id, date: '2026-02-30' }), 'en')).params.detail).toBe(
        'date: a date is YYYY-MM-DD and must exist',
      );
      expect(await count('ledger_entries')).toBe(0);

      const course = await refusal(h.deps, admin.training.courses.create({ ...courseInput('370481101000', '二月课'), plannedStart: '2026-02-30' }));
      expect(course.params.detail).toMatch(/^plannedStart: 日期格式为 YYYY-MM-DD/);
      const spot = await refusal(h.deps, admin.training.conversion.spotCheck.sample({ from: '2026-04-31', to: '2026-05-01', n: 5, seed: 'x' }));
      expect(spot.params.detail).toMatch(/^from: /);
      const audit = await refusal(h.deps, admin.audit.log.list({ filter: { from: '2026-02-30T00:00:00+08:00' } }));
      expect(audit.params.detail).toMatch(/^filter\.from: /);
      // a leap day that exists is taken
      expect((await admin.training.courses.create({ ...courseInput('370481101000', '闰日课'), plannedStart: '2028-02-29', plannedEnd: '2028-02-29' })).plannedStart).toBe('2028-02-29');
    });

    it('a stream started on 2026-02-30 is refused, not stored as 2 March (as it was)', async () => {
      const { staff, hongxu } = await twoBases(h);
      const { host } = await staff.livestream.hosts.create(hostInput(hongxu.id, '主播甲', '13900001111'));
      const refused = await refusal(h.deps, staff.livestream.streams.create(streamInput(host.id, { startDate: '2026-02-30' })));
      expect(refused).toMatchObject({ code: 'BAD_REQUEST', appCode: 'BAD_INPUT', params: { detail: 'startDate: 日期格式为 YYYY-MM-DD，且须是真实存在的日期' } });
      expect(await count('livestream_streams')).toBe(0);
    });

    it('a platform export with a count past what the integer columns hold is a row problem, not a 500 at commit', async () => {
      expect([parseCount(3e9), parseCount('30亿'), parseCount('2147483647')]).toEqual([INVALID, INVALID, 2147483647]);
      const base = await admin.livestream.bases.create(baseInput('大数直播基地'));
      const manager = h.caller((await h.user('livestream_manager', { scopes: { bases: [String(base.id)] } })).actor);
      await admin.livestream.hosts.create(hostInput(base.id, '主播乙', '13900002222', [{ platform: 'taobao', accountId: 'big-viewers' }]));
      const file = sheetXlsx([
        ['主播ID', '开播时间', '直播时长', '观看人数'],
        ['big-viewers', `${addDays(shanghaiToday(), -1)} 20:00:00`, '01:00:00', '9000000000'],
      ]).toString('base64');
      const input = { fileBase64: file, fileName: 'taobao.xlsx', platform: 'taobao' as const };
      const preview = await manager.livestream.import.preview(input);
      expect(preview.rows.items[0]).toMatchObject({ status: 'problem', problems: [{ field: 'viewers', code: 'IMPORT_CELL_INVALID' }] });
      expect(await refusal(h.deps, manager.livestream.import.commit({ ...input, mode: 'all_or_nothing' }))).toMatchObject({ code: 'BAD_REQUEST', appCode: 'IMPORT_INVALID' });
      expect(await count('livestream_streams')).toBe(0);
    });

    it('months past 12 and times past 23:59 are refused', async () => {
      const month = await refusal(h.deps, admin.stations.ledger.month({ stationId: stations.zhang.id, month: '2026-13' }));
      expect(month.params.detail).toBe('month: 月份格式为 YYYY-MM');
      const course = await admin.training.courses.create(courseInput('370481101000', '时间课'));
      const time = await refusal(h.deps, admin.training.sessions.add({ courseId: course.id, date: '2026-11-20', startsAt: '24:00', endsAt: '25:30', venue: null }));
      expect(time.params.detail).toBe('startsAt: 时间格式为 HH:MM; endsAt: 时间格式为 HH:MM');
      expect(await count('course_sessions')).toBe(0);
    });
  });

  it("an empty or non-numeric station or base id in a user's scopes is BAD_INPUT, and no user is created", async () => {
    const before = await count('users');
    const attempts: ['station_operator' | 'livestream_manager', { stations?: string[]; bases?: string[] }][] = [
      ['station_operator', { stations: [''] }],
      ['station_operator', { stations: ['abc'] }],
      ['station_operator', { stations: ['0'] }],
      ['station_operator', { stations: ['2147483648'] }],
      ['livestream_manager', { bases: ['1 '] }],
    ];
    for (const [role, scopes] of attempts) {
      const refused = await refusal(h.deps, admin.auth.users.create({ loginName: 'scoped.user', displayName: '范围', role, scopes }));
      expect(refused, JSON.stringify(scopes)).toMatchObject({ code: 'BAD_REQUEST', appCode: 'BAD_INPUT' });
      expect(refused.params.detail, JSON.stringify(scopes)).toMatch(/^scopes\.(stations|bases)\.0: 编号/);
    }
    expect(await count('users')).toBe(before);
    const ok = await admin.auth.users.create({ loginName: 'scoped.user', displayName: '范围', role: 'station_operator', scopes: { stations: [String(stations.zhang.id)] } });
    expect(ok.user.scopes.stations).toEqual([String(stations.zhang.id)]);
  });

  it('a ledger sheet with a figure past what a day may hold is a row problem in the preview and refused at commit, not a 500', async () => {
    const file = sheetXlsx([
      ['站点编码', '日期', '收件', '快递收入'],
      [stations.zhang.code, '2026-11-02', '200000', '1'],
      [stations.zhang.code, '2026-11-03', '1', '100000001'],
    ]).toString('base64');
    const input = { fileBase64: file, mapping: { stationCode: '站点编码', date: '日期', parcelsIn: '收件', incomeParcelFen: '快递收入' } };
    const preview = await admin.stations.ledger.import.preview(input);
    expect(preview.problems).toEqual([
      { row: 2, field: 'parcelsIn', message: '“收件”的值“200000”无效。' },
      { row: 3, field: 'incomeParcelFen', message: '“快递收入”的值“100000001”无效。' },
    ]);
    expect(await refusal(h.deps, admin.stations.ledger.import.commit(input))).toMatchObject({ code: 'BAD_REQUEST', appCode: 'IMPORT_INVALID' });
    expect(await count('ledger_entries')).toBe(0);
  });

  it('an export named with a quote at either end (which Excel refuses) is written, not a 500', async () => {
    const file = await admin.stations.export({ list: {}, columns: [{ key: 'name', header: '名称' }], sheetName: "'站点'" });
    expect((await readExport(file.contentBase64)).name).toBe('站点');
  });

  it("zod's own messages come in the caller's language", async () => {
    const zh = await refusal(h.deps, admin.stations.get({ id: 'x' as unknown as number }));
    expect(zh.params.detail).toBe('id: 无效输入：期望 数字，实际接收 string');
    const en = await refusal(h.deps, admin.stations.get({ id: 'x' as unknown as number }), 'en');
    expect(en.params.detail).toBe('id: Invalid input: expected number, received string');
  });

  it('an unknown procedure answers 404 and a wrong method 405, neither saying "server error"', async () => {
    const missing = await trpcHttp(h.app, 'stations.nothingHere', { input: {} });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ message: '请求的接口不存在，请刷新页面后再试。', data: { code: 'NOT_FOUND', appCode: 'PROCEDURE_NOT_FOUND' } });
    const english = await trpcHttp(h.app, 'nothing', { input: {}, headers: { 'x-cuntong-lang': 'en' } });
    expect(english.body.error!.message).toBe('No such API call: please reload the page and try again.');
    const get = await trpcHttp(h.app, 'auth.session.login', { input: { loginName: 'admin', password: 'x' } });
    expect(get.status).toBe(405);
    expect(get.body.error).toMatchObject({ message: '请求方式不正确：查询用 GET，修改用 POST。', data: { code: 'METHOD_NOT_SUPPORTED', appCode: 'METHOD_NOT_SUPPORTED' } });
  });

  describe('rule versions', () => {
    const rule = { windowDays: 30, minStreams: 5, minMinutes: 30 };
    const today = shanghaiToday();

    it('a version may not take effect more than a year ahead: 2999-12-31 is refused and nothing is stored', async () => {
      const far = await refusal(h.deps, admin.livestream.metrics.rule.create({ ...rule, effectiveFrom: '2999-12-31' }));
      expect(far).toEqual({
        code: 'BAD_REQUEST',
        appCode: 'RULE_EFFECTIVE_TOO_FAR',
        params: { date: '2999-12-31', latest: addDays(today, 365) },
        message: `生效日期 2999-12-31 太远：新版本最晚从 ${addDays(today, 365)}（一年之内）生效。`,
      });
      const justPast = await refusal(h.deps, admin.livestream.metrics.rule.create({ ...rule, effectiveFrom: addDays(today, 366) }));
      expect(justPast.appCode).toBe('RULE_EFFECTIVE_TOO_FAR');
      expect((await admin.livestream.metrics.rule.list()).map((v) => v.version)).toEqual([1]);
    });

    it('a version still to come is replaced by a newer one dated on or before it; the one in force stays', async () => {
      const pending = await admin.livestream.metrics.rule.create({ ...rule, effectiveFrom: addDays(today, 365) });
      expect(pending).toMatchObject({ rule: { version: 2, inForce: false }, withdrawn: [] });
      const later = await admin.livestream.metrics.rule.create({ ...rule, minStreams: 6, effectiveFrom: addDays(today, 100) });
      expect(later).toMatchObject({ rule: { version: 3, effectiveFrom: addDays(today, 100), inForce: false }, withdrawn: [2] });
      const now = await admin.livestream.metrics.rule.create({ ...rule, minStreams: 4, effectiveFrom: today });
      expect(now).toMatchObject({ rule: { version: 4, inForce: true }, withdrawn: [3] });
      expect((await admin.livestream.metrics.rule.list()).map((v) => [v.version, v.effectiveFrom, v.inForce])).toEqual([
        [4, today, true],
        [1, '2000-01-01', false],
      ]);
      // history is restated only forward: before the version in force is still refused
      const early = await refusal(h.deps, admin.livestream.metrics.rule.create({ ...rule, effectiveFrom: addDays(today, -1) }));
      expect(early).toMatchObject({ appCode: 'LIVESTREAM_RULE_EFFECTIVE_TOO_EARLY', params: { current: today } });
      const audit = await h.db.selectFrom('audit_log').select(['entity_id', 'action']).where('entity', '=', 'rule_version').orderBy('id').execute();
      expect(audit).toEqual([
        { entity_id: 'livestream.active_host:2', action: 'create' },
        { entity_id: 'livestream.active_host:2', action: 'withdraw' },
        { entity_id: 'livestream.active_host:3', action: 'create' },
        { entity_id: 'livestream.active_host:3', action: 'withdraw' },
        { entity_id: 'livestream.active_host:4', action: 'create' },
      ]);
    });
  });
});
