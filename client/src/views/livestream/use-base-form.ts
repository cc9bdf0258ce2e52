import type { FormRules } from 'element-plus';
import { computed } from 'vue';
import { useI18n } from 'vue-i18n';
import { trpc, type RouterInputs } from '@/api/trpc';
import { useFormDialog } from '@/components/form-dialog/use-form-dialog';
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
  const dialog = useFormDialog({
    form: {
      name: current?.name ?? '',
      regionCode: current?.regionCode ?? '',
      address: current?.address ?? '',
      rooms: current?.rooms ?? undefined,
      capacity: current?.capacity ?? undefined,
      status: current?.status ?? 'active',
    } as BaseForm,
    save: async (form) => {
      const fields: CreateInput = {
        name: form.name.trim(),
        regionCode: form.regionCode,
        address: form.address.trim() || null,
        rooms: form.rooms ?? null,
        capacity: form.capacity ?? null,
        status: form.status,
      };
      return current
        ? { base: await trpc.livestream.bases.update.mutate({ ...fields, status: form.status, id: current.id, version: current.version }), created: false }
        : { base: await trpc.livestream.bases.create.mutate(fields), created: true };
    },
    saved: (result) => done.saved(result.base, result.created),
  });
  const rules = computed<FormRules<BaseForm>>(() => ({
    name: [{ required: true, whitespace: true, message: t('livestream.bases.form.nameRequired'), trigger: 'blur' }],
    regionCode: [{ required: true, message: t('livestream.bases.form.townRequired'), trigger: 'change' }],
  }));

  return {
    t,
    dialog,
    rules,
    isEdit: current !== null,
    options: { town: townOptions, status: computed(() => labels.baseStatusOptions()) },
  };
}
