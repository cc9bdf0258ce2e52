import type { FormRules } from 'element-plus';
import { computed, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { trpc } from '@/api/trpc';
import { useFormDialog } from '@/components/form-dialog/use-form-dialog';
import { toast } from '@/utils/toast';
import type { RegionNode } from './region-labels';

interface Town {
  code: string;
  name: string;
}

interface VillageForm {
  code: string;
  name: string;
}

/**
 * Add a village (or community) under a town. The code starts as the town's 9-digit prefix; whether
 * the whole code is valid and free is the server's call, and its message is shown as it comes.
 */
export function useVillageAdd(onAdded: (townCode: string, village: RegionNode) => void) {
  const { t } = useI18n();

  const visible = ref(false);
  const town = ref<Town>({ code: '', name: '' });
  const initial: VillageForm = { code: '', name: '' };
  const dialog = useFormDialog({
    form: initial,
    save: async (form) => {
      const townCode = town.value.code;
      return { townCode, village: await trpc.regions.villages.add.mutate({ townCode, code: form.code.trim(), name: form.name.trim() }) };
    },
    saved: ({ townCode, village }) => {
      toast('success', t('regions.village.added', { name: village.name, code: village.code }));
      visible.value = false;
      onAdded(townCode, village);
    },
  });
  const { form } = dialog;
  const rules = computed<FormRules<VillageForm>>(() => ({
    code: [{ required: true, whitespace: true, message: t('regions.village.codeRequired'), trigger: 'blur' }],
    name: [{ required: true, whitespace: true, message: t('regions.village.nameRequired'), trigger: 'blur' }],
  }));

  function open(target: Town): void {
    town.value = { code: target.code, name: target.name };
    form.code = target.code.slice(0, 9);
    form.name = '';
    dialog.reset();
    visible.value = true;
  }

  return {
    t,
    visible,
    dialog,
    rules,
    prefix: computed(() => town.value.code.slice(0, 9)),
    title: computed(() => t('regions.village.dialogTitle', { town: town.value.name })),
    open,
  };
}
