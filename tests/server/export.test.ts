import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness';
import { refusal } from '../support/refusal';

import { readExport as readSheet } from '../support/xlsx';

describe('Excel export of lists', () => {
  let h: Harness;
  let admin: Awaited<ReturnType<Harness['user']>>;
  beforeAll(async () => {
    h = await createHarness();
    admin = await h.user('admin', { loginName: 'export.admin' });
    await h.user('training_coordinator', { loginName: 'coord.one', mobile: '13912345678', scopes: { regions: ['370481101000', '370481102000'] } });
    await h.user('training_coordinator', { loginName: 'coord.two', scopes: { regions: ['370481103000'] } });
    await h.user('staff', { loginName: 'staff.one' });
  });
  afterAll(() => h.close());

  it('writes exactly the filtered rows, with the columns and labels the client names, mobiles masked', async () => {
    const result = await h.caller(admin.actor).auth.users.export({
      list: { page: 1, pageSize: 20, sort: { key: 'loginName', order: 'asc' }, filter: { role: 'training_coordinator' } },
      columns: [
        { key: 'loginName', header: '用户名' },
        { key: 'role', header: '角色', labels: { training_coordinator: '培训专员' } },
        { key: 'mobile', header: '手机号' },
        { key: 'scopes.regions', header: '负责乡镇' },
        { key: 'disabled', header: '状态', labels: { true: '已停用', false: '正常' } },
      ],
      sheetName: '用户',
    });
    expect(result.rows).toBe(2);
    expect(result.filename).toMatch(/^users-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const sheet = await readSheet(result.contentBase64);
    expect(sheet.name).toBe('用户');
    expect(sheet.rows).toEqual([
      ['用户名', '角色', '手机号', '负责乡镇', '状态'],
      ['coord.one', '培训专员', '139****5678', '370481101000、370481102000', '正常'],
      ['coord.two', '培训专员', undefined, '370481103000', '正常'],
    ]);
  });

  it('fetches every page, not only the one on screen', async () => {
    const result = await h.caller(admin.actor).regions.export({
      list: { page: 3, pageSize: 5, filter: { q: '370481', level: 'town' } },
      columns: [
        { key: 'code', header: '代码' },
        { key: 'name', header: '名称' },
      ],
      sheetName: 'regions',
    });
    expect(result.rows).toBe(21);
    const sheet = await readSheet(result.contentBase64);
    expect(sheet.rows).toHaveLength(22);
    // codes stay text: no 3.70481E+11
    expect(sheet.rows[1]).toEqual(['370481001000', '荆河街道']);
  });

  it('shows times in Asia/Shanghai', async () => {
    const result = await h.caller(admin.actor).audit.log.export({
      list: { page: 1, pageSize: 20, filter: { entity: 'user', action: 'create' }, sort: { key: 'at', order: 'asc' } },
      columns: [
        { key: 'at', header: '时间' },
        { key: 'entityId', header: '对象' },
      ],
      sheetName: 'audit',
    });
    const sheet = await readSheet(result.contentBase64);
    expect(result.rows).toBe(4);
    expect(String(sheet.rows[1][0])).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    const list = await h.caller(admin.actor).audit.log.list({ page: 1, pageSize: 1, filter: { entity: 'user', action: 'create' }, sort: { key: 'at', order: 'asc' } });
    const utc = new Date(list.items[0].at);
    const shanghaiHour = (utc.getUTCHours() + 8) % 24;
    expect(String(sheet.rows[1][0]).slice(11, 13)).toBe(String(shanghaiHour).padStart(2, '0'));
  });

  it('refuses a column that is not part of the list', async () => {
    const refused = await refusal(
      h.deps,
      h.caller(admin.actor).auth.users.export({
        list: { page: 1, pageSize: 20 },
        // @ts-expect-error: not an exportable key
        columns: [{ key: 'password_hash', header: 'x' }],
        sheetName: 'x',
      }),
    );
    expect(refused).toMatchObject({ code: 'BAD_REQUEST', appCode: 'BAD_INPUT' });
  });

  it('exports only for those who may read the list', async () => {
    const staff = await h.user('staff');
    const refused = await refusal(
      h.deps,
      h.caller(staff.actor).auth.users.export({ list: { page: 1, pageSize: 20 }, columns: [{ key: 'loginName', header: 'x' }], sheetName: 'x' }),
    );
    expect(refused).toMatchObject({ code: 'FORBIDDEN', appCode: 'FORBIDDEN_ROLE' });
  });
});
