import { useQuery } from '@tanstack/vue-query';
import { computed } from 'vue';
import { trpc } from '@/api/trpc';

/** The county this deployment serves (`system.info`), or null when none is configured. */
export function useHomeCounty() {
  const info = useQuery({ queryKey: ['system.info'], queryFn: () => trpc.system.info.query(), staleTime: Infinity });
  return {
    homeCounty: computed(() => info.data.value?.homeCounty ?? null),
    /** True once the answer is in (with or without a county). */
    ready: computed(() => info.isSuccess.value),
    error: info.error,
  };
}
