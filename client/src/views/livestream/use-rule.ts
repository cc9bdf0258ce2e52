import { useMutation, useQuery, useQueryClient } from '@tanstack/vue-query';
import { computed, reactive, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { errorMessage } from '@/api/errors';
import { trpc } from '@/api/trpc';
import { addDays, formatShanghai, shanghaiToday } from '@/utils/shanghai-time';
import { toast } from '@/utils/toast';

/** 活跃主播规则: the versions, and (admin) a new one from an effective date. */
export function useRule() {
  const { t } = useI18n();
  const client = useQueryClient();
  const query = useQuery({ queryKey: ['livestream.metrics.rule.list'], queryFn: () => trpc.livestream.metrics.rule.list.query() });
  const versions = computed(() => query.data.value ?? []);
  const inForce = computed(() => versions.value.find((v) => v.inForce) ?? null);

  const dialogOpen = ref(false);
  const form = reactive({ windowDays: 30, minStreams: 4, minMinutes: 30, effectiveFrom: shanghaiToday() });
  const formError = ref<string | null>(null);
  function openForm() {
    const current = inForce.value;
    Object.assign(form, {
      windowDays: current?.windowDays ?? 30,
      minStreams: current?.minStreams ?? 4,
      minMinutes: current?.minMinutes ?? 30,
      effectiveFrom: shanghaiToday(),
    });
    formError.value = null;
    dialogOpen.value = true;
  }
  const create = useMutation({
    mutationFn: () => trpc.livestream.metrics.rule.create.mutate({ ...form }),
    onSuccess: async (result) => {
      dialogOpen.value = false;
      toast('success', t('livestreamMetrics.rule.created', { version: result.rule.version, months: result.recomputeMonths.length }));
      if (result.withdrawn.length) toast('warning', t('livestreamMetrics.rule.withdrawn', { versions: result.withdrawn.join('、') }));
      await client.invalidateQueries({ queryKey: ['livestream.metrics.rule.list'] });
    },
    onError: (e) => {
      formError.value = errorMessage(e);
    },
  });
  function submit() {
    if (!form.effectiveFrom) {
      formError.value = t('livestreamMetrics.rule.form.effectiveRequired');
      return;
    }
    create.mutate();
  }
  /** A new version takes effect from the one in force's date (versions still to come it replaces) up to a year ahead, as the server checks. */
  const earliest = computed(() => inForce.value?.effectiveFrom ?? '0000-00-00');
  const isOutOfRange = (d: Date) => {
    const day = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    return day < earliest.value || day > addDays(shanghaiToday(), 365);
  };

  return {
    t,
    versions,
    loading: computed(() => query.isFetching.value),
    error: computed(() => (query.error.value ? errorMessage(query.error.value) : null)),
    summary: (v: { windowDays: number; minStreams: number; minMinutes: number }) => t('livestreamMetrics.rule.summary', v),
    formatShanghai,
    dialogOpen,
    form,
    formError,
    openForm,
    submit,
    saving: computed(() => create.isPending.value),
    isOutOfRange,
  };
}
