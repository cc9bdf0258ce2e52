import { useMutation, useQuery, useQueryClient } from '@tanstack/vue-query';
import { storeToRefs } from 'pinia';
import { computed, reactive, ref, watch } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import { errorMessage } from '@/api/errors';
import { trpc } from '@/api/trpc';
import { bars, categoryChart, countAxis, line, moneyAxis, tooltipValue } from '@/components/base-chart/chart-options';
import { monthRange, monthValues } from '@/components/base-chart/chart-months';
import { useFormDialog } from '@/components/form-dialog/use-form-dialog';
import { useAuthStore } from '@/stores/use-auth-store';
import { shanghaiToday } from '@/utils/shanghai-time';
import { toast } from '@/utils/toast';
import { yuanToFen } from '@/utils/format';
import { TAOBAO_KEY, useTaobaoLabels, useTaobaoYears, type ActionKind, type Stage } from './taobao-labels';

/**
 * A village or town: its answer for the year (each criterion, the gap, the projection), the
 * platform's own evidence beside it, its figures month by month, every year's answer, and its place
 * in the pipeline with dated actions; a town also its villages. Figures are typed here one period at
 * a time; the evaluation job follows each save.
 */
export function usePlace() {
  const labels = useTaobaoLabels();
  const { t } = labels;
  const route = useRoute();
  const router = useRouter();
  const queryClient = useQueryClient();
  const { actor } = storeToRefs(useAuthStore());
  const code = computed(() => String(route.params.code));
  const chosenYear = ref<number | null>(route.query.year ? Number(route.query.year) : null);
  const years = useTaobaoYears(chosenYear);
  const year = years.year;
  const setYear = (value: number) => {
    chosenYear.value = value;
    void router.replace({ query: { ...route.query, year: value } });
  };

  const query = useQuery({
    queryKey: computed(() => [TAOBAO_KEY, 'place', code.value, year.value]),
    queryFn: () => trpc.taobao.place.get.query({ code: code.value, year: year.value! }),
    enabled: computed(() => year.value !== null),
  });
  const place = computed(() => query.data.value?.place ?? null);
  const villages = computed(() => query.data.value?.villages ?? []);
  const evaluation = computed(() => place.value?.evaluations.find((e) => e.year === year.value) ?? null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: [TAOBAO_KEY] });

  /** Monthly sales (bars) and active shops (line) over every month with a figure. */
  const chart = computed(() => {
    const months = (place.value?.figures ?? []).filter((f) => f.period.length === 7).map((f) => ({ ...f, month: f.period }));
    if (!months.length) return null;
    const sorted = months.map((m) => m.month).sort();
    const axis = monthRange(sorted[0]!, sorted.at(-1)!);
    return categoryChart({
      categories: axis,
      yAxis: [moneyAxis(), countAxis()],
      series: [
        bars(t('taobao.place.chartSales'), monthValues(months, axis, (m) => m.salesFen), '#2f7d4f', { tooltip: { valueFormatter: tooltipValue.money } }),
        line(t('taobao.place.chartShops'), monthValues(months, axis, (m) => m.activeShops), '#d98a1e', { yAxisIndex: 1 }),
      ],
    });
  });

  // ---- figures typed for a period
  const figureDialog = ref(false);
  const figure = useFormDialog({
    form: { period: '', sales: '', activeShops: null as number | null, households: null as number | null },
    save: (f) =>
      trpc.taobao.figures.upsert.mutate({
        code: code.value,
        period: f.period.trim(),
        salesYuan: f.sales.trim() === '' ? null : (yuanToFen(f.sales) ?? Number.NaN) / 100,
        activeShops: f.activeShops,
        households: f.households,
      }),
    saved: () => {
      figureDialog.value = false;
      toast('success', t('taobao.place.figureSaved'));
      void refresh();
    },
  });
  const openFigure = (period?: string) => {
    const existing = place.value?.figures.find((f) => f.period === period);
    Object.assign(figure.form, {
      period: period ?? shanghaiToday().slice(0, 7),
      sales: existing?.salesFen != null ? String(existing.salesFen / 100) : '',
      activeShops: existing?.activeShops ?? null,
      households: existing?.households ?? null,
    });
    figure.reset();
    figureDialog.value = true;
  };

  // ---- the pipeline
  const stage = reactive({ stage: 'watching' as Stage, recognisedYear: null as number | null, notes: '' });
  watch(
    () => place.value?.candidate,
    (c) => Object.assign(stage, { stage: c?.stage ?? 'watching', recognisedYear: c?.recognisedYear ?? null, notes: c?.notes ?? '' }),
    { immediate: true },
  );
  const saveStage = useMutation({
    mutationFn: () =>
      trpc.taobao.pipeline.set.mutate({
        code: code.value,
        stage: stage.stage,
        recognisedYear: stage.stage === 'recognised' ? stage.recognisedYear : null,
        notes: stage.notes,
        ownerId: place.value?.candidate?.ownerId ?? null,
        version: place.value?.candidate?.version,
      }),
    onSuccess: () => {
      toast('success', t('taobao.place.stageSaved'));
      void refresh();
    },
    onError: () => void refresh(),
  });
  const action = reactive({ actedOn: shanghaiToday(), kind: 'training' as ActionKind, note: '' });
  const addAction = useMutation({
    mutationFn: () => trpc.taobao.pipeline.action.mutate({ code: code.value, ...action }),
    onSuccess: () => {
      action.note = '';
      toast('success', t('taobao.place.actionAdded'));
      void refresh();
    },
  });

  return {
    ...labels,
    code,
    years,
    year,
    setYear,
    query,
    place,
    villages,
    evaluation,
    chart,
    loadError: computed(() => (query.error.value ? errorMessage(query.error.value) : null)),
    figureDialog,
    figure,
    openFigure,
    stage,
    saveStage,
    stageError: computed(() => (saveStage.error.value ? errorMessage(saveStage.error.value) : null)),
    action,
    addAction,
    actionError: computed(() => (addAction.error.value ? errorMessage(addAction.error.value) : null)),
    isBureau: computed(() => actor.value?.role === 'admin' || actor.value?.role === 'staff'),
    openVillage: (villageCode: string) => router.push({ name: 'taobao-place', params: { code: villageCode }, query: { year: year.value } }),
  };
}
