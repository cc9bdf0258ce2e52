/**
 * The run log's part of the outbox (outbox/outbox.ts): a run saved on the road without a signal
 * waits on the phone — one entry per route and day, the latest save wins — and is sent with its
 * idempotency key when the network is back. The server writes it once per key (a repeat answers
 * `replay: true`, an arrival like any other) and a run replaces the route's run of that day, so a
 * correction made offline needs no version and meets no conflict: a refusal is a plain one.
 */
import { queryClient } from '@/api/query-client';
import { trpc, type RouterOutputs } from '@/api/trpc';
import type { OutboxSender } from '@/outbox/outbox';
import { COURIER_KEY } from './courier-setup';
import type { RunPayload } from './run-fields';

export const RUN_KIND = 'courier.runs.save';

/** One waiting entry per route and day. */
export const runSlot = (routeId: number, runDate: string) => `courier-run:${routeId}:${runDate}`;

/** The run log's queries, under the courier prefix every courier write invalidates. */
export const runKeys = {
  all: [COURIER_KEY, 'runs'] as const,
  day: (routeId: number | null, day: string) => [COURIER_KEY, 'runs', 'day', routeId, day] as const,
  month: (hubId: number | null, month: string) => [COURIER_KEY, 'runs', 'month', hubId, month] as const,
};

export const runSender: OutboxSender<RunPayload, RouterOutputs['courier']['runs']['save']> = {
  send: (payload, clientKey) => trpc.courier.runs.save.mutate({ ...payload, clientKey }),
  // the day's form and the month's list come from the server again
  arrived: () => void queryClient.invalidateQueries({ queryKey: runKeys.all }),
};
