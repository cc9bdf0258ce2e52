import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness';
import { refusal } from '../support/refusal';
import { addVillages } from './fixture';

const HEADERS = ['站点编码', '站点名称', '层级', '区划代码', '上级站点编码', '纬度', '经度', '联系电话', '开业日期', '服务项目', '状态'];

async function workbook(rows: unknown[][]) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('站点');
  ws.addRow(['滕州市电商服务站点名录（2026年）']);
  ws.addRow(HEADERS);
  for (const row of rows) ws.addRow(row);
  return Buffer.from(await wb.xlsx.writeBuffer()).toString('base64');
}

describe('importing the station register from Excel', () => {
  let h: Harness;
  let staff: ReturnType<Harness['caller']>;
  const count = async () => Number((await h.db.selectFrom('stations').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    h = await createHarness();
    staff = h.caller((await h.user('staff')).actor);
    await addVillages(h);
  });
  afterAll(() => h.close());

  const good = [
    ['TZ-C', '滕州市电商公共服务中心', '县级运营中心', '370481000000', '', 35.08, 117.15, '0632-5511000', '2025-03-01', '培训、创业孵化', '运营中'],
    ['TZ-T101', '洪绪镇服务站', '镇级服务站', '370481101000', 'TZ-C', '', '', '', '2025-04-01', '快递收发、代买、代卖', '运营中'],
    ['TZ-V101201', '张庄村服务点', '村级服务点', '370481101201', 'TZ-T101', 35.1, 117.2, '13900000001', '2025-05-01', '快递、便民缴费', '运营中'],
  ];

  it('previews row by row, with the same checks as a station typed in, and writes nothing', async () => {
    const file = await workbook([
      ...good,
      ['TZ-V101202', '王楼村服务点', '村级服务点', '370481102201', 'TZ-T101', '', '', '', '', '', ''], // 南沙河的村 under 洪绪站
      ['TZ-V101203', '李屯村服务点', '乡级', '370481101203', 'TZ-T101', '', '', '', '', '', ''], // no such tier
      ['TZ-V101204', '后刘村服务点', '村级服务点', '370481101204', 'TZ-T999', '', '', '', '', '', ''], // unknown parent
      ['TZ-V101201B', '张庄二点', '村级服务点', '370481101201', 'TZ-T101', '', '', '', '', '', '运营中'], // second active point
    ]);
    const preview = await staff.stations.import.preview({ fileBase64: file });
    expect(preview.totalRows).toBe(7);
    expect(preview.created.map((c) => c.code)).toEqual(['TZ-C', 'TZ-T101', 'TZ-V101201']);
    expect(preview.problems.map((p) => [p.row, p.field])).toEqual([[6, null], [7, 'tier'], [8, 'parentCode'], [9, null]]);
    expect(preview.problems[0].message).toContain('上级站点不在该站点所属的上级区划内');
    expect(preview.problems[1].message).toBe('“层级”的值“乡级”无效。');
    expect(preview.problems.find((p) => p.row === 9)!.message).toContain('已有运营中的村级服务点');
    expect(await count()).toBe(0);

    const refused = await refusal(h.deps, staff.stations.import.commit({ fileBase64: file }));
    expect(refused).toMatchObject({ appCode: 'IMPORT_INVALID', params: { count: 4, rows: '6, 7, 8, 9' } });
    expect(await count()).toBe(0);
    expect(await h.db.selectFrom('audit_log').select('id').where('entity', '=', 'station').execute()).toEqual([]);
  });

  it('commits a clean file: parents first in the file, services and statuses in words', async () => {
    const result = await staff.stations.import.commit({ fileBase64: await workbook(good) });
    expect(result.created).toHaveLength(3);
    const point = await h.db.selectFrom('stations').selectAll().where('code', '=', 'TZ-V101201').executeTakeFirstOrThrow();
    expect(point).toMatchObject({ tier: 'village_point', status: 'active', services: ['parcels', 'bill_payment'], opened_on: '2025-05-01', status_since: '2025-05-01', lat: 35.1 });
    // importing it again adds nothing: every station is in the register as the file has it
    const again = await staff.stations.import.commit({ fileBase64: await workbook(good) });
    expect(again).toMatchObject({ created: [], alreadyPresent: 3, rejected: 0 });
    expect(await count()).toBe(3);
    // the same code with other details is a problem, not an overwrite
    const renamed = await staff.stations.import.preview({ fileBase64: await workbook([good[0]!.map((v, i) => (i === 1 ? '滕州市电商中心（新）' : v))]) });
    expect(renamed.totals).toMatchObject({ problem: 1, already: 0 });
    expect(renamed.problems[0]!.message).toContain('TZ-C');
  });
});
