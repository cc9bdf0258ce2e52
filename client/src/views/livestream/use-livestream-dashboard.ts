import { keepPreviousData, useQuery } from '@tanstack/vue-query';
import { computed, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { errorMessage } from '@/api/errors';
import { trpc, type RouterInputs, type RouterOutputs } from '@/api/trpc';
import { monthOfYear, monthValues, partialMonth as partialOf, yearMonths } from '@/components/base-chart/chart-months';
import { bars, categoryChart, line, type ChartOption } from '@/components/base-chart/chart-options';
import type { ExportColumn } from '@/components/export-button/use-export';
import { formatCount } from '@/utils/format';
import { formatShanghai, shanghaiToday } from '@/utils/shanghai-time';
import { PLATFORMS } from './livestream-labels';

type Progress = RouterOutputs['livestream']['metrics']['progress'];
type MonthRow = RouterOutputs['livestream']['metrics']['activeByMonth']['items'][number];
type MonthExportKey = RouterInputs['livestream']['metrics']['activeByMonthExport']['columns'][number]['key'];
type BaseExportKey = RouterInputs['livestream']['metrics']['byBaseExport']['columns'][number]['key'];

const COLORS: Record<string, string> = {
  all: '#2f7d4f',
  taobao: '#ff5000',
  douyin: '#1f1f1f',
  kuaishou: '#ff7a00',
  wechat_channels: '#07c160',
  pinduoduo: '#e02e24',
  other: '#8c8c8c',
};
const GREEN = '#2f7d4f';
const ORANGE = '#d9822b';

/** 直播看板: active Taobao Live hosts against the target with pace, by month and platform, by base. */
export function useLivestreamDashboard() {
  const { t, locale } = useI18n();
  const today = shanghaiToday();
  const thisYear = Number(today.slice(0, 4));
  const year = ref(thisYear);
  const years = Array.from({ length: 4 }, (_, i) => thisYear - i);
  const month = ref(today.slice(0, 7));

  const progressQuery = useQuery({
    queryKey: computed(() => ['livestream.metrics.progress', year.value]),
    queryFn: () => trpc.livestream.metrics.progress.query({ year: year.value }),
    placeholderData: keepPreviousData,
  });
  const monthsQuery = useQuery({
    queryKey: computed(() => ['livestream.metrics.activeByMonth', year.value]),
    queryFn: () => trpc.livestream.metrics.activeByMonth.query({ year: year.value }),
    placeholderData: keepPreviousData,
  });
  const basesQuery = useQuery({
    queryKey: computed(() => ['livestream.metrics.byBase', month.value]),
    queryFn: () => trpc.livestream.metrics.byBase.query({ month: month.value }),
    placeholderData: keepPreviousData,
  });

  const progress = computed<Progress | null>(() => progressQuery.data.value ?? null);
  const number = formatCount;
  const platformName = (p: string) => (p === 'all' ? t('livestreamMetrics.dashboard.byMonth.all') : t(`livestream.platforms.${p}`));

  const intro = computed(() => {
    const rule = progress.value?.rule;
    return rule
      ? t('livestreamMetrics.dashboard.intro', { window: rule.windowDays, streams: rule.minStreams, minutes: rule.minMinutes, version: rule.version })
      : t('livestreamMetrics.dashboard.introNoRule');
  });

  /** What the target-progress bar shows: Taobao Live's active hosts against the target and the pace. */
  const targetProgress = computed(() => {
    const p = progress.value?.taobao;
    if (!p) return null;
    const statusText =
      p.status === 'on_pace'
        ? t('livestreamMetrics.dashboard.progress.onPace')
        : p.status === 'behind'
          ? t('livestreamMetrics.dashboard.progress.behind', { gap: number((p.pace ?? 0) - p.active) })
          : t('livestreamMetrics.dashboard.progress.noPace');
    return { value: p.active, target: p.target, pace: p.pace, status: p.status, statusText };
  });
  const paceHint = computed(() =>
    progress.value?.asOf ? t('livestreamMetrics.dashboard.progress.paceHint', { start: number(progress.value.taobao.start), date: progress.value.asOf }) : '',
  );
  const activePlatforms = computed(() => (progress.value?.byPlatform ?? []).filter((p) => p.active > 0 || p.platform === 'taobao'));

  const yearAxis = computed(() => yearMonths(year.value));
  const categories = computed(() => yearAxis.value.map(monthOfYear));

  /** Active hosts at each month's end: a line per platform, bars for all platforms together; a month without figures is a gap. */
  const monthlyOption = computed<ChartOption>(() => {
    const rows = monthsQuery.data.value?.items ?? [];
    const present = new Set(rows.map((r) => r.platform));
    const figures = (platform: string) => monthValues(rows.filter((r) => r.platform === platform), yearAxis.value, (r) => r.activeHosts);
    return categoryChart({
      categories: categories.value,
      series: [
        bars(platformName('all'), figures('all'), '#cfe3d6', { barMaxWidth: 22 }),
        ...PLATFORMS.filter((p) => present.has(p)).map((p) => line(platformName(p), figures(p), COLORS[p], { smooth: true })),
      ],
    });
  });

  /** This month, still running, is marked on the charts of the current year. */
  const partialMonth = computed(() => partialOf(yearAxis.value, today.slice(0, 7), monthOfYear));

  /** Taobao Live against the pace line, month by month. */
  const progressOption = computed<ChartOption>(() => {
    const p = progress.value;
    const target = p?.taobao.target ?? null;
    const start = p?.taobao.start ?? 0;
    // the pace line ends each month at the target's share of the year (flat at the target once the year began above it)
    const paceAt = (i: number) => (target === null ? null : start >= target ? target : Math.round(start + ((target - start) * (i + 1)) / 12));
    return categoryChart({
      categories: categories.value,
      series: [
        bars(t('livestream.platforms.taobao'), monthValues(p?.months ?? [], yearAxis.value, (m) => m.taobao), GREEN),
        ...(target === null ? [] : [line(t('livestreamMetrics.dashboard.progress.pace'), yearAxis.value.map((_, i) => paceAt(i)), ORANGE, { lineStyle: { type: 'dashed' } })]),
      ],
    });
  });

  const monthRows = computed<MonthRow[]>(() => [...(monthsQuery.data.value?.items ?? [])].reverse());
  const monthExportColumns = computed<ExportColumn[]>(() => {
    const col = (key: MonthExportKey, labels?: Record<string, string>) => ({ key, header: t(`livestreamMetrics.dashboard.byMonth.columns.${key}`), ...(labels ? { labels } : {}) });
    const platformLabels = Object.fromEntries(['all', ...PLATFORMS].map((p) => [p, platformName(p)]));
    return [col('month'), col('platform', platformLabels), col('activeHosts'), col('streamingHosts'), col('streams'), col('hours'), col('gmvYuan'), col('asOf'), col('ruleVersion')];
  });
  const runMonthExport = (columns: ExportColumn[]) =>
    trpc.livestream.metrics.activeByMonthExport.mutate({
      list: { year: year.value },
      columns: columns as RouterInputs['livestream']['metrics']['activeByMonthExport']['columns'],
      sheetName: `${t('livestreamMetrics.dashboard.byMonth.sheetName')} ${year.value}`.slice(0, 31),
    });

  const baseRows = computed(() => basesQuery.data.value?.items ?? []);
  const baseExportColumns = computed<ExportColumn[]>(() => {
    const keys: BaseExportKey[] = ['baseName', 'regionName', 'activeTaobao', 'activeAll', 'streamingHosts', 'streams', 'hours', 'gmvYuan', 'gmvPerHourYuan'];
    return keys.map((key) => ({ key, header: t(`livestreamMetrics.dashboard.byBase.columns.${key}`) }));
  });
  const runBaseExport = (columns: ExportColumn[]) =>
    trpc.livestream.metrics.byBaseExport.mutate({
      list: { month: month.value },
      columns: columns as RouterInputs['livestream']['metrics']['byBaseExport']['columns'],
      sheetName: `${t('livestreamMetrics.dashboard.byBase.sheetName')} ${month.value}`.slice(0, 31),
    });

  const computedAt = computed(() => {
    const at = progress.value?.computedAt;
    return at ? t('livestreamMetrics.dashboard.computedAt', { time: formatShanghai(at) }) : t('livestreamMetrics.dashboard.notComputed');
  });
  const error = computed(() => {
    const e = progressQuery.error.value ?? monthsQuery.error.value ?? basesQuery.error.value;
    return e ? errorMessage(e) : null;
  });

  /** The month picker offers no month after this one (the picker hands local midnights). */
  const isFutureMonth = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}` > today.slice(0, 7);

  return {
    t,
    year,
    years,
    month,
    isFutureMonth,
    progress,
    intro,
    targetProgress,
    paceHint,
    activePlatforms,
    number,
    platformName,
    monthlyOption,
    progressOption,
    partialMonth,
    monthRows,
    monthExportColumns,
    runMonthExport,
    baseRows,
    baseExportColumns,
    runBaseExport,
    computedAt,
    error,
    loading: computed(() => progressQuery.isFetching.value),
  };
}
