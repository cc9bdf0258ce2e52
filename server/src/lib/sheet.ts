import { setImmediate as nextTurn } from 'node:timers/promises';
import { AppError, badRequest } from './app-error';
import { readUploadRows, type RawRow, type SheetHead } from './sheet-worker-pool';
import { clockOfMinutes } from './dates';
import { toHalfWidth } from './text';
import { decodeUpload, isZip } from './upload-limits';

export type { RawRow };
/** Cell text as it may be stored: no NUL, no lone surrogate (the reader applies it to every cell). */
export { cleanText } from './sheet-read.mjs';

/**
 * Reading the spreadsheets people actually keep: a title row or two above the header, merged
 * cells, full-width digits, stray spaces, blank rows, Excel date serials. Columns are matched by
 * name (never by position); the caller maps header text to its own fields.
 */
export interface SheetRow {
  /** 1-based row number as Excel shows it, for messages. */
  rowNumber: number;
  /** Cell values by header text. */
  cells: Record<string, unknown>;
}

export interface ReadSheet {
  headers: string[];
  headerRow: number;
  rows: SheetRow[];
  /** A workbook's visible sheets, in tab order, and the one read (a CSV has none). */
  sheets: string[];
  sheet: string | null;
}

/** Full-width digits and letters to half-width, （）to (), and no spaces: how headers and values are compared. */
export function normaliseText(value: string): string {
  return toHalfWidth(value).replace(/\s+/g, '');
}

/** The first rows, among which the header is looked for. */
const HEADER_SEARCH_ROWS = 15;

const rowTexts = (values: unknown[]) => values.filter((v): v is string => typeof v === 'string');

/**
 * The sheet of a workbook with several to read: the one the user named, else the first whose first
 * rows name a header we know, else the first tab.
 */
export function chooseSheet(sheets: readonly SheetHead[], knownHeaders: (header: string) => boolean, wanted?: string): number {
  if (wanted !== undefined) {
    const named = sheets.findIndex((s) => normaliseText(s.name) === normaliseText(wanted));
    if (named < 0) throw badRequest('IMPORT_SHEET_NOT_FOUND', { sheet: wanted });
    return named;
  }
  const known = sheets.findIndex((s) => s.head.some((row) => rowTexts(row.values).some((v) => knownHeaders(normaliseText(v)))));
  return Math.max(known, 0);
}

/**
 * The header row: the one (among the first 15) that names the most of `knownHeaders`, or, naming
 * none, the first with two different texts (a merged title repeats one, or has one).
 */
function findHeaderRow(head: { number: number; values: unknown[] }[], knownHeaders: (header: string) => boolean): number {
  let headerRow = 0;
  let best = 0;
  for (const row of head) {
    const hits = rowTexts(row.values).filter((v) => knownHeaders(normaliseText(v))).length;
    if (hits > best) (best = hits), (headerRow = row.number);
  }
  if (headerRow) return headerRow;
  // none of the words we know: the user's own headers, to be mapped by hand
  return head.find((row) => new Set(rowTexts(row.values).filter((v) => normaliseText(v) !== '')).size >= 2)?.number ?? 0;
}

/**
 * Rows of any source (an xlsx, a CSV) as a sheet: the header found among the first rows, each
 * later row as cells by header text, blank rows dropped.
 */
export async function sheetFromRows(source: AsyncIterable<RawRow> | Iterable<RawRow>, knownHeaders: (header: string) => boolean): Promise<Omit<ReadSheet, 'sheets' | 'sheet'>> {
  const head: RawRow[] = [];
  let headerRow = 0;
  const headers: string[] = [];
  const columnHeader = new Map<number, string>();
  const rows: SheetRow[] = [];

  const settleHeader = () => {
    headerRow = findHeaderRow(head, knownHeaders);
    if (headerRow === 0) throw new AppError('IMPORT_FILE_UNREADABLE', 'BAD_REQUEST', { detail: 'no header row found' });
    head.find((r) => r.number === headerRow)!.values.forEach((v, col) => {
      const text = v === null || v === undefined ? '' : normaliseText(String(v));
      if (text && !headers.includes(text)) {
        headers.push(text);
        columnHeader.set(col, text);
      }
    });
    for (const row of head) if (row.number > headerRow) take(row);
  };
  const take = (row: RawRow) => {
    const cells: Record<string, unknown> = {};
    let filled = false;
    for (const [col, header] of columnHeader) {
      const value = row.values[col] ?? null; // text, a number, a boolean, a date (sheet-read.mjs)
      const blank = value === null || (typeof value === 'string' && normaliseText(value) === '');
      if (!blank) filled = true;
      cells[header] = blank ? null : value;
    }
    if (filled) rows.push({ rowNumber: row.number, cells });
  };

  let seen = 0;
  for await (const row of source) {
    if (++seen % 5_000 === 0) await nextTurn(); // 100,000 rows take a few hundred ms: let other requests in between
    if (headerRow) take(row);
    else if (row.number <= HEADER_SEARCH_ROWS) head.push(row);
    else {
      settleHeader();
      take(row);
    }
  }
  if (!headerRow) settleHeader();
  return { headers, headerRow, rows };
}

/**
 * Read one worksheet of an xlsx (base64) as a sheet, off the event loop and within the limits of
 * upload-limits.ts: the one named `sheet`, else (see chooseSheet) the first with a header we know.
 * An empty file or one that is not a zip is refused at once.
 */
export async function readSheet(base64: string, knownHeaders: (header: string) => boolean, sheet?: string): Promise<ReadSheet> {
  return readSheetFile(decodeUpload(base64), 'xlsx', knownHeaders, sheet);
}

/** An uploaded file's bytes (see decodeUpload) as a sheet: one worksheet of an xlsx, or a CSV. */
export async function readSheetFile(bytes: Uint8Array, format: 'xlsx' | 'csv', knownHeaders: (header: string) => boolean, sheet?: string): Promise<ReadSheet> {
  if (format === 'xlsx' && !isZip(bytes)) throw badRequest('IMPORT_FILE_UNREADABLE', { detail: 'not an xlsx file' });
  const read = await readUploadRows(bytes, format, (sheets) => chooseSheet(sheets, knownHeaders, sheet));
  return { ...(await sheetFromRows(read.rows, knownHeaders)), sheets: read.sheets, sheet: read.sheet };
}

/** Excel serials count days from 1899-12-30. */
const EXCEL_EPOCH = Date.UTC(1899, 11, 30);

/** A calendar day from what people put in a date column, or null when it is not one. */
export function parseDay(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString().slice(0, 10);
  if (typeof value === 'number') {
    if (value < 20000 || value > 80000) return null;
    return new Date(EXCEL_EPOCH + Math.round(value) * 86_400_000).toISOString().slice(0, 10);
  }
  const text = normaliseText(String(value));
  const m = text.match(/^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/) ?? text.match(/^(\d{4})(\d{2})(\d{2})$/);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

/** A whole number ≥ 0 (blank = 0), or an error word. */
export function parseCount(value: unknown): number | 'invalid' {
  if (value === null || value === undefined) return 0;
  const text = normaliseText(String(value)).replace(/,/g, '');
  if (!/^\d+(\.0+)?$/.test(text)) return 'invalid';
  return Number.parseInt(text, 10);
}

/**
 * Yuan as typed (¥1,234.5 / 12.30 / blank) to integer fen by string arithmetic, never floats: 0.1
 * yuan is exactly 10 fen. More than two decimals or a negative amount is an error.
 */
export function parseYuanToFen(value: unknown): number | 'invalid' {
  if (value === null || value === undefined) return 0;
  let text = typeof value === 'number' ? String(value) : normaliseText(String(value));
  text = text.replace(/^[¥￥]/, '').replace(/,/g, '').replace(/元$/, '');
  if (typeof value === 'number' && /e/i.test(text)) return 'invalid';
  const m = text.match(/^(\d+)(?:\.(\d{1,2}))?$/);
  if (!m) {
    // Excel stores 12.3 typed in a number cell as 12.300000000000001 at times: round what is a float artefact
    if (typeof value === 'number' && value >= 0 && Math.abs(value * 100 - Math.round(value * 100)) < 1e-6) return Math.round(value * 100);
    return 'invalid';
  }
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/**
 * A wall-clock time 'HH:MM' from what people put in a time column ('8:05', '08:05:30', '8点05',
 * an Excel time — a fraction of a day, or a Date on 1899-12-30), or null when it is not one.
 */
export function parseClock(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  let minutes: number | null = null;
  if (value instanceof Date) minutes = Number.isNaN(value.getTime()) ? null : value.getUTCHours() * 60 + value.getUTCMinutes() + (value.getUTCSeconds() >= 30 ? 1 : 0);
  else if (typeof value === 'number') minutes = value >= 0 && value < 1 ? Math.round(value * 24 * 60) : null;
  else {
    const m = normaliseText(String(value)).replace(/\s/g, '').match(/^(\d{1,2})[:：点时](\d{1,2})?分?(?::(\d{1,2}))?$/);
    if (m && Number(m[1]) < 24 && Number(m[2] ?? 0) < 60) minutes = Number(m[1]) * 60 + Number(m[2] ?? 0);
  }
  if (minutes === null || minutes >= 24 * 60) return null;
  return clockOfMinutes(minutes);
}
