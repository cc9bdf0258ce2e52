import { useQuery } from '@tanstack/vue-query';
import { shanghaiToday } from '@/utils/shanghai-time';
import { computed, ref, watch, type Ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { errorMessage } from '@/api/errors';
import { trpc, type RouterInputs, type RouterOutputs } from '@/api/trpc';
import type { ExportColumn } from '@/components/export-button/use-export';
import { formatYuan } from '@/utils/format';

export type LedgerRow = RouterOutputs['stations']['ledger']['month'][number];
type ExportColumns = RouterInputs['stations']['ledger']['export']['columns'];

/** Columns summed in the table's last row: money (fen, shown as yuan) and counts. */
const MONEY = ['purchaseAmountFen', 'salesAmountFen', 'incomeFen'] as const;
const COUNTS = ['parcelsIn', 'parcelsOut', 'purchaseOrders', 'salesOrders', 'villagersServed'] as const;

export const incomeOf = (row: LedgerRow) => row.incomeParcelFen + row.incomeCommissionFen + row.incomeBillFen + row.incomeOtherFen;

/**
 * One month of a station's ledger, a day a row. The month starts as the latest one with figures
 * (else this month) and the user may pick another, never one in the future.
 */
export function useLedgerMonth(stationId: Ref<number>, latestMonth: Ref<string | null>) {
  const { t } = useI18n();
  const thisMonth = shanghaiToday().slice(0, 7);
  const month = ref(latestMonth.value ?? thisMonth);
  watch(latestMonth, (latest, before) => {
    if (latest && before === null) month.value = latest;
  });

  const ledger = useQuery({
    queryKey: computed(() => ['stations.ledger.month', stationId.value, month.value]),
    queryFn: () => trpc.stations.ledger.month.query({ stationId: stationId.value, month: month.value }),
    enabled: computed(() => Number.isInteger(stationId.value) && /^\d{4}-\d{2}$/.test(month.value ?? '')),
  });
  const rows = computed(() => ledger.data.value ?? []);

  /** el-table's summary row: totals of the month, money as yuan. */
  function summary({ columns }: { columns: { property?: string }[] }): string[] {
    return columns.map((column, index) => {
      if (index === 0) return t('stations.ledger.total');
      const key = column.property as string | undefined;
      if (key && (MONEY as readonly string[]).includes(key)) {
        const fen = rows.value.reduce((sum, row) => sum + (key === 'incomeFen' ? incomeOf(row) : (row[key as keyof LedgerRow] as number)), 0);
        return formatYuan(fen);
      }
      if (key && (COUNTS as readonly string[]).includes(key)) {
        return String(rows.value.reduce((sum, row) => sum + (row[key as keyof LedgerRow] as number), 0));
      }
      return '';
    });
  }

  // The picker hands local dates: read their local year and month, not UTC's.
  const disabledMonth = (date: Date) => `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}` > thisMonth;

  // Export: the server writes the month with amounts in yuan, headed in the user's language.
  const exportColumns = computed<ExportColumn[]>(() => [
    { key: 'date', header: t('stations.ledger.date') },
    { key: 'parcelsIn', header: t('stations.ledger.parcelsIn') },
    { key: 'parcelsOut', header: t('stations.ledger.parcelsOut') },
    { key: 'purchaseOrders', header: t('stations.ledger.purchaseOrders') },
    { key: 'purchaseAmountYuan', header: t('stations.ledger.purchaseAmountYuan') },
    { key: 'salesOrders', header: t('stations.ledger.salesOrders') },
    { key: 'salesAmountYuan', header: t('stations.ledger.salesAmountYuan') },
    { key: 'incomeParcelYuan', header: t('stations.ledger.incomeParcelYuan') },
    { key: 'incomeCommissionYuan', header: t('stations.ledger.incomeCommissionYuan') },
    { key: 'incomeBillYuan', header: t('stations.ledger.incomeBillYuan') },
    { key: 'incomeOtherYuan', header: t('stations.ledger.incomeOtherYuan') },
    { key: 'incomeTotalYuan', header: t('stations.ledger.incomeTotalYuan') },
    { key: 'villagersServed', header: t('stations.ledger.villagersServed') },
    { key: 'note', header: t('stations.ledger.noteColumn') },
    { key: 'updatedBy', header: t('stations.ledger.updatedBy') },
    { key: 'updatedAt', header: t('stations.ledger.updatedAt') },
  ]);
  const runExport = (columns: ExportColumn[]) =>
    trpc.stations.ledger.export.mutate({
      list: { stationId: stationId.value, month: month.value },
      columns: columns as ExportColumns,
      sheetName: t('stations.ledger.sheetName', { month: month.value }),
    });

  return {
    t,
    month,
    exportColumns,
    runExport,
    rows,
    loading: computed(() => ledger.isFetching.value),
    error: computed(() => (ledger.error.value ? errorMessage(ledger.error.value) : null)),
    summary,
    disabledMonth,
    formatYuan,
    incomeOf,
  };
}
