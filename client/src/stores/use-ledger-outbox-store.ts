import { defineStore, storeToRefs } from 'pinia';
import { computed, ref, watch } from 'vue';
import { errorMessage } from '@/api/errors';
import { queryClient } from '@/api/query-client';
import { trpc } from '@/api/trpc';
import { i18n } from '@/i18n';
import { toast } from '@/utils/toast';
import type { LedgerUpsertPayload } from '@/views/stations/ledger-fields';
import {
  isTransientFailure,
  markRefused,
  outboxKey,
  parseOutbox,
  putItem,
  removeItem,
  sendable,
  serializeOutbox,
  storageKey,
  type OutboxItem,
} from '@/views/stations/ledger-outbox';
import { useAuthStore } from './use-auth-store';

/** While entries wait and the browser claims to be online, try again this often (a weak signal). */
const RETRY_MS = 30_000;

/**
 * Ledger entries saved without a connection, per logged-in user, in localStorage: shown as
 * "待上传 N 条" and sent again on page load, when the browser comes back online, and every
 * half minute while some wait.
 */
export const useLedgerOutboxStore = defineStore('ledger-outbox', () => {
  const { actor } = storeToRefs(useAuthStore());
  const items = ref<OutboxItem[]>([]);
  const sending = ref(false);
  let timer: ReturnType<typeof setInterval> | undefined;

  const userId = computed(() => actor.value?.id ?? null);
  const count = computed(() => items.value.length);

  function read(): OutboxItem[] {
    if (userId.value === null) return [];
    try {
      return parseOutbox(localStorage.getItem(storageKey(userId.value)));
    } catch {
      return [];
    }
  }

  function write(next: OutboxItem[]): void {
    items.value = next;
    if (userId.value === null) return;
    try {
      if (next.length) localStorage.setItem(storageKey(userId.value), serializeOutbox(next));
      else localStorage.removeItem(storageKey(userId.value));
    } catch {
      // storage full or disabled: the entries stay for this visit only
    }
  }

  /** Keep an entry to send later (the latest save of a station's day wins). */
  function put(payload: LedgerUpsertPayload): void {
    write(putItem(read(), payload, new Date().toISOString()));
    schedule();
  }

  const find = (stationId: number, date: string) => items.value.find((i) => i.key === outboxKey(stationId, date)) ?? null;
  const discard = (key: string) => write(removeItem(read(), key));

  /** Send what waits, oldest first; stops at the first network failure (the rest would fail too). */
  async function flush(): Promise<void> {
    if (sending.value || userId.value === null || !navigator.onLine) return;
    sending.value = true;
    let sent = 0;
    try {
      for (const item of sendable(read())) {
        try {
          await trpc.stations.ledger.upsert.mutate(item.payload);
          write(removeItem(read(), item.key, item.queuedAt));
          sent++;
        } catch (error) {
          if (isTransientFailure(error)) break;
          write(markRefused(read(), item.key, item.queuedAt, errorMessage(error)));
        }
      }
    } finally {
      sending.value = false;
      items.value = read();
      schedule();
    }
    if (sent) {
      toast('success', i18n.global.t('ledger.outbox.sent', { n: sent }));
      void queryClient.invalidateQueries({ queryKey: ['stations.ledger.day'] });
    }
  }

  function schedule(): void {
    const waiting = sendable(items.value).length > 0;
    if (waiting && !timer) timer = setInterval(() => void flush(), RETRY_MS);
    if (!waiting && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  }

  // Another user on this device has an outbox of their own; a login loads it and tries to send it.
  watch(
    userId,
    () => {
      items.value = read();
      schedule();
      void flush();
    },
    { immediate: true },
  );
  window.addEventListener('online', () => void flush());
  // another tab of the same user saved or sent something
  window.addEventListener('storage', (event) => {
    if (userId.value !== null && event.key === storageKey(userId.value)) items.value = read();
  });

  return { items, count, sending, put, find, discard, flush };
});
