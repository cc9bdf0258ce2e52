import { queryClient } from '@/api/query-client';
import { isApiError, trpc, type RouterOutputs } from '@/api/trpc';
import type { OutboxSender } from '@/outbox/outbox';
import type { LedgerUpsertPayload } from './ledger-fields';

type LedgerEntry = RouterOutputs['stations']['ledger']['upsert'];

/** How a queued ledger entry is sent (ledger-outbox.ts says what waits). */
export const ledgerSender: OutboxSender<LedgerUpsertPayload, LedgerEntry> = {
  send: (payload, clientKey) => trpc.stations.ledger.upsert.mutate({ ...payload, clientKey }),
  async conflict(error, payload) {
    if (!isApiError(error) || error.data?.appCode !== 'LEDGER_VERSION_CONFLICT') return undefined;
    return (await trpc.stations.ledger.day.query({ stationId: payload.stationId, date: payload.date })).entry;
  },
  // a later save of the same day was made on the version this one replaced
  follow: (next, arrived) => ({ ...next, version: arrived.version }),
  arrived: () => void queryClient.invalidateQueries({ queryKey: ['stations.ledger.day'] }),
};

