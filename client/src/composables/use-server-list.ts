import { keepPreviousData, useQuery } from '@tanstack/vue-query';
import { computed, reactive, ref, watch, type Ref, type UnwrapRef } from 'vue';
import { errorMessage } from '@/api/errors';
import type { ExportColumn, ExportResult } from '@/components/export-button/use-export';

export interface ListSort<K extends string = string> {
  key: K;
  order: 'asc' | 'desc';
}

/** el-table's `@sort-change` payload. */
export interface TableSort {
  prop: string | null;
  order: 'ascending' | 'descending' | null;
}

/**
 * What list-page shows, as one `:list` prop: the rows, the pager (when `total` is given), the
 * error in words with its retry, the sort handler and the Excel export. `useServerList` and
 * `useListModel` return it (wrapped in `reactive`), so a page hands the whole list over at once.
 */
export interface ListModel<T> {
  items: T[];
  /** Absent for a list held whole in the browser: no pager. */
  total?: number;
  loading: boolean;
  page: number;
  pageSize: number;
  errorText: string | null;
  reload: () => unknown;
  onSortChange?: (sort: TableSort) => void;
  exportColumns?: ExportColumn[];
  exportRun?: (columns: ExportColumn[]) => Promise<ExportResult>;
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
  /** The list's Excel export: the columns offered, and the call that builds the workbook of the filtered rows. */
  export?: {
    columns: () => ExportColumn[];
    run: (list: ListInput<UnwrapRef<F>, K>, columns: ExportColumn[]) => Promise<ExportResult>;
  };
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

  const exporter = options.export;

  /** For el-table's `@sort-change`. */
  function onSortChange({ prop, order }: TableSort) {
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
    errorText: computed(() => (query.error.value ? errorMessage(query.error.value) : null)),
    reload: () => query.refetch(),
    onSortChange,
    exportColumns: computed(() => options.export?.columns()),
    exportRun: exporter ? (columns: ExportColumn[]) => exporter.run(listInput.value, columns) : undefined,
  };
}

/** Drop empty strings and nulls so "no filter" is sent as absent, not as a filter on "". */
function cleanFilter<F>(filter: F): F {
  return Object.fromEntries(Object.entries(filter as object).filter(([, v]) => v !== '' && v !== null && v !== undefined)) as F;
}

/**
 * A list whose query the page runs itself (a ranking, a report, a list held whole in the browser)
 * as the same `ListModel` a server list gives. Without `total` there is no pager.
 */
export function useListModel<T>(options: {
  items: () => T[];
  loading: () => boolean;
  error: () => unknown;
  reload: () => unknown;
  /** A server-paged list gives its total and its page refs. */
  total?: () => number;
  page?: Ref<number>;
  pageSize?: Ref<number>;
  /** The error in words when it should say more than the call's own message. */
  errorText?: (error: unknown) => string;
  /** `shown` hides the export while there is nothing to export (e.g. no sample drawn yet). */
  export?: { columns: () => ExportColumn[]; run: (columns: ExportColumn[]) => Promise<ExportResult>; shown?: () => boolean };
}) {
  const total = options.total;
  const exporter = options.export;
  const words = options.errorText ?? errorMessage;
  return reactive({
    items: computed(options.items),
    total: computed(() => (total ? total() : undefined)),
    loading: computed(options.loading),
    page: options.page ?? ref(1),
    pageSize: options.pageSize ?? ref(Number.MAX_SAFE_INTEGER),
    errorText: computed(() => {
      const error = options.error();
      return error ? words(error) : null;
    }),
    reload: options.reload,
    exportColumns: computed(() => exporter?.columns()),
    exportRun: computed(() => (exporter && (exporter.shown?.() ?? true) ? exporter.run : undefined)),
  });
}
