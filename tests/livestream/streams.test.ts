import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness';
import { refusal } from '../support/refusal';
import { readExport } from '../support/xlsx';
import { hostInput, streamInput, twoBases } from './fixture';

describe('livestream: streams', () => {
  let h: Harness;
  let ctx: Awaited<ReturnType<typeof twoBases>>;
  let hostId: number;

  beforeAll(async () => {
    h = await createHarness();
    ctx = await twoBases(h);
    hostId = (await ctx.manager.livestream.hosts.create(hostInput(ctx.hongxu.id, '孙丽', '13800138000', [{ platform: 'taobao', accountId: 'tb_sunli' }]))).host.id;
  });
  afterAll(() => h.close());

  it('records a typed stream at the start in Beijing time, in fen, on the host base; sending it again writes nothing', async () => {
    const first = await ctx.manager.livestream.streams.create(streamInput(hostId));
    expect(first).toMatchObject({
      status: 'created',
      stream: { hostId, hostName: '孙丽', baseId: ctx.hongxu.id, baseName: '洪绪直播基地', platform: 'taobao', startedAt: '2026-11-20T11:30:00.000Z', durationSeconds: 5700, gmvFen: 356_780, farmProducts: true, source: 'manual' },
    });
    // a retry after a dropped signal, with other figures: one row, the first one
    const again = await Promise.all([
      ctx.manager.livestream.streams.create(streamInput(hostId, { viewers: 9999 })),
      ctx.manager.livestream.streams.create(streamInput(hostId)),
    ]);
    expect(again.map((r) => r.status)).toEqual(['exists', 'exists']);
    expect(again.map((r) => r.stream.id)).toEqual([first.stream.id, first.stream.id]);
    const rows = await h.db.selectFrom('livestream_streams').select(['id', 'viewers', 'gmv_fen', 'recorded_by']).where('host_id', '=', hostId).execute();
    expect(rows).toEqual([{ id: first.stream.id, viewers: 1200, gmv_fen: 356_780, recorded_by: ctx.managerUser.id }]);
    // one audit row, in the same transaction as the stream; the repeats wrote nothing and say nothing
    const audit = await h.db.selectFrom('audit_log').select(['action', 'actor_user_id', 'before', 'after']).where('entity', '=', 'livestream_stream').where('entity_id', '=', String(first.stream.id)).execute();
    expect(audit).toEqual([
      {
        action: 'create',
        actor_user_id: ctx.managerUser.id,
        before: null,
        after: expect.objectContaining({ host_id: hostId, base_id: ctx.hongxu.id, platform: 'taobao', started_at: '2026-11-20T11:30:00.000Z', duration_seconds: 5700, viewers: 1200, gmv_fen: 356_780, source: 'manual' }),
      },
    ]);
    // another platform or start is another stream
    const douyin = await ctx.manager.livestream.streams.create(streamInput(hostId, { platform: 'douyin', gmvFen: null, viewers: null }));
    expect(douyin).toMatchObject({ status: 'created', stream: { platform: 'douyin', gmvFen: null, viewers: null } });
    expect(await h.db.selectFrom('livestream_streams').select('id').where('host_id', '=', hostId).execute()).toHaveLength(2);
  });

  it('lists with filters (date range in Beijing days, platform, farm products), edits and deletes with an audit row', async () => {
    const { manager } = ctx;
    // 00:30 on 21 November in Beijing is still 20 November in UTC
    const late = await manager.livestream.streams.create(streamInput(hostId, { startDate: '2026-11-21', startTime: '00:30', farmProducts: false, gmvFen: 1000 }));
    const day21 = await manager.livestream.streams.list({ filter: { from: '2026-11-21', to: '2026-11-21' } });
    expect(day21.items.map((s) => s.id)).toEqual([late.stream.id]);
    const day20 = await manager.livestream.streams.list({ filter: { from: '2026-11-20', to: '2026-11-20' } });
    expect(day20.total).toBe(2);
    expect((await manager.livestream.streams.list({ filter: { farmProducts: false } })).items.map((s) => s.id)).toEqual([late.stream.id]);
    expect((await manager.livestream.streams.list({ filter: { platform: 'douyin' } })).total).toBe(1);
    // sorted by start, newest first
    const all = await manager.livestream.streams.list({});
    expect(all.items.map((s) => s.startedAt)).toEqual([...all.items.map((s) => s.startedAt)].sort().reverse());
    expect(all.items[0].id).toBe(late.stream.id);

    const edited = await manager.livestream.streams.update({ ...streamInput(hostId, { startDate: '2026-11-21', startTime: '00:30', farmProducts: false }), id: late.stream.id, durationMinutes: 40, gmvFen: 2550 });
    expect(edited).toMatchObject({ durationSeconds: 2400, gmvFen: 2550 });
    expect(await manager.livestream.streams.get({ id: late.stream.id })).toEqual(edited);
    // an edit onto another stream's host, platform and start is refused
    const clash = await refusal(h.deps, manager.livestream.streams.update({ ...streamInput(hostId), id: late.stream.id }));
    expect(clash).toMatchObject({ code: 'CONFLICT', appCode: 'LIVESTREAM_STREAM_EXISTS' });

    await manager.livestream.streams.delete({ id: late.stream.id });
    expect(await h.db.selectFrom('livestream_streams').select('id').where('id', '=', late.stream.id).execute()).toHaveLength(0);
    const audit = await h.db.selectFrom('audit_log').select(['action', 'actor_user_id']).where('entity', '=', 'livestream_stream').where('entity_id', '=', String(late.stream.id)).orderBy('id').execute();
    expect(audit).toEqual([
      { action: 'create', actor_user_id: ctx.managerUser.id },
      { action: 'update', actor_user_id: ctx.managerUser.id },
      { action: 'delete', actor_user_id: ctx.managerUser.id },
    ]);
    // gone: to a base manager the same answer as another base's stream; the bureau hears it is not there
    expect(await refusal(h.deps, manager.livestream.streams.delete({ id: late.stream.id }))).toMatchObject({ code: 'FORBIDDEN', appCode: 'FORBIDDEN_SCOPE', params: { kind: 'base' } });
    expect(await refusal(h.deps, ctx.staff.livestream.streams.delete({ id: late.stream.id }))).toMatchObject({ code: 'NOT_FOUND', appCode: 'LIVESTREAM_STREAM_NOT_FOUND' });
  });

  it('a stream stays with the base it was recorded at when its host moves', async () => {
    const { staff, nanshahe } = ctx;
    const mover = await staff.livestream.hosts.create(hostInput(ctx.hongxu.id, '流动主播', '13900009999'));
    const before = await staff.livestream.streams.create(streamInput(mover.host.id, { startDate: '2026-10-01' }));
    await staff.livestream.hosts.update({ ...hostInput(nanshahe.id, '流动主播', '13900009999'), id: mover.host.id, version: mover.host.version });
    const after = await staff.livestream.streams.create(streamInput(mover.host.id, { startDate: '2026-11-01' }));
    expect([before.stream.baseId, after.stream.baseId]).toEqual([ctx.hongxu.id, nanshahe.id]);
    // the manager of the first base still sees the old stream, not the new one
    const seen = await ctx.manager.livestream.streams.list({ filter: { hostId: mover.host.id } });
    expect(seen.items.map((s) => s.id)).toEqual([before.stream.id]);
  });

  it('refuses impossible figures and a start that is not a time', async () => {
    expect(await refusal(h.deps, ctx.manager.livestream.streams.create(streamInput(hostId, { viewers: -1 })))).toMatchObject({ code: 'BAD_REQUEST', appCode: 'BAD_INPUT' });
    expect(await refusal(h.deps, ctx.manager.livestream.streams.create(streamInput(hostId, { startTime: '25:00' })))).toMatchObject({ appCode: 'BAD_INPUT' });
    expect(await refusal(h.deps, ctx.manager.livestream.streams.create(streamInput(999_999)))).toMatchObject({ code: 'FORBIDDEN', appCode: 'FORBIDDEN_SCOPE' });
    expect(await refusal(h.deps, ctx.staff.livestream.streams.create(streamInput(999_999)))).toMatchObject({ code: 'NOT_FOUND', appCode: 'LIVESTREAM_HOST_NOT_FOUND' });
  });

  it('refuses a start later than now (beyond 10 minutes of clock slack) or before 2016, on entry and on edit, writing nothing', async () => {
    // Beijing wall-clock day and time `minutes` from now
    const beijing = (minutes: number) => {
      const at = new Date(Date.now() + 8 * 3_600_000 + minutes * 60_000).toISOString();
      return { startDate: at.slice(0, 10), startTime: at.slice(11, 16) };
    };
    const count = async () => (await h.db.selectFrom('livestream_streams').select('id').where('host_id', '=', hostId).execute()).length;
    const before = await count();
    const later = beijing(60);
    const future = await refusal(h.deps, ctx.manager.livestream.streams.create(streamInput(hostId, later)));
    expect(future).toMatchObject({ code: 'BAD_REQUEST', appCode: 'LIVESTREAM_STREAM_IN_FUTURE', params: { start: `${later.startDate} ${later.startTime}` } });
    expect(future.message).toMatch(new RegExp(`^开播时间 ${later.startDate} ${later.startTime} 晚于现在（\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}）：只能登记已经开始的直播`));
    const early = await refusal(h.deps, ctx.manager.livestream.streams.create(streamInput(hostId, { startDate: '2015-12-31', startTime: '20:00' })), 'en');
    expect(early).toMatchObject({ appCode: 'LIVESTREAM_STREAM_TOO_EARLY', message: 'The start 2015-12-31 20:00 is before 2016-01-01. Check the date.' });
    expect(await count()).toBe(before);

    // a phone clock a few minutes ahead is fine
    const soon = await ctx.manager.livestream.streams.create(streamInput(hostId, beijing(5)));
    expect(soon.status).toBe('created');
    // an edit moving a stream into the future is refused too, and leaves it as it was
    const moved = await refusal(h.deps, ctx.manager.livestream.streams.update({ ...streamInput(hostId, beijing(24 * 60)), id: soon.stream.id }));
    expect(moved.appCode).toBe('LIVESTREAM_STREAM_IN_FUTURE');
    expect((await ctx.manager.livestream.streams.get({ id: soon.stream.id })).startedAt).toBe(soon.stream.startedAt);
  });

  it('exports the filtered streams with minutes, yuan and labels', async () => {
    const file = await ctx.manager.livestream.streams.export({
      list: { page: 1, pageSize: 20, filter: { platform: 'taobao', from: '2026-11-20', to: '2026-11-20' } },
      columns: [
        { key: 'startedAt', header: '开播时间' },
        { key: 'hostName', header: '主播' },
        { key: 'platform', header: '平台', labels: { taobao: '淘宝直播', douyin: '抖音' } },
        { key: 'durationMinutes', header: '时长（分钟）' },
        { key: 'gmvYuan', header: '成交额（元）' },
        { key: 'farmProducts', header: '农产品', labels: { true: '是', false: '否' } },
      ],
      sheetName: '直播场次',
    });
    const sheet = await readExport(file.contentBase64);
    expect(sheet.rows).toEqual([
      ['开播时间', '主播', '平台', '时长（分钟）', '成交额（元）', '农产品'],
      ['2026-11-20 19:30:00', '孙丽', '淘宝直播', 95, 3567.8, '是'],
    ]);
  });
});
