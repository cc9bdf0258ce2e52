import { storeToRefs } from 'pinia';
import { computed } from 'vue';
import { useAuthStore } from '@/stores/use-auth-store';
import { useTownNames } from '@/views/auth/use-towns';

/**
 * The towns a training page offers: every town of the county for the bureau, a coordinator's own
 * towns for a coordinator (the server refuses the others anyway).
 */
export function useTrainingTowns() {
  const { actor } = storeToRefs(useAuthStore());
  const { names, townName, county } = useTownNames();
  const townOptions = computed(() => {
    const all = [...names.value].map(([code, name]) => ({ value: code, label: name }));
    if (actor.value?.role !== 'training_coordinator') return all;
    const own = new Set(actor.value.scopes.regions);
    return all.filter((option) => own.has(option.value));
  });
  return { townOptions, townName, county };
}
