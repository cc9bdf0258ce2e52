import { RUN_KIND, runSender } from '@/views/courier/run-sender';
import { LEDGER_KIND } from '@/views/stations/ledger-outbox';
import { ledgerSender } from '@/views/stations/ledger-sender';
import { CHECK_IN_KIND, checkInSender } from '@/views/training/check-in-sender';
import { STREAM_KIND, streamSender } from '@/views/livestream/stream-sender';
import type { OutboxSender } from './outbox';

/**
 * Every kind of write the outbox can send, by name (the procedure's). A new field form adds its
 * sender here — one line — and queues with `useOutboxStore().queue(KIND, payload, { label })`.
 * Listed at start-up, not when a page loads: what waits is sent from any page.
 */
export const OUTBOX_SENDERS: ReadonlyMap<string, OutboxSender> = new Map<string, OutboxSender>([
  [LEDGER_KIND, ledgerSender],
  [CHECK_IN_KIND, checkInSender],
  [STREAM_KIND, streamSender],
  [RUN_KIND, runSender],
]);
