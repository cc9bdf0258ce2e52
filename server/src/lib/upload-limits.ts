import { z } from 'zod';
import { badRequest } from './app-error';

/**
 * How much one upload may be and what reading it may cost, in one place for every import (station
 * register, ledger month, sign-in sheet, platform streams) and for the request body limit in
 * app.ts. Sized for the real files with room to spare: a 100,000-row sign-in sheet (序号, name,
 * mobile, ID card, village, date, 签名) is 3.8 MB of xlsx, 33 MB inflated, 700,000 cells
 * (tests/bench/sign-in-import.ts); a platform's export is a few thousand rows of 30–60 columns.
 * Past these a file is refused whole with a message saying which limit, before anything is checked.
 */

/** The largest file: 10 MB, as the import pages say. */
export const UPLOAD_MAX_BYTES = 10 * 1024 * 1024;
/** The same file as base64 in a JSON body. */
export const UPLOAD_MAX_BASE64 = Math.ceil(UPLOAD_MAX_BYTES / 3) * 4;

/** What reading one file may produce; checked while it is read (sheet-read.mjs), never from what the file declares. */
export const READ_LIMITS = {
  /** Bytes inflated from the xlsx's zip, all parts read together. */
  inflatedBytes: 128 * 1024 * 1024,
  /**
   * Bytes inflated of the shared strings, the one part held whole while the sheet is read (the
   * 100,000-row sheet's are 6 MB): a shared-strings bomb is stopped here, holding little.
   */
  sharedStringsBytes: 48 * 1024 * 1024,
  /** Rows with a value. */
  rows: 200_000,
  /** Columns of one row (Excel allows 16,384). */
  columns: 256,
  /** Cells with a value, and at most as many shared strings. */
  cells: 3_000_000,
  /** Characters of one cell: Excel's own limit. */
  cellChars: 32_767,
} as const;
export type ReadLimits = typeof READ_LIMITS;

/**
 * Reading runs in worker threads, this many at once; later uploads wait, this many at most, and
 * any more are told the server is busy. Each worker may use this much heap and time, then it is
 * stopped and the file refused: a hostile file costs its worker, never the server. A worker that
 * read its file to the end waits `idleMs` for the next one (see sheet-worker-pool.ts).
 */
export const PARSE_LIMITS = {
  atOnce: 2,
  waiting: 4,
  heapMb: 256,
  timeoutMs: 90_000,
  idleMs: 30_000,
} as const;

/**
 * Request bodies, limited before they are read: an anonymous request (login, the public QR
 * check-in: a few hundred bytes) gets a few KB; a logged-in one the largest upload and its
 * options. Larger bodies are refused with 413 whether or not they declare their length.
 */
export const BODY_LIMITS = {
  anonymous: 8 * 1024,
  signedIn: UPLOAD_MAX_BASE64 + 64 * 1024,
} as const;

/** An import's answer lists this many problems (or created rows), in row order, beside the counts of all. */
export const PREVIEW_MAX_LISTED = 200;
/** The rows-not-imported workbook lists this many rows at most (its `rows` says how many it has). */
export const REJECTS_MAX_ROWS = 10_000;

/** An uploaded file as base64: a zero-byte file is answered by `decodeUpload`, not as a bad input. */
export const uploadBase64 = z.string().max(UPLOAD_MAX_BASE64);

/** The bytes of an uploaded file; an empty or oversized one is refused at once. */
export function decodeUpload(base64: string): Buffer {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length === 0) throw badRequest('IMPORT_FILE_EMPTY');
  if (bytes.length > UPLOAD_MAX_BYTES) throw badRequest('IMPORT_FILE_TOO_LARGE', { max: UPLOAD_MAX_BYTES / 1024 / 1024 });
  return bytes;
}

/** An xlsx is a zip: 'PK'. */
export const isZip = (bytes: Uint8Array): boolean => bytes[0] === 0x50 && bytes[1] === 0x4b;
