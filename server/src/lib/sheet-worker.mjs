// A worker thread reading uploaded files, one at a time (sheet-worker-pool.ts starts it and may
// hand it the next file): the rows go back in batches, then `done`; a refused file sends `refused`
// with a message key.
import { parentPort } from 'node:worker_threads';
import { Budget, csvFileRows, SheetRefusal, xlsxRows } from './sheet-read.mjs';

/** Rows per message: each batch is cloned into the server's thread in a few milliseconds. */
const BATCH = 2_000;

parentPort.on('message', async ({ bytes, format, limits }) => {
  const file = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const budget = new Budget(limits);
  try {
    let batch = [];
    for await (const row of format === 'csv' ? csvFileRows(file, budget) : xlsxRows(file, budget)) {
      batch.push(row);
      if (batch.length === BATCH) {
        parentPort.postMessage({ type: 'rows', rows: batch });
        batch = [];
      }
    }
    if (batch.length) parentPort.postMessage({ type: 'rows', rows: batch });
    parentPort.postMessage({ type: 'done', inflatedBytes: budget.inflated });
  } catch (err) {
    const refusal = err instanceof SheetRefusal ? err : new SheetRefusal('IMPORT_FILE_UNREADABLE', { detail: String(err?.message ?? err).slice(0, 120) });
    parentPort.postMessage({ type: 'refused', code: refusal.code, params: refusal.params });
  }
});
