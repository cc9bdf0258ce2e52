import { z } from 'zod';
import type { Db } from '../../db/create-db';
import type { JobQueue } from '../../jobs/queue';
import { AppError } from '../../lib/app-error';
import { shanghaiToday } from '../../lib/dates';
import type { Logger } from '../../lib/logger';
import { idSchema } from '../../lib/schema';
import { normaliseText, parseCount, parseDay, parseYuanToFen, type SheetRow } from '../../lib/sheet';
import {
  mappedCell,
  readMappedSheet,
  refuseProblems,
  rememberMapping,
  sheetChoiceInput,
  sheetChoiceOf,
  sheetColumns,
  summariseProblems,
  type ImportProblem as SheetProblem,
} from '../../lib/sheet-mapping';
import { uploadBase64 } from '../../lib/upload-limits';
import { translate, type Lang } from '../../i18n/messages';
import type { AuditWho } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { assertMayWriteDay, writeLedgerEntry } from './ledger.service';
import { assertCanReadStation, canReadStation, enqueueRecompute } from './stations.service';
import { stationById } from './stations.repository';
import { LEDGER_COLUMNS, ledgerFigures, type LedgerFigures } from './stations.schemas';

/**
 * Importing a month of ledger from the operator's own spreadsheet: their column headers are mapped
 * to our fields (the mapping is remembered per user), a dry run shows every row's problems, and
 * the commit writes all rows or none. Rows equal to what is stored change nothing, so importing
 * the same file twice leaves the same rows.
 */
export const IMPORT_FIELDS = ['date', 'stationCode', ...(Object.keys(LEDGER_COLUMNS) as (keyof LedgerFigures)[]), 'note'] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];
const MONEY: (keyof LedgerFigures)[] = ['purchaseAmountFen', 'salesAmountFen', 'incomeParcelFen', 'incomeCommissionFen', 'incomeBillFen', 'incomeOtherFen'];

/** Header words people use for each field (compared without spaces, full-width folded, units dropped). */
const SYNONYMS: Record<ImportField, string[]> = {
  date: ['日期', '台账日期', '营业日期', '时间', 'date'],
  stationCode: ['站点编码', '站点代码', '服务点编码', '编码', 'stationcode'],
  parcelsIn: ['收件', '收件量', '到件', '到件量', '快递收件', '包裹收件', 'parcelsin'],
  parcelsOut: ['寄件', '寄件量', '发件', '发件量', '快递寄件', 'parcelsout'],
  purchaseOrders: ['代买单数', '代买笔数', '代购单数', '工业品下行单数', 'purchaseorders'],
  purchaseAmountFen: ['代买金额', '代购金额', '工业品下行金额', 'purchaseamount'],
  salesOrders: ['代卖单数', '代卖笔数', '农产品上行单数', 'salesorders'],
  salesAmountFen: ['代卖金额', '农产品上行金额', '上行金额', 'salesamount'],
  incomeParcelFen: ['快递收入', '快递服务费', '收发件收入', 'incomeparcel'],
  incomeCommissionFen: ['佣金收入', '佣金', 'incomecommission'],
  incomeBillFen: ['缴费收入', '便民缴费收入', '代缴费收入', 'incomebill'],
  incomeOtherFen: ['其他收入', 'incomeother'],
  villagersServed: ['服务人次', '服务村民', '服务人数', 'villagersserved'],
  note: ['备注', '说明', 'note'],
};

const stripUnit = (header: string) => normaliseText(header).replace(/\((元|件|单|笔|人次|人)\)$/, '').toLowerCase();
const columns = sheetColumns(SYNONYMS, { fold: stripUnit });

export const ledgerImportInput = z.object({
  fileBase64: uploadBase64,
  /** The station the whole file is for, when it has no station-code column. */
  stationId: idSchema.optional(),
  /** Our field → the header text in the file; absent: the remembered mapping, else a guess. */
  mapping: z.partialRecord(z.enum(IMPORT_FIELDS), z.string().max(60)).optional(),
  ...sheetChoiceInput,
});

export type ImportProblem = SheetProblem<ImportField>;

interface ParsedRow extends LedgerFigures {
  rowNumber: number;
  stationId: number;
  stationRegion: string;
  date: string;
  note: string | null;
}

async function parse(db: Db, actor: Actor, lang: Lang, input: z.output<typeof ledgerImportInput>) {
  // the station chosen for the whole file is asked for by id: refused as any station outside the scope is
  if (input.stationId !== undefined) assertCanReadStation(actor, await stationById(db, input.stationId));
  const required: ImportField[] = input.stationId ? ['date'] : ['date', 'stationCode'];
  const { sheet, mapping, missing } = await readMappedSheet(db, actor.id, 'ledger', columns, input, required);
  if (missing.length) {
    return { sheet, mapping, missing, rows: [] as ParsedRow[], problems: [] as ImportProblem[] };
  }

  // only the stations the actor may read: a code outside their scope is, to them, a code nobody has
  // (the same IMPORT_STATION_UNKNOWN), so a file cannot probe which codes exist elsewhere
  const stations = (await db.selectFrom('stations').select(['id', 'code', 'region_code', 'status']).execute()).filter((s) => canReadStation(actor, s));
  const byCode = new Map(stations.map((s) => [normaliseText(s.code).toLowerCase(), s]));
  const byId = new Map(stations.map((s) => [s.id, s]));
  const problems: ImportProblem[] = [];
  const rows: ParsedRow[] = [];
  const seen = new Map<string, number>();
  const today = shanghaiToday();
  const problem = (row: SheetRow, field: ImportField | null, key: Parameters<typeof translate>[1], params: Record<string, string | number> = {}) =>
    problems.push({ row: row.rowNumber, field, message: translate(lang, key, params) });
  const value = (row: SheetRow, field: ImportField) => mappedCell(mapping, row, field);

  for (const row of sheet.rows) {
    const before = problems.length;
    const date = parseDay(value(row, 'date'));
    if (!date) problem(row, 'date', 'IMPORT_CELL_INVALID', { column: mapping.date!, value: String(value(row, 'date') ?? '') });
    const station = input.stationId
      ? byId.get(input.stationId)
      : byCode.get(normaliseText(String(value(row, 'stationCode') ?? '')).toLowerCase());
    if (!station) problem(row, 'stationCode', 'IMPORT_STATION_UNKNOWN', { value: String(value(row, 'stationCode') ?? input.stationId ?? '') });
    const figures = {} as LedgerFigures;
    for (const field of Object.keys(LEDGER_COLUMNS) as (keyof LedgerFigures)[]) {
      const parsed = MONEY.includes(field) ? parseYuanToFen(value(row, field)) : parseCount(value(row, field));
      // within the bounds a typed entry has (and the table's CHECKs): 200,000 parcels is a typing slip, not a 500 at commit
      if (parsed === 'invalid' || !ledgerFigures.shape[field].safeParse(parsed).success) {
        problem(row, field, 'IMPORT_CELL_INVALID', { column: mapping[field]!, value: String(value(row, field)) });
      } else figures[field] = parsed;
    }
    if (station && date) {
      try {
        assertMayWriteDay(actor, station, date, today);
      } catch (err) {
        if (err instanceof AppError) problem(row, 'date', err.code, err.params);
        else throw err;
      }
      const key = `${station.id}:${date}`;
      if (seen.has(key)) problem(row, 'date', 'IMPORT_DUPLICATE_DAY', { date, row: seen.get(key)! });
      else seen.set(key, row.rowNumber);
    }
    if (problems.length === before && station && date) {
      const note = value(row, 'note');
      rows.push({ ...figures, rowNumber: row.rowNumber, stationId: station.id, stationRegion: station.region_code, date, note: note === null ? null : String(note).trim().slice(0, 500) });
    }
  }
  return { sheet, mapping, missing: [] as ImportField[], rows, problems };
}

export async function previewLedgerImport(db: Db, actor: Actor, lang: Lang, input: z.output<typeof ledgerImportInput>) {
  const { sheet, mapping, missing, rows, problems } = await parse(db, actor, lang, input);
  return {
    headers: sheet.headers,
    headerRow: sheet.headerRow,
    ...sheetChoiceOf(sheet),
    mapping,
    missing,
    totalRows: sheet.rows.length,
    validRows: rows.length,
    ...summariseProblems(problems),
    sample: rows.slice(0, 20).map(({ stationRegion, ...r }) => r),
  };
}

/** All rows or none. A file with any problem is refused whole, naming the rows (see preview). */
export async function commitLedgerImport(
  deps: { db: Db; queue: JobQueue; log: Logger },
  actor: Actor,
  who: AuditWho,
  lang: Lang,
  input: z.output<typeof ledgerImportInput>,
) {
  const { mapping, missing, rows, problems } = await parse(deps.db, actor, lang, input);
  if (missing.length) throw new AppError('IMPORT_MAPPING_INCOMPLETE', 'BAD_REQUEST', { fields: missing.join(', ') });
  refuseProblems(problems);
  const result = await deps.db.transaction().execute(async (trx) => {
    let written = 0;
    for (const row of rows) {
      const existing = await trx
        .selectFrom('ledger_entries')
        .select('version')
        .where('station_id', '=', row.stationId)
        .where('entry_date', '=', row.date)
        .executeTakeFirst();
      // the file is the user's statement of these days: it replaces what is stored, audited row by row
      const { changed } = await writeLedgerEntry(trx, who, { ...row, version: existing?.version });
      if (changed) written++;
    }
    await rememberMapping(trx, actor.id, 'ledger', mapping);
    return { rows: rows.length, written, unchanged: rows.length - written };
  });
  for (const region of new Set(rows.map((r) => r.stationRegion))) await enqueueRecompute(deps, region);
  return result;
}
