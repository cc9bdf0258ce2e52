import type { ControlledTransaction } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/types';
import { STATION_SERVICES, STATION_STATUSES, STATION_TIERS, type StationService, type StationStatus, type StationTier } from '../../db/types';
import { AppError } from '../../lib/app-error';
import { inLanguage } from '../../lib/schema';
import { normaliseText, parseDay } from '../../lib/sheet';
import { sheetColumns } from '../../imports/sheet-mapping';
import { PREVIEW_MAX_LISTED } from '../../lib/upload-limits';
import { commitMode, defineImport, importRequest, noExtras, previewQuery, type ImportRow, type ImportTools } from '../../imports/sheet-import';
import { createStationInput } from './stations.schemas';
import { enqueueRecompute, insertStation } from './stations.service';

/**
 * Importing the station register from Excel, on the shared pipeline (imports/sheet-import.ts).
 * Every row goes through the same checks as a station typed in by hand, and a row may name a
 * parent defined earlier in the file: so the preview places the rows in a transaction it then
 * rolls back, and the commit places them again in its own, and the preview's problems are exactly
 * the commit's. A station already in the register as the row has it is `already`, so importing
 * the same register twice adds nothing; the same code with other details is a problem.
 */
const FIELDS = ['code', 'name', 'tier', 'regionCode', 'parentCode', 'address', 'lat', 'lng', 'phone', 'openedOn', 'services', 'status'] as const;
type Field = (typeof FIELDS)[number];

const SYNONYMS: Record<Field, string[]> = {
  code: ['站点编码', '编码', '站点代码'],
  name: ['站点名称', '名称', '站点'],
  tier: ['层级', '站点层级', '类型', '级别'],
  regionCode: ['区划代码', '所在区划代码', '村代码', '乡镇代码'],
  parentCode: ['上级站点编码', '上级编码', '上级站点'],
  address: ['地址', '详细地址'],
  lat: ['纬度', 'lat'],
  lng: ['经度', 'lng'],
  phone: ['电话', '联系电话', '手机'],
  openedOn: ['开业日期', '开办日期', '开业时间'],
  services: ['服务项目', '服务', '服务内容'],
  status: ['状态', '运营状态'],
};
const columns = sheetColumns(SYNONYMS);

const TIER_WORDS: Record<string, StationTier> = {
  县级运营中心: 'county_center', 县级: 'county_center', 县: 'county_center',
  镇级服务站: 'town_station', 镇级: 'town_station', 乡镇: 'town_station', 镇: 'town_station',
  村级服务点: 'village_point', 村级: 'village_point', 村: 'village_point',
};
const STATUS_WORDS: Record<string, StationStatus> = { 筹建中: 'planned', 筹建: 'planned', 运营中: 'active', 运营: 'active', 暂停: 'suspended', 已关闭: 'closed', 关闭: 'closed' };
const SERVICE_WORDS: Record<string, StationService> = {
  代买: 'purchase_on_behalf', 代购: 'purchase_on_behalf', 代卖: 'sell_on_behalf', 农产品上行: 'sell_on_behalf',
  快递收发: 'parcels', 快递: 'parcels', 便民缴费: 'bill_payment', 缴费: 'bill_payment', 培训: 'training',
  创业孵化: 'incubation', 孵化: 'incubation', 其他: 'other',
};

const text = (v: unknown) => (v === null || v === undefined ? '' : normaliseText(String(v)));

function enumOf<T extends string>(raw: string, words: Record<string, T>, codes: readonly T[]): T | null {
  if (raw === '') return null;
  return words[raw] ?? (codes.includes(raw as T) ? (raw as T) : null);
}

type StationInput = z.output<typeof createStationInput>;
/** A row read: the station it describes (its parent by code, placed later) once its cells are valid. */
interface StationRow {
  /** The code and name as written (shown for a row whose cells are refused). */
  code: string;
  name: string;
  station: StationInput | null;
  parentCode: string;
}
type Row = ImportRow<Field, StationRow>;

const request = importRequest(FIELDS);

/**
 * Place the rows in `trx`, in file order, each in a savepoint: its parent by code (one placed
 * earlier counts), a station already registered as the row has it is `already`, else the same
 * insert as a station typed in; a refusal makes the row a problem. `created` lists what was placed.
 */
async function place(trx: ControlledTransaction<Database>, tools: ImportTools<Field>, rows: readonly Row[]) {
  const { ctx } = tools;
  const created: Row[] = [];
  for (const [i, r] of rows.entries()) {
    await tools.progress.advance(i + 1);
    if (r.status !== 'ok' || !r.data.station) continue;
    const { parentCode } = r.data;
    const parent = parentCode ? await trx.selectFrom('stations').select('id').where('code', '=', parentCode).executeTakeFirst() : undefined;
    if (parentCode && !parent) {
      tools.problem(r, 'parentCode', 'IMPORT_STATION_UNKNOWN', { value: parentCode });
      continue;
    }
    const station = { ...r.data.station, parentId: parent?.id ?? null };
    const stored = await trx.selectFrom('stations').select(['name', 'tier', 'region_code', 'parent_id']).where('code', '=', station.code).executeTakeFirst();
    if (stored && stored.name === station.name && stored.tier === station.tier && stored.region_code === station.regionCode && stored.parent_id === station.parentId) {
      tools.skip(r, 'already', 'STATION_IMPORT_ALREADY');
      continue;
    }
    const savepoint = await trx.savepoint(`row${i}`).execute();
    try {
      await insertStation(savepoint, ctx.actor, ctx.who, station);
      await savepoint.releaseSavepoint(`row${i}`).execute();
      created.push(r);
    } catch (err) {
      await savepoint.rollbackToSavepoint(`row${i}`).execute();
      if (!(err instanceof AppError)) throw err;
      tools.problem(r, null, err.code, err.params);
    }
  }
  return created;
}

const createdView = (rows: readonly Row[]) => rows.slice(0, PREVIEW_MAX_LISTED).map((r) => ({ row: r.row.rowNumber, code: r.data.station!.code, name: r.data.station!.name }));
const createdShape = z.array(z.object({ row: z.number(), code: z.string(), name: z.string() }));

export const stationRegisterImport = defineImport({
  name: 'stations.register',
  fields: FIELDS,
  request: { preview: z.object({ ...request, ...previewQuery }), commit: z.object({ ...request, ...commitMode('all_or_nothing') }) },
  columns: () => columns,
  label: (field) => SYNONYMS[field][0]!,
  required: () => ['code', 'name', 'tier', 'regionCode'],
  prepare: async () => null,
  async analyse(tools, _context, sheet) {
    const { ctx, cell, mapping } = tools;
    const rows = sheet.rows.map((line) => {
      const value = (field: Field) => cell(line, field);
      const r = tools.row<StationRow>(line, { code: text(value('code')), name: String(value('name') ?? '').trim(), station: null, parentCode: text(value('parentCode')) });
      const invalid = (field: Field) => tools.problem(r, field, 'IMPORT_CELL_INVALID', { column: mapping[field] ?? '', value: text(value(field)) });
      const tier = enumOf(text(value('tier')), TIER_WORDS, STATION_TIERS);
      const status = enumOf(text(value('status')), STATUS_WORDS, STATION_STATUSES) ?? (text(value('status')) === '' ? 'planned' : null);
      const services = text(value('services'))
        .split(/[、,，/;；]/)
        .filter(Boolean)
        .map((w) => enumOf(w, SERVICE_WORDS, STATION_SERVICES));
      if (!tier) invalid('tier');
      if (!status) invalid('status');
      if (services.includes(null)) invalid('services');
      const opened = value('openedOn');
      const openedOn = opened === null ? null : parseDay(opened);
      if (opened !== null && !openedOn) invalid('openedOn');
      const coordinate = (field: 'lat' | 'lng') => (value(field) === null ? null : Number(text(value(field))));
      const parsed = createStationInput.safeParse({
        code: r.data.code,
        name: r.data.name,
        tier: tier ?? 'village_point',
        regionCode: text(value('regionCode')),
        parentId: null,
        address: value('address') === null ? null : String(value('address')).trim(),
        lat: coordinate('lat'),
        lng: coordinate('lng'),
        phone: value('phone') === null ? null : text(value('phone')),
        openedOn,
        services: services.filter((s): s is StationService => s !== null),
        status: status ?? 'planned',
        statusSince: openedOn ?? undefined,
      });
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          const field = FIELDS.find((f) => f === issue.path[0]) ?? null;
          tools.problem(r, field, 'IMPORT_CELL_MESSAGE', { column: (field && mapping[field]) ?? issue.path.join('.'), message: inLanguage(issue.message, ctx.lang) });
        }
      } else if (r.status === 'ok') r.data.station = parsed.data;
      return r;
    });
    // a dry run: placed as the commit will place them, then rolled back
    const trx = await ctx.db.startTransaction().execute();
    try {
      await place(trx, tools, rows);
    } finally {
      await trx.rollback().execute();
    }
    return { rows };
  },
  view: {
    shape: { code: z.string().nullable(), name: z.string().nullable(), tier: z.enum(STATION_TIERS).nullable(), regionCode: z.string().nullable(), parentCode: z.string().nullable() },
    of: ({ data: { code, name, station, parentCode } }) => ({
      code: code || null,
      name: name || null,
      tier: station?.tier ?? null,
      regionCode: station?.regionCode ?? null,
      parentCode: parentCode || null,
    }),
  },
  totals: noExtras,
  preview: {
    shape: { created: createdShape },
    of: (_context, analysis) => ({ created: createdView(analysis?.rows.filter((r) => r.status === 'ok') ?? []) }),
  },
  write: {
    shape: {
      /** How many stations were created; `created` lists the first 200. */
      inserted: z.number(),
      created: createdShape,
      alreadyPresent: z.number(),
    },
    async run(trx, tools, _context, rows, all) {
      const created = await place(trx, tools, rows);
      return { inserted: created.length, created: createdView(created), alreadyPresent: all.filter((r) => r.status === 'already').length };
    },
  },
  /** `rows` are the ones created (a row found registered while writing is `already` now). */
  async after(ctx, _context, rows) {
    for (const region of new Set(rows.map((r) => r.data.station!.regionCode))) await enqueueRecompute(ctx, region);
  },
  rejects: { filenameStem: 'station-import-rejects' },
});
