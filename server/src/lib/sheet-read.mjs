// Reading an uploaded spreadsheet into plain rows, with every size bounded. Plain JavaScript on
// purpose: it runs in a worker thread (sheet-worker.mjs), and a worker entry written in TypeScript
// would load under tsx (production) but not under Vitest. The server side of it is
// sheet-worker-pool.ts; the limits come from upload-limits.ts.
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import ExcelJS from 'exceljs';
// exceljs's SAX loop, as patched in patches/exceljs@4.4.0.patch (Chinese split between chunks)
import parseSax from 'exceljs/lib/utils/parse-sax.js';

/** A file refused for what it is, with a message key of i18n/messages.ts and its parameters. */
export class SheetRefusal extends Error {
  constructor(code, params = {}) {
    super(code);
    this.code = code;
    this.params = params;
  }
}

const unreadable = (detail) => new SheetRefusal('IMPORT_FILE_UNREADABLE', { detail });
const figure = (n) => n.toLocaleString('en-US');

/**
 * Cell text as it may be stored and audited: no NUL (PostgreSQL text refuses it) and no lone
 * surrogate (JSON and jsonb refuse it): each becomes U+FFFD.
 */
export function cleanText(text) {
  const noNul = text.includes('\u0000') ? text.replaceAll('\u0000', '') : text;
  return noNul.isWellFormed() ? noNul : noNul.toWellFormed();
}

/**
 * Counts what a file has produced so far and refuses it once it passes a limit: rows with a value,
 * columns of one row, cells with a value, the length of one cell's text, bytes inflated.
 */
export class Budget {
  constructor(limits) {
    this.limits = limits;
    this.rows = 0;
    this.cells = 0;
    this.inflated = 0;
    this.sharedStrings = 0;
  }

  /** Inflated bytes, of all parts together and of the shared strings (the one part held whole). */
  spendInflated(bytes, sharedStrings) {
    this.inflated += bytes;
    if (this.inflated > this.limits.inflatedBytes) {
      throw new SheetRefusal('IMPORT_FILE_INFLATED_TOO_LARGE', { max: Math.round(this.limits.inflatedBytes / 1024 / 1024) });
    }
    if (sharedStrings && (this.sharedStrings += bytes) > this.limits.sharedStringsBytes) {
      throw new SheetRefusal('IMPORT_SHARED_STRINGS_TOO_LARGE', { max: Math.round(this.limits.sharedStringsBytes / 1024 / 1024) });
    }
  }

  text(value) {
    if (value.length > this.limits.cellChars) throw new SheetRefusal('IMPORT_CELL_TOO_LONG', { max: figure(this.limits.cellChars) });
    return cleanText(value);
  }

  /** A row's values (index = column) made plain and counted; null when it has none. */
  row(number, values) {
    if (values.length - 1 > this.limits.columns) throw new SheetRefusal('IMPORT_TOO_MANY_COLUMNS', { row: number, max: figure(this.limits.columns) });
    let filled = 0;
    const out = new Array(values.length).fill(null);
    for (let col = 0; col < values.length; col++) {
      const value = this.plain(values[col]);
      if (value === null || value === '') continue;
      out[col] = value;
      filled++;
    }
    if (!filled) return null;
    if (++this.rows > this.limits.rows) throw new SheetRefusal('IMPORT_TOO_MANY_ROWS', { max: figure(this.limits.rows) });
    this.cells += filled;
    if (this.cells > this.limits.cells) throw new SheetRefusal('IMPORT_TOO_MANY_CELLS', { max: figure(this.limits.cells) });
    return out;
  }

  /** exceljs's cell value as a plain one: text, a number, a boolean, a date or null. */
  plain(value) {
    if (value === null || value === undefined) return null;
    if (typeof value === 'string') return this.text(value);
    if (typeof value === 'number') return Number.isFinite(value) ? value : null;
    if (typeof value === 'boolean') return value;
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
    if (typeof value === 'object') {
      if ('result' in value) return this.plain(value.result); // a formula: its cached result
      if ('richText' in value) return this.text(value.richText.map((r) => r.text ?? '').join(''));
      if ('text' in value) return this.plain(value.text); // a hyperlink: its text, plain or rich
    }
    return null; // an error cell (#N/A…) and anything else: no value
  }
}

// ---- zip: read from the central directory, entries inflated on demand and counted

const u16 = (b, at) => b[at] | (b[at + 1] << 8);
const u32 = (b, at) => (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
const u64 = (b, at) => u32(b, at) + u32(b, at + 4) * 2 ** 32;
/** An xlsx has a dozen entries; a zip of thousands is not one. */
const MAX_ENTRIES = 2_000;

/** The entries of a zip by name: where their data starts, how long it is, how it is compressed. */
function zipEntries(bytes) {
  let eocd = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 65_535); at--) {
    if (u32(bytes, at) === 0x06054b50) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) throw unreadable('not an xlsx (zip) file');
  let count = u16(bytes, eocd + 10);
  let offset = u32(bytes, eocd + 16);
  if ((count === 0xffff || offset === 0xffffffff) && eocd >= 20 && u32(bytes, eocd - 20) === 0x07064b50) {
    const zip64 = u64(bytes, eocd - 12); // Zip64 end of central directory record
    if (zip64 + 56 > bytes.length || u32(bytes, zip64) !== 0x06064b50) throw unreadable('broken zip64 directory');
    count = u64(bytes, zip64 + 32);
    offset = u64(bytes, zip64 + 48);
  }
  if (count > MAX_ENTRIES) throw unreadable(`${count} entries in the zip`);
  const entries = new Map();
  let at = offset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || u32(bytes, at) !== 0x02014b50) throw unreadable('broken zip directory');
    const flags = u16(bytes, at + 8);
    const method = u16(bytes, at + 10);
    let compressed = u32(bytes, at + 20);
    const nameLength = u16(bytes, at + 28);
    const extraLength = u16(bytes, at + 30);
    const commentLength = u16(bytes, at + 32);
    let local = u32(bytes, at + 42);
    const name = bytes.subarray(at + 46, at + 46 + nameLength).toString('utf8').replace(/\\/g, '/').replace(/^\//, '');
    // Zip64 sizes and offsets: in the extra field, in this order, for those set to 0xffffffff
    if (compressed === 0xffffffff || local === 0xffffffff) {
      for (let x = at + 46 + nameLength; x + 4 <= at + 46 + nameLength + extraLength; x += 4 + u16(bytes, x + 2)) {
        if (u16(bytes, x) !== 0x0001) continue;
        let field = x + 4;
        if (u32(bytes, at + 24) === 0xffffffff) field += 8;
        if (compressed === 0xffffffff) (compressed = u64(bytes, field)), (field += 8);
        if (local === 0xffffffff) local = u64(bytes, field);
      }
    }
    entries.set(name, { name, flags, method, compressed, local });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/**
 * An entry's inflated bytes, chunk by chunk, each chunk counted against the budget as it comes:
 * the sizes a zip declares are not trusted, and inflating stops at the cap.
 */
async function* inflated(bytes, entry, budget, sharedStrings = false) {
  const at = entry.local;
  if (at + 30 > bytes.length || u32(bytes, at) !== 0x04034b50) throw unreadable(`broken zip entry ${entry.name}`);
  const start = at + 30 + u16(bytes, at + 26) + u16(bytes, at + 28);
  const data = bytes.subarray(start, start + entry.compressed);
  if (start + entry.compressed > bytes.length) throw unreadable(`truncated zip entry ${entry.name}`);
  if (entry.flags & 1) throw unreadable('the workbook is encrypted');
  if (entry.method === 0) {
    for (let i = 0; i < data.length; i += 65_536) {
      const chunk = data.subarray(i, i + 65_536);
      budget.spendInflated(chunk.length, sharedStrings);
      yield chunk;
    }
    return;
  }
  if (entry.method !== 8) throw unreadable(`compression method ${entry.method}`);
  const inflate = zlib.createInflateRaw({ chunkSize: 65_536 });
  inflate.end(data);
  try {
    for await (const chunk of inflate) {
      budget.spendInflated(chunk.length, sharedStrings);
      yield chunk;
    }
  } finally {
    inflate.destroy();
  }
}

// ---- xlsx

/** The shared strings as plain text (rich text runs joined, phonetic runs left out), each counted as it is read. */
async function sharedStrings(chunks, budget) {
  const strings = [];
  let text = '';
  let inText = false;
  let phonetic = 0;
  for await (const events of parseSax(chunks)) {
    for (const { eventType, value } of events) {
      if (eventType === 'text') {
        if (inText) {
          text += value;
          if (text.length > budget.limits.cellChars) budget.text(text);
        }
      } else if (eventType === 'opentag') {
        if (value.name === 'si') text = '';
        else if (value.name === 'rPh') phonetic++;
        else if (value.name === 't') inText = !phonetic;
      } else if (value.name === 't') inText = false;
      else if (value.name === 'rPh') phonetic--;
      else if (value.name === 'si') {
        strings.push(cleanText(text));
        // a string no cell can use is only weight: no more of them than cells
        if (strings.length > budget.limits.cells) throw new SheetRefusal('IMPORT_TOO_MANY_CELLS', { max: figure(budget.limits.cells) });
      }
    }
  }
  return strings;
}

const EXCEL_MAX_ROWS = 1_048_576;

const partPath = (target) => (target.startsWith('/') ? target.slice(1) : `xl/${target}`).replace(/\/\.\//g, '/');

/** The first rows of a worksheet, among which its header is looked for (sheet.ts HEADER_SEARCH_ROWS). */
const HEAD_ROWS = 15;

/**
 * The rows of one worksheet of the workbook, streamed: the first (the first tab) when it has one,
 * else the one `choose` picks, shown each visible worksheet's name and first rows. The zip is read
 * here; exceljs's own readers parse the parts (relations, workbook, styles for dates, the
 * worksheet) — its internal `_parse*` methods, pinned with exceljs at 4.4.0 — so nothing is
 * inflated but the parts we read, nothing goes to a temporary file, and every part counts against
 * the budget. `onSheets` hears the visible worksheets' names and the one read.
 */
export async function* xlsxRows(bytes, budget, choose = async () => 0, onSheets = () => {}) {
  const entries = zipEntries(bytes);
  const part = (name, sharedStrings = false) => {
    const entry = entries.get(name);
    return entry ? inflated(bytes, entry, budget, sharedStrings) : null;
  };
  const stream = (name) => {
    const chunks = part(name);
    return chunks ? Readable.from(chunks) : null;
  };
  const rels = stream('xl/_rels/workbook.xml.rels');
  const book = stream('xl/workbook.xml');
  if (!rels || !book) throw unreadable('not an xlsx workbook');
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(null, { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' });
  await reader._parseRels(rels);
  await reader._parseWorkbook(book);
  const relations = reader.workbookRels ?? [];
  const target = (type, fallback) => partPath(relations.find((r) => String(r.Type).endsWith(`/${type}`))?.Target ?? fallback);
  const strings = part(target('sharedStrings', 'sharedStrings.xml'), true);
  reader.sharedStrings = strings ? await sharedStrings(strings, budget) : [];
  const styles = stream(target('styles', 'styles.xml'));
  if (styles) await reader._parseStyles(styles);

  // the worksheets as the user sees the tabs: in the workbook's order, hidden ones and charts skipped
  const worksheets = (reader.model?.sheets ?? [])
    .filter(Boolean)
    .map((sheet) => ({ sheet, rel: relations.find((r) => r.Id === sheet.rId && String(r.Type).endsWith('/worksheet')) }))
    .filter((s) => s.rel);
  const visible = worksheets.filter((s) => !s.sheet.state || s.sheet.state === 'visible');
  const tabs = visible.length ? visible : worksheets.slice(0, 1);
  const rowsOf = async function* (sheetPath) {
    const sheet = sheetPath && part(sheetPath);
    if (!sheet) throw unreadable('no worksheet');
    const [{ value: worksheet }] = reader._parseWorksheet(sheet, Number(sheetPath.match(/(\d+)\.xml$/)?.[1] ?? 1));
    let elements = 0;
    for await (const row of worksheet) {
      // empty rows are not counted as rows, but each costs a little: no more of them than Excel allows
      if (++elements > EXCEL_MAX_ROWS) throw unreadable(`more than ${figure(EXCEL_MAX_ROWS)} rows, Excel's own limit`);
      const values = budget.row(row.number, row.values);
      if (values) yield { number: row.number, values };
    }
  };

  let index = 0;
  if (tabs.length > 1) {
    // several tabs: each one's first rows, for the caller to pick the sheet with a header it knows;
    // those rows are read again with the chosen sheet, so they are not counted twice
    const [rows, cells] = [budget.rows, budget.cells];
    const heads = [];
    for (const tab of tabs) {
      const head = [];
      for await (const row of rowsOf(partPath(tab.rel.Target))) {
        if (row.number > HEAD_ROWS) break;
        head.push(row);
      }
      heads.push({ name: String(tab.sheet.name ?? ''), head });
    }
    [budget.rows, budget.cells] = [rows, cells];
    index = await choose(heads);
  }
  const chosen = tabs[index];
  onSheets({ names: tabs.map((t) => String(t.sheet.name ?? '')), sheet: chosen ? String(chosen.sheet.name ?? '') : null });
  yield* rowsOf(chosen ? partPath(chosen.rel.Target) : [...entries.keys()].find((n) => /^xl\/worksheets\/sheet\d+\.xml$/.test(n)));
}

// ---- csv

/** The text of a CSV file, its encoding found from the BOM or by trying UTF-8 strictly first. */
export function decodeCsv(bytes) {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return new TextDecoder('utf-8').decode(bytes.subarray(3));
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Node's full ICU decodes GB18030, a superset of GBK and GB2312
    return new TextDecoder('gb18030').decode(bytes);
  }
}

/** The separator of a CSV: comma, tab or semicolon, whichever the first lines use most. */
function separatorOf(text) {
  const head = text.split(/\r?\n/, 20).join('\n');
  const count = (c) => head.split(c).length - 1;
  return [',', '\t', ';'].reduce((best, c) => (count(c) > count(best) ? c : best), ',');
}

/**
 * RFC 4180 rows, one at a time: quoted cells may hold separators, doubled quotes and line breaks.
 * `onCell` sees each row as it grows, so a row of a million separators is refused while it is read.
 */
export function* csvRows(text, onCell = () => {}) {
  const sep = separatorOf(text);
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') (cell += '"'), i++;
        else quoted = false;
      } else cell += c;
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === sep) row.push(cell), (cell = ''), onCell(row);
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      yield row;
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length) row.push(cell), yield row;
}

/** Every row of a CSV text. */
export const parseCsv = (text) => [...csvRows(text)];

/** The rows of a CSV file (cells trimmed), counted like a workbook's. */
export function* csvFileRows(bytes, budget) {
  let number = 0;
  const wide = (row) => {
    if (row.length > budget.limits.columns) throw new SheetRefusal('IMPORT_TOO_MANY_COLUMNS', { row: number + 1, max: figure(budget.limits.columns) });
  };
  for (const cells of csvRows(decodeCsv(bytes), wide)) {
    number++;
    wide(cells);
    const values = budget.row(number, cells.map((v) => v.trim()));
    if (values) yield { number, values };
  }
}
