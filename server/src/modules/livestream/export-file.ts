import { badRequest } from '../../lib/app-error';
import { readSheetFile, type ReadSheet } from '../../lib/sheet';
import { decodeUpload, isZip } from '../../lib/upload-limits';

/**
 * Platform exports come as .xlsx or .csv. A CSV may be UTF-8 (with or without a BOM), UTF-16 with a
 * BOM, or GB18030/GBK (阿里 and 磁力金牛 tools write it); its cells are kept as text (long account
 * ids stay whole). Both are read into lib/sheet.ts's shape: the header found among the first rows
 * by the names we know (title and filter rows above it are normal), blank rows dropped, cells by
 * header text. The CSV reading itself is in lib/sheet-read.mjs, run in the upload worker.
 */
export { decodeCsv, parseCsv } from '../../lib/sheet-read.mjs';

/** An export file (.xlsx, or .csv/.txt/.tsv in any of the encodings above) as header and rows. */
export async function readExportSheet(fileBase64: string, fileName: string, knows: (header: string) => boolean, sheet?: string): Promise<ReadSheet> {
  const bytes = decodeUpload(fileBase64);
  if (isZip(bytes)) return readSheetFile(bytes, 'xlsx', knows, sheet);
  if (/\.xlsx?$/i.test(fileName)) {
    throw badRequest('IMPORT_FILE_UNREADABLE', { detail: /\.xls$/i.test(fileName) ? '.xls: save it as .xlsx' : 'not an xlsx file' });
  }
  return readSheetFile(bytes, 'csv', knows);
}
