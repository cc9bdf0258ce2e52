import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookiePair, createHarness, trpcHttp, type Harness } from '../support/harness';
import { refusal } from '../support/refusal';
import { readExport } from '../support/xlsx';
import { addVillages } from '../stations/fixture';
import { computeLivestreamMetrics } from '@cuntong/server/modules/livestream/livestream.metrics';
import { baseInput, hostInput, HONGXU, OTHER_COUNTY_TOWN, streamInput, twoBases } from './fixture';

const FULL_MOBILE = /(?<!\d)1[3-9]\d{9}(?!\d)/;

describe('livestream: bases and hosts', () => {
  let h: Harness;
  let ctx: Awaited<ReturnType<typeof twoBases>>;

  beforeAll(async () => {
    h = await createHarness();
    await addVillages(h);
    ctx = await twoBases(h);
  });
  afterAll(() => h.close());

  it('staff create and edit bases (optimistic version); a manager lists only their own and may not write bases', async () => {
    const { staff, manager, hongxu, nanshahe } = ctx;
    expect(await staff.livestream.bases.get({ id: hongxu.id })).toMatchObject({ name: '洪绪直播基地', regionCode: HONGXU, regionName: '洪绪镇', rooms: 6, capacity: 40, status: 'active', version: 1, managers: [ctx.managerUser.displayName] });
    const edited = await staff.livestream.bases.update({ ...baseInput('南沙河直播基地', nanshahe.regionCode), rooms: 8, id: nanshahe.id, version: nanshahe.version, status: 'paused' });
    expect(edited).toMatchObject({ rooms: 8, status: 'paused', version: 2 });
    const stale = await refusal(h.deps, staff.livestream.bases.update({ ...baseInput('南沙河直播基地'), id: nanshahe.id, version: 1, status: 'active' }));
    expect(stale).toMatchObject({ code: 'CONFLICT', appCode: 'LIVESTREAM_BASE_VERSION_CONFLICT' });
    // a town of another county, or a village, is not a place for a base; names are unique
    expect(await refusal(h.deps, staff.livestream.bases.create(baseInput('外县基地', OTHER_COUNTY_TOWN)))).toMatchObject({ appCode: 'LIVESTREAM_BASE_REGION_INVALID' });
    expect(await refusal(h.deps, staff.livestream.bases.create(baseInput('村里基地', '370481101201')))).toMatchObject({ appCode: 'LIVESTREAM_BASE_REGION_INVALID' });
    const taken = await refusal(h.deps, staff.livestream.bases.create(baseInput('洪绪直播基地')), 'en');
    expect(taken).toMatchObject({ code: 'CONFLICT', appCode: 'LIVESTREAM_BASE_NAME_TAKEN' });
    expect(taken.message).toContain('洪绪直播基地');

    const mine = await manager.livestream.bases.list({});
    expect(mine.items.map((b) => b.name)).toEqual(['洪绪直播基地']);
    expect((await manager.livestream.bases.options()).map((b) => b.id)).toEqual([hongxu.id]);
    expect((await staff.livestream.bases.options()).map((b) => b.name).sort()).toEqual(['南沙河直播基地', '洪绪直播基地'].sort());
    expect(await refusal(h.deps, manager.livestream.bases.get({ id: nanshahe.id }))).toMatchObject({ code: 'FORBIDDEN', appCode: 'FORBIDDEN_SCOPE' });
    expect(await refusal(h.deps, manager.livestream.bases.update({ ...baseInput('洪绪直播基地'), id: hongxu.id, version: hongxu.version, status: 'closed' }))).toMatchObject({
      code: 'FORBIDDEN',
      appCode: 'FORBIDDEN_ROLE',
    });

    const file = await manager.livestream.bases.export({
      list: { page: 1, pageSize: 20 },
      columns: [
        { key: 'name', header: '基地名称' },
        { key: 'regionName', header: '所在镇' },
        { key: 'status', header: '状态', labels: { active: '运营中', paused: '暂停', closed: '已关闭' } },
        { key: 'hostCount', header: '主播数' },
      ],
      sheetName: '直播基地',
    });
    const sheet = await readExport(file.contentBase64);
    expect(sheet.name).toBe('直播基地');
    expect(sheet.rows).toEqual([
      ['基地名称', '所在镇', '状态', '主播数'],
      ['洪绪直播基地', '洪绪镇', '运营中', expect.any(Number)],
    ]);
  });

  it('a user form can scope a base manager only to bases that exist', async () => {
    const admin = h.caller((await h.user('admin')).actor);
    const made = await admin.auth.users.create({ loginName: 'wang.base', displayName: '王基地', role: 'livestream_manager', password: 'Zhibo#20261', scopes: { bases: [String(ctx.nanshahe.id)] } });
    expect(made.user.scopes.bases).toEqual([String(ctx.nanshahe.id)]);
    const missing = await refusal(h.deps, admin.auth.users.create({ loginName: 'ghost.base', displayName: '无基地', role: 'livestream_manager', scopes: { bases: ['999999'] } }));
    expect(missing).toMatchObject({ code: 'BAD_REQUEST', appCode: 'USER_SCOPE_BASE_UNKNOWN' });
    expect(await h.db.selectFrom('users').select('id').where('login_name', '=', 'ghost.base').execute()).toHaveLength(0);
  });

  it('creates a host with a normalised mobile and accounts, lists them masked, and refuses bad mobiles and taken accounts', async () => {
    const { manager, hongxu } = ctx;
    const created = await manager.livestream.hosts.create({
      ...hostInput(hongxu.id, ' 孙 丽 ', '+86 138-0013-8000', [
        { platform: 'taobao', accountId: 'tb_sunli', handle: '丽姐农家' },
        { platform: 'douyin', accountId: 'dy123456' },
      ]),
      villageCode: '370481101201',
    });
    expect(created.host).toMatchObject({ name: '孙 丽', mobile: '13800138000', mobileVisible: true, baseName: '洪绪直播基地', villageName: '张庄村', platforms: ['douyin', 'taobao'], trained: false });
    expect(created.accounts.map((a) => [a.platform, a.accountId, a.handle])).toEqual([
      ['douyin', 'dy123456', null],
      ['taobao', 'tb_sunli', '丽姐农家'],
    ]);
    const row = await h.db.selectFrom('livestream_hosts').select('mobile').where('id', '=', created.host.id).executeTakeFirstOrThrow();
    expect(row.mobile).toBe('13800138000');

    const bad = await refusal(h.deps, manager.livestream.hosts.create(hostInput(hongxu.id, '王五', '1234')));
    expect(bad).toMatchObject({ code: 'BAD_REQUEST', appCode: 'LIVESTREAM_HOST_MOBILE_INVALID' });
    expect(bad.message).toContain('不是有效的大陆手机号');
    // the same person again, typed another way
    expect(await refusal(h.deps, manager.livestream.hosts.create(hostInput(hongxu.id, '孙丽', '８６１３８００１３８０００')))).toMatchObject({ code: 'CONFLICT', appCode: 'LIVESTREAM_HOST_MOBILE_TAKEN' });
    // an account of another host: a clear error, and nothing written
    const dup = await refusal(h.deps, manager.livestream.hosts.create(hostInput(hongxu.id, '周杰', '13900001234', [{ platform: 'douyin', accountId: 'dy123456' }])), 'en');
    expect(dup).toMatchObject({ code: 'CONFLICT', appCode: 'LIVESTREAM_ACCOUNT_TAKEN' });
    expect(dup.message).toContain('dy123456');
    expect(await h.db.selectFrom('livestream_hosts').select('id').where('mobile', '=', '13900001234').execute()).toHaveLength(0);
    expect(await refusal(h.deps, manager.livestream.hosts.create(hostInput(hongxu.id, '周杰', '13900001234', [{ platform: 'kuaishou', accountId: 'k1' }, { platform: 'kuaishou', accountId: 'k1' }])))).toMatchObject({
      appCode: 'LIVESTREAM_ACCOUNT_REPEATED',
    });

    // edit: drop one account, rename another, add a third — in one save
    const taobao = created.accounts.find((a) => a.platform === 'taobao')!;
    const edited = await manager.livestream.hosts.update({
      ...hostInput(hongxu.id, '孙丽', '13800138000', [
        { id: taobao.id, platform: 'taobao', accountId: 'tb_sunli_2', handle: '丽姐' },
        { platform: 'wechat_channels', accountId: 'sph_sunli' },
      ]),
      villageCode: '370481101201',
      id: created.host.id,
      version: created.host.version,
      mobile: undefined,
    });
    expect(edited.host).toMatchObject({ name: '孙丽', version: 2, platforms: ['taobao', 'wechat_channels'] });
    expect(edited.accounts.find((a) => a.platform === 'taobao')).toMatchObject({ id: taobao.id, accountId: 'tb_sunli_2', handle: '丽姐' });
    // the douyin account is free again
    const other = await manager.livestream.hosts.create(hostInput(hongxu.id, '周杰', '13900001234', [{ platform: 'douyin', accountId: 'dy123456' }]));
    expect(other.accounts).toHaveLength(1);
    // a taken account in an edit leaves the host as it was
    const clash = await refusal(h.deps, manager.livestream.hosts.update({ ...hostInput(hongxu.id, '周杰改', '13900001234', [{ platform: 'taobao', accountId: 'tb_sunli_2' }]), id: other.host.id, version: other.host.version }));
    expect(clash.appCode).toBe('LIVESTREAM_ACCOUNT_TAKEN');
    expect((await manager.livestream.hosts.get({ id: other.host.id })).host).toMatchObject({ name: '周杰', version: 1, platforms: ['douyin'] });

    // the list: filters, masked mobiles
    const list = await manager.livestream.hosts.list({ filter: { q: '8000' } });
    expect(list.items.map((i) => [i.name, i.mobile])).toEqual([['孙丽', '138****8000']]);
    expect(JSON.stringify((await manager.livestream.hosts.list({})).items)).not.toMatch(FULL_MOBILE);
    expect((await manager.livestream.hosts.list({ filter: { platform: 'wechat_channels' } })).items.map((i) => i.name)).toEqual(['孙丽']);
    expect((await manager.livestream.hosts.list({ filter: { q: '周' } })).items.map((i) => i.name)).toEqual(['周杰']);
    expect((await manager.livestream.hosts.list({ filter: { trained: true } })).total).toBe(0);
    // sorted by last stream (never streamed last), by name
    await manager.livestream.streams.create(streamInput(other.host.id));
    expect((await manager.livestream.hosts.list({ sort: { key: 'lastStream', order: 'desc' } })).items.map((i) => [i.name, i.lastStreamAt])).toEqual([
      ['周杰', '2026-11-20T11:30:00.000Z'],
      ['孙丽', null],
    ]);
    const byName = async (order: 'asc' | 'desc') => (await manager.livestream.hosts.list({ sort: { key: 'name', order } })).items.map((i) => i.name);
    expect(await byName('asc')).toEqual([...(await byName('desc'))].reverse());
    expect((await ctx.staff.livestream.bases.list({ sort: { key: 'hostCount', order: 'desc' } })).items.map((b) => [b.name, b.hostCount])).toEqual([
      ['洪绪直播基地', 2],
      ['南沙河直播基地', 0],
    ]);
    // bureau staff see the profile mobile masked
    expect((await ctx.staff.livestream.hosts.get({ id: other.host.id })).host).toMatchObject({ mobile: '139****1234', mobileVisible: false });

    const file = await manager.livestream.hosts.export({
      list: { page: 1, pageSize: 20, sort: { key: 'name', order: 'asc' } },
      columns: [
        { key: 'name', header: '姓名' },
        { key: 'mobile', header: '手机号' },
        { key: 'platforms', header: '平台', labels: { taobao: '淘宝直播', douyin: '抖音', wechat_channels: '视频号' } },
        { key: 'trained', header: '本地培训', labels: { true: '是', false: '否' } },
      ],
      sheetName: '主播',
    });
    const sheet = await readExport(file.contentBase64);
    expect(sheet.rows[0]).toEqual(['姓名', '手机号', '平台', '本地培训']);
    expect(sheet.rows.slice(1)).toEqual(
      expect.arrayContaining([
        ['孙丽', '138****8000', '淘宝直播、视频号', '否'],
        ['周杰', '139****1234', '抖音', '否'],
      ]),
    );
    expect(JSON.stringify(sheet.rows)).not.toMatch(FULL_MOBILE);
  });

  it('suggests the trainee with the same mobile (not a merged one) to the bureau only; the bureau links, audited, and the manager then sees the link', async () => {
    const { manager, staff, hongxu } = ctx;
    const [kept] = await h.db.insertInto('trainees').values({ name: '赵敏', mobile: '13700007777', name_initials: 'zm', village_code: '370481101202' }).returning('id').execute();
    // a merged record under another mobile points to the kept one
    await h.db.insertInto('trainees').values({ name: '赵敏', mobile: '13600006666', name_initials: 'zm', merged_into_id: kept.id, merged_at: new Date() }).execute();
    const [stranger] = await h.db.insertInto('trainees').values({ name: '陌生人', mobile: '13500005555', name_initials: 'msr' }).returning('id').execute();

    // a base manager typing a trainee's mobile learns nothing of that trainee: no name, no village
    const host = await manager.livestream.hosts.create(hostInput(hongxu.id, '小赵', '136 0000 6666'));
    expect(host).toMatchObject({ trainee: null, suggestion: null });
    expect(JSON.stringify(host)).not.toMatch(/赵敏|王楼村|7777/);
    expect((await manager.livestream.hosts.get({ id: host.host.id })).suggestion).toBeNull();
    // the bureau, who sees every trainee, gets the suggestion to confirm
    expect((await staff.livestream.hosts.get({ id: host.host.id })).suggestion).toEqual({ id: kept.id, name: '赵敏', mobile: '137****7777', villageName: '王楼村' });
    const noMatch = await staff.livestream.hosts.create(hostInput(hongxu.id, '钱多', '13300003333'));
    expect(noMatch.suggestion).toBeNull();

    // linking is the bureau's: a manager may neither link nor unlink, and nothing changes
    expect(await refusal(h.deps, manager.livestream.hosts.linkTrainee({ hostId: host.host.id, traineeId: kept.id }))).toMatchObject({ code: 'FORBIDDEN', appCode: 'FORBIDDEN_ROLE' });
    expect(await refusal(h.deps, manager.livestream.hosts.unlinkTrainee({ hostId: host.host.id }))).toMatchObject({ code: 'FORBIDDEN', appCode: 'FORBIDDEN_ROLE' });
    expect(await h.db.selectFrom('livestream_hosts').select(['trainee_id', 'version']).where('id', '=', host.host.id).executeTakeFirstOrThrow()).toEqual({ trainee_id: null, version: 1 });

    const linked = await staff.livestream.hosts.linkTrainee({ hostId: host.host.id, traineeId: kept.id });
    expect(linked.host).toMatchObject({ trained: true, traineeId: kept.id, traineeLinkedBy: ctx.staffUser.displayName });
    expect(linked.trainee).toMatchObject({ id: kept.id, name: '赵敏' });
    expect(linked.suggestion).toBeNull();
    const audit = await h.db.selectFrom('audit_log').selectAll().where('entity', '=', 'livestream_host').where('entity_id', '=', String(host.host.id)).where('action', '=', 'link_trainee').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_user_id: ctx.staffUser.id, before: { traineeId: null }, after: { traineeId: kept.id, traineeName: '赵敏' } });
    // once the bureau has confirmed it, the manager sees the linked trainee (masked mobile)
    const seen = await manager.livestream.hosts.get({ id: host.host.id });
    expect(seen.trainee).toEqual({ id: kept.id, name: '赵敏', mobile: '137****7777', villageName: '王楼村' });
    expect((await manager.livestream.hosts.list({ filter: { trained: true } })).items.map((i) => i.name)).toEqual(['小赵']);

    // a trainee is one host
    expect(await refusal(h.deps, staff.livestream.hosts.linkTrainee({ hostId: noMatch.host.id, traineeId: kept.id }))).toMatchObject({ appCode: 'LIVESTREAM_TRAINEE_LINKED_ELSEWHERE' });
    const picked = await staff.livestream.hosts.linkTrainee({ hostId: noMatch.host.id, traineeId: stranger.id });
    expect(picked.trainee?.id).toBe(stranger.id);
    const unlinked = await staff.livestream.hosts.unlinkTrainee({ hostId: noMatch.host.id });
    expect(unlinked.host.trained).toBe(false);
    expect(await h.db.selectFrom('audit_log').select('action').where('entity_id', '=', String(noMatch.host.id)).where('action', 'in', ['link_trainee', 'unlink_trainee']).orderBy('id').execute()).toEqual([
      { action: 'link_trainee' },
      { action: 'unlink_trainee' },
    ]);
  });

  it("a mobile or account of another base's host is neither named nor confirmed; within the manager's bases it is", async () => {
    const { manager, staff, hongxu, nanshahe } = ctx;
    const elsewhere = await staff.livestream.hosts.create(hostInput(nanshahe.id, '南沙河的王芳', '13100004444', [{ platform: 'douyin', accountId: 'dy_wangfang' }]));
    const mine = await manager.livestream.hosts.create(hostInput(hongxu.id, '洪绪的李强', '13100005555', [{ platform: 'kuaishou', accountId: 'ks_liqiang' }]));
    const hostCount = async () => Number((await h.db.selectFrom('livestream_hosts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const before = await hostCount();

    // another base's host's mobile: one refusal that says nothing of that host, nor that it is a host
    const mobile = await refusal(h.deps, manager.livestream.hosts.create(hostInput(hongxu.id, '重名', '131 0000 4444')));
    expect(mobile).toMatchObject({ code: 'CONFLICT', appCode: 'LIVESTREAM_HOST_MOBILE_UNAVAILABLE', params: {} });
    expect(mobile.message).toBe('该手机号无法登记为本基地主播，请联系商务局。');
    // the same through an edit of their own host
    const edit = await refusal(h.deps, manager.livestream.hosts.update({ ...hostInput(hongxu.id, '洪绪的李强', '13100004444'), id: mine.host.id, version: mine.host.version }));
    expect([edit.appCode, edit.message]).toEqual(['LIVESTREAM_HOST_MOBILE_UNAVAILABLE', mobile.message]);
    // another base's host's account: the same, with only the account the manager typed
    const account = await refusal(h.deps, manager.livestream.hosts.create(hostInput(hongxu.id, '新主播', '13100006666', [{ platform: 'douyin', accountId: 'dy_wangfang' }])));
    expect(account).toMatchObject({ code: 'CONFLICT', appCode: 'LIVESTREAM_ACCOUNT_UNAVAILABLE', params: { accountId: 'dy_wangfang' } });
    expect(account.message).toBe('平台账号“dy_wangfang”无法登记给本基地主播，请联系商务局。');
    for (const refused of [mobile, edit, account]) expect(JSON.stringify(refused)).not.toMatch(/王芳|南沙河/);

    // within the manager's own base a duplicate is named, so they can find it
    const own = await refusal(h.deps, manager.livestream.hosts.create(hostInput(hongxu.id, '又一个李强', '13100005555')));
    expect(own).toMatchObject({ appCode: 'LIVESTREAM_HOST_MOBILE_TAKEN', params: { host: '洪绪的李强', base: '洪绪直播基地' } });
    expect(own.message).toBe('该手机号已登记为洪绪直播基地的主播“洪绪的李强”，同一人只登记一次。');
    const ownAccount = await refusal(h.deps, manager.livestream.hosts.create(hostInput(hongxu.id, '新主播', '13100006666', [{ platform: 'kuaishou', accountId: 'ks_liqiang' }])));
    expect(ownAccount.message).toBe('平台账号“ks_liqiang”已属于洪绪直播基地的主播“洪绪的李强”。');
    // the bureau sees every base: named to them
    expect((await refusal(h.deps, staff.livestream.hosts.create(hostInput(hongxu.id, '重名', '13100004444')))).params).toMatchObject({ host: '南沙河的王芳', base: '南沙河直播基地' });

    // nothing was written by any of them
    expect(await hostCount()).toBe(before);
    expect(await h.db.selectFrom('livestream_hosts').select(['mobile', 'version']).where('id', '=', mine.host.id).executeTakeFirstOrThrow()).toEqual({ mobile: '13100005555', version: 1 });
    expect(await h.db.selectFrom('livestream_accounts').select('host_id').where('account_id', '=', 'dy_wangfang').execute()).toEqual([{ host_id: elsewhere.host.id }]);
  });

  it("over raw HTTP, a manager of one base can neither read nor write another base's hosts or streams", async () => {
    const { staff, hongxu, nanshahe } = ctx;
    const foreignHost = await staff.livestream.hosts.create(hostInput(nanshahe.id, '南沙河主播', '13100001111', [{ platform: 'taobao', accountId: 'tb_nsh' }]));
    const foreignStream = await staff.livestream.streams.create(streamInput(foreignHost.host.id));
    const ownHost = await staff.livestream.hosts.create(hostInput(hongxu.id, '洪绪主播', '13100002222'));
    const ownStream = await staff.livestream.streams.create(streamInput(ownHost.host.id));

    const login = await trpcHttp(h.app, 'auth.session.login', { mutation: true, input: { loginName: 'liu.yang', password: 'Zhibo#2026' } });
    expect(login.status).toBe(200);
    const cookie = cookiePair(login.setCookie);

    // lists hold only their own base's rows
    const hosts = await trpcHttp(h.app, 'livestream.hosts.list', { cookie, input: { pageSize: 200 } });
    expect(hosts.status).toBe(200);
    const hostNames = hosts.body.result!.data.items.map((i: { name: string }) => i.name);
    expect(hostNames).toContain('洪绪主播');
    expect(hostNames).not.toContain('南沙河主播');
    expect(hosts.body.result!.data.items.every((i: { baseId: number }) => i.baseId === hongxu.id)).toBe(true);
    const streams = await trpcHttp(h.app, 'livestream.streams.list', { cookie, input: { pageSize: 200 } });
    const streamItems: { id: number; baseId: number }[] = streams.body.result!.data.items;
    expect(streamItems.map((s) => s.id)).toContain(ownStream.stream.id);
    expect(streamItems.map((s) => s.id)).not.toContain(foreignStream.stream.id);
    expect(streamItems.every((s) => s.baseId === hongxu.id)).toBe(true);
    const bases = await trpcHttp(h.app, 'livestream.bases.list', { cookie, input: {} });
    expect(bases.body.result!.data.items.map((b: { id: number }) => b.id)).toEqual([hongxu.id]);

    const forbidden: [string, unknown, boolean][] = [
      ['livestream.hosts.get', { id: foreignHost.host.id }, false],
      ['livestream.hosts.list', { filter: { baseId: nanshahe.id } }, false],
      ['livestream.streams.list', { filter: { baseId: nanshahe.id } }, false],
      ['livestream.bases.get', { id: nanshahe.id }, false],
      ['livestream.streams.get', { id: foreignStream.stream.id }, false],
      ['livestream.hosts.create', hostInput(nanshahe.id, '越权主播', '13100003333'), true],
      ['livestream.hosts.update', { ...hostInput(nanshahe.id, '改名', '13100001111'), id: foreignHost.host.id, version: foreignHost.host.version }, true],
      // moving their own host into another base
      ['livestream.hosts.update', { ...hostInput(nanshahe.id, '洪绪主播', '13100002222'), id: ownHost.host.id, version: ownHost.host.version }, true],
      ['livestream.streams.create', streamInput(foreignHost.host.id, { startTime: '08:00' }), true],
      ['livestream.streams.update', { ...streamInput(foreignHost.host.id), id: foreignStream.stream.id, durationMinutes: 1 }, true],
      // moving their own stream onto another base's host
      ['livestream.streams.update', { ...streamInput(foreignHost.host.id, { startTime: '06:00' }), id: ownStream.stream.id }, true],
      ['livestream.streams.delete', { id: foreignStream.stream.id }, true],
    ];
    // ids that exist nowhere get exactly the same answer as another base's: nothing to probe
    const NONE = 999_999;
    forbidden.push(
      ['livestream.hosts.get', { id: NONE }, false],
      ['livestream.bases.get', { id: NONE }, false],
      ['livestream.streams.get', { id: NONE }, false],
      ['livestream.metrics.hostMonths', { hostId: NONE }, false],
      ['livestream.hosts.create', hostInput(NONE, '无此基地', '13100003334'), true],
      ['livestream.hosts.update', { ...hostInput(hongxu.id, '改名', '13100001111'), id: NONE, version: 1 }, true],
      ['livestream.streams.create', streamInput(NONE, { startTime: '08:00' }), true],
      ['livestream.streams.update', { ...streamInput(ownHost.host.id), id: NONE }, true],
      ['livestream.streams.delete', { id: NONE }, true],
    );
    const answers = new Set<string>();
    for (const [path, input, mutation] of forbidden) {
      const res = await trpcHttp(h.app, path, { mutation, cookie, input });
      expect(res.status, path).toBe(403);
      expect(res.body.error!.data.appCode, path).toBe('FORBIDDEN_SCOPE');
      answers.add(JSON.stringify([res.body.error!.message, res.body.error!.data.params]));
    }
    expect([...answers]).toEqual([JSON.stringify(['您无权访问该直播基地的数据。', { kind: 'base' }])]);
    // linking a trainee is the bureau's, whatever the host
    for (const path of ['livestream.hosts.linkTrainee', 'livestream.hosts.unlinkTrainee']) {
      const res = await trpcHttp(h.app, path, { mutation: true, cookie, input: { hostId: ownHost.host.id, traineeId: 1 } });
      expect([res.status, res.body.error!.data.appCode], path).toEqual([403, 'FORBIDDEN_ROLE']);
    }
    // bases are the bureau's to create
    const createBase = await trpcHttp(h.app, 'livestream.bases.create', { mutation: true, cookie, input: baseInput('越权基地') });
    expect([createBase.status, createBase.body.error!.data.appCode]).toEqual([403, 'FORBIDDEN_ROLE']);

    // nothing was written by the refused calls
    const foreign = await h.db.selectFrom('livestream_hosts').select(['name', 'base_id', 'version']).where('id', '=', foreignHost.host.id).executeTakeFirstOrThrow();
    expect(foreign).toEqual({ name: '南沙河主播', base_id: nanshahe.id, version: 1 });
    expect((await h.db.selectFrom('livestream_hosts').select('base_id').where('id', '=', ownHost.host.id).executeTakeFirstOrThrow()).base_id).toBe(hongxu.id);
    expect(await h.db.selectFrom('livestream_hosts').select('id').where('mobile', '=', '13100003333').execute()).toHaveLength(0);
    expect(await h.db.selectFrom('livestream_streams').select(['id', 'duration_seconds', 'host_id']).where('host_id', 'in', [foreignHost.host.id, ownHost.host.id]).orderBy('id').execute()).toEqual([
      { id: foreignStream.stream.id, duration_seconds: 95 * 60, host_id: foreignHost.host.id },
      { id: ownStream.stream.id, duration_seconds: 95 * 60, host_id: ownHost.host.id },
    ]);
    expect(await h.db.selectFrom('livestream_bases').select('id').where('name', '=', '越权基地').execute()).toHaveLength(0);
  });

  it("filters hosts by whether they are active now, on a platform or any, from this month's snapshot", async () => {
    const { staff, manager, hongxu } = ctx;
    const four = await staff.livestream.hosts.create(hostInput(hongxu.id, '活跃主播', '13100007001', [{ platform: 'taobao', accountId: 'tb_active_7001' }]));
    const three = await staff.livestream.hosts.create(hostInput(hongxu.id, '差一场主播', '13100007002', [{ platform: 'taobao', accountId: 'tb_three_7002' }]));
    // streams on the last days up to today (Shanghai), so the trailing window of "now" holds them whatever day the test runs
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const daysAgo = (n: number) => new Date(Date.parse(today) - n * 86_400_000).toISOString().slice(0, 10);
    for (let n = 1; n <= 4; n++) await staff.livestream.streams.create(streamInput(four.host.id, { startDate: daysAgo(n), startTime: '06:00', durationMinutes: 40 }));
    for (let n = 1; n <= 3; n++) await staff.livestream.streams.create(streamInput(three.host.id, { startDate: daysAgo(n), startTime: '06:00', durationMinutes: 40 }));
    await computeLivestreamMetrics(h.db, {});

    const names = async (filter: Record<string, unknown>) => (await manager.livestream.hosts.list({ filter, page: 1, pageSize: 100 })).items.map((i) => i.name);
    const activeNow = await names({ active: true });
    expect(activeNow).toContain('活跃主播');
    expect(activeNow).not.toContain('差一场主播');
    expect(await names({ active: false })).toContain('差一场主播');
    expect(await names({ active: true, platform: 'taobao' })).toContain('活跃主播');
    expect(await names({ active: true, platform: 'douyin' })).not.toContain('活跃主播');
    const row = (await manager.livestream.hosts.list({ filter: { q: '活跃主播' }, page: 1, pageSize: 10 })).items[0]!;
    expect(row.activeOn).toEqual(['taobao']);
  });
});
