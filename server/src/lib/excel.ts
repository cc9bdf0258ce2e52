import ExcelJS from 'exceljs';
import { z } from 'zod';

/**
 * Every list exports to Excel the rows its filter selects. The client names the columns it shows,
 * with headers already in the user's language (its locale files are the one source of labels);
 * the server checks the keys against the list's own, fetches every page and writes the workbook.
 * Each export declares, once per column, how its cells read (counts, money, percentages, dates…).
 */
export function exportInput<F extends z.ZodType, K extends string>(listInput: F, formats: ExportColumns<K>) {
  return z.object({
    list: listInput,
    columns: z
      .array(
        z
          .object({
            key: z.enum(keysOf(formats)),
            header: z.string().min(1).max(60),
            /** Value → label, for enums and booleans ("true" → "是"). */
            labels: z.record(z.string(), z.string().max(60)).optional(),
          })
          // the column reads in Excel as its export declares, whatever the client asks
          .transform((column) => ({ ...column, format: formats[column.key] })),
      )
      .min(1)
      .max(40),
    sheetName: z.string().min(1).max(31).default('Sheet1'),
  });
}

/** An export's columns: each key the client may ask for, with how its cells read in Excel (see `ColumnFormat`). */
export type ExportColumns<K extends string> = Readonly<Record<K, ColumnFormat>>;

// Object.keys of a record declared with literal keys: exactly those keys
const keysOf = <K extends string>(record: Readonly<Record<K, unknown>>) => Object.keys(record) as K[];

export const exportOutput = z.object({ filename: z.string(), contentBase64: z.string(), rows: z.number() });
export type ExportOutput = z.infer<typeof exportOutput>;

/** The most rows one export writes; a bigger list asks the user to narrow the filter. */
export const EXPORT_MAX_ROWS = 50_000;

/** Integer fen as a yuan number for a spreadsheet cell (people read yuan; Excel sums the cells). */
export const yuanCell = (fen: number): number => Math.round(fen) / 100;

export async function collectAll<T>(
  fetchPage: (page: number, pageSize: number) => Promise<{ items: T[]; total: number }>,
  max = EXPORT_MAX_ROWS,
): Promise<T[]> {
  const pageSize = 200;
  const rows: T[] = [];
  for (let page = 1; rows.length < max; page++) {
    const { items, total } = await fetchPage(page, pageSize);
    rows.push(...items);
    if (items.length < pageSize || rows.length >= total) break;
  }
  return rows.slice(0, max);
}

const shanghai = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function cellValue(value: unknown, labels?: Record<string, string>): string | number | null {
  if (value === null || value === undefined) return null;
  if (labels && String(value) in labels) return labels[String(value)];
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && ISO_DATETIME.test(value)) return shanghai.format(new Date(value)).replace(/\//g, '-');
  if (Array.isArray(value)) return value.map((v) => (labels && String(v) in labels ? labels[String(v)] : String(v))).join('、');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

const valueAt = (row: unknown, key: string): unknown =>
  key.split('.').reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), row);

/**
 * How a column's cells read in Excel, declared with the column (`exportInput`). Values are unchanged
 * (an export's content stays what it was); only the number format and the column width follow from this.
 * - count: whole numbers with thousands separators; decimal: the same with one or two decimals
 * - money: yuan with separators and two decimals (values are already yuan, see `yuanCell`)
 * - percent: a ratio (0.123) shown as 12.3%; percentPoints: a number already in percent (12.3) shown as 12.3%
 * - date / text: text cells (dates are written as Shanghai "yyyy-mm-dd[ hh:mm:ss]" text, as before)
 * - plain: numbers that are names, not amounts (years, ids, versions): no separators
 */
export type ColumnFormat = 'text' | 'count' | 'decimal' | 'money' | 'percent' | 'percentPoints' | 'date' | 'plain';

export interface XlsxColumn {
  key: string;
  header: string;
  labels?: Record<string, string>;
  format: ColumnFormat;
}

const NUMBER_FORMATS: Record<ColumnFormat, string | undefined> = {
  text: '@',
  date: '@',
  count: '#,##0',
  decimal: '#,##0.0#',
  money: '#,##0.00',
  percent: '0.0%',
  percentPoints: '0.0"%"',
  plain: undefined,
};

/** Display width in Excel's character units: CJK and full-width characters count double. */
export function textWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{20000}-\u{3fffd}]/u.test(ch) ? 2 : 1;
  return width;
}

const shown = (value: unknown, format: ColumnFormat): string => {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'number') return String(value);
  if (format === 'percent') return `${(value * 100).toFixed(1)}%`;
  if (format === 'money') return value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  if (format === 'plain') return String(value);
  return value.toLocaleString('en-US', { maximumFractionDigits: 2 });
};

/** Fits the header and the widest of the first rows, within 8–50 characters. */
function columnWidth(header: string, values: readonly unknown[], format: ColumnFormat): number {
  let widest = textWidth(header);
  for (const value of values.slice(0, 500)) widest = Math.max(widest, textWidth(shown(value, format)));
  return Math.min(50, Math.max(8, widest + 2));
}

/**
 * What a list's `export` procedure returns: every page of the list as the user filtered and sorted
 * it (up to EXPORT_MAX_ROWS), each row through `toRow` when its cells need more than the row, as one
 * sheet with the columns the user chose.
 */
export async function exportList<L extends object, T>(
  input: { list: L; columns: readonly XlsxColumn[]; sheetName: string },
  filenameStem: string,
  fetchPage: (list: L & { page: number; pageSize: number }) => Promise<{ items: T[]; total: number }>,
  toRow: (row: T) => unknown = (row) => row,
): Promise<ExportOutput> {
  const rows = await collectAll((page, pageSize) => fetchPage({ ...input.list, page, pageSize }));
  return toXlsx(rows.map(toRow), input.columns, { sheetName: input.sheetName, filenameStem });
}

/** One sheet, a bold frozen header row, times shown in Asia/Shanghai; text stays text (no 1.2E+17); numbers formatted, columns wide enough for Chinese. */
export async function toXlsx(
  rows: readonly unknown[],
  columns: readonly XlsxColumn[],
  options: { sheetName: string; filenameStem: string },
): Promise<ExportOutput> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '村通 Cuntong';
  // Excel refuses these characters in a sheet name, and a quote at either end: the name the user gave, made acceptable
  const sheetName = options.sheetName.replace(/[\\/?*[\]:]/g, ' ').replace(/^'+|'+$/g, '').trim() || 'Sheet1';
  const sheet = workbook.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  const cells = rows.map((row) => columns.map((c) => cellValue(valueAt(row, c.key), c.labels)));
  sheet.columns = columns.map((c, i) => {
    const values = cells.map((r) => r[i]);
    const numFmt = NUMBER_FORMATS[c.format];
    return { header: c.header, key: c.key, width: columnWidth(c.header, values, c.format), ...(numFmt ? { style: { numFmt } } : {}) };
  });
  sheet.getRow(1).font = { bold: true };
  for (const values of cells) sheet.addRow(values);
  const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
  const stamp = new Date().toISOString().slice(0, 10);
  return { filename: `${options.filenameStem}-${stamp}.xlsx`, contentBase64: buffer.toString('base64'), rows: rows.length };
}
