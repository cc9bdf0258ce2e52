import { keepPreviousData, useQuery } from '@tanstack/vue-query';
import { computed, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { errorMessage } from '@/api/errors';
import { trpc, type RouterInputs } from '@/api/trpc';
import { monthOfYear, monthRange, monthValues, partialMonth as partialOf, yearMonths } from '@/components/base-chart/chart-months';
import { bars, categoryChart, countAxis, line, ratioAxis, tooltipValue, type ChartOption } from '@/components/base-chart/chart-options';
import type { ExportColumn } from '@/components/export-button/use-export';
import { formatShanghai, shanghaiToday } from '@/utils/shanghai-time';
import { formatCount } from '@/utils/format';
import { useTrainingTowns } from '@/views/training/use-training-towns';
import { CUTS, OUTCOME_KINDS, percent, type Cut, type CutRow, type ProgressRow } from './conversion-labels';

type CutExportKey = RouterInputs['training']['conversion']['cutExport']['columns'][number]['key'];

const GREEN = '#2f7d4f';
const ORANGE = '#d9822b';

/** 培训看板: the year's person-times against its target, and conversion by cut with its funnel. */
export function useConversionDashboard() {
  const { t, locale } = useI18n();
  const thisYear = Number(shanghaiToday().slice(0, 4));
  const year = ref(thisYear);
  const years = Array.from({ length: 5 }, (_, i) => thisYear - i);
  const cut = ref<Cut>('course');
  /** One town's conversion, or (empty) the user's whole scope. */
  const region = ref('');
  const { townOptions } = useTrainingTowns();
  const summaryInput = computed(() => ({ year: year.value, ...(region.value ? { region: region.value } : {}) }));

  const progressQuery = useQuery({
    queryKey: computed(() => ['training.conversion.progress', year.value]),
    queryFn: () => trpc.training.conversion.progress.query({ year: year.value }),
    placeholderData: keepPreviousData,
  });
  const summaryQuery = useQuery({
    queryKey: computed(() => ['training.conversion.summary', summaryInput.value]),
    queryFn: () => trpc.training.conversion.summary.query(summaryInput.value),
    placeholderData: keepPreviousData,
  });
  const progress = computed(() => progressQuery.data.value ?? null);
  const summary = computed(() => summaryQuery.data.value ?? null);
  const headline = computed(() => progress.value?.headline ?? null);

  const number = formatCount;
  const regionName = (row: ProgressRow) => (row.level === 'scope' ? t('trainingConversion.dashboard.scopeTotal') : row.regionName);

  const statusText = (row: ProgressRow) =>
    row.status === 'on_pace'
      ? t('trainingConversion.dashboard.progress.onPace')
      : row.status === 'behind'
        ? t('trainingConversion.dashboard.progress.behind', { gap: number((row.pace ?? 0) - row.personTimes) })
        : t('trainingConversion.dashboard.progress.noPace');
  /** What the target-progress bar shows for a row. */
  const targetProgress = (row: ProgressRow) => ({ value: row.personTimes, target: row.target, pace: row.pace, status: row.status, statusText: statusText(row) });
  const projectionHint = computed(() =>
    progress.value ? t('trainingConversion.dashboard.progress.projectionHint', { days: progress.value.elapsedDays, total: progress.value.daysInYear }) : '',
  );
  const townRows = computed(() => (progress.value?.rows ?? []).filter((r) => r.level === 'town'));

  /** This month, by the server's clock: the running total stops here, and the chart marks it as partial. */
  const thisMonth = computed(() => progress.value?.today.slice(0, 7) ?? '');
  const yearAxis = computed(() => yearMonths(year.value));
  const monthlyOption = computed<ChartOption>(() => {
    const months = progress.value?.months ?? [];
    return categoryChart({
      categories: yearAxis.value.map(monthOfYear),
      series: [
        bars(t('trainingConversion.dashboard.progress.monthly'), monthValues(months, yearAxis.value, (m) => m.personTimes, thisMonth.value), GREEN),
        line(t('trainingConversion.dashboard.progress.cumulative'), monthValues(months, yearAxis.value, (m) => m.cumulative, thisMonth.value), ORANGE, { smooth: true }),
      ],
    });
  });
  const partialMonth = computed(() => (progress.value ? partialOf(yearAxis.value, thisMonth.value, monthOfYear) : null));
  const cohortPartialMonth = computed(() => partialOf((summary.value?.cuts.cohort_month ?? []).map((r) => r.key), shanghaiToday().slice(0, 7)));

  const funnelStages = computed(() => {
    const f = summary.value?.funnel;
    if (!f) return [];
    return (['registered', 'attended', 'completed', 'converted', 'firstSale'] as const).map((key) => ({ key, name: t(`trainingConversion.dashboard.stages.${key}`), value: f[key] }));
  });
  const stageCount = (value: unknown) => formatCount(typeof value === 'number' ? value : null);
  const funnelOption = computed<ChartOption>(() => ({
    tooltip: { trigger: 'item', formatter: (p) => (Array.isArray(p) ? '' : `${p.name}: ${stageCount(p.value)}`) },
    series: [
      {
        type: 'funnel',
        sort: 'none',
        left: 8,
        right: 8,
        top: 8,
        bottom: 8,
        // wide enough at the bottom for its label on a phone
        minSize: '35%',
        gap: 2,
        label: { show: true, position: 'inside', formatter: (p) => `${p.name}  ${stageCount(p.value)}`, fontSize: 12 },
        data: funnelStages.value.map((s, i) => ({ name: s.name, value: s.value, itemStyle: { color: ['#9cc3a8', '#6fa882', GREEN, '#23613d', ORANGE][i] } })),
      },
    ],
  }));

  /** Completions by the month people completed, and the share of them converted since: months without completions are gaps. */
  const cohortOption = computed<ChartOption>(() => {
    const rows = (summary.value?.cuts.cohort_month ?? []).map((r) => ({ ...r, month: r.key }));
    const axis = rows.length ? monthRange(rows[0].month, rows[rows.length - 1].month) : [];
    return categoryChart({
      categories: axis,
      yAxis: [countAxis(), ratioAxis({ splitLine: { show: false } })],
      series: [
        bars(t('trainingConversion.dashboard.conversion.cohortCompleted'), monthValues(rows, axis, (r) => r.completed), GREEN, { barMaxWidth: 24 }),
        line(t('trainingConversion.dashboard.conversion.cohortRate'), monthValues(rows, axis, (r) => r.rate), ORANGE, { yAxisIndex: 1, tooltip: { valueFormatter: tooltipValue.ratio } }),
      ],
    });
  });

  /** A cut value as people read it: topics by their name, the rest as the server labels them. */
  const cutLabel = (c: Cut, row: CutRow) => (c === 'topic' ? t(`training.topics.${row.key}`) : row.label);
  const cutRows = computed(() => summary.value?.cuts[cut.value] ?? []);
  const kindLabel = (kind: string) => t(`trainingConversion.kinds.${kind}`);

  const cutExportColumns = computed<ExportColumn[]>(() => {
    const col = (key: CutExportKey, header: string, labels?: Record<string, string>) => ({ key, header, ...(labels ? { labels } : {}) });
    const topicLabels = cut.value === 'topic' ? Object.fromEntries(cutRows.value.map((r) => [r.label, cutLabel('topic', r)])) : undefined;
    return [
      col('label', t(`trainingConversion.dashboard.columns.${cut.value}`), topicLabels),
      col('completed', t('trainingConversion.dashboard.columns.completed')),
      col('converted', t('trainingConversion.dashboard.columns.converted')),
      col('rate', t('trainingConversion.dashboard.columns.rate')),
      ...OUTCOME_KINDS.map((k) => col(`byKind.${k}`, kindLabel(k))),
    ];
  });
  const runCutExport = (columns: ExportColumn[]) =>
    trpc.training.conversion.cutExport.mutate({
      list: { ...summaryInput.value, cut: cut.value },
      columns: columns as RouterInputs['training']['conversion']['cutExport']['columns'],
      sheetName: `${t(`trainingConversion.dashboard.cuts.${cut.value}`)} ${year.value}`.slice(0, 31),
    });

  type ProgressExportKey = RouterInputs['training']['conversion']['progressExport']['columns'][number]['key'];
  const progressExportColumns = computed<ExportColumn[]>(() => {
    const col = (key: ProgressExportKey, header: string, labels?: Record<string, string>) => ({ key, header, ...(labels ? { labels } : {}) });
    const statusLabels = {
      on_pace: t('trainingConversion.dashboard.progress.statuses.on_pace'),
      behind: t('trainingConversion.dashboard.progress.statuses.behind'),
      no_target: t('trainingConversion.dashboard.progress.statuses.no_target'),
    };
    return [
      col('regionName', t('trainingConversion.dashboard.progress.town')),
      col('personTimes', t('trainingConversion.dashboard.progress.ytd')),
      col('target', t('trainingConversion.dashboard.progress.target')),
      col('pace', t('trainingConversion.dashboard.progress.pace')),
      col('projection', t('trainingConversion.dashboard.progress.projection')),
      col('status', t('trainingConversion.dashboard.progress.status'), statusLabels),
    ];
  });
  const runProgressExport = (columns: ExportColumn[]) =>
    trpc.training.conversion.progressExport.mutate({
      list: { year: year.value },
      columns: columns as RouterInputs['training']['conversion']['progressExport']['columns'],
      sheetName: `${t('trainingConversion.dashboard.progress.towns')} ${year.value}`.slice(0, 31),
    });

  const computedAt = computed(() => {
    const at = summary.value?.computedAt ?? progress.value?.computedAt;
    return at ? t('trainingConversion.dashboard.computedAt', { time: formatShanghai(at) }) : t('trainingConversion.dashboard.notComputed');
  });
  const error = computed(() => {
    const e = progressQuery.error.value ?? summaryQuery.error.value;
    return e ? errorMessage(e) : null;
  });

  return {
    t,
    year,
    years,
    region,
    townOptions,
    cut,
    cuts: CUTS,
    progress,
    summary,
    headline,
    number,
    percent,
    regionName,
    statusText,
    targetProgress,
    projectionHint,
    townRows,
    monthlyOption,
    partialMonth,
    cohortPartialMonth,
    funnelStages,
    funnelOption,
    cohortOption,
    cutRows,
    cutLabel,
    kindLabel,
    kinds: OUTCOME_KINDS,
    cutExportColumns,
    runCutExport,
    progressExportColumns,
    runProgressExport,
    computedAt,
    error,
    loading: computed(() => progressQuery.isFetching.value || summaryQuery.isFetching.value),
  };
}
