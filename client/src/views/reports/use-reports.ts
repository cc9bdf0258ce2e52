import { useMutation, useQuery, useQueryClient } from '@tanstack/vue-query';
import { storeToRefs } from 'pinia';
import { computed, ref, watch } from 'vue';
import { useI18n } from 'vue-i18n';
import { errorMessage } from '@/api/errors';
import { trpc, type RouterInputs, type RouterOutputs } from '@/api/trpc';
import type { ExportColumn } from '@/components/export-button/use-export';
import { useAuthStore } from '@/stores/use-auth-store';
import { downloadBase64 } from '@/utils/file-base64';
import { shanghaiToday } from '@/utils/shanghai-time';
import { toast } from '@/utils/toast';

export type MonthRow = RouterOutputs['reports']['months'][number];

/**
 * 月度通报: the last twelve months with their status and versions. The bureau builds an open
 * month's draft, prints and downloads any version; the administrator closes an ended month (its
 * report frozen as the next version), recomputes a closed one (a new version beside the old) or
 * reopens it (with a reason, audited).
 */
export function useReports() {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const { actor } = storeToRefs(useAuthStore());
  const isAdmin = computed(() => actor.value?.role === 'admin');
  const thisMonth = shanghaiToday().slice(0, 7);

  const months = useQuery({ queryKey: ['reports.months'], queryFn: () => trpc.reports.months.query() });
  const loadError = computed(() => (months.error.value ? t('reports.loadFailed', { message: errorMessage(months.error.value) }) : null));
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['reports.months'] });

  /** One action at a time, named by month, so its button shows it is busy. */
  const busy = ref<string | null>(null);
  const act = useMutation({
    mutationFn: async ({ kind, period }: { kind: 'build' | 'close'; period: string }) => {
      busy.value = `${kind}:${period}`;
      return kind === 'build' ? trpc.reports.build.mutate({ period }) : trpc.reports.close.mutate({ period });
    },
    onSuccess: async (result, { kind }) => {
      toast('success', t(`reports.done.${kind}`, { period: result.period, version: result.version }));
      await refresh();
    },
    onError: (error) => toast('error', errorMessage(error)),
    onSettled: () => (busy.value = null),
  });

  /** A closed month's recompute runs as a job (every snapshot, then the next version): its progress, polled. */
  const recomputing = ref<{ period: string; jobId: string } | null>(null);
  const recompute = useMutation({
    mutationFn: (period: string) => trpc.reports.recompute.mutate({ period }),
    onSuccess: ({ jobId }, period) => (recomputing.value = { period, jobId }),
    onError: (error) => toast('error', errorMessage(error)),
  });
  const recomputeJob = useQuery({
    queryKey: computed(() => ['reports.job', recomputing.value?.jobId] as const),
    queryFn: ({ queryKey }) => trpc.reports.job.query({ id: queryKey[1]! }),
    enabled: computed(() => recomputing.value !== null),
    refetchInterval: (query) => (['completed', 'failed'].includes(query.state.data?.state ?? '') ? false : 1_000),
  });
  watch(
    () => recomputeJob.data.value?.state,
    async (state) => {
      const period = recomputing.value?.period;
      if (!period || (state !== 'completed' && state !== 'failed')) return;
      if (state === 'completed') toast('success', t('reports.done.recompute', { period }));
      else toast('error', recomputeJob.data.value?.failedReason ?? t('reports.recomputeFailed'));
      recomputing.value = null;
      await refresh();
    },
  );
  const recomputeProgress = (period: string) => (recomputing.value?.period === period ? (recomputeJob.data.value?.progress ?? 0) : null);

  const download = async (period: string, version: number) => {
    try {
      const file = await trpc.reports.download.mutate({ period, version });
      downloadBase64(file.filename, file.contentBase64);
    } catch (error) {
      toast('error', errorMessage(error as Error));
    }
  };

  const reopening = ref<string | null>(null);
  const exportColumns = computed<ExportColumn[]>(() => [
    { key: 'period', header: t('reports.columns.period') },
    { key: 'status', header: t('reports.columns.status'), labels: { open: t('reports.open'), closed: t('reports.closedPlain') } },
    { key: 'version', header: t('reports.columns.version') },
    { key: 'closedAt', header: t('reports.columns.closedAt') },
  ]);
  const runExport = (columns: ExportColumn[]) =>
    trpc.reports.export.mutate({ list: {}, columns: columns as RouterInputs['reports']['export']['columns'], sheetName: t('reports.title') });

  return { exportColumns, runExport, t, isAdmin, thisMonth, months, loadError, refresh, busy, act, recompute, recomputeProgress, download, reopening };
}
