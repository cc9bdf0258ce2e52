import { useMutation } from '@tanstack/vue-query';
import type { FormInstance, FormItemRule, FormRules } from 'element-plus';
import { computed, reactive, ref, watch } from 'vue';
import { useI18n } from 'vue-i18n';
import { errorMessage } from '@/api/errors';
import { trpc, type RouterInputs } from '@/api/trpc';
import { useAuthStore } from '@/stores/use-auth-store';
import { longAndMixed } from '@/utils/password-rule';
import { toast } from '@/utils/toast';

type ChangeInput = RouterInputs['auth']['password']['change'];
type ChangeForm = ChangeInput & { confirmPassword: string };

/** Change one's own password. Length and variety are checked here too; the server's message names any other problem. */
export function useChangePassword(onDone: () => void) {
  const { t, locale } = useI18n();
  const auth = useAuthStore();

  const formRef = ref<FormInstance>();
  const form = reactive<ChangeForm>({ currentPassword: '', newPassword: '', confirmPassword: '' });

  const sameAsNew: FormItemRule['validator'] = (_rule, value: string, callback) => {
    callback(value === form.newPassword ? undefined : new Error(t('auth.password.mismatch')));
  };
  const strongEnough: FormItemRule['validator'] = (_rule, value: string, callback) => {
    callback(!value || longAndMixed(value) ? undefined : new Error(t('auth.password.weak')));
  };
  const rules = computed<FormRules<ChangeForm>>(() => ({
    currentPassword: [{ required: true, message: t('auth.password.currentRequired'), trigger: 'blur' }],
    newPassword: [
      { required: true, message: t('auth.password.newRequired'), trigger: 'blur' },
      { validator: strongEnough, trigger: 'blur' },
    ],
    confirmPassword: [
      { required: true, message: t('auth.password.confirmRequired'), trigger: 'blur' },
      { validator: sameAsNew, trigger: 'blur' },
    ],
  }));

  const change = useMutation({
    mutationFn: (input: ChangeInput) => trpc.auth.password.change.mutate(input),
    onSuccess: () => {
      auth.setMustChangePassword(false);
      toast('success', t('auth.password.changed'));
      formRef.value?.resetFields();
      onDone();
    },
  });

  const error = computed(() => (change.error.value ? errorMessage(change.error.value) : null));
  const loginName = computed(() => auth.actor?.loginName ?? '');
  watch(locale, () => change.reset());

  async function submit(): Promise<void> {
    if (change.isPending.value) return;
    const valid = await formRef.value?.validate().catch(() => false);
    if (!valid) return;
    change.mutate({ currentPassword: form.currentPassword, newPassword: form.newPassword });
  }

  return { t, loginName, formRef, form, rules, submit, pending: change.isPending, error };
}
