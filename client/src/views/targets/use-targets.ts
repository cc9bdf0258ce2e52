import { useMutation, useQuery, useQueryClient } from '@tanstack/vue-query';
import { computed, reactive, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { errorMessage } from '@/api/errors';
import { trpc, type RouterInputs, type RouterOutputs } from '@/api/trpc';
import type { ExportColumn } from '@/components/export-button/use-export';
import { useNarrowScreen } from '@/layouts/basic-layout/use-narrow-screen';
import { toast } from '@/utils/toast';
import { formatCount } from '@/utils/format';
import { useEnumLabel } from '@/composables/use-enum-label';
import { formatShanghai, shanghaiYear } from '@/utils/shanghai-time';
import { useHomeCounty } from '@/composables/use-home-county';

type Target = RouterOutputs['targets']['list'][number];
type UpsertInput = RouterInputs['targets']['upsert'];
type MetricKey = UpsertInput['metricKey'];
type ExportColumns = RouterInputs['targets']['export']['columns'];

/** The years the server accepts. */
const FIRST_YEAR = 2000;
const LAST_YEAR = 2100;

export interface TargetRow {
  metricKey: string;
  label: string;
  current: Target | undefined;
  /** When and by whom the current value was set, ready to show ("" when not set). */
  updatedAt: string;
  updatedBy: string;
  /** What the input shows: the edit in progress, else the current value. */
  draft: number | null;
  dirty: boolean;
}

/**
 * The home county's yearly targets (电商培训人次, 活跃主播数…): one row per metric the server knows,
 * each saved on its own. An edit not yet saved survives another row's save.
 */
export function useTargets() {
  const { t, locale } = useI18n();
  const queryClient = useQueryClient();
  const { label } = useEnumLabel();
  const { homeCounty, ready } = useHomeCounty();
  const regionCode = computed(() => homeCounty.value?.code ?? null);

  const metricLabel = (metricKey: string) => label('targets.metrics', metricKey);
  const formatValue = (value: number) => formatCount(value);

  const year = ref(shanghaiYear());
  /** For the year picker, which speaks "YYYY" strings. */
  const yearText = computed({
    get: () => String(year.value),
    set: (value: string | null) => {
      if (value) year.value = Number(value);
    },
  });
  const disabledYear = (date: Date) => date.getFullYear() < FIRST_YEAR || date.getFullYear() > LAST_YEAR;

  const metrics = useQuery({ queryKey: ['targets.metrics'], queryFn: () => trpc.targets.metrics.query(), staleTime: Infinity });
  const listFilter = computed(() => ({ year: year.value, regionCode: regionCode.value ?? undefined }));
  const targets = useQuery({
    queryKey: computed(() => ['targets.list', listFilter.value] as const),
    // The filter comes from the key, so a cached year refetches its own rows.
    queryFn: ({ queryKey }) => trpc.targets.list.query(queryKey[1]),
    enabled: computed(() => regionCode.value !== null),
  });
  const loadError = computed(() => {
    const error = metrics.error.value ?? targets.error.value;
    return error ? t('targets.loadFailed', { message: errorMessage(error) }) : null;
  });

  /** Edits in progress, by year and metric. */
  const drafts = reactive<Record<string, number | null>>({});
  const draftKey = (metricKey: string) => `${year.value}:${metricKey}`;

  const rows = computed<TargetRow[]>(() =>
    (metrics.data.value ?? []).map((metricKey) => {
      const current = targets.data.value?.find((row) => row.metricKey === metricKey);
      const key = draftKey(metricKey);
      const draft = key in drafts ? drafts[key] : (current?.value ?? null);
      return {
        metricKey,
        label: metricLabel(metricKey),
        current,
        updatedAt: formatShanghai(current?.updatedAt),
        // Seeded targets have no user behind them.
        updatedBy: current ? (current.updatedBy ?? t('targets.system')) : '',
        draft,
        dirty: draft !== null && draft !== current?.value,
      };
    }),
  );

  function setDraft(metricKey: string, value: number | null | undefined): void {
    drafts[draftKey(metricKey)] = value ?? null;
  }

  const save = useMutation({
    mutationFn: (input: UpsertInput) => trpc.targets.upsert.mutate(input),
    onSuccess: async (_result, input) => {
      toast('success', t('targets.saved', { year: input.year, metric: metricLabel(input.metricKey), value: formatValue(input.value) }));
      await queryClient.invalidateQueries({ queryKey: ['targets.list'] });
      delete drafts[`${input.year}:${input.metricKey}`];
    },
    onError: (error) => toast('error', t('targets.saveFailed', { message: errorMessage(error) })),
  });

  function saveRow(row: TargetRow): void {
    if (!regionCode.value || row.draft === null || save.isPending.value) return;
    save.mutate({ year: year.value, regionCode: regionCode.value, metricKey: row.metricKey as MetricKey, value: row.draft });
  }
  const savingMetric = computed(() => (save.isPending.value ? save.variables.value?.metricKey : null));

  const exportColumns = computed<ExportColumn[]>(() => [
    { key: 'year', header: t('targets.columns.year') },
    { key: 'regionCode', header: t('targets.columns.regionCode') },
    { key: 'regionName', header: t('targets.columns.regionName') },
    {
      key: 'metricKey',
      header: t('targets.columns.metric'),
      labels: Object.fromEntries((metrics.data.value ?? []).map((key) => [key, metricLabel(key)])),
    },
    { key: 'value', header: t('targets.columns.value') },
    { key: 'updatedAt', header: t('targets.columns.updatedAt') },
    { key: 'updatedBy', header: t('targets.columns.updatedBy') },
  ]);
  // The button hands back the columns above, whose keys are the export's own.
  const runExport = (columns: ExportColumn[]) =>
    trpc.targets.export.mutate({ list: listFilter.value, columns: columns as ExportColumns, sheetName: t('targets.exportSheet') });

  return {
    t,
    ready,
    homeCounty,
    yearText,
    disabledYear,
    rows,
    loading: computed(() => metrics.isFetching.value || targets.isFetching.value),
    loadError,
    setDraft,
    saveRow,
    savingMetric,
    formatValue,
    narrow: useNarrowScreen(),
    exportColumns,
    runExport,
  };
}
