import { z } from 'zod';
import type { Db } from '../../db/create-db';
import { STATION_SERVICES, STATION_STATUSES, STATION_TIERS, type StationService, type StationStatus, type StationTier } from '../../db/types';
import type { JobQueue } from '../../jobs/queue';
import { AppError } from '../../lib/app-error';
import type { Logger } from '../../lib/logger';
import { normaliseText, parseDay, readSheet, type SheetRow } from '../../lib/sheet';
import { refuseProblems, sheetChoiceInput, sheetChoiceOf, sheetColumns, summariseProblems } from '../../lib/sheet-mapping';
import { PREVIEW_MAX_LISTED, uploadBase64 } from '../../lib/upload-limits';
import { translate, type Lang } from '../../i18n/messages';
import { inLanguage } from '../../lib/schema';
import type { AuditWho } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { createStationInput } from './stations.schemas';
import { enqueueRecompute, insertStation } from './stations.service';

/**
 * Importing the station register from Excel. Every row goes through the same checks as a station
 * typed in by hand (a row may name a parent defined earlier in the file); the dry run does the
 * whole import in a transaction it then rolls back, so the preview's problems are exactly the
 * commit's. The commit writes every row or none.
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

export const stationImportInput = z.object({ fileBase64: uploadBase64, ...sheetChoiceInput });

export interface StationImportResult {
  totalRows: number;
  validRows: number;
  problems: { row: number; field: Field | null; message: string }[];
  created: { row: number; code: string; name: string }[];
}

const text = (v: unknown) => (v === null || v === undefined ? '' : normaliseText(String(v)));

function enumOf<T extends string>(raw: string, words: Record<string, T>, codes: readonly T[]): T | null {
  if (raw === '') return null;
  return words[raw] ?? (codes.includes(raw as T) ? (raw as T) : null);
}

async function runImport(
  db: Db,
  actor: Actor,
  who: AuditWho,
  lang: Lang,
  input: z.output<typeof stationImportInput>,
  commit: boolean,
): Promise<StationImportResult & { regions: string[]; sheets: string[]; sheet: string | null }> {
  const sheet = await readSheet(input.fileBase64, columns.knows, input.sheet);
  const column = columns.guess(sheet.headers);
  const value = (row: SheetRow, field: Field) => (column[field] ? row.cells[column[field]!] : null);
  const problems: StationImportResult['problems'] = [];
  const created: StationImportResult['created'] = [];
  const regions: string[] = [];
  const missing = (['code', 'name', 'tier', 'regionCode'] as const).filter((f) => !column[f]);
  if (missing.length) throw new AppError('IMPORT_MAPPING_INCOMPLETE', 'BAD_REQUEST', { fields: missing.map((f) => SYNONYMS[f][0]).join('、') });

  const trx = await db.startTransaction().execute();
  try {
    for (const [i, row] of sheet.rows.entries()) {
      const problem = (field: Field | null, message: string) => problems.push({ row: row.rowNumber, field, message });
      const tier = enumOf(text(value(row, 'tier')), TIER_WORDS, STATION_TIERS);
      const status = enumOf(text(value(row, 'status')), STATUS_WORDS, STATION_STATUSES) ?? (text(value(row, 'status')) === '' ? 'planned' : null);
      const services = text(value(row, 'services'))
        .split(/[、,，/;；]/)
        .filter(Boolean)
        .map((w) => enumOf(w, SERVICE_WORDS, STATION_SERVICES));
      const parentCode = text(value(row, 'parentCode'));
      const parent = parentCode ? await trx.selectFrom('stations').select('id').where('code', '=', parentCode).executeTakeFirst() : undefined;
      const before = problems.length;
      if (!tier) problem('tier', translate(lang, 'IMPORT_CELL_INVALID', { column: column.tier!, value: text(value(row, 'tier')) }));
      if (!status) problem('status', translate(lang, 'IMPORT_CELL_INVALID', { column: column.status ?? '', value: text(value(row, 'status')) }));
      if (services.includes(null)) problem('services', translate(lang, 'IMPORT_CELL_INVALID', { column: column.services!, value: text(value(row, 'services')) }));
      if (parentCode && !parent) problem('parentCode', translate(lang, 'IMPORT_STATION_UNKNOWN', { value: parentCode }));
      const opened = value(row, 'openedOn');
      const openedOn = opened === null ? null : parseDay(opened);
      if (opened !== null && !openedOn) problem('openedOn', translate(lang, 'IMPORT_CELL_INVALID', { column: column.openedOn!, value: text(opened) }));
      const coordinate = (field: 'lat' | 'lng') => (value(row, field) === null ? null : Number(text(value(row, field))));
      const parsed = createStationInput.safeParse({
        code: text(value(row, 'code')),
        name: String(value(row, 'name') ?? '').trim(),
        tier: tier ?? 'village_point',
        regionCode: text(value(row, 'regionCode')),
        parentId: parent?.id ?? null,
        address: value(row, 'address') === null ? null : String(value(row, 'address')).trim(),
        lat: coordinate('lat'),
        lng: coordinate('lng'),
        phone: value(row, 'phone') === null ? null : text(value(row, 'phone')),
        openedOn,
        services: services.filter((s): s is StationService => s !== null),
        status: status ?? 'planned',
        statusSince: openedOn ?? undefined,
      });
      if (!parsed.success) {
        for (const issue of parsed.error.issues) problem((issue.path[0] as Field) ?? null, `${column[issue.path[0] as Field] ?? issue.path.join('.')}: ${inLanguage(issue.message, lang)}`);
      }
      if (problems.length > before || !parsed.success) continue;
      const savepoint = await trx.savepoint(`row${i}`).execute();
      try {
        await insertStation(savepoint, actor, who, parsed.data);
        await savepoint.releaseSavepoint(`row${i}`).execute();
        created.push({ row: row.rowNumber, code: parsed.data.code, name: parsed.data.name });
        regions.push(parsed.data.regionCode);
      } catch (err) {
        await savepoint.rollbackToSavepoint(`row${i}`).execute();
        if (!(err instanceof AppError)) throw err;
        problem(null, translate(lang, err.code, err.params));
      }
    }
    if (commit && problems.length === 0) await trx.commit().execute();
    else await trx.rollback().execute();
  } catch (err) {
    await trx.rollback().execute().catch(() => {});
    throw err;
  }
  return { totalRows: sheet.rows.length, validRows: created.length, problems, created, regions, ...sheetChoiceOf(sheet) };
}

/** What an import answers: the first problems and created rows, beside the counts of all. */
function answer({ regions, ...result }: Awaited<ReturnType<typeof runImport>>) {
  return { ...result, ...summariseProblems(result.problems), created: result.created.slice(0, PREVIEW_MAX_LISTED) };
}

export async function previewStationImport(db: Db, actor: Actor, who: AuditWho, lang: Lang, input: z.output<typeof stationImportInput>) {
  return answer(await runImport(db, actor, who, lang, input, false));
}

export async function commitStationImport(
  deps: { db: Db; queue: JobQueue; log: Logger },
  actor: Actor,
  who: AuditWho,
  lang: Lang,
  input: z.output<typeof stationImportInput>,
) {
  const result = await runImport(deps.db, actor, who, lang, input, true);
  refuseProblems(result.problems);
  for (const region of new Set(result.regions)) await enqueueRecompute(deps, region);
  return answer(result);
}
