import { z } from 'zod';
import { AppError } from '../../lib/app-error';
import { shanghaiToday } from '../../lib/dates';
import { idSchema } from '../../lib/schema';
import { normaliseText, parseCount, parseDay, parseYuanToFen } from '../../lib/sheet';
import { sheetColumns } from '../../imports/sheet-mapping';
import { commitMode, defineImport, importRequest, noExtras, previewQuery } from '../../imports/sheet-import';
import { canReadStation } from './stations.scope';
import { assertMayWriteDay, sameFigures, writeLedgerEntry } from './ledger.service';
import { assertCanReadStation, enqueueRecompute } from './stations.service';
import { stationById } from './stations.repository';
import { LEDGER_COLUMNS, ledgerFigures, NO_LEDGER_FIGURES, type LedgerFigures } from './stations.schemas';

/**
 * Importing a month of ledger from the operator's own spreadsheet, on the shared pipeline
 * (imports/sheet-import.ts): their column headers are mapped to our fields (remembered per user),
 * the preview shows every row's problems, and the commit writes all rows or none (or, asked, the
 * good ones and the rest back as a workbook). A row equal to what is stored is `already`, so
 * importing the same file twice changes nothing.
 */
export const IMPORT_FIELDS = ['date', 'stationCode', ...(Object.keys(LEDGER_COLUMNS) as (keyof LedgerFigures)[]), 'note'] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];
const FIGURES = Object.keys(LEDGER_COLUMNS) as (keyof LedgerFigures)[];
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

const request = {
  ...importRequest(IMPORT_FIELDS),
  /** The station the whole file is for, when it has no station-code column. */
  stationId: idSchema.optional(),
};


interface LedgerRow extends LedgerFigures {
  stationId: number;
  stationRegion: string;
  date: string;
  note: string | null;
}

export const ledgerImport = defineImport({
  name: 'ledger',
  fields: IMPORT_FIELDS,
  request: { preview: z.object({ ...request, ...previewQuery }), commit: z.object({ ...request, ...commitMode('all_or_nothing') }) },
  columns: () => columns,
  label: (field) => SYNONYMS[field][0]!,
  required: (input) => (input.stationId ? ['date'] : ['date', 'stationCode']),
  async prepare({ db, actor }, input) {
    // the station chosen for the whole file is asked for by id: refused as any station outside the scope is
    if (input.stationId !== undefined) assertCanReadStation(actor, await stationById(db, input.stationId));
    // only the stations the actor may read: a code outside their scope is, to them, a code nobody has
    // (the same IMPORT_STATION_UNKNOWN), so a file cannot probe which codes exist elsewhere
    const stations = (await db.selectFrom('stations').select(['id', 'code', 'region_code', 'status']).execute()).filter((s) => canReadStation(actor, s));
    return {
      stationId: input.stationId,
      byCode: new Map(stations.map((s) => [normaliseText(s.code).toLowerCase(), s])),
      byId: new Map(stations.map((s) => [s.id, s])),
    };
  },
  async analyse(tools, { stationId, byCode, byId }, sheet) {
    const { ctx, cell, mapping } = tools;
    const today = shanghaiToday();
    const seen = new Map<string, number>();
    const rows = [];
    for (const [i, line] of sheet.rows.entries()) {
      await tools.progress.advance(i + 1);
      const date = parseDay(cell(line, 'date'));
      const station = stationId ? byId.get(stationId) : byCode.get(normaliseText(String(cell(line, 'stationCode') ?? '')).toLowerCase());
      const note = cell(line, 'note');
      const r = tools.row<LedgerRow>(line, {
        ...NO_LEDGER_FIGURES,
        stationId: station?.id ?? 0,
        stationRegion: station?.region_code ?? '',
        date: date ?? '',
        note: note === null ? null : String(note).trim().slice(0, 500) || null,
      });
      if (!date) tools.problem(r, 'date', 'IMPORT_CELL_INVALID', { column: mapping.date!, value: String(cell(line, 'date') ?? '') });
      if (!station) tools.problem(r, 'stationCode', 'IMPORT_STATION_UNKNOWN', { value: String(cell(line, 'stationCode') ?? stationId ?? '') });
      for (const field of FIGURES) {
        const parsed = MONEY.includes(field) ? parseYuanToFen(cell(line, field)) : parseCount(cell(line, field));
        // within the bounds a typed entry has (and the table's CHECKs): 200,000 parcels is a typing slip, not a 500 at commit
        if (parsed === 'invalid' || !ledgerFigures.shape[field].safeParse(parsed).success) {
          tools.problem(r, field, 'IMPORT_CELL_INVALID', { column: mapping[field]!, value: String(cell(line, field)) });
        } else r.data[field] = parsed;
      }
      if (station && date) {
        try {
          assertMayWriteDay(ctx.actor, station, date, today);
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          tools.problem(r, 'date', err.code, err.params);
        }
        const key = `${station.id}:${date}`;
        if (seen.has(key)) tools.problem(r, 'date', 'IMPORT_DUPLICATE_DAY', { date, row: seen.get(key)! });
        else seen.set(key, line.rowNumber);
      }
      rows.push(r);
    }
    // what is stored already, in one read: a row equal to it is `already`
    const ok = rows.filter((r) => r.status === 'ok');
    if (ok.length) {
      const dates = ok.map((r) => r.data.date).sort();
      const stored = await ctx.db
        .selectFrom('ledger_entries')
        .selectAll()
        .where('station_id', 'in', [...new Set(ok.map((r) => r.data.stationId))])
        .where('entry_date', '>=', dates[0]!)
        .where('entry_date', '<=', dates.at(-1)!)
        .execute();
      const byDay = new Map(stored.map((e) => [`${e.station_id}:${e.entry_date}`, e]));
      for (const r of ok) {
        const entry = byDay.get(`${r.data.stationId}:${r.data.date}`);
        if (entry && sameFigures(entry, r.data, r.data.note)) tools.skip(r, 'already', 'LEDGER_IMPORT_ALREADY');
      }
    }
    return { rows };
  },
  view: {
    shape: { stationId: z.number().nullable(), date: z.string().nullable(), note: z.string().nullable(), ...ledgerFigures.shape },
    of: ({ data }) => ({ ...data, stationId: data.stationId || null, date: data.date || null }),
  },
  totals: noExtras,
  preview: noExtras,
  write: {
    shape: { written: z.number(), unchanged: z.number() },
    async run(trx, tools, _context, rows, all) {
      let written = 0;
      for (const [i, r] of rows.entries()) {
        await tools.progress.advance(i + 1);
        const existing = await trx.selectFrom('ledger_entries').select('version').where('station_id', '=', r.data.stationId).where('entry_date', '=', r.data.date).executeTakeFirst();
        // the file is the user's statement of these days: it replaces what is stored, audited row by row
        const { changed } = await writeLedgerEntry(trx, tools.ctx.who, { ...r.data, version: existing?.version });
        if (changed) written++;
      }
      return { written, unchanged: all.filter((r) => r.status === 'already').length + rows.length - written };
    },
  },
  async after(ctx, _context, rows, { written }) {
    if (written) for (const region of new Set(rows.map((r) => r.data.stationRegion))) await enqueueRecompute(ctx, region);
  },
  rejects: { filenameStem: 'ledger-import-rejects' },
});
