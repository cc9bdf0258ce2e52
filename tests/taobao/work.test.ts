import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateTaobao } from '@cuntong/server/modules/taobao/taobao.evaluation';
import { HONGXU, NANSHAHE } from '../stations/fixture';
import { createHarness, type Harness } from '../support/harness';
import { sheetXlsx } from '../support/hostile-xlsx';
import { refusal } from '../support/refusal';
import { buildTwoScopes, type TwoScopes } from '../support/two-scopes';

const b64 = (buffer: Buffer) => buffer.toString('base64');

describe('Taobao villages: imports, the pipeline and scope', () => {
  let h: Harness;
  let f: TwoScopes;

  beforeAll(async () => {
    h = await createHarness();
    f = await buildTwoScopes(h);
  }, 120_000);
  afterAll(() => h?.close());

  it('imports yearly and monthly figures in the user’s own columns, by code or by town and village name; the same file again adds nothing', async () => {
    const file = b64(
      sheetXlsx([
        ['乡镇', '村', '区划代码', '年度', '网络销售额（万元）', '活跃网店数', '户数', '城乡分类代码'],
        ['洪绪镇', '张庄村', '', '2025', '1000', '100', '900', '220'],
        ['洪绪镇', '王楼', '', '2025年度', '999.9999', '120', '', ''],
        ['', '', '370481101203', '2025年3月', '80.5', '60', '700', ''],
        ['南沙河镇', '南村', '', '2025', '1200', '150', '', ''],
        ['洪绪镇', '不存在村', '', '2025', '1', '1', '', ''],
        ['洪绪镇', '后刘村', '', '二〇二五', '1', '1', '', ''],
        ['洪绪镇', '后刘村', '', '2025', 'abc', '-3', '', '999'],
      ]),
    );
    const preview = await f.admin.taobao.figures.import.preview({ fileBase64: file });
    expect(preview.missing).toEqual([]);
    expect(preview.totals).toMatchObject({ rows: 7, ok: 4, problem: 3 });
    const byRow = new Map(preview.rows.items.map((r) => [r.row, r]));
    expect(byRow.get(3)).toMatchObject({ code: '370481101202', period: '2025', salesFen: 999_999_900 });
    expect(byRow.get(4)).toMatchObject({ code: '370481101203', period: '2025-03', salesFen: 80_500_000 });
    expect(byRow.get(6)!.problems[0]!.message).toContain('不存在村');
    expect(byRow.get(7)!.problems[0]!.message).toContain('期间');
    expect(byRow.get(8)!.problems.map((p) => p.field).sort()).toEqual(['activeShops', 'salesWan', 'urbanRuralClass']);
    // all or nothing refuses the file; skip-and-report writes the good rows
    expect(await refusal(h.deps, f.admin.taobao.figures.import.commit({ fileBase64: file, mode: 'all_or_nothing' }))).toMatchObject({ appCode: 'IMPORT_INVALID' });
    expect(await h.db.selectFrom('taobao_figures').select('region_code').execute()).toEqual([]);
    const done = await f.admin.taobao.figures.import.commit({ fileBase64: file, mode: 'skip_invalid' });
    expect(done).toMatchObject({ written: 4, rejected: 3 });
    expect(done.rejects).not.toBeNull();
    const zhang = await h.db.selectFrom('taobao_figures').selectAll().where('region_code', '=', '370481101201').executeTakeFirstOrThrow();
    expect(zhang).toMatchObject({ period: '2025', sales_fen: 1_000_000_000, active_shops: 100, households: 900, source: 'imported' });
    expect(await h.db.selectFrom('regions').select('urban_rural_class').where('code', '=', '370481101201').executeTakeFirstOrThrow()).toEqual({ urban_rural_class: '220' });
    const again = await f.admin.taobao.figures.import.preview({ fileBase64: file });
    expect(again.totals).toMatchObject({ ok: 0, already: 4 });
  });

  it('imports the published list, matched to codes by name; the unmatched wait for a person, who resolves them', async () => {
    const list = b64(
      sheetXlsx([
        ['年份', '类别', '省', '市', '县', '乡镇', '村'],
        ['2025', '淘宝村', '山东省', '枣庄市', '滕州市', '洪绪镇', '张庄村'],
        ['2025', '淘宝村', '山东', '枣庄', '滕州', '洪绪', '王楼'],
        ['2025', '淘宝村', '山东省', '枣庄市', '滕州市', '洪绪镇', '张家新村'],
        ['2025', '淘宝镇', '山东省', '枣庄市', '滕州市', '南沙河镇', ''],
        ['2025', '淘宝村', '山东省', '枣庄市', '滕州市', '洪绪镇', '张庄村'],
      ]),
    );
    const preview = await f.admin.taobao.recognitions.import.preview({ fileBase64: list });
    expect(preview.totals).toMatchObject({ rows: 5, ok: 4, duplicate: 1, matched: 3, unmatched: 1 });
    const done = await f.admin.taobao.recognitions.import.commit({ fileBase64: list, mode: 'all_or_nothing' });
    expect(done).toMatchObject({ recognised: 3, unmatched: 1 });
    const recognised = await h.db.selectFrom('taobao_recognitions').select(['region_code', 'level']).orderBy('region_code').execute();
    expect(recognised).toEqual([
      { region_code: '370481101201', level: 'village' },
      { region_code: '370481101202', level: 'village' },
      { region_code: NANSHAHE, level: 'town' },
    ]);
    const waiting = await f.admin.taobao.recognitions.unmatched();
    expect(waiting).toMatchObject([{ year: 2025, level: 'village', town: '洪绪镇', village: '张家新村' }]);
    // a town is not a village: refused; the village it is, accepted
    expect(await refusal(h.deps, f.admin.taobao.recognitions.resolve({ id: waiting[0]!.id, code: HONGXU }))).toMatchObject({ appCode: 'TAOBAO_PLACE_NOT_VILLAGE_OR_TOWN' });
    await f.admin.taobao.recognitions.resolve({ id: waiting[0]!.id, code: '370481101204' });
    expect(await f.admin.taobao.recognitions.unmatched()).toEqual([]);
    expect(await h.db.selectFrom('taobao_recognitions').select('region_code').where('region_code', '=', '370481101204').executeTakeFirst()).toBeDefined();
    // the same list again adds nothing
    const again = await f.admin.taobao.recognitions.import.commit({ fileBase64: list, mode: 'all_or_nothing' });
    expect(again).toMatchObject({ recognised: 0, unmatched: 0 });
  });

  it('the pipeline: a place moves through the stages from the version read, with dated actions, all audited', async () => {
    const code = '370481101203';
    const { version } = await f.admin.taobao.pipeline.set({ code, stage: 'watching', notes: '' });
    expect(await refusal(h.deps, f.admin.taobao.pipeline.set({ code, stage: 'cultivating', notes: '', version: version + 5 }))).toMatchObject({ appCode: 'TAOBAO_CANDIDATE_VERSION_CONFLICT' });
    expect(await refusal(h.deps, f.admin.taobao.pipeline.set({ code, stage: 'recognised', notes: '', version }))).toMatchObject({ appCode: 'TAOBAO_RECOGNISED_YEAR_REQUIRED' });
    const coordinator = h.caller(f.users.training_coordinator.actor);
    const moved = await coordinator.taobao.pipeline.set({ code, stage: 'cultivating', notes: '组织网店培训', version });
    await coordinator.taobao.pipeline.action({ code, actedOn: f.today, kind: 'training', note: '网店开设培训' });
    const { place } = await coordinator.taobao.place.get({ code, year: 2025 });
    expect(place.candidate).toMatchObject({ stage: 'cultivating', notes: '组织网店培训', version: moved.version });
    expect(place.actions).toMatchObject([{ kind: 'training', note: '网店开设培训' }]);
    const audit = await h.db.selectFrom('audit_log').select(['entity', 'action']).where('entity', 'in', ['taobao_candidate', 'taobao_action']).orderBy('id').execute();
    expect(audit).toEqual([
      { entity: 'taobao_candidate', action: 'create' },
      { entity: 'taobao_candidate', action: 'update' },
      { entity: 'taobao_action', action: 'create' },
    ]);
  });

  it('a coordinator sees only their towns’ villages and towns, and the platform’s own evidence beside the official figures', async () => {
    await evaluateTaobao(h.db, { regionCode: '370481000000', asOf: f.today });
    const coordinator = h.caller(f.users.training_coordinator.actor);
    const year = 2025;
    const villages = await coordinator.taobao.candidates.list({ filter: { year, level: 'village' }, pageSize: 200 });
    expect(villages.total).toBeGreaterThan(0);
    expect(villages.items.every((v) => v.townCode === HONGXU)).toBe(true);
    const towns = await coordinator.taobao.candidates.list({ filter: { year, level: 'town' } });
    expect(towns.items.map((t) => t.code)).toEqual([HONGXU]);
    const all = await f.admin.taobao.candidates.list({ filter: { year, level: 'village' }, pageSize: 200 });
    expect(all.items.some((v) => v.townCode === NANSHAHE)).toBe(true);
    // sorted by closeness: 张庄村 (¥10 M, 100 shops) qualifies and comes first
    expect(all.items[0]).toMatchObject({ code: '370481101201', qualifies: true, recognised: true });
    expect(await refusal(h.deps, coordinator.taobao.place.get({ code: '370481102201', year }))).toMatchObject({ appCode: 'FORBIDDEN_SCOPE' });
    // evidence this year: the shop the 南沙河 trainee opened today counts for 南村, apart from the official figures
    const current = (await f.admin.taobao.years()).current;
    const nancun = await f.admin.taobao.place.get({ code: '370481102201', year: current });
    const evaluation = nancun.place.evaluations.find((e) => e.year === current)!;
    expect(evaluation.evidence.shopsOpened).toBe(1);
    expect(evaluation.activeShops).toBeNull();
    // the export has what the list has
    const xlsx = await f.admin.taobao.candidates.export({ list: { year, level: 'village' }, columns: [{ key: 'name', header: '村' }, { key: 'salesYuan', header: '销售额（元）' }] });
    expect(xlsx.filename).toMatch(/^taobao-candidates-2025/);
  });
});
