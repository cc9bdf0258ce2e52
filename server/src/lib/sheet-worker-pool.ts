import { Worker } from 'node:worker_threads';
import type { MessageKey, MessageParams } from '../i18n/messages';
import { AppError } from './app-error';
import { PARSE_LIMITS, READ_LIMITS } from './upload-limits';

/** A row as a reader gives it: its 1-based number and its plain cell values by column. */
export interface RawRow {
  number: number;
  values: unknown[];
}

/** A visible worksheet of a workbook with several: its name and first rows (to find its header). */
export interface SheetHead {
  name: string;
  head: RawRow[];
}

/** What was read: the rows, the workbook's visible sheets and the one read (none for a CSV). */
export interface UploadRows {
  rows: RawRow[];
  sheets: string[];
  sheet: string | null;
}

/** Which sheet of a workbook with several to read (an index of `sheets`); throws to refuse the file. */
export type ChooseSheet = (sheets: SheetHead[]) => number;

type WorkerMessage =
  | { type: 'rows'; rows: RawRow[] }
  | { type: 'heads'; sheets: SheetHead[] }
  | { type: 'sheets'; names: string[]; sheet: string | null }
  | { type: 'done'; inflatedBytes: number }
  | { type: 'refused'; code: MessageKey; params: MessageParams };

/**
 * The worker is plain JavaScript (see sheet-read.mjs); it is started without the parent's
 * execArgv, so it does not load tsx's loader for nothing.
 */
const WORKER = new URL('./sheet-worker.mjs', import.meta.url);

let running = 0;
const waiting: (() => void)[] = [];

/** A place among the parses running at once: wait for one, or be told the server is busy. */
async function acquire(): Promise<void> {
  if (running < PARSE_LIMITS.atOnce) {
    running++;
    return;
  }
  if (waiting.length >= PARSE_LIMITS.waiting) throw new AppError('IMPORT_BUSY', 'TOO_MANY_REQUESTS');
  await new Promise<void>((resolve) => waiting.push(resolve));
}

/** The place passes straight to the next in line, so no newcomer slips past the limit. */
function release(): void {
  const next = waiting.shift();
  if (next) next();
  else running--;
}

/**
 * Workers that read a file to its end wait here a while for the next one: starting a worker and
 * loading exceljs costs 0.3–0.4 s, and the import wizard asks again with the same file on every
 * page. A worker that refused a file, ran out of time or heap is never kept.
 */
const idle: { worker: Worker; timer: NodeJS.Timeout }[] = [];

function takeWorker(): Worker {
  const kept = idle.pop();
  if (kept) {
    clearTimeout(kept.timer);
    kept.worker.ref();
    return kept.worker;
  }
  return new Worker(WORKER, {
    execArgv: [],
    resourceLimits: { maxOldGenerationSizeMb: PARSE_LIMITS.heapMb, maxYoungGenerationSizeMb: 32 },
  });
}

function keepWorker(worker: Worker): void {
  if (idle.length >= PARSE_LIMITS.atOnce) return void worker.terminate();
  worker.unref(); // an idle worker does not keep the process alive
  const entry = {
    worker,
    timer: setTimeout(() => {
      idle.splice(idle.indexOf(entry), 1);
      void worker.terminate();
    }, PARSE_LIMITS.idleMs).unref(),
  };
  idle.push(entry);
}

/**
 * The rows of an uploaded xlsx or CSV, read in a worker thread: the request's event loop stays free
 * for other users, and a file that passes a limit of READ_LIMITS, or the worker's heap or time, is
 * refused with a message saying which.
 */
export async function readUploadRows(bytes: Uint8Array, format: 'xlsx' | 'csv', choose: ChooseSheet = () => 0): Promise<UploadRows> {
  await acquire();
  try {
    return await parseInWorker(bytes, format, choose);
  } finally {
    release();
  }
}

function parseInWorker(bytes: Uint8Array, format: 'xlsx' | 'csv', choose: ChooseSheet): Promise<UploadRows> {
  return new Promise((resolve, reject) => {
    const worker = takeWorker();
    const read: UploadRows = { rows: [], sheets: [], sheet: null };
    const tooComplex = () => new AppError('IMPORT_FILE_TOO_COMPLEX', 'BAD_REQUEST', { seconds: PARSE_LIMITS.timeoutMs / 1000, mb: PARSE_LIMITS.heapMb });
    const settle = (error: Error | null, keep = false) => {
      clearTimeout(timer);
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      if (keep) keepWorker(worker);
      else void worker.terminate();
      if (error) reject(error);
      else resolve(read);
    };
    const onMessage = (message: WorkerMessage) => {
      if (message.type === 'rows') for (const row of message.rows) read.rows.push(row);
      else if (message.type === 'heads') {
        try {
          worker.postMessage({ type: 'pick', index: choose(message.sheets) });
        } catch (err) {
          settle(err instanceof Error ? err : new Error(String(err))); // the worker waits: it is not kept
        }
      } else if (message.type === 'sheets') [read.sheets, read.sheet] = [message.names, message.sheet];
      else if (message.type === 'done') settle(null, true);
      else settle(new AppError(message.code, 'BAD_REQUEST', message.params));
    };
    // out of heap: the file's doing; anything else (the worker could not start) is ours, and logged
    const onError = (err: Error & { code?: string }) => settle(err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? tooComplex() : err);
    const onExit = () => settle(tooComplex());
    const timer = setTimeout(() => settle(tooComplex()), PARSE_LIMITS.timeoutMs);
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    const copy = new Uint8Array(bytes); // the worker's own, handed over without a second copy
    worker.postMessage({ bytes: copy, format, limits: READ_LIMITS }, [copy.buffer]);
  });
}
