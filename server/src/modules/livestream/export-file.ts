import { badRequest } from '../../lib/app-error';
import { readSheet, sheetFromRows, type ReadSheet } from '../../lib/sheet';

/**
 * Platform exports come as .xlsx or .csv. A CSV may be UTF-8 (with or without a BOM), UTF-16 with a
 * BOM, or GB18030/GBK (阿里 and 磁力金牛 tools write it); its cells are kept as text (long account
 * ids stay whole). Both are read into lib/sheet.ts's shape: the header found among the first rows
 * by the names we know (title and filter rows above it are normal), blank rows dropped, cells by
 * header text.
 */
/** The text of a CSV file, its encoding found from the BOM or by trying UTF-8 strictly first. */
export function decodeCsv(bytes: Uint8Array): string {
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
function separatorOf(text: string): string {
  const head = text.split(/\r?\n/, 20).join('\n');
  const count = (c: string) => head.split(c).length - 1;
  return [',', '\t', ';'].reduce((best, c) => (count(c) > count(best) ? c : best), ',');
}

/** RFC 4180 rows: quoted cells may hold separators, doubled quotes and line breaks. */
export function parseCsv(text: string): string[][] {
  const sep = separatorOf(text);
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') (cell += '"'), i++;
        else quoted = false;
      } else cell += c;
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === sep) row.push(cell), (cell = '');
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length) row.push(cell), rows.push(row);
  return rows;
}

const isZip = (bytes: Uint8Array) => bytes[0] === 0x50 && bytes[1] === 0x4b; // 'PK': an xlsx

/** An export file (.xlsx, or .csv/.txt/.tsv in any of the encodings above) as header and rows. */
export async function readExportSheet(fileBase64: string, fileName: string, knows: (header: string) => boolean): Promise<ReadSheet> {
  const bytes = Buffer.from(fileBase64, 'base64');
  if (isZip(bytes)) return readSheet(fileBase64, knows);
  if (/\.xlsx?$/i.test(fileName)) {
    throw badRequest('IMPORT_FILE_UNREADABLE', { detail: /\.xls$/i.test(fileName) ? '.xls: save it as .xlsx' : 'not an xlsx file' });
  }
  const rows = parseCsv(decodeCsv(bytes)).map((values, i) => ({ number: i + 1, values: values.map((v) => v.trim()) }));
  return sheetFromRows(rows, knows);
}
