import { sql } from 'kysely';
import { z } from 'zod';
import { URBAN_RURAL_CLASSES, type TaobaoLevel, type UrbanRuralClass } from '../../db/enums';
import { shanghaiToday } from '../../lib/dates';
import { normaliseText, parseCount, parseYuanToFen } from '../../lib/sheet';
import { sheetColumns } from '../../imports/sheet-mapping';
import { commitMode, defineImport, importRequest, noExtras, previewQuery } from '../../imports/sheet-import';
import { recordAudit } from '../audit/audit.service';
import { enqueueEvaluation } from './taobao.service';
import { periodSchema } from './taobao.schemas';
import { yearOfPeriod } from './taobao.rules';
import { taobaoScope } from './taobao.scope';

/**
 * Two imports on the shared pipeline (imports/sheet-import.ts):
 * - figures: yearly and monthly official figures of villages and towns, keyed by the 12-digit code or
 *   by town + village name, in the user's own columns; a row equal to what is stored is `already`;
 * - the published AliResearch list (province, city, county, town, village per row), matched to codes
 *   by name; rows that match nothing are kept for a person to resolve, never dropped.
 */

const blank = (v: unknown) => v === null || v === undefined || normaliseText(String(v)) === '';
/** Names compared without spaces and without the usual endings, so 西王庄村 matches 西王庄. */
const bare = (name: string) => normaliseText(name).replace(/\s/g, '').replace(/(村民委员会|居民委员会|村委会|居委会|社区|村|街道办事处|街道|镇|乡|县|市|区|省|自治区|自治州)$/, '');

/** '2025', '2025年', '2025年度' → '2025'; '2025-03', '2025/3', '2025年3月', '202503', an Excel date → '2025-03'. */
export function parsePeriod(value: unknown): string | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString().slice(0, 7);
  if (typeof value === 'number' && value >= 20000 && value < 80000) return new Date(Date.UTC(1899, 11, 30) + Math.round(value) * 86_400_000).toISOString().slice(0, 7);
  const text = normaliseText(String(value ?? '')).replace(/\s/g, '');
  let m = text.match(/^(\d{4})(年度?)?$/);
  if (m) return m[1]!;
  m = text.match(/^(\d{4})[-/.年](\d{1,2})月?(?:[-/.]\d{1,2}日?)?$/) ?? text.match(/^(\d{4})(\d{2})$/);
  if (!m) return null;
  const month = Number(m[2]);
  return month >= 1 && month <= 12 ? `${m[1]}-${String(month).padStart(2, '0')}` : null;
}

/** 万元 as typed (1234.5678) to fen by string arithmetic (up to six decimals: one fen). */
export function parseWanToFen(value: unknown): number | 'invalid' {
  const text = (typeof value === 'number' ? String(value) : normaliseText(String(value))).replace(/,/g, '').replace(/万元?$/, '');
  const m = text.match(/^(\d+)(?:\.(\d{1,6}))?$/);
  if (!m) return typeof value === 'number' && value >= 0 && Number.isFinite(value) ? Math.round(value * 1_000_000) : 'invalid';
  return Number(m[1]) * 1_000_000 + Number((m[2] ?? '').padEnd(6, '0'));
}

const FIGURE_FIELDS = ['code', 'town', 'village', 'period', 'salesYuan', 'salesWan', 'activeShops', 'households', 'urbanRuralClass'] as const;
type FigureField = (typeof FIGURE_FIELDS)[number];
const FIGURE_SYNONYMS: Record<FigureField, string[]> = {
  code: ['区划代码', '行政区划代码', '统计用区划代码', '村代码', '村级代码', '代码', 'code'],
  town: ['乡镇', '镇', '乡镇（街道）', '乡镇街道', '所属乡镇', 'town'],
  village: ['村', '村名', '行政村', '村（社区）', '村居', 'village'],
  period: ['期间', '年度', '年份', '月份', '统计期', '时间', 'period'],
  salesYuan: ['销售额', '网络销售额', '电商销售额', '网络零售额', '销售额(元)', '网络销售额(元)', 'sales'],
  salesWan: ['销售额(万元)', '网络销售额(万元)', '电商销售额(万元)', '网络零售额(万元)'],
  activeShops: ['活跃网店数', '活跃网店', '网店数', '活跃店铺数', 'activeshops'],
  households: ['户数', '总户数', '户籍户数', '常住户数', 'households'],
  urbanRuralClass: ['城乡分类代码', '城乡分类', 'urbanruralclass'],
};
const foldHeader = (h: string) => normaliseText(h).replace(/\s/g, '').replace(/（/g, '(').replace(/）/g, ')').toLowerCase();
const figureColumns = sheetColumns(FIGURE_SYNONYMS, { fold: foldHeader });

interface FigureRow {
  code: string;
  period: string;
  salesFen: number | null;
  activeShops: number | null;
  households: number | null;
  urbanRuralClass: UrbanRuralClass | null;
}

const figureRequest = importRequest(FIGURE_FIELDS);

export const figuresImport = defineImport({
  name: 'taobao.figures',
  fields: FIGURE_FIELDS,
  request: { preview: z.object({ ...figureRequest, ...previewQuery }), commit: z.object({ ...figureRequest, ...commitMode('all_or_nothing') }) },
  columns: () => figureColumns,
  label: (field) => FIGURE_SYNONYMS[field][0]!,
  // the place is a code or a town and village name: which, each row says (TAOBAO_IMPORT_PLACE_MISSING)
  required: () => ['period'],
  async prepare({ db, actor }) {
    const places = await db
      .selectFrom('regions as r')
      .leftJoin('regions as t', 't.code', 'r.parent_code')
      .select(['r.code', 'r.name', 'r.level', 't.name as town_name'])
      .where('r.level', 'in', ['village', 'town'])
      .where(taobaoScope.where(actor, 'r.code'))
      .execute();
    const byCode = new Map(places.map((p) => [p.code, p]));
    const byName = new Map<string, string[]>();
    for (const p of places) {
      const key = p.level === 'town' ? `${bare(p.name)}|` : `${bare(p.town_name ?? '')}|${bare(p.name)}`;
      byName.set(key, [...(byName.get(key) ?? []), p.code]);
    }
    const closed = new Set((await db.selectFrom('taobao_years').select('year').execute()).map((y) => y.year));
    return { byCode, byName, closed };
  },
  async analyse(tools, { byCode, byName, closed }, sheet) {
    const { cell, mapping } = tools;
    const rows = [];
    const seen = new Map<string, number>();
    for (const [i, line] of sheet.rows.entries()) {
      await tools.progress.advance(i + 1);
      const r = tools.row<FigureRow>(line, { code: '', period: '', salesFen: null, activeShops: null, households: null, urbanRuralClass: null });
      // the place: a code, else the town and village names
      const codeCell = cell(line, 'code');
      const town = String(cell(line, 'town') ?? '').trim();
      const village = String(cell(line, 'village') ?? '').trim();
      if (!blank(codeCell)) {
        const code = normaliseText(String(codeCell)).replace(/\D/g, '').padEnd(12, '0');
        if (byCode.has(code)) r.data.code = code;
        else tools.problem(r, 'code', 'TAOBAO_IMPORT_PLACE_UNKNOWN', { value: String(codeCell) });
      } else if (town) {
        const found = byName.get(`${bare(town)}|${village ? bare(village) : ''}`) ?? [];
        const label = village ? `${town} ${village}` : town;
        if (found.length === 1) r.data.code = found[0]!;
        else tools.problem(r, village ? 'village' : 'town', found.length ? 'TAOBAO_IMPORT_PLACE_AMBIGUOUS' : 'TAOBAO_IMPORT_PLACE_UNKNOWN', { value: label });
      } else tools.problem(r, 'code', 'TAOBAO_IMPORT_PLACE_MISSING');
      // the period
      const period = parsePeriod(cell(line, 'period'));
      if (!period || !periodSchema.safeParse(period).success) tools.problem(r, 'period', 'TAOBAO_IMPORT_PERIOD_INVALID', { value: String(cell(line, 'period') ?? '') });
      else {
        r.data.period = period;
        const year = yearOfPeriod(period);
        if (closed.has(year)) tools.problem(r, 'period', 'TAOBAO_YEAR_CLOSED', { year });
      }
      // the figures: blank is "no figure", not zero
      const sales = cell(line, 'salesYuan');
      const wan = cell(line, 'salesWan');
      if (!blank(sales)) {
        const fen = parseYuanToFen(sales);
        if (fen === 'invalid') tools.problem(r, 'salesYuan', 'TAOBAO_IMPORT_AMOUNT_INVALID', { value: String(sales) });
        else r.data.salesFen = fen;
      } else if (!blank(wan)) {
        const fen = parseWanToFen(wan);
        if (fen === 'invalid') tools.problem(r, 'salesWan', 'TAOBAO_IMPORT_AMOUNT_INVALID', { value: String(wan) });
        else r.data.salesFen = fen;
      }
      for (const field of ['activeShops', 'households'] as const) {
        const value = cell(line, field);
        if (blank(value)) continue;
        const n = parseCount(value);
        if (n === 'invalid' || n > 1_000_000 || (field === 'households' && n === 0)) tools.problem(r, field, 'TAOBAO_IMPORT_COUNT_INVALID', { value: String(value) });
        else r.data[field] = n;
      }
      const klass = cell(line, 'urbanRuralClass');
      if (!blank(klass)) {
        const text = normaliseText(String(klass)).trim();
        if ((URBAN_RURAL_CLASSES as readonly string[]).includes(text)) r.data.urbanRuralClass = text as UrbanRuralClass;
        else tools.problem(r, 'urbanRuralClass', 'TAOBAO_IMPORT_CLASS_INVALID', { value: text });
      }
      if (r.status === 'ok' && r.data.salesFen === null && r.data.activeShops === null && r.data.households === null && r.data.urbanRuralClass === null) {
        tools.problem(r, null, 'TAOBAO_IMPORT_FIGURES_EMPTY');
      }
      if (r.status === 'ok') {
        const key = `${r.data.code}|${r.data.period}`;
        if (seen.has(key)) tools.skip(r, 'duplicate', 'TAOBAO_IMPORT_DUPLICATE_ROW', { row: seen.get(key)! });
        else seen.set(key, line.rowNumber);
      }
      rows.push(r);
    }
    // rows equal to what is stored are `already`, read in one go
    const ok = rows.filter((r) => r.status === 'ok');
    if (ok.length) {
      const stored = await tools.ctx.db
        .selectFrom('taobao_figures')
        .select(['region_code', 'period', 'sales_fen', 'active_shops', 'households'])
        .where('region_code', 'in', [...new Set(ok.map((r) => r.data.code))])
        .execute();
      const classes = new Map(
        (await tools.ctx.db.selectFrom('regions').select(['code', 'urban_rural_class']).where('code', 'in', [...new Set(ok.map((r) => r.data.code))]).execute()).map((c) => [c.code, c.urban_rural_class]),
      );
      const byKey = new Map(stored.map((s) => [`${s.region_code}|${s.period}`, s]));
      for (const r of ok) {
        const s = byKey.get(`${r.data.code}|${r.data.period}`);
        const sameClass = r.data.urbanRuralClass === null || classes.get(r.data.code) === r.data.urbanRuralClass;
        const noFigures = r.data.salesFen === null && r.data.activeShops === null && r.data.households === null;
        const sameFigures = s ? (s.sales_fen === null ? null : Number(s.sales_fen)) === r.data.salesFen && s.active_shops === r.data.activeShops && s.households === r.data.households : noFigures;
        if (sameClass && sameFigures) tools.skip(r, 'already', 'TAOBAO_IMPORT_ALREADY');
      }
    }
    void mapping;
    return { rows };
  },
  view: {
    shape: { code: z.string().nullable(), period: z.string().nullable(), salesFen: z.number().nullable(), activeShops: z.number().nullable(), households: z.number().nullable(), urbanRuralClass: z.string().nullable() },
    of: ({ data }) => ({ ...data, code: data.code || null, period: data.period || null }),
  },
  totals: noExtras,
  preview: noExtras,
  write: {
    shape: { written: z.number() },
    async run(trx, tools, _context, rows) {
      const today = shanghaiToday();
      let written = 0;
      for (const [i, r] of rows.entries()) {
        await tools.progress.advance(i + 1);
        const { code, period, salesFen, activeShops, households, urbanRuralClass } = r.data;
        if (urbanRuralClass) {
          const before = await trx.selectFrom('regions').select('urban_rural_class').where('code', '=', code).executeTakeFirstOrThrow();
          if (before.urban_rural_class !== urbanRuralClass) {
            await trx.updateTable('regions').set({ urban_rural_class: urbanRuralClass, updated_at: sql`now()` }).where('code', '=', code).execute();
            await recordAudit(trx, tools.ctx.who, { entity: 'region', entityId: code, action: 'urban_rural_class', before, after: { urban_rural_class: urbanRuralClass } });
          }
        }
        if (salesFen === null && activeShops === null && households === null) continue;
        const values = { sales_fen: salesFen, active_shops: activeShops, households, source: 'imported' as const, as_of: today, updated_by: tools.ctx.who.id };
        const before = await trx.selectFrom('taobao_figures').selectAll().where('region_code', '=', code).where('period', '=', period).executeTakeFirst();
        const after = await trx
          .insertInto('taobao_figures')
          .values({ region_code: code, period, ...values })
          .onConflict((oc) => oc.columns(['region_code', 'period']).doUpdateSet({ ...values, updated_at: sql`now()` }))
          .returningAll()
          .executeTakeFirstOrThrow();
        await recordAudit(trx, tools.ctx.who, { entity: 'taobao_figure', entityId: `${code}:${period}`, action: before ? 'import_update' : 'import', before, after });
        written++;
      }
      return { written };
    },
  },
  after: async (ctx, _context, _rows, { written }): Promise<void> => {
    if (written) await enqueueEvaluation(ctx);
  },
  rejects: { filenameStem: 'taobao-figures-rejects' },
});

// ---- the published list --------------------------------------------------------------------------

const LIST_FIELDS = ['year', 'level', 'province', 'city', 'county', 'town', 'village'] as const;
type ListField = (typeof LIST_FIELDS)[number];
const LIST_SYNONYMS: Record<ListField, string[]> = {
  year: ['年份', '年度', '认定年份', '批次', 'year'],
  level: ['类别', '类型', '名单类别', 'level'],
  province: ['省', '省份', '省(区、市)', '省（区、市）', 'province'],
  city: ['市', '地市', '城市', '地级市', 'city'],
  county: ['县', '区县', '县(市、区)', '县（市、区）', '县区', 'county'],
  town: ['镇', '乡镇', '乡镇(街道)', '淘宝镇', '乡镇名称', 'town'],
  village: ['村', '村名', '淘宝村', '村名称', '村(社区)', 'village'],
};
const listColumns = sheetColumns(LIST_SYNONYMS, { fold: foldHeader });

interface ListRow {
  year: number;
  level: TaobaoLevel;
  names: { province: string; city: string; county: string; town: string; village: string };
  code: string | null;
}

const listRequest = { ...importRequest(LIST_FIELDS), year: z.number().int().min(2009).max(2100).optional() };

export const recognitionsImport = defineImport({
  name: 'taobao.recognitions',
  fields: LIST_FIELDS,
  request: { preview: z.object({ ...listRequest, ...previewQuery }), commit: z.object({ ...listRequest, ...commitMode('all_or_nothing') }) },
  columns: () => listColumns,
  label: (field) => LIST_SYNONYMS[field][0]!,
  required: (input) => (input.year ? ['county', 'town'] : ['year', 'county', 'town']),
  async prepare({ db }, input) {
    // the bureau records the published list (the router's roles); matching runs over every division held
    const regions = await db.selectFrom('regions').select(['code', 'name', 'level', 'parent_code']).where('level', '!=', 'village').execute();
    const villages = await db.selectFrom('regions').select(['code', 'name', 'parent_code']).where('level', '=', 'village').execute();
    const children = new Map<string, { code: string; name: string; level: string }[]>();
    for (const r of [...regions, ...villages.map((v) => ({ ...v, level: 'village' }))]) {
      const key = r.parent_code ?? '';
      children.set(key, [...(children.get(key) ?? []), { code: r.code, name: r.name, level: r.level }]);
    }
    return { children, year: input.year };
  },
  async analyse(tools, { children, year: fixedYear }, sheet) {
    const { cell } = tools;
    const rows = [];
    const seen = new Map<string, number>();
    /** The child of `parent` whose name matches; none, or more than one, is no match. */
    const child = (parent: string | null, name: string) => {
      if (parent === null || !name) return parent === null ? null : undefined;
      const found = (children.get(parent) ?? []).filter((c) => bare(c.name) === bare(name));
      return found.length === 1 ? found[0]!.code : null;
    };
    for (const [i, line] of sheet.rows.entries()) {
      await tools.progress.advance(i + 1);
      const text = (f: ListField) => String(cell(line, f) ?? '').trim();
      const names = { province: text('province'), city: text('city'), county: text('county'), town: text('town'), village: text('village') };
      const r = tools.row<ListRow>(line, { year: fixedYear ?? 0, level: names.village ? 'village' : 'town', names, code: null });
      if (!fixedYear) {
        const y = Number(normaliseText(text('year')).replace(/年度?$/, ''));
        if (Number.isInteger(y) && y >= 2009 && y <= 2100) r.data.year = y;
        else tools.problem(r, 'year', 'TAOBAO_IMPORT_YEAR_INVALID', { value: text('year') });
      }
      const level = text('level');
      if (level) {
        if (/村/.test(level)) r.data.level = 'village';
        else if (/镇/.test(level)) r.data.level = 'town';
        else tools.problem(r, 'level', 'TAOBAO_IMPORT_LEVEL_INVALID', { value: level });
      }
      if (!names.town || (r.data.level === 'village' && !names.village)) tools.problem(r, r.data.level === 'village' ? 'village' : 'town', 'TAOBAO_IMPORT_NAME_MISSING');
      if (r.status === 'ok') {
        // down the tree by name: province → city → county → town → village; a missing step (a
        // province-administered county has no city) is skipped by looking one level further
        let at: string | null = '';
        for (const step of [names.province, names.city, names.county] as const) {
          if (!step) continue;
          const next: string | null | undefined = child(at, step) ?? (at === null ? null : [...(children.get(at) ?? [])].map((c) => child(c.code, step)).find((c) => c) ?? null);
          at = next ?? null;
        }
        const town = at === null ? null : child(at, names.town);
        r.data.code = r.data.level === 'town' ? (town ?? null) : town ? (child(town, names.village) ?? null) : null;
        if (!r.data.code) tools.note(r, null, 'TAOBAO_IMPORT_UNMATCHED');
        const key = `${r.data.year}|${r.data.level}|${Object.values(names).join('|')}`;
        if (seen.has(key)) tools.skip(r, 'duplicate', 'TAOBAO_IMPORT_DUPLICATE_ROW', { row: seen.get(key)! });
        else seen.set(key, line.rowNumber);
      }
      rows.push(r);
    }
    return { rows };
  },
  view: {
    shape: { year: z.number(), level: z.enum(['village', 'town']), code: z.string().nullable(), place: z.string() },
    of: ({ data }) => ({ year: data.year, level: data.level, code: data.code, place: Object.values(data.names).filter(Boolean).join(' ') }),
  },
  totals: { shape: { matched: z.number(), unmatched: z.number() }, of: (rows) => ({ matched: rows.filter((r) => r.status === 'ok' && r.data.code).length, unmatched: rows.filter((r) => r.status === 'ok' && !r.data.code).length }) },
  preview: noExtras,
  write: {
    shape: { recognised: z.number(), unmatched: z.number() },
    async run(trx, tools, _context, rows) {
      const matched = rows.filter((r) => r.data.code);
      const unmatched = rows.filter((r) => !r.data.code);
      let recognised = 0;
      if (matched.length) {
        const added = await trx
          .insertInto('taobao_recognitions')
          .values(matched.map((r) => ({ region_code: r.data.code!, year: r.data.year, level: r.data.level })))
          .onConflict((oc) => oc.columns(['region_code', 'year']).doNothing())
          .returning('region_code')
          .execute();
        recognised = added.length;
      }
      let waiting = 0;
      if (unmatched.length) {
        const added = await trx
          .insertInto('taobao_unmatched')
          .values(unmatched.map((r) => ({ year: r.data.year, level: r.data.level, ...r.data.names })))
          .onConflict((oc) => oc.columns(['year', 'level', 'province', 'city', 'county', 'town', 'village']).doNothing())
          .returning('id')
          .execute();
        waiting = added.length;
      }
      await recordAudit(trx, tools.ctx.who, { entity: 'taobao_recognition', entityId: 'import', action: 'import', after: { recognised, unmatched: waiting, rows: rows.length } });
      return { recognised, unmatched: waiting };
    },
  },
  after: async (ctx, _context, _rows, { recognised }): Promise<void> => {
    if (recognised) await enqueueEvaluation(ctx);
  },
  rejects: { filenameStem: 'taobao-list-rejects' },
});
