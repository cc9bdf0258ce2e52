import { useMutation, useQueryClient } from '@tanstack/vue-query';
import type { FormInstance, FormRules } from 'element-plus';
import { computed, reactive, ref, watch } from 'vue';
import { useI18n } from 'vue-i18n';
import { useRoute, useRouter } from 'vue-router';
import { errorMessage } from '@/api/errors';
import { trpc, type RouterInputs } from '@/api/trpc';
import { safeRedirect } from '@/router/guard';
import { useAuthStore } from '@/stores/use-auth-store';

type LoginInput = RouterInputs['auth']['session']['login'];

export function useLogin() {
  const { t, locale } = useI18n();
  const route = useRoute();
  const router = useRouter();
  const auth = useAuthStore();
  const queryClient = useQueryClient();

  const formRef = ref<FormInstance>();
  const form = reactive<LoginInput>({ loginName: '', password: '' });
  const rules = computed<FormRules<LoginInput>>(() => ({
    loginName: [{ required: true, whitespace: true, message: t('auth.login.loginNameRequired'), trigger: 'blur' }],
    password: [{ required: true, message: t('auth.login.passwordRequired'), trigger: 'blur' }],
  }));

  const login = useMutation({
    mutationFn: (input: LoginInput) => trpc.auth.session.login.mutate(input),
    onSuccess: async (result) => {
      queryClient.clear(); // nothing cached for a previous user survives
      auth.signedIn(result);
      await router.replace(safeRedirect(route.query.redirect));
    },
  });

  /** The server's own words (wrong password, locked for N minutes, …), in the UI language. */
  const error = computed(() => (login.error.value ? errorMessage(login.error.value) : null));
  /** Why we are here, e.g. "your session expired"; hidden once a login attempt says more. */
  const notice = computed(() => (error.value ? null : auth.notice));

  // The error text came in the language of the request: after a switch, drop it rather than mix.
  watch(locale, () => login.reset());

  async function submit(): Promise<void> {
    if (login.isPending.value) return;
    const valid = await formRef.value?.validate().catch(() => false);
    if (!valid) return;
    login.mutate({ loginName: form.loginName.trim(), password: form.password });
  }

  return { t, formRef, form, rules, submit, pending: login.isPending, error, notice };
}
