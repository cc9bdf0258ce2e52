import { defineStore, storeToRefs } from 'pinia';
import { computed, ref, watch } from 'vue';
import { errorMessage } from '@/api/errors';
import { i18n } from '@/i18n';
import { createOutbox, openOutboxDb, type OutboxEntry } from '@/outbox/outbox';
import { OUTBOX_SENDERS } from '@/outbox/senders';
import { toast } from '@/utils/toast';
import { dropLegacyLedgerOutbox, legacyLedgerOutbox } from '@/views/stations/ledger-outbox';
import { useAuthStore } from './use-auth-store';

/**
 * The outbox on the screen: the logged-in user's entries ("待上传 N 条" in the header), sent on
 * login, when the browser comes back online, and with growing waits while the server cannot be
 * reached. A form queues with `queue(kind, payload, { label })`; its kind's sender is listed in
 * outbox/senders.ts. Other tabs of the same browser hear of each change.
 */
export const useOutboxStore = defineStore('outbox', () => {
  const { actor } = storeToRefs(useAuthStore());
  const entries = ref<OutboxEntry[]>([]);
  const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('cuntong-outbox');
  let arrived = 0;
  let told: ReturnType<typeof setTimeout> | undefined;

  const outbox = createOutbox({
    db: openOutboxDb(),
    senders: OUTBOX_SENDERS,
    describe: errorMessage,
    onChange(next) {
      entries.value = next;
      channel?.postMessage('changed');
    },
    onArrived() {
      // one message for what arrived together
      arrived++;
      clearTimeout(told);
      told = setTimeout(() => {
        toast('success', i18n.global.t('outbox.arrived', { n: arrived }));
        arrived = 0;
      }, 300);
    },
  });

  const userId = computed(() => actor.value?.id ?? null);
  watch(
    userId,
    async (id) => {
      await outbox.setUser(id);
      // ledger entries an earlier version kept in localStorage move here, once
      if (id === null) return;
      for (const legacy of legacyLedgerOutbox(id)) await outbox.queue(legacy.kind, legacy.payload, legacy.options);
      dropLegacyLedgerOutbox(id);
    },
    { immediate: true },
  );
  window.addEventListener('online', () => outbox.wake());
  channel?.addEventListener('message', async () => (entries.value = await outbox.list()));

  return {
    entries,
    count: computed(() => entries.value.length),
    queue: outbox.queue,
    flush: outbox.flush,
    discard: outbox.discard,
    resend: outbox.resend,
    /** The entry waiting in a slot (the ledger's station and day), if any. */
    inSlot: (slot: string) => entries.value.find((e) => e.slot === slot) ?? null,
  };
});
