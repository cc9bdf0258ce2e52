import ExcelJS from 'exceljs';
import { z } from 'zod';

/**
 * Every list exports to Excel the rows its filter selects. The client names the columns it shows,
 * with headers already in the user's language (its locale files are the one source of labels);
 * the server checks the keys against the list's own, fetches every page and writes the workbook.
 */
export function exportInput<F extends z.ZodType, K extends readonly [string, ...string[]]>(listInput: F, keys: K) {
  return z.object({
    list: listInput,
    columns: z
      .array(
        z.object({
          key: z.enum(keys),
          header: z.string().min(1).max(60),
          /** Value → label, for enums and booleans ("true" → "是"). */
          labels: z.record(z.string(), z.string().max(60)).optional(),
        }),
      )
      .min(1)
      .max(40),
    sheetName: z.string().min(1).max(31).default('Sheet1'),
  });
}

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

/** One sheet, a bold frozen header row, times shown in Asia/Shanghai; text stays text (no 1.2E+17). */
export async function toXlsx(
  rows: readonly unknown[],
  columns: readonly { key: string; header: string; labels?: Record<string, string> }[],
  options: { sheetName: string; filenameStem: string },
): Promise<ExportOutput> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '村通 Cuntong';
  // Excel refuses these characters in a sheet name, and a quote at either end: the name the user gave, made acceptable
  const sheetName = options.sheetName.replace(/[\\/?*[\]:]/g, ' ').replace(/^'+|'+$/g, '').trim() || 'Sheet1';
  const sheet = workbook.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((c) => ({ header: c.header, key: c.key, width: Math.min(40, Math.max(10, c.header.length * 2 + 4)) }));
  sheet.getRow(1).font = { bold: true };
  for (const row of rows) {
    sheet.addRow(Object.fromEntries(columns.map((c) => [c.key, cellValue(valueAt(row, c.key), c.labels)])));
  }
  const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
  const stamp = new Date().toISOString().slice(0, 10);
  return { filename: `${options.filenameStem}-${stamp}.xlsx`, contentBase64: buffer.toString('base64'), rows: rows.length };
}
