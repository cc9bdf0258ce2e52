/**
 * Search check-in's part of the outbox: a tap made without a signal waits on the phone and is sent
 * with its idempotency key when the network is back; the server writes it once.
 */
import { queryClient } from '@/api/query-client';
import { trpc, type RouterInputs, type RouterOutputs } from '@/api/trpc';
import type { OutboxSender } from '@/outbox/outbox';
import { TRAINING_SESSIONS_KEY } from './training-labels';

export type KnownCheckIn = Omit<Extract<RouterInputs['training']['attendance']['checkIn'], { traineeId: number }>, 'clientKey'>;

export const CHECK_IN_KIND = 'training.attendance.checkIn';

export const checkInSender: OutboxSender<KnownCheckIn, RouterOutputs['training']['attendance']['checkIn']> = {
  send: (payload, clientKey) => trpc.training.attendance.checkIn.mutate({ ...payload, clientKey }),
  // the session's count and the search's ✓ come from the server again
  arrived: () => {
    void queryClient.invalidateQueries({ queryKey: [TRAINING_SESSIONS_KEY] });
    void queryClient.invalidateQueries({ queryKey: ['training.trainees.search'] });
  },
};
