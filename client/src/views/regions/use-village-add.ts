import { useMutation } from '@tanstack/vue-query';
import type { FormInstance, FormRules } from 'element-plus';
import { computed, reactive, ref, watch } from 'vue';
import { useI18n } from 'vue-i18n';
import { errorMessage } from '@/api/errors';
import { trpc, type RouterInputs } from '@/api/trpc';
import { toast } from '@/utils/toast';
import type { RegionNode } from './region-labels';

type AddInput = RouterInputs['regions']['villages']['add'];
interface Town {
  code: string;
  name: string;
}

/**
 * Add a village (or community) under a town. The code starts as the town's 9-digit prefix; whether
 * the whole code is valid and free is the server's call, and its message is shown as it comes.
 */
export function useVillageAdd(onAdded: (townCode: string, village: RegionNode) => void) {
  const { t, locale } = useI18n();

  const visible = ref(false);
  const town = ref<Town | null>(null);
  const formRef = ref<FormInstance>();
  const form = reactive({ code: '', name: '' });
  const rules = computed<FormRules<typeof form>>(() => ({
    code: [{ required: true, whitespace: true, message: t('regions.village.codeRequired'), trigger: 'blur' }],
    name: [{ required: true, whitespace: true, message: t('regions.village.nameRequired'), trigger: 'blur' }],
  }));

  const prefix = computed(() => town.value?.code.slice(0, 9) ?? '');
  const title = computed(() => t('regions.village.dialogTitle', { town: town.value?.name ?? '' }));

  const add = useMutation({
    mutationFn: (input: AddInput) => trpc.regions.villages.add.mutate(input),
    onSuccess: (village, input) => {
      toast('success', t('regions.village.added', { name: village.name, code: village.code }));
      visible.value = false;
      onAdded(input.townCode, village);
    },
  });
  const error = computed(() => (add.error.value ? errorMessage(add.error.value) : null));
  // The message came in the language of the request: after a switch, drop it rather than mix.
  watch(locale, () => add.reset());

  function open(target: Town): void {
    town.value = { code: target.code, name: target.name };
    form.code = target.code.slice(0, 9);
    form.name = '';
    add.reset();
    formRef.value?.clearValidate();
    visible.value = true;
  }

  async function submit(): Promise<void> {
    if (add.isPending.value || !town.value) return;
    const valid = await formRef.value?.validate().catch(() => false);
    if (!valid) return;
    add.mutate({ townCode: town.value.code, code: form.code.trim(), name: form.name.trim() });
  }

  return { t, visible, town, prefix, title, formRef, form, rules, error, pending: add.isPending, open, submit };
}
