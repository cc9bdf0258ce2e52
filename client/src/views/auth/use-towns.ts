import { keepPreviousData, useQuery } from '@tanstack/vue-query';
import { computed, ref } from 'vue';
import { trpc } from '@/api/trpc';
import { useHomeCounty } from '@/composables/use-home-county';

/** A county has a few dozen towns at most; one page holds them all. */
const ALL_TOWNS_PAGE = 200;

/**
 * Names of the home county's towns, for showing region scopes (which the API gives as codes).
 * A code outside the county's towns is shown as the code itself.
 */
export function useTownNames() {
  const { homeCounty: county } = useHomeCounty();
  const towns = useQuery({
    queryKey: computed(() => ['regions.search', 'towns', county.value?.code]),
    queryFn: () =>
      trpc.regions.search.query({ page: 1, pageSize: ALL_TOWNS_PAGE, filter: { q: '', level: 'town', underCode: county.value!.code } }),
    enabled: computed(() => county.value !== null),
    staleTime: 5 * 60_000,
  });
  const names = computed(() => new Map((towns.data.value?.items ?? []).map((town) => [town.code, town.name])));

  const townName = (code: string) => names.value.get(code) ?? code;
  /** "洪绪镇 (370481101000)", as the scope picker shows a town. */
  const townLabel = (code: string) => (names.value.has(code) ? `${names.value.get(code)} (${code})` : code);

  return { county, names, townName, townLabel };
}

/**
 * The town picker: searches the home county's towns on the server as the user types (name or
 * code), and keeps the towns already chosen among the options so they show by name.
 */
export function useTownSearch(selected: () => string[]) {
  const { county, townLabel } = useTownNames();
  const q = ref('');
  const search = useQuery({
    queryKey: computed(() => ['regions.search', 'town-picker', county.value?.code, q.value]),
    queryFn: () => trpc.regions.search.query({ page: 1, pageSize: 20, filter: { q: q.value, level: 'town', underCode: county.value!.code } }),
    enabled: computed(() => county.value !== null),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });

  const options = computed(() => {
    const found = (search.data.value?.items ?? []).map((town) => ({ value: town.code, label: `${town.name} (${town.code})` }));
    const shown = new Set(found.map((option) => option.value));
    const chosen = selected()
      .filter((code) => !shown.has(code))
      .map((code) => ({ value: code, label: townLabel(code) }));
    return [...found, ...chosen];
  });

  return {
    county,
    options,
    searching: computed(() => search.isFetching.value),
    searchTowns: (text: string) => {
      q.value = text.trim();
    },
  };
}
