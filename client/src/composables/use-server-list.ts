import { keepPreviousData, useQuery } from '@tanstack/vue-query';
import { computed, reactive, ref, watch, type Ref, type UnwrapRef } from 'vue';

export interface ListSort<K extends string = string> {
  key: K;
  order: 'asc' | 'desc';
}

export interface ListInput<F, K extends string> {
  page: number;
  pageSize: number;
  sort?: ListSort<K>;
  filter: F;
}

/**
 * A server-side list: page, page size, sort and filter live here; the server does the work
 * (`{ page, pageSize, sort, filter }` → `{ items, total }`). The same `listInput` goes to the
 * list's export, so the spreadsheet holds exactly the filtered rows.
 */
export function useServerList<F extends object, K extends string, T>(options: {
  /** Query key prefix, e.g. 'auth.users.list'. */
  key: string;
  fetch: (input: ListInput<UnwrapRef<F>, K>) => Promise<{ items: T[]; total: number }>;
  filter: F;
  pageSize?: number;
  sort?: ListSort<K>;
  /** Sort keys the server accepts, by table column prop; other columns are not sortable. */
  sortable?: Partial<Record<string, K>>;
}) {
  const page = ref(1);
  const pageSize = ref(options.pageSize ?? 20);
  const sort = ref(options.sort) as Ref<ListSort<K> | undefined>;
  const filter = reactive(options.filter);

  const listInput = computed<ListInput<UnwrapRef<F>, K>>(() => ({
    page: page.value,
    pageSize: pageSize.value,
    sort: sort.value,
    filter: cleanFilter(filter as UnwrapRef<F>),
  }));

  // A new filter starts again at page 1.
  watch(
    () => JSON.stringify(filter),
    () => {
      page.value = 1;
    },
  );

  const query = useQuery({
    queryKey: computed(() => [options.key, listInput.value]),
    queryFn: () => options.fetch(listInput.value),
    placeholderData: keepPreviousData,
  });

  /** For el-table's `@sort-change`. */
  function onSortChange({ prop, order }: { prop: string | null; order: 'ascending' | 'descending' | null }) {
    const key = prop ? options.sortable?.[prop] : undefined;
    sort.value = key && order ? { key, order: order === 'ascending' ? 'asc' : 'desc' } : options.sort;
  }

  return {
    page,
    pageSize,
    sort,
    filter,
    listInput,
    items: computed(() => query.data.value?.items ?? []),
    total: computed(() => query.data.value?.total ?? 0),
    loading: computed(() => query.isFetching.value),
    error: query.error,
    reload: () => query.refetch(),
    onSortChange,
  };
}

/** Drop empty strings and nulls so "no filter" is sent as absent, not as a filter on "". */
function cleanFilter<F>(filter: F): F {
  return Object.fromEntries(Object.entries(filter as object).filter(([, v]) => v !== '' && v !== null && v !== undefined)) as F;
}
