import { keepPreviousData, useQuery } from '@tanstack/vue-query';
import { computed, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { trpc } from '@/api/trpc';
import { useHomeCounty } from '@/composables/use-home-county';

/**
 * The village picker: searches the home county's villages on the server as the user types, and
 * keeps the chosen village among the options so it shows by name.
 */
export function useVillageSearch(chosen: () => { code: string; name: string } | null) {
  const { t } = useI18n();
  const { homeCounty } = useHomeCounty();
  const q = ref('');
  const search = useQuery({
    queryKey: computed(() => ['regions.search', 'village-picker', homeCounty.value?.code, q.value]),
    queryFn: () => trpc.regions.search.query({ page: 1, pageSize: 30, filter: { q: q.value, level: 'village', underCode: homeCounty.value!.code } }),
    enabled: computed(() => homeCounty.value !== null),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
  const options = computed(() => {
    const found = (search.data.value?.items ?? []).map((v) => ({ value: v.code, label: v.parentName ? t('trainees.edit.villageOption', { village: v.name, town: v.parentName }) : v.name }));
    const current = chosen();
    return current && !found.some((o) => o.value === current.code) ? [{ value: current.code, label: current.name }, ...found] : found;
  });
  return { options, loading: computed(() => search.isFetching.value), searchVillages: (text: string) => (q.value = text) };
}
