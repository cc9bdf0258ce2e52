import { useMutation } from '@tanstack/vue-query';
import { computed, reactive, watch, type UnwrapNestedRefs } from 'vue';
import { useI18n } from 'vue-i18n';
import { errorMessage } from '@/api/errors';

/**
 * A form dialog's state: the model, the save (one at a time, busy while it runs), the server's error
 * in words. Validation runs in form-dialog.vue before `submit` is called; the dialog closes itself
 * through `saved`; `failed` lets a dialog react to a refusal (e.g. reload what a conflict made stale).
 * The error is dropped when the language changes, so it is never shown in the old one.
 */
export function useFormDialog<F extends object, R>(options: {
  form: F;
  save: (form: UnwrapNestedRefs<F>) => Promise<R>;
  saved: (result: R) => void;
  failed?: (error: Error) => void;
}) {
  const { locale } = useI18n();
  const form = reactive(options.form);
  const save = useMutation({ mutationFn: () => options.save(form), onSuccess: options.saved, onError: options.failed });
  watch(locale, () => save.reset());
  return {
    form,
    submit: () => {
      if (!save.isPending.value) save.mutate();
    },
    busy: save.isPending,
    /** Forget the last save's error, for a dialog opened again on a new subject. */
    reset: () => save.reset(),
    error: computed(() => (save.error.value ? errorMessage(save.error.value) : null)),
  };
}
