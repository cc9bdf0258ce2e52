import { useQuery } from '@tanstack/vue-query';
import { storeToRefs } from 'pinia';
import { computed } from 'vue';
import { trpc, type RouterOutputs } from '@/api/trpc';
import { useEnumLabel } from '@/composables/use-enum-label';
import { useAuthStore } from '@/stores/use-auth-store';
import { percent } from '@/utils/format';
import { formatShanghai } from '@/utils/shanghai-time';

export type Base = RouterOutputs['livestream']['bases']['get'];
export type HostListItem = RouterOutputs['livestream']['hosts']['list']['items'][number];
export type HostProfile = RouterOutputs['livestream']['hosts']['get'];
export type Stream = RouterOutputs['livestream']['streams']['list']['items'][number];
export type Platform = Stream['platform'];
export type BaseStatus = Base['status'];
export type HostStatus = HostListItem['status'];

// The server's codes, in the order the pickers show them (checked against the API's types).
export const PLATFORMS = ['taobao', 'douyin', 'kuaishou', 'wechat_channels', 'pinduoduo', 'other'] as const satisfies readonly Platform[];
export const BASE_STATUSES = ['active', 'paused', 'closed'] as const satisfies readonly BaseStatus[];
export const HOST_STATUSES = ['active', 'paused', 'left'] as const satisfies readonly HostStatus[];

export const BASES_KEY = 'livestream.bases.list';
export const BASE_OPTIONS_KEY = 'livestream.bases.options';
export const HOSTS_KEY = 'livestream.hosts.list';
export const HOST_KEY = 'livestream.hosts.get';
export const STREAMS_KEY = 'livestream.streams.list';

/** Labels of platforms and statuses (unknown codes shown raw), and options for the pickers. */
export function useLivestreamLabels() {
  const { label, labels } = useEnumLabel();
  const options = (prefix: string, codes: readonly string[]) => codes.map((value) => ({ value, label: label(prefix, value) }));
  return {
    label,
    labels,
    platformLabel: (code: string | null | undefined) => label('livestream.platforms', code),
    baseStatusLabel: (code: string | null | undefined) => label('livestream.baseStatus', code),
    hostStatusLabel: (code: string | null | undefined) => label('livestream.hostStatus', code),
    platformOptions: () => options('livestream.platforms', PLATFORMS),
    baseStatusOptions: () => options('livestream.baseStatus', BASE_STATUSES),
    hostStatusOptions: () => options('livestream.hostStatus', HOST_STATUSES),
  };
}

/** The bases the user may pick: all for the bureau, a manager's own. */
export function useBaseOptions() {
  const query = useQuery({ queryKey: [BASE_OPTIONS_KEY], queryFn: () => trpc.livestream.bases.options.query(), staleTime: 60_000 });
  return {
    baseOptions: computed(() => (query.data.value ?? []).map((b) => ({ value: b.id, label: b.name, status: b.status }))),
    loading: computed(() => query.isFetching.value),
  };
}

/** May the user set up bases (the bureau)? Base managers work with hosts and streams only. */
export function useIsBureau() {
  const { actor } = storeToRefs(useAuthStore());
  return computed(() => actor.value?.role === 'admin' || actor.value?.role === 'staff');
}

/** An ISO instant as a Shanghai date and time to the minute, "2026-11-20 19:30". */
export const shanghaiMinute = (iso: string | null | undefined): string => (iso ? formatShanghai(iso).slice(0, 16) : '');
export const shanghaiDay = (iso: string | null | undefined): string => (iso ? formatShanghai(iso).slice(0, 10) : '');

/** 5700 s → "1小时35分" / "1 h 35 min" via the locale's pattern. */
export { durationParts } from '@/utils/format';

/** The rates of a stream, in the order they are shown (stored only from an imported export). */
export const STREAM_RATES = ['conversionRate', 'clickRate', 'clickConversionRate', 'interactionRate', 'followRate'] as const satisfies readonly (keyof Stream)[];

/** A stream's rates as words ('成交 0.68% · 点击 24.92%'), percentages with two decimals; '' when it has none. */
export function streamRatesText(stream: Pick<Stream, (typeof STREAM_RATES)[number]>, t: (key: string) => string): string {
  return STREAM_RATES.filter((k) => stream[k] !== null)
    .map((k) => `${t(`livestream.streams.rates.${k}`)} ${percent(stream[k], 2)}`)
    .join(' · ');
}
