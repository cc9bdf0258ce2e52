import { useQuery } from '@tanstack/vue-query';
import { computed, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { trpc, type RouterInputs, type RouterOutputs } from '@/api/trpc';
import type { ExportColumn } from '@/components/export-button/use-export';
import { useListModel } from '@/composables/use-server-list';
import { useEnumLabel } from '@/composables/use-enum-label';
import { useTownNames } from '@/views/auth/use-towns';

export type QuietStation = RouterOutputs['stations']['quiet']['list'][number];
type ExportKey = RouterInputs['stations']['quiet']['export']['columns'][number]['key'];

const TIERS = ['county_center', 'town_station', 'village_point'];

/** Digits only, for a `tel:` link ("0632-1234567" → "06321234567"). */
export const telHref = (phone: string) => `tel:${phone.replace(/[^\d+]/g, '')}`;

/**
 * Quiet stations (僵尸站点 candidates) by town, from the nightly activity snapshot, with the phones
 * to call: the operators' mobiles and the station's own number.
 */
export function useQuietStations() {
  const { t } = useI18n();
  const { label, labels } = useEnumLabel();
  const { names: townNames } = useTownNames();
  const townCode = ref<string | undefined>();

  const query = useQuery({
    queryKey: computed(() => ['stations.quiet.list', townCode.value ?? null]),
    queryFn: () => trpc.stations.quiet.list.query(townCode.value ? { townCode: townCode.value } : {}),
  });
  const rows = computed(() => query.data.value ?? []);

  const townOptions = computed(() => [...townNames.value].map(([value, name]) => ({ value, label: name })));
  /** Rows per town, for the counts beside the filter. */
  const byTown = computed(() => {
    const counts = new Map<string, { name: string; n: number }>();
    for (const r of rows.value) {
      const key = r.townCode ?? '';
      const seen = counts.get(key) ?? { name: r.townName ?? t('stationReports.quiet.noTown'), n: 0 };
      seen.n++;
      counts.set(key, seen);
    }
    return [...counts.values()];
  });

  const first = computed(() => rows.value[0] ?? null);
  const asOf = computed(() => first.value?.asOf ?? null);
  const ruleDays = computed(() => first.value?.ruleDays ?? null);

  const tierLabel = (tier: string) => label('stationReports.tiers', tier);
  const exportColumns = computed<ExportColumn[]>(() => {
    const col = (key: ExportKey, header: string, extra: Partial<ExportColumn> = {}) => ({ key, header, ...extra });
    return [
      col('townName', t('stationReports.quiet.columns.town')),
      col('code', t('stationReports.quiet.columns.code')),
      col('name', t('stationReports.quiet.columns.station')),
      col('tier', t('stationReports.quiet.columns.tier'), { labels: labels('stationReports.tiers', TIERS) }),
      col('regionName', t('stationReports.quiet.columns.region')),
      col('lastActiveDate', t('stationReports.quiet.columns.lastActiveDate')),
      col('lastEntryDate', t('stationReports.quiet.columns.lastEntryDate')),
      col('quietDays', t('stationReports.quiet.columns.quietDays')),
      col('operators', t('stationReports.quiet.columns.operators')),
      col('stationPhone', t('stationReports.quiet.columns.stationPhone')),
    ];
  });
  const runExport = (columns: ExportColumn[]) =>
    trpc.stations.quiet.export.mutate({
      list: townCode.value ? { townCode: townCode.value } : {},
      columns: columns as RouterInputs['stations']['quiet']['export']['columns'],
      sheetName: t('stationReports.quiet.sheetName'),
    });

  return {
    t,
    townCode,
    townOptions,
    byTown,
    rows,
    loading: computed(() => query.isFetching.value),
    /** The quiet stations for list-page's `:list`, held whole: no pager. */
    list: useListModel({
      items: () => rows.value,
      loading: () => query.isFetching.value,
      error: () => query.error.value,
      reload: () => query.refetch(),
      export: { columns: () => exportColumns.value, run: runExport },
    }),
    asOf,
    ruleDays,
    tierLabel,
  };
}
