import ExcelJS from 'exceljs';
import { AppError } from './app-error';
import { toHalfWidth } from './text';

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
}

/** Full-width digits and letters to half-width, （）to (), and no spaces: how headers and values are compared. */
export function normaliseText(value: string): string {
  return toHalfWidth(value).replace(/\s+/g, '');
}

function cellValue(value: ExcelJS.CellValue): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  if (typeof value === 'object') {
    if ('result' in value) return cellValue(value.result as ExcelJS.CellValue); // formula
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('text' in value) return String(value.text); // hyperlink
    return null;
  }
  return value;
}

/**
 * Read the first worksheet; the header row is the one (among the first 15) that names the most of
 * `knownHeaders` (or, naming none, the first with two different texts). Blank rows are dropped.
 */
export async function readSheet(base64: string, knownHeaders: (header: string) => boolean): Promise<ReadSheet> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(base64, 'base64') as unknown as ArrayBuffer);
  } catch (err) {
    throw new AppError('IMPORT_FILE_UNREADABLE', 'BAD_REQUEST', { detail: err instanceof Error ? err.message.slice(0, 120) : 'xlsx' });
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new AppError('IMPORT_FILE_UNREADABLE', 'BAD_REQUEST', { detail: 'no worksheet' });

  let headerRow = 0;
  let best = 0;
  for (let r = 1; r <= Math.min(15, sheet.rowCount); r++) {
    const values = (sheet.getRow(r).values as ExcelJS.CellValue[]).slice(1);
    const hits = values.filter((v) => typeof cellValue(v) === 'string' && knownHeaders(normaliseText(String(cellValue(v))))).length;
    if (hits > best) (best = hits), (headerRow = r);
  }
  if (headerRow === 0) {
    // none of the words we know: the user's own headers, to be mapped by hand — the first row with
    // two or more different texts (a merged title repeats one)
    for (let r = 1; r <= Math.min(15, sheet.rowCount) && headerRow === 0; r++) {
      const texts = new Set(
        (sheet.getRow(r).values as ExcelJS.CellValue[]).slice(1).map((v) => cellValue(v)).filter((v): v is string => typeof v === 'string' && normaliseText(v) !== ''),
      );
      if (texts.size >= 2) headerRow = r;
    }
  }
  if (headerRow === 0) throw new AppError('IMPORT_FILE_UNREADABLE', 'BAD_REQUEST', { detail: 'no header row found' });

  const headerCells = (sheet.getRow(headerRow).values as ExcelJS.CellValue[]).slice(1);
  const headers: string[] = [];
  const columnHeader = new Map<number, string>();
  headerCells.forEach((v, i) => {
    const text = v === null || v === undefined ? '' : normaliseText(String(cellValue(v) ?? ''));
    if (text && !headers.includes(text)) {
      headers.push(text);
      columnHeader.set(i + 1, text);
    }
  });

  const rows: SheetRow[] = [];
  for (let r = headerRow + 1; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    const cells: Record<string, unknown> = {};
    let filled = false;
    for (const [col, header] of columnHeader) {
      const value = cellValue(row.getCell(col).value);
      const blank = value === null || (typeof value === 'string' && normaliseText(value) === '');
      if (!blank) filled = true;
      cells[header] = blank ? null : value;
    }
    if (filled) rows.push({ rowNumber: r, cells });
  }
  return { headers, headerRow, rows };
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
