import { useQuery } from '@tanstack/vue-query';
import { computed, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { useRoute } from 'vue-router';
import { errorMessage } from '@/api/errors';
import { isApiError, trpc, type RouterOutputs } from '@/api/trpc';
import { bars, categoryChart, countAxis, line, moneyAxis, ratioAxis, tooltipValue, type ChartOption } from '@/components/base-chart/chart-options';
import { monthOfYear } from '@/components/base-chart/chart-months';
import { formatIndicator, INDICATOR_UNITS, PACE_COLORS, type PaceStatus } from '@/utils/indicators';

export type Screen = RouterOutputs['display']['screen'];

/** How often the wall screen asks again (the server builds a county's screen at most every 30 s). */
export const REFRESH_MS = 60_000;
const TEXT = '#cfe3ff';

/**
 * 数据大屏: the county's programme on the service centre's wall, by its read-only link. It refreshes
 * itself; a revoked or unknown link shows a full-screen notice instead of figures.
 */
export function useBigScreen() {
  const { t } = useI18n();
  const token = String(useRoute().params.token ?? '');
  const screen = useQuery({
    queryKey: ['display.screen', token],
    queryFn: () => trpc.display.screen.query({ token }),
    refetchInterval: (query) => (refused(query.state.error) ? false : REFRESH_MS),
    retry: (count, error) => !refused(error) && count < 3,
  });
  function refused(error: unknown): boolean {
    return isApiError(error) && ['DISPLAY_LINK_REVOKED', 'DISPLAY_LINK_INVALID', 'FORBIDDEN_ROLE'].includes(String(error.data?.appCode));
  }
  const blocked = computed(() => (refused(screen.error.value) ? errorMessage(screen.error.value) : null));
  const lastRefresh = computed(() => (screen.dataUpdatedAt.value ? new Date(screen.dataUpdatedAt.value).toLocaleTimeString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' }) : ''));

  const tileIndicator = ref<string>('training_person_times');
  const tiles = computed(() =>
    (screen.data.value?.towns ?? []).map((town) => {
      const cell = (town.cells as Record<string, { actual: number; target: number | null; paceRatio: number | null; status: PaceStatus } | undefined>)[tileIndicator.value];
      return { code: town.regionCode, name: town.regionName, value: formatIndicator(tileIndicator.value, cell?.actual), ratio: cell?.paceRatio ?? null, status: cell?.status ?? 'no_target', color: PACE_COLORS[cell?.status ?? 'no_target'] };
    }),
  );

  /** The year's months of each indicator, drawn for a dark wall. */
  const trends = computed(() =>
    (screen.data.value?.indicators ?? []).map((p) => {
      const unit = INDICATOR_UNITS[p.indicator] ?? 'count';
      const values = p.months.map((m) => m.value);
      const name = t(`indicators.names.${p.indicator}`);
      const option = categoryChart({
        categories: p.months.map((m) => monthOfYear(m.period)),
        series: [unit === 'ratio' || p.indicator === 'active_hosts' ? line(name, values, '#4fc3ff', { lineStyle: { width: 3 } }) : bars(name, values, '#4fc3ff')],
        yAxis: unit === 'fen' ? moneyAxis() : unit === 'ratio' ? ratioAxis() : countAxis(),
        valueFormatter: unit === 'fen' ? tooltipValue.money : unit === 'ratio' ? tooltipValue.ratio : tooltipValue.count,
      });
      return { indicator: p.indicator, option: darken(option) };
    }),
  );

  return { t, screen, blocked, lastRefresh, tileIndicator, tiles, trends, fmt: formatIndicator, paceColor: (s: PaceStatus) => PACE_COLORS[s] };
}

/** Light text and faint grid lines on the dark screen; no legend (each chart is titled). */
function darken(option: ChartOption): ChartOption {
  const axis = (a: unknown) => ({ ...(a as object), axisLabel: { ...((a as { axisLabel?: object }).axisLabel ?? {}), color: TEXT, fontSize: 14 }, splitLine: { lineStyle: { color: 'rgba(255,255,255,0.08)' } } });
  const many = (a: unknown) => (Array.isArray(a) ? a.map(axis) : axis(a));
  return { ...option, textStyle: { color: TEXT }, legend: { show: false }, grid: { left: 8, right: 8, top: 12, bottom: 4, containLabel: true }, xAxis: many(option.xAxis) as ChartOption['xAxis'], yAxis: many(option.yAxis) as ChartOption['yAxis'] };
}
