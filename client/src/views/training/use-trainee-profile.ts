import { useMutation, useQuery, useQueryClient } from '@tanstack/vue-query';
import type { FormInstance, FormRules } from 'element-plus';
import { computed, reactive, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { useRoute } from 'vue-router';
import { errorMessage } from '@/api/errors';
import { trpc } from '@/api/trpc';
import { formatYuan, yuanToFen } from '@/utils/format';
import { shanghaiToday } from '@/utils/shanghai-time';
import { toast } from '@/utils/toast';
import { useTrainingLabels, type TraineeTag } from './training-labels';
import { shanghaiMinute, TRAINEE_KEY, TRAINEES_LIST_KEY, TRAINEE_DUPLICATES_KEY, useTraineeLabels, type OutcomeKind, type TraineeProfile } from './trainee-labels';
import { useVillageSearch } from './use-village-search';

/** One trainee: identity, course history with each check-in, outcomes; the edit and outcome dialogs. */
export function useTraineeProfile() {
  const { t } = useI18n();
  const route = useRoute();
  const queryClient = useQueryClient();
  const training = useTrainingLabels();
  const labels = useTraineeLabels();

  const id = computed(() => Number(route.params.id));
  const query = useQuery({
    queryKey: computed(() => [TRAINEE_KEY, id.value]),
    queryFn: () => trpc.training.trainees.get.query({ id: id.value }),
    enabled: computed(() => Number.isInteger(id.value)),
  });
  const profile = computed(() => query.data.value ?? null);
  const trainee = computed(() => profile.value?.trainee ?? null);
  const error = computed(() => (query.error.value ? errorMessage(query.error.value) : null));

  const refresh = async (updated?: TraineeProfile) => {
    if (updated) queryClient.setQueryData([TRAINEE_KEY, updated.trainee.id], updated);
    else await queryClient.invalidateQueries({ queryKey: [TRAINEE_KEY, id.value] });
    await queryClient.invalidateQueries({ queryKey: [TRAINEES_LIST_KEY] });
    await queryClient.invalidateQueries({ queryKey: [TRAINEE_DUPLICATES_KEY] });
  };

  const dialogs = reactive({ edit: false, outcome: false });

  // ---- edit ---------------------------------------------------------------------------------------
  const editFormRef = ref<FormInstance>();
  const editForm = reactive({ name: '', villageCode: '' as string, tags: [] as TraineeTag[], idCard: '' });
  const villages = useVillageSearch(() => (trainee.value?.villageCode ? { code: trainee.value.villageCode, name: trainee.value.villageName ?? trainee.value.villageCode } : null));
  const editRules = computed<FormRules<typeof editForm>>(() => ({
    name: [{ required: true, whitespace: true, message: t('trainees.edit.nameRequired'), trigger: 'blur' }],
  }));
  function openEdit() {
    const current = trainee.value;
    if (!current) return;
    Object.assign(editForm, { name: current.name, villageCode: current.villageCode ?? '', tags: [...current.tags], idCard: '' });
    update.reset();
    dialogs.edit = true;
  }
  const update = useMutation({
    mutationFn: () =>
      trpc.training.trainees.update.mutate({
        id: id.value,
        version: trainee.value!.version,
        name: editForm.name,
        villageCode: editForm.villageCode || null,
        tags: editForm.tags,
        idCard: editForm.idCard.trim() || undefined,
      }),
    onSuccess: async (updated) => {
      dialogs.edit = false;
      toast('success', t('trainees.edit.saved', { name: updated.trainee.name }));
      await refresh(updated);
    },
  });
  async function submitEdit() {
    if (!(await editFormRef.value?.validate().catch(() => false))) return;
    update.mutate();
  }

  // ---- record an outcome ----------------------------------------------------------------------------
  const outcomeFormRef = ref<FormInstance>();
  const outcomeForm = reactive({ kind: '' as OutcomeKind | '', occurredOn: shanghaiToday(), platform: '', shopUrl: '', amountYuan: '', evidence: '' });
  const outcomeRules = computed<FormRules<typeof outcomeForm>>(() => ({
    kind: [{ required: true, message: t('trainees.outcome.kindRequired'), trigger: 'change' }],
    occurredOn: [{ required: true, message: t('trainees.outcome.dateRequired'), trigger: 'change' }],
    amountYuan: [
      {
        validator: (_rule, value: string, callback) => callback(yuanToFen(value ?? '') === null ? new Error(t('trainees.outcome.amountInvalid')) : undefined),
        trigger: 'blur',
      },
    ],
  }));
  function openOutcome() {
    Object.assign(outcomeForm, { kind: '', occurredOn: shanghaiToday(), platform: '', shopUrl: '', amountYuan: '', evidence: '' });
    record.reset();
    dialogs.outcome = true;
  }
  const record = useMutation({
    mutationFn: () =>
      trpc.training.outcomes.record.mutate({
        traineeId: id.value,
        kind: outcomeForm.kind as OutcomeKind,
        occurredOn: outcomeForm.occurredOn,
        platform: outcomeForm.platform.trim() || null,
        shopUrl: outcomeForm.shopUrl.trim() || null,
        amountFen: outcomeForm.kind === 'first_sale' && outcomeForm.amountYuan.trim() ? yuanToFen(outcomeForm.amountYuan) : null,
        evidence: outcomeForm.evidence.trim() || null,
      }),
    onSuccess: async () => {
      dialogs.outcome = false;
      toast('success', t('trainees.outcome.saved'));
      await refresh();
    },
  });
  async function submitOutcome() {
    if (!(await outcomeFormRef.value?.validate().catch(() => false))) return;
    record.mutate();
  }

  return {
    t,
    ...labels,
    tagLabel: training.tagLabel,
    topicLabel: training.topicLabel,
    tagOptions: computed(() => training.tagOptions()),
    outcomeKindList: computed(() => labels.outcomeKindOptions()),
    profile,
    trainee,
    loading: computed(() => query.isFetching.value),
    error,
    dialogs,
    shanghaiMinute,
    formatYuan,
    today: shanghaiToday(),
    editFormRef,
    editForm,
    editRules,
    openEdit,
    submitEdit,
    saving: computed(() => update.isPending.value),
    editError: computed(() => (update.error.value ? errorMessage(update.error.value) : null)),
    villageOptions: villages.options,
    villagesLoading: villages.loading,
    searchVillages: villages.searchVillages,
    outcomeFormRef,
    outcomeForm,
    outcomeRules,
    openOutcome,
    submitOutcome,
    recording: computed(() => record.isPending.value),
    outcomeError: computed(() => (record.error.value ? errorMessage(record.error.value) : null)),
  };
}
