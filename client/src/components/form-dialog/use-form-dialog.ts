import { useMutation } from '@tanstack/vue-query';
import { computed, reactive, type UnwrapNestedRefs } from 'vue';
import { errorMessage } from '@/api/errors';

/**
 * A form dialog's state: the model, the save (one at a time, busy while it runs), the server's error
 * in words. Validation runs in form-dialog.vue before `submit` is called; the dialog closes itself
 * through `saved`.
 */
export function useFormDialog<F extends object, R>(options: { form: F; save: (form: UnwrapNestedRefs<F>) => Promise<R>; saved: (result: R) => void }) {
  const form = reactive(options.form);
  const save = useMutation({ mutationFn: () => options.save(form), onSuccess: options.saved });
  return {
    form,
    submit: () => {
      if (!save.isPending.value) save.mutate();
    },
    busy: save.isPending,
    error: computed(() => (save.error.value ? errorMessage(save.error.value) : null)),
  };
}
