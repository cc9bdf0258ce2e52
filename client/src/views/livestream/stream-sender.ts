/**
 * Stream entry's part of the outbox: a stream typed without a signal waits on the phone and is
 * sent with its idempotency key when the network is back; the server writes it once.
 */
import { queryClient } from '@/api/query-client';
import { trpc, type RouterInputs, type RouterOutputs } from '@/api/trpc';
import type { OutboxSender } from '@/outbox/outbox';
import { HOST_KEY, STREAMS_KEY } from './livestream-labels';

export type NewStream = Omit<RouterInputs['livestream']['streams']['create'], 'clientKey'>;

export const STREAM_KIND = 'livestream.streams.create';

export const streamSender: OutboxSender<NewStream, RouterOutputs['livestream']['streams']['create']> = {
  send: (payload, clientKey) => trpc.livestream.streams.create.mutate({ ...payload, clientKey }),
  arrived: (result) => {
    void queryClient.invalidateQueries({ queryKey: [STREAMS_KEY] });
    void queryClient.invalidateQueries({ queryKey: [HOST_KEY, result.stream.hostId] });
  },
};
