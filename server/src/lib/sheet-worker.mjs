// A worker thread reading uploaded files, one at a time (sheet-worker-pool.ts starts it and may
// hand it the next file): the rows go back in batches, then `done`; a refused file sends `refused`
// with a message key. A workbook of several visible sheets first sends `heads` (each sheet's name
// and first rows) and waits for `pick` (the index of the sheet to read); every xlsx sends `sheets`.
import { parentPort } from 'node:worker_threads';
import { Budget, csvFileRows, SheetRefusal, xlsxRows } from './sheet-read.mjs';

/** Rows per message: each batch is cloned into the server's thread in a few milliseconds. */
const BATCH = 2_000;

/** The reading waiting for the server to pick its sheet. */
let picked = null;
const choose = (heads) =>
  new Promise((resolve) => {
    picked = resolve;
    parentPort.postMessage({ type: 'heads', sheets: heads });
  });
const onSheets = (sheets) => parentPort.postMessage({ type: 'sheets', ...sheets });

parentPort.on('message', async (message) => {
  if (message.type === 'pick') {
    picked?.(message.index);
    picked = null;
    return;
  }
  const { bytes, format, limits } = message;
  const file = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const budget = new Budget(limits);
  try {
    let batch = [];
    for await (const row of format === 'csv' ? csvFileRows(file, budget) : xlsxRows(file, budget, choose, onSheets)) {
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
