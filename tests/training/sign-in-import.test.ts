import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idCardCheckChar } from '@cuntong/server/lib/id-card';
import { cookiePair, createHarness, trpcHttp, type Harness } from '../support/harness';
import { refusal } from '../support/refusal';
import { addVillages, HONGXU, NANSHAHE } from '../stations/fixture';
import { courseInput, XIGANG } from './course-fixture';

const idCard = (first17: string) => first17 + idCardCheckChar(first17);
const ZHANG_ID = idCard('37048119900101123');
const ZHAO_FIRST17 = '37048119851231234';
const ZHAO_BAD_ID = ZHAO_FIRST17 + (idCardCheckChar(ZHAO_FIRST17) === '0' ? '1' : '0');
/** 2026-11-21 as an Excel date serial (days since 1899-12-30). */
const SERIAL_1121 = 46347;

const HEADERS = ['序号', ' 姓 名 ', '联系电话', '身份证号', '所在村（社区）', '签到日期', '签名'];

/**
 * A sign-in sheet as coordinators keep them: two merged title rows, headers with stray spaces and
 * full-width brackets, a blank row, a numbered line nobody signed, and messy cells.
 */
async function messySheet(rows: unknown[][], headers = HEADERS) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('签到表');
  ws.addRow(['洪绪镇直播带货培训班 学员签到表']);
  ws.mergeCells(1, 1, 1, headers.length);
  ws.addRow(['培训时间：2026年11月20日—21日    地点：镇政府三楼会议室']);
  ws.mergeCells(2, 1, 2, headers.length);
  ws.addRow(headers);
  for (const row of rows) ws.addRow(row);
  return Buffer.from(await wb.xlsx.writeBuffer()).toString('base64');
}

/** Rows 4–14 of the sheet, each with what it is about. */
const MESSY_ROWS: unknown[][] = [
  [1, '张三', '１３８００１３８０００', ZHANG_ID, '张庄村', new Date(Date.UTC(2026, 10, 20))], // 4: ok, full-width mobile, a real date
  [2, '  李四  ', '139 0013 9000', null, ' 王楼 ', SERIAL_1121], // 5: ok, stray spaces, a date serial, 王楼 → 王楼村
  [], // 6: blank
  [3, '王五', '12345', null, '张庄村', '2026-11-20'], // 7: invalid mobile
  [4, '赵六', '13700137000', ZHAO_BAD_ID, '李屯村', '2026-11-20'], // 8: ID-card checksum
  [5, '钱七', '13600136000', null, '李屯村', '2026年11月25日'], // 9: no session that day
  [6, '张三', '13800138000', ZHANG_ID, '张庄村', '2026-11-20'], // 10: the same as row 4
  [7, '孙八', '+86 135-0013-5000', null, '不存在村', '2026.11.21'], // 11: ok, unknown village (imported without)
  [8], // 12: numbered, nobody signed
  [9, '周九', '13300133000', null, null, '2026/11/20'], // 13: checked in before
  [10, null, '13200132000', null, '王楼村', '2026-11-21'], // 14: no name
];

async function readBack(base64: string) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(base64, 'base64') as unknown as ArrayBuffer);
  const ws = wb.worksheets[0]!;
  const rows: unknown[][] = [];
  ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

describe('sign-in sheet import (签到表导入)', () => {
  let h: Harness;
  let coordinator: ReturnType<Harness['caller']>;
  let coordinatorEn: ReturnType<Harness['caller']>;
  let courseId: number;
  let day1: { id: number };
  let day2: { id: number };
  let file: string;
  const attendance = () =>
    h.db
      .selectFrom('attendance as a')
      .innerJoin('trainees as t', 't.id', 'a.trainee_id')
      .select(['a.session_id', 't.mobile', 'a.method'])
      .where('a.session_id', 'in', [day1.id, day2.id])
      .orderBy('t.mobile')
      .orderBy('a.session_id')
      .execute();
  const traineeCount = async () => Number((await h.db.selectFrom('trainees').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    h = await createHarness();
    await addVillages(h);
    const user = await h.user('training_coordinator', { loginName: 'zhang.min', password: 'Passw0rd!', scopes: { regions: [HONGXU, NANSHAHE] } });
    await h.user('training_coordinator', { loginName: 'xigang.li', password: 'Passw0rd!', scopes: { regions: [XIGANG] } });
    coordinator = h.caller(user.actor);
    coordinatorEn = h.caller(user.actor, { lang: 'en' });
    courseId = (await coordinator.training.courses.create(courseInput(HONGXU, '洪绪镇直播带货班'))).id;
    day1 = await coordinator.training.sessions.add({ courseId, date: '2026-11-20', startsAt: '09:00', endsAt: '11:30', venue: null });
    day2 = await coordinator.training.sessions.add({ courseId, date: '2026-11-21', startsAt: '09:00', endsAt: '11:30', venue: null });
    // 周九 was checked in by search on the first day
    await coordinator.training.attendance.checkIn({ sessionId: day1.id, walkIn: { name: '周九', mobile: '13300133000', villageCode: null, tags: [] }, late: true });
    file = await messySheet(MESSY_ROWS);
  });
  afterAll(() => h.close());

  it('previews every row: the right ones to import, and each reject with its field and reason', async () => {
    const preview = await coordinator.training.attendance.import.preview({ courseId, fileBase64: file, pageSize: 500 });
    expect(preview).toMatchObject({ headerRow: 3, missing: [] });
    expect(preview.mapping).toEqual({ name: '姓名', mobile: '联系电话', idCard: '身份证号', village: '所在村(社区)', date: '签到日期' });
    expect(preview.totals).toEqual({ rows: 9, ok: 3, already: 1, duplicate: 1, problem: 4, skipped: 1, newTrainees: 3, nameDiffers: 0 });
    expect(preview.rows.total).toBe(9);
    const byRow = Object.fromEntries(preview.rows.items.map((r) => [r.row, r]));
    expect(Object.keys(byRow).map(Number)).toEqual([4, 5, 7, 8, 9, 10, 11, 13, 14]);

    expect(byRow[4]).toEqual({ row: 4, status: 'ok', name: '张三', mobile: '138****8000', date: '2026-11-20', sessionId: day1.id, villageName: '张庄村', problems: [], notes: [] });
    expect(byRow[5]).toMatchObject({ status: 'ok', name: '李四', mobile: '139****9000', date: '2026-11-21', sessionId: day2.id, villageName: '王楼村', problems: [] });
    expect(byRow[11]).toMatchObject({ status: 'ok', name: '孙八', mobile: '135****5000', date: '2026-11-21', villageName: null, problems: [] });
    expect(byRow[11]!.notes).toEqual([{ field: 'village', code: 'SIGN_IN_VILLAGE_UNKNOWN', params: { value: '不存在村' }, message: '本镇没有“不存在村”，已导入但未记录所在村。' }]);
    expect(byRow[10]).toMatchObject({ status: 'duplicate', notes: [{ field: null, message: '与第 4 行重复。' }], problems: [] });
    expect(byRow[13]).toMatchObject({ status: 'already', name: '周九', notes: [{ field: null, message: '已签到。' }], problems: [] });

    const rejects = preview.rows.items.filter((r) => r.status === 'problem').map((r) => [r.row, r.problems.map(({ field, message }) => ({ field, message }))]);
    expect(rejects).toEqual([
      [7, [{ field: 'mobile', message: '手机号“12345”不是有效的大陆手机号。' }]],
      [8, [{ field: 'idCard', message: '身份证号码校验位不对，请逐位核对。' }]],
      [9, [{ field: 'date', message: '本培训班在 2026-11-25 没有课次。' }]],
      [14, [{ field: 'name', message: '请填写学员姓名（不超过 50 字）。' }]],
    ]);
    // only the problems, paged
    const page = await coordinator.training.attendance.import.preview({ courseId, fileBase64: file, only: 'problems', page: 2, pageSize: 3 });
    expect(page.rows).toMatchObject({ total: 4, items: [{ row: 14 }] });
    // nothing was written, and a list never carries a full mobile or ID card
    expect(await traineeCount()).toBe(1);
    expect(JSON.stringify(preview)).not.toMatch(/13800138000|13900139000|37048119900101123/);
  });

  it('speaks the reasons in English when asked', async () => {
    const preview = await coordinatorEn.training.attendance.import.preview({ courseId, fileBase64: file, only: 'problems' });
    expect(preview.rows.items.map((r) => r.problems[0]!.message)).toEqual([
      '"12345" is not a valid mainland mobile number.',
      'The check digit of this ID-card number is wrong; check it digit by digit.',
      'This course has no session on 2026-11-25.',
      "Enter the trainee's name (at most 50 characters).",
    ]);
  });

  it('all-or-nothing with bad rows writes nothing and names the rows', async () => {
    const before = await attendance();
    const refused = await refusal(h.deps, coordinator.training.attendance.import.commit({ courseId, fileBase64: file, mode: 'all_or_nothing' }));
    expect(refused).toMatchObject({ code: 'BAD_REQUEST', appCode: 'IMPORT_INVALID', params: { count: 4, rows: '7, 8, 9, 14' } });
    expect(await attendance()).toEqual(before);
    expect(await traineeCount()).toBe(1);
    expect(await h.db.selectFrom('audit_log').select('id').where('action', '=', 'attendance.import').execute()).toHaveLength(0);
  });

  it('skip-invalid writes the good rows in one go and hands back the rejects as Excel with reasons', async () => {
    const result = await coordinator.training.attendance.import.commit({ courseId, fileBase64: file, mode: 'skip_invalid' });
    expect(result).toMatchObject({ mode: 'skip_invalid', rows: 9, newTrainees: 3, newAttendance: 3, alreadyPresent: 1, duplicates: 1, rejected: 4 });
    expect(await attendance()).toEqual([
      { session_id: day1.id, mobile: '13300133000', method: 'search' },
      { session_id: day2.id, mobile: '13500135000', method: 'import' },
      { session_id: day1.id, mobile: '13800138000', method: 'import' },
      { session_id: day2.id, mobile: '13900139000', method: 'import' },
    ]);
    const zhang = await h.db.selectFrom('trainees').selectAll().where('mobile', '=', '13800138000').executeTakeFirstOrThrow();
    expect(zhang).toMatchObject({ name: '张三', village_code: '370481101201', id_card_last4: ZHANG_ID.slice(-4), birth_date: '1990-01-01', gender: 'male', name_initials: 'zs' });
    expect(await h.db.selectFrom('trainees').select(['name', 'village_code']).where('mobile', 'in', ['13900139000', '13500135000']).orderBy('mobile').execute()).toEqual([
      { name: '孙八', village_code: null },
      { name: '李四', village_code: '370481101202' },
    ]);

    expect(result.rejects!.filename).toMatch(/^sign-in-rejects-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const sheet = await readBack(result.rejects!.contentBase64);
    expect(sheet).toEqual([
      ['序号', '姓名', '联系电话', '身份证号', '所在村(社区)', '签到日期', '签名', '问题'],
      [3, '王五', '12345', undefined, '张庄村', '2026-11-20', undefined, '手机号“12345”不是有效的大陆手机号。'],
      [4, '赵六', '13700137000', ZHAO_BAD_ID, '李屯村', '2026-11-20', undefined, '身份证号码校验位不对，请逐位核对。'],
      [5, '钱七', '13600136000', undefined, '李屯村', '2026年11月25日', undefined, '本培训班在 2026-11-25 没有课次。'],
      [10, undefined, '13200132000', undefined, '王楼村', '2026-11-21', undefined, '请填写学员姓名（不超过 50 字）。'],
    ]);

    // one audit entry for the commit, a summary without mobiles, and one per session naming who it checked in
    const audit = await h.db.selectFrom('audit_log').selectAll().where('action', '=', 'attendance.import').orderBy('id').execute();
    expect(audit).toHaveLength(3);
    expect(audit[0]).toMatchObject({ entity: 'course', entity_id: String(courseId) });
    expect(audit[0]!.after).toMatchObject({ mode: 'skip_invalid', newTrainees: 3, newAttendance: 3, rejected: 4 });
    const imported = await h.db.selectFrom('attendance').select(['session_id', 'trainee_id']).where('method', '=', 'import').orderBy('trainee_id').execute();
    const idsOf = (sessionId: number) => imported.filter((a) => a.session_id === sessionId).map((a) => a.trainee_id);
    expect(audit.slice(1).map((a) => [a.entity, a.entity_id, a.after])).toEqual([
      ['course_session', String(day1.id), { courseId, checkedIn: 1, traineeIds: idsOf(day1.id) }],
      ['course_session', String(day2.id), { courseId, checkedIn: 2, traineeIds: expect.arrayContaining(idsOf(day2.id)) }],
    ]);
    expect(JSON.stringify(audit)).not.toMatch(/1[3-9]\d{9}/);
  });

  it('importing the same sheet again adds nothing', async () => {
    const before = await attendance();
    const again = await coordinator.training.attendance.import.commit({ courseId, fileBase64: file, mode: 'skip_invalid' });
    expect(again).toMatchObject({ newTrainees: 0, newAttendance: 0, alreadyPresent: 4, duplicates: 1, rejected: 4 });
    expect(await attendance()).toEqual(before);
    expect(await traineeCount()).toBe(4);
    const preview = await coordinator.training.attendance.import.preview({ courseId, fileBase64: file });
    expect(preview.totals).toEqual({ rows: 9, ok: 0, already: 4, duplicate: 1, problem: 4, skipped: 1, newTrainees: 0, nameDiffers: 0 });
    // and no check-in audit rows: nothing was checked in
    expect(await h.db.selectFrom('audit_log').select('id').where('entity', '=', 'course_session').where('action', '=', 'attendance.import').execute()).toHaveLength(2);
  });

  it('one ID card cannot belong to two people: not one registered under another mobile, nor twice in one sheet', async () => {
    const WU_ID = idCard('37048119920615345');
    const sheet = await messySheet([
      [1, '张三丰', '13811112222', ZHANG_ID, null, '2026-11-20'], // 张三's card (registered under 13800138000)
      [2, '吴一', '13811113333', WU_ID, null, '2026-11-20'],
      [3, '吴二', '13811114444', WU_ID.toLowerCase(), null, '2026-11-20'], // the same card again, another mobile
    ]);
    const preview = await coordinator.training.attendance.import.preview({ courseId, fileBase64: sheet });
    expect(preview.rows.items.map((r) => [r.row, r.status, r.problems.map((p) => p.field)])).toEqual([
      [4, 'problem', ['idCard']],
      [5, 'ok', []],
      [6, 'problem', ['idCard']],
    ]);
    expect(preview.rows.items[0]!.problems[0]!.message).toBe('该身份证号码已登记在另一位学员名下，请核对手机号或合并学员。');
  });

  it('a sheet without a date column goes to the session chosen; a clean one commits all-or-nothing', async () => {
    const noDate = await messySheet(
      [
        [1, '吴十', '13100131000', null, '后刘村'],
        [2, '李四', '13900139000', null, '王楼村'], // known: found by mobile, gets day 1 now
      ],
      ['序号', '姓名', '手机号（必填）', '身份证号', '村居'],
    );
    const unmapped = await coordinator.training.attendance.import.preview({ courseId, fileBase64: noDate });
    expect(unmapped).toMatchObject({ missing: ['date'], totals: { rows: 0 } });
    const refused = await refusal(h.deps, coordinator.training.attendance.import.commit({ courseId, fileBase64: noDate, mode: 'all_or_nothing' }));
    expect(refused.appCode).toBe('IMPORT_MAPPING_INCOMPLETE');

    const result = await coordinator.training.attendance.import.commit({ courseId, fileBase64: noDate, sessionId: day1.id, mode: 'all_or_nothing' });
    expect(result).toMatchObject({ newTrainees: 1, newAttendance: 2, alreadyPresent: 0, rejected: 0, rejects: null });
    const day1Mobiles = await h.db
      .selectFrom('attendance as a')
      .innerJoin('trainees as t', 't.id', 'a.trainee_id')
      .select('t.mobile')
      .where('a.session_id', '=', day1.id)
      .orderBy('t.mobile')
      .execute();
    expect(day1Mobiles.map((r) => r.mobile)).toEqual(['13100131000', '13300133000', '13800138000', '13900139000']);

    // a session of another course is refused
    const other = await coordinator.training.courses.create(courseInput(HONGXU, '另一个班'));
    const otherSession = await coordinator.training.sessions.add({ courseId: other.id, date: '2026-11-22', startsAt: '09:00', endsAt: '10:00', venue: null });
    const wrong = await refusal(h.deps, coordinator.training.attendance.import.preview({ courseId, fileBase64: noDate, sessionId: otherSession.id }));
    expect(wrong.appCode).toBe('SIGN_IN_SESSION_NOT_IN_COURSE');
  });

  it('the mapping the user chose is used, and remembered for their next file', async () => {
    const odd = await messySheet([[1, '郑十一', '13000130000', '2026-11-21']], ['No.', '学员名单', '号码', '哪天']);
    const guessed = await coordinator.training.attendance.import.preview({ courseId, fileBase64: odd });
    expect(guessed.missing).toEqual(['name', 'mobile', 'date']);
    const mapping = { name: '学员名单', mobile: '号码', date: '哪天' };
    const result = await coordinator.training.attendance.import.commit({ courseId, fileBase64: odd, mapping, mode: 'all_or_nothing' });
    expect(result).toMatchObject({ newTrainees: 1, newAttendance: 1 });
    const remembered = await coordinator.training.attendance.import.preview({ courseId, fileBase64: odd });
    expect(remembered).toMatchObject({ mapping, missing: [], totals: { already: 1 } });
  });

  it('a file that is not a workbook is refused with a clear reason', async () => {
    const bad = await refusal(h.deps, coordinator.training.attendance.import.preview({ courseId, fileBase64: Buffer.from('not a workbook').toString('base64') }));
    expect(bad.appCode).toBe('IMPORT_FILE_UNREADABLE');
  });

  it('over raw HTTP, a coordinator of another town can neither preview nor import into this course', async () => {
    const before = await attendance();
    const trainees = await traineeCount();
    const login = await trpcHttp(h.app, 'auth.session.login', { mutation: true, input: { loginName: 'xigang.li', password: 'Passw0rd!' } });
    const cookie = cookiePair(login.setCookie);
    for (const [path, input] of [
      ['training.attendance.import.preview', { courseId, fileBase64: file }],
      ['training.attendance.import.commit', { courseId, fileBase64: file, mode: 'skip_invalid' }],
      ['training.attendance.import.commit', { courseId, fileBase64: file, sessionId: day2.id, mode: 'skip_invalid' }],
    ] as const) {
      const res = await trpcHttp(h.app, path, { mutation: true, cookie, input });
      expect(res.status, path).toBe(403);
      expect(res.body.error!.data.appCode, path).toBe('FORBIDDEN_SCOPE');
    }
    expect(await attendance()).toEqual(before);
    expect(await traineeCount()).toBe(trainees);
  });
});
