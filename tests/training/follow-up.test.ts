import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiToday } from '@cuntong/server/lib/dates';
import { listFollowUps } from '@cuntong/server/modules/training/conversion.service';
import { computeTrainingMetrics } from '@cuntong/server/modules/training/training.metrics';
import { cookiePair, createHarness, trpcHttp, type Harness } from '../support/harness';
import { addVillages, HONGXU, NANSHAHE } from '../stations/fixture';
import { conversionFixture, XIGANG } from './conversion-fixture';
import { serviceContext } from '../support/service-context';

/**
 * Trainees by days since their latest completed course (today is Shanghai's): the stages are
 * 30 ≤ d < 90, 90 ≤ d < 180 and 180 ≤ d < 365, without an outcome since the course began.
 */
describe('training follow-up list (回访)', () => {
  let h: Harness;
  let staff: ReturnType<Harness['caller']>;
  let coordinator: ReturnType<Harness['caller']>;
  let coordinatorActor: Awaited<ReturnType<Harness['user']>>['actor'];
  let cookie: string;
  const today = shanghaiToday();
  const ago = (days: number) => addDays(today, -days);
  const t: Record<string, { id: number; mobile: string }> = {};

  beforeAll(async () => {
    h = await createHarness();
    await addVillages(h);
    staff = h.caller((await h.user('staff')).actor);
    const user = await h.user('training_coordinator', { loginName: 'li.na', password: 'Passw0rd!', scopes: { regions: [HONGXU, NANSHAHE] } });
    coordinatorActor = user.actor;
    coordinator = h.caller(user.actor);
    const f = conversionFixture(h, staff);
    for (const name of ['d40', 'd40sold', 'd30', 'd29', 'd90', 'd100', 'd200', 'd364', 'd365', 'x50', 'again']) {
      t[name] = await f.trainee(`学员${name}`, { villageCode: name === 'd40' ? '370481101201' : null });
    }
    await f.course(HONGXU, '40 天前', [ago(41), ago(40)], [t.d40.id, t.d40sold.id]);
    await f.outcome(t.d40sold.id, 'shop_opened', ago(41)); // during the course: converted, no call
    await f.course(HONGXU, '30 天前', [ago(30)], [t.d30.id]);
    await f.course(HONGXU, '29 天前', [ago(29)], [t.d29.id]);
    await f.course(HONGXU, '90 天前', [ago(90)], [t.d90.id]);
    await f.course(NANSHAHE, '100 天前', [ago(100)], [t.d100.id, t.again.id]);
    await f.course(NANSHAHE, '200 天前', [ago(200)], [t.d200.id]);
    await f.course(HONGXU, '364 天前', [ago(364)], [t.d364.id]);
    await f.course(HONGXU, '365 天前', [ago(365)], [t.d365.id]);
    await f.course(XIGANG, '西岗 50 天前', [ago(50)], [t.x50.id]);
    // `again` finished a second course 5 days ago: the latest one counts, so no call yet
    await f.course(HONGXU, '5 天前', [ago(5)], [t.again.id]);
    await computeTrainingMetrics(h.db);
    const login = await trpcHttp(h.app, 'auth.session.login', { mutation: true, input: { loginName: 'li.na', password: 'Passw0rd!' } });
    cookie = cookiePair(login.setCookie);
  });
  afterAll(() => h.close());

  const names = (items: { name: string }[]) => items.map((i) => i.name);

  it('puts each trainee in the stage of their days since completing, without an outcome since', async () => {
    const stage = async (s: 30 | 90 | 180) => (await staff.training.conversion.followUp.list({ filter: { stage: s }, pageSize: 50, sort: { key: 'completedOn', order: 'desc' } })).items;
    const thirty = await stage(30);
    expect(names(thirty)).toEqual(['学员d30', '学员d40', '学员x50']);
    expect(thirty.map((i) => i.daysSince)).toEqual([30, 40, 50]);
    expect(thirty[1]).toMatchObject({ villageName: '张庄村', courseTitle: '40 天前', regionName: '洪绪镇', completedOn: ago(40) });
    expect(names(await stage(90))).toEqual(['学员d90', '学员d100']);
    expect(names(await stage(180))).toEqual(['学员d200', '学员d364']);
    const page = await staff.training.conversion.followUp.list({ filter: { stage: 30 }, page: 2, pageSize: 2, sort: { key: 'completedOn', order: 'desc' } });
    expect(page).toMatchObject({ total: 3, items: [{ name: '学员x50' }] });
  });

  it('an outcome recorded after the call takes the trainee off the list', async () => {
    await h.db.insertInto('training_outcomes').values({ trainee_id: t.d90.id, kind: 'employed', occurred_on: today }).execute();
    expect(names((await staff.training.conversion.followUp.list({ filter: { stage: 90 } })).items)).toEqual(['学员d100']);
  });

  it('shows the mobile in full to the coordinator, masked to staff', async () => {
    const asStaff = await staff.training.conversion.followUp.list({ filter: { stage: 30 } });
    for (const item of asStaff.items) {
      expect(item.mobileMasked).toBe(true);
      expect(item.mobile).toMatch(/^\d{3}\*{4}\d{4}$/);
    }
    const asCoordinator = await coordinator.training.conversion.followUp.list({ filter: { stage: 30 }, sort: { key: 'completedOn', order: 'desc' } });
    expect(asCoordinator.items.map((i) => [i.name, i.mobile, i.mobileMasked])).toEqual([
      ['学员d30', t.d30.mobile, false],
      ['学员d40', t.d40.mobile, false],
    ]);
  });

  it('a coordinator of two towns never sees a third town’s follow-ups (raw HTTP)', async () => {
    for (const stage of [30, 90, 180]) {
      const res = await trpcHttp(h.app, 'training.conversion.followUp.list', { cookie, input: { filter: { stage }, pageSize: 200 } });
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.body.result!.data)).not.toContain('西岗');
      expect(res.body.result!.data.items.map((i: { traineeId: number }) => i.traineeId)).not.toContain(t.x50.id);
    }
    const refused = await trpcHttp(h.app, 'training.conversion.followUp.list', { cookie, input: { filter: { stage: 30, region: XIGANG } } });
    expect(refused.body.error?.data.appCode).toBe('FORBIDDEN_SCOPE');
    const narrowed = await listFollowUps(serviceContext(h.deps, coordinatorActor), { page: 1, pageSize: 20, filter: { stage: 90, region: NANSHAHE } });
    expect(names(narrowed.items)).toEqual(['学员d100']);
  });

  it('exports a call list: the same rows and mobile rule, with empty 回访结果 and 备注 columns', async () => {
    const columns = [
      { key: 'name' as const, header: '姓名' },
      { key: 'mobile' as const, header: '手机号' },
      { key: 'villageName' as const, header: '村' },
      { key: 'courseTitle' as const, header: '培训班' },
      { key: 'completedOn' as const, header: '结业日期' },
      { key: 'daysSince' as const, header: '已过天数' },
      { key: 'callResult' as const, header: '回访结果' },
      { key: 'note' as const, header: '备注' },
    ];
    const read = async (file: { contentBase64: string }) => {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(Buffer.from(file.contentBase64, 'base64') as never);
      const rows: unknown[][] = [];
      wb.worksheets[0].eachRow({ includeEmpty: true }, (row) => rows.push((row.values as unknown[]).slice(1)));
      return rows;
    };
    const mine = await read(await coordinator.training.conversion.followUp.export({ list: { filter: { stage: 30 }, sort: { key: 'completedOn', order: 'desc' } }, columns, sheetName: '回访' }));
    expect(mine[0]).toEqual(columns.map((c) => c.header));
    expect(mine.slice(1).map((r) => r.slice(0, 2))).toEqual([
      ['学员d30', t.d30.mobile],
      ['学员d40', t.d40.mobile],
    ]);
    expect(mine[2][5]).toBe(40);
    expect(mine[2].length).toBeLessThanOrEqual(6); // 回访结果 and 备注 left empty
    const staffFile = await read(await staff.training.conversion.followUp.export({ list: { filter: { stage: 30 } }, columns, sheetName: '回访' }));
    expect(staffFile).toHaveLength(4);
    for (const row of staffFile.slice(1)) expect(String(row[1])).toMatch(/^\d{3}\*{4}\d{4}$/);
  });
});
