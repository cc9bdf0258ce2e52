import { useMutation } from '@tanstack/vue-query';
import type { FormInstance, FormRules } from 'element-plus';
import { computed, reactive, ref, watch } from 'vue';
import { useI18n } from 'vue-i18n';
import { useRoute } from 'vue-router';
import { errorMessage } from '@/api/errors';
import { trpc, type RouterInputs } from '@/api/trpc';

type QrInput = RouterInputs['training']['qr']['checkIn'];

/**
 * The trainee's name and mobile, kept on their own phone: a code that turned while they typed
 * (QR_TOKEN_EXPIRED) needs only a rescan and one tap, and so does the next session of the course.
 */
const REMEMBER_KEY = 'cuntong.checkin.me';

function remembered(): { name: string; mobile: string } {
  try {
    const saved = JSON.parse(localStorage.getItem(REMEMBER_KEY) ?? 'null') as { name?: unknown; mobile?: unknown } | null;
    return { name: typeof saved?.name === 'string' ? saved.name : '', mobile: typeof saved?.mobile === 'string' ? saved.mobile : '' };
  } catch {
    return { name: '', mobile: '' };
  }
}

function remember(name: string, mobile: string): void {
  try {
    localStorage.setItem(REMEMBER_KEY, JSON.stringify({ name, mobile }));
  } catch {
    // private mode or storage disabled: typed again next time
  }
}

/**
 * A trainee's own check-in, from the QR code on the screen: no login; the token is in the link
 * (`?t=`), name and mobile are typed. The server says whether it took, in the user's language.
 */
export function usePublicCheckIn() {
  const { t, locale } = useI18n();
  const route = useRoute();
  const token = computed(() => {
    const value = route.query.t;
    return (Array.isArray(value) ? value[0] : value) ?? '';
  });

  const formRef = ref<FormInstance>();
  const form = reactive(remembered());
  const rules = computed<FormRules<typeof form>>(() => ({
    name: [{ required: true, whitespace: true, message: t('training.public.nameRequired'), trigger: 'blur' }],
    mobile: [{ required: true, whitespace: true, message: t('training.public.mobileRequired'), trigger: 'blur' }],
  }));

  const send = useMutation({ mutationFn: (input: QrInput) => trpc.training.qr.checkIn.mutate(input) });

  // The error text came in the language of the request: after a switch, drop it rather than mix.
  watch(locale, () => {
    if (send.isError.value) send.reset();
  });

  async function submit(): Promise<void> {
    if (send.isPending.value) return;
    const valid = await formRef.value?.validate().catch(() => false);
    if (!valid) return;
    const input = { token: token.value, name: form.name.trim(), mobile: form.mobile.trim() };
    remember(input.name, input.mobile);
    send.mutate(input);
  }

  return {
    t,
    hasToken: computed(() => token.value !== ''),
    formRef,
    form,
    rules,
    submit,
    pending: send.isPending,
    result: computed(() => send.data.value ?? null),
    error: computed(() => (send.error.value ? errorMessage(send.error.value) : null)),
  };
}
