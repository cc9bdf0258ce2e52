import { keepPreviousData, useQuery } from '@tanstack/vue-query';
import { computed, reactive, ref, watch } from 'vue';
import { useI18n } from 'vue-i18n';
import { trpc, type RouterInputs } from '@/api/trpc';
import type { ExportColumn } from '@/components/export-button/use-export';
import { useListModel } from '@/composables/use-server-list';
import { shanghaiToday } from '@/utils/shanghai-time';
import { PLATFORMS } from './livestream-labels';
import { percent, yuan } from '@/utils/format';

type Input = RouterInputs['livestream']['metrics']['leaderboard'];
type ExportKey = RouterInputs['livestream']['metrics']['leaderboardExport']['columns'][number]['key'];
export const LEADERBOARD_KEYS = ['gmv', 'hours', 'streams', 'gmvPerHour'] as const;

/** 主播排行: a month's hosts ranked by GMV, hours, streams or GMV per hour; filters by base and platform. */
export function useLeaderboard() {
  const { t } = useI18n();
  const today = shanghaiToday();
  const filter = reactive<{ month: string; by: Input['by']; baseId: number | null; platform: Input['platform'] | null }>({
    month: today.slice(0, 7),
    by: 'gmv',
    baseId: null,
    platform: null,
  });
  const page = ref(1);
  const pageSize = ref(20);
  watch(
    () => JSON.stringify(filter),
    () => {
      page.value = 1;
    },
  );
  const list = computed<Input>(() => ({
    month: filter.month,
    by: filter.by,
    ...(filter.baseId ? { baseId: filter.baseId } : {}),
    ...(filter.platform ? { platform: filter.platform } : {}),
    page: page.value,
    pageSize: pageSize.value,
  }));
  const query = useQuery({
    queryKey: computed(() => ['livestream.metrics.leaderboard', list.value]),
    queryFn: () => trpc.livestream.metrics.leaderboard.query(list.value),
    placeholderData: keepPreviousData,
  });
  const bases = useQuery({ queryKey: ['livestream.bases.options'], queryFn: () => trpc.livestream.bases.options.query() });

  const exportColumns = computed<ExportColumn[]>(() => {
    const col = (key: ExportKey, labels?: Record<string, string>) => ({ key, header: t(`livestreamMetrics.leaderboard.columns.${key}`), ...(labels ? { labels } : {}) });
    return [
      col('rank'),
      col('hostName'),
      col('baseName'),
      col('streams'),
      col('hours'),
      col('gmvYuan'),
      col('gmvPerHourYuan'),
      col('buyerRate'),
      col('active', { true: t('livestream.yes'), false: t('livestream.no') }),
    ];
  });
  const runExport = (columns: ExportColumn[]) =>
    trpc.livestream.metrics.leaderboardExport.mutate({
      list: { ...list.value, page: 1 },
      columns: columns as RouterInputs['livestream']['metrics']['leaderboardExport']['columns'],
      sheetName: `${t('livestreamMetrics.leaderboard.sheetName')} ${filter.month}`.slice(0, 31),
    });

  const isFutureMonth = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}` > today.slice(0, 7);

  return {
    t,
    filter,
    keys: LEADERBOARD_KEYS,
    platforms: PLATFORMS,
    baseOptions: computed(() => bases.data.value ?? []),
    /** The ranking for list-page's `:list`: paged on the server, exported whole. */
    list: useListModel({
      items: () => query.data.value?.items ?? [],
      total: () => query.data.value?.total ?? 0,
      page,
      pageSize,
      loading: () => query.isFetching.value,
      error: () => query.error.value,
      reload: () => query.refetch(),
      export: { columns: () => exportColumns.value, run: runExport },
    }),
    yuan,
    percent,
    isFutureMonth,
  };
}
