import { useMutation, useQuery, useQueryClient } from '@tanstack/vue-query';
import { computed, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { errorMessage } from '@/api/errors';
import { trpc } from '@/api/trpc';
import { toast } from '@/utils/toast';

/** How often the page looks at the queue again. */
const POLL_MS = 5_000;

/**
 * 运维 (the administrator): the queue's counts and latest failures (each retried from here), every
 * job's last run and its duration, and "recompute now" with its progress.
 */
export function useOperations() {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const status = useQuery({ queryKey: ['operations.queue.status'], queryFn: () => trpc.operations.queue.status.query(), refetchInterval: POLL_MS });
  const runs = useQuery({ queryKey: ['operations.runs'], queryFn: () => trpc.operations.runs.query(), refetchInterval: POLL_MS * 2 });
  const loadError = computed(() => {
    const error = status.error.value ?? runs.error.value;
    return error ? t('operations.loadFailed', { message: errorMessage(error) }) : null;
  });

  const retry = useMutation({
    mutationFn: (id: string) => trpc.operations.queue.retry.mutate({ id }),
    onSuccess: async () => {
      toast('success', t('operations.retried'));
      await queryClient.invalidateQueries({ queryKey: ['operations.queue.status'] });
    },
    onError: (error) => toast('error', errorMessage(error)),
  });

  const recomputeId = ref<string | null>(null);
  const start = useMutation({
    mutationFn: () => trpc.operations.recompute.start.mutate(),
    onSuccess: ({ id }) => (recomputeId.value = id),
    onError: (error) => toast('error', errorMessage(error)),
  });
  const recompute = useQuery({
    queryKey: computed(() => ['operations.recompute.status', recomputeId.value] as const),
    queryFn: ({ queryKey }) => trpc.operations.recompute.status.query({ id: queryKey[1]! }),
    enabled: computed(() => recomputeId.value !== null),
    refetchInterval: (query) => (['completed', 'failed'].includes(query.state.data?.state ?? '') ? false : 1_000),
  });
  const running = computed(() => start.isPending.value || (recomputeId.value !== null && !['completed', 'failed'].includes(recompute.data.value?.state ?? '')));

  const seconds = (ms: number | null) => (ms === null ? '—' : ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

  return { t, status, runs, loadError, retry, start, recompute, running, seconds };
}
