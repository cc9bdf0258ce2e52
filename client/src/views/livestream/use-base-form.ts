import { useMutation } from '@tanstack/vue-query';
import type { FormInstance, FormRules } from 'element-plus';
import { computed, reactive, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { errorMessage } from '@/api/errors';
import { trpc, type RouterInputs } from '@/api/trpc';
import { useTrainingTowns } from '@/views/training/use-training-towns';
import { useLivestreamLabels, type Base, type BaseStatus } from './livestream-labels';

type CreateInput = RouterInputs['livestream']['bases']['create'];

interface BaseForm {
  name: string;
  regionCode: string;
  address: string;
  rooms: number | undefined;
  capacity: number | undefined;
  status: BaseStatus;
}

/** Create or edit a base: name, town, address, rooms and capacity, status. */
export function useBaseForm(editing: () => Base | null, done: { saved: (base: Base, created: boolean) => void }) {
  const { t } = useI18n();
  const labels = useLivestreamLabels();
  const { townOptions } = useTrainingTowns();
  const current = editing();
  const formRef = ref<FormInstance>();
  const form = reactive<BaseForm>({
    name: current?.name ?? '',
    regionCode: current?.regionCode ?? '',
    address: current?.address ?? '',
    rooms: current?.rooms ?? undefined,
    capacity: current?.capacity ?? undefined,
    status: current?.status ?? 'active',
  });
  const rules = computed<FormRules<BaseForm>>(() => ({
    name: [{ required: true, whitespace: true, message: t('livestream.bases.form.nameRequired'), trigger: 'blur' }],
    regionCode: [{ required: true, message: t('livestream.bases.form.townRequired'), trigger: 'change' }],
  }));

  function fields(): CreateInput {
    return {
      name: form.name.trim(),
      regionCode: form.regionCode,
      address: form.address.trim() || null,
      rooms: form.rooms ?? null,
      capacity: form.capacity ?? null,
      status: form.status,
    };
  }
  const save = useMutation({
    mutationFn: async () =>
      current
        ? { base: await trpc.livestream.bases.update.mutate({ ...fields(), status: form.status, id: current.id, version: current.version }), created: false }
        : { base: await trpc.livestream.bases.create.mutate(fields()), created: true },
    onSuccess: (result) => done.saved(result.base, result.created),
  });
  async function submit() {
    if (save.isPending.value) return;
    if (await formRef.value?.validate().catch(() => false)) save.mutate();
  }

  return {
    t,
    formRef,
    form,
    rules,
    isEdit: current !== null,
    townOptions,
    statusOptions: computed(() => labels.baseStatusOptions()),
    submit,
    saving: save.isPending,
    error: computed(() => (save.error.value ? errorMessage(save.error.value) : null)),
  };
}
