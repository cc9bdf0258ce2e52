import { useMutation, useQuery, useQueryClient } from '@tanstack/vue-query';
import type { FormRules } from 'element-plus';
import { computed, ref } from 'vue';
import { errorMessage } from '@/api/errors';
import { trpc } from '@/api/trpc';
import { useFormDialog } from '@/components/form-dialog/use-form-dialog';
import { toast } from '@/utils/toast';
import { COURIER_KEY, courierKeys, useCourierAccess, useCourierLabels, type Carrier } from './courier-setup';

/** The server's rule for a carrier's code: a short lowercase word (zto, jtexpress), fixed once made. */
const CODE = /^[a-z][a-z0-9_]{1,31}$/;

/**
 * 快递公司: the county's editable list of carriers. The bureau adds one (a code that never changes and
 * a name), renames it, or takes it out of use; a carrier out of use stays on the runs it was on.
 */
export function useCarriers() {
  const { t } = useCourierLabels();
  const queryClient = useQueryClient();
  const { canEdit } = useCourierAccess();
  const query = useQuery({ queryKey: courierKeys.carriers, queryFn: () => trpc.courier.carriers.list.query() });
  const refresh = () => queryClient.invalidateQueries({ queryKey: [COURIER_KEY] });

  // One dialog for both: a new carrier (code and name) or a carrier renamed and (de)activated.
  const dialog = ref(false);
  const editing = ref<Carrier | null>(null);
  const form = useFormDialog({
    form: { code: '', name: '', active: true },
    save: async (f) => {
      if (editing.value) return trpc.courier.carriers.update.mutate({ id: editing.value.id, name: f.name.trim(), active: f.active });
      return trpc.courier.carriers.create.mutate({ code: f.code.trim(), name: f.name.trim() });
    },
    saved: () => {
      dialog.value = false;
      toast('success', t('courier.carriers.saved', { name: form.form.name.trim() }));
      void refresh();
    },
  });
  const rules = computed<FormRules>(() => ({
    code: [
      { required: true, whitespace: true, message: t('courier.carriers.codeRequired'), trigger: 'blur' },
      { pattern: CODE, message: t('courier.carriers.codeInvalid'), trigger: 'blur' },
    ],
    name: [{ required: true, whitespace: true, message: t('courier.carriers.nameRequired'), trigger: 'blur' }],
  }));
  const open = (carrier: Carrier | null) => {
    editing.value = carrier;
    Object.assign(form.form, { code: carrier?.code ?? '', name: carrier?.name ?? '', active: carrier?.active ?? true });
    form.reset();
    dialog.value = true;
  };

  /** The switch in the table: in or out of use at once, the name as it is. */
  const toggle = useMutation({
    mutationFn: (c: Carrier) => trpc.courier.carriers.update.mutate({ id: c.id, name: c.name, active: !c.active }),
    onSuccess: (_r, c) => {
      toast('success', t(c.active ? 'courier.carriers.deactivated' : 'courier.carriers.activated', { name: c.name }));
      void refresh();
    },
    onError: (error) => toast('error', errorMessage(error)),
  });

  return {
    query,
    carriers: computed(() => query.data.value ?? []),
    loadError: computed(() => (query.error.value ? errorMessage(query.error.value) : null)),
    canEdit,
    dialog,
    editing,
    form,
    rules,
    open,
    toggle: (c: Carrier) => toggle.mutate(c),
    toggling: computed(() => (toggle.isPending.value ? toggle.variables.value?.id ?? null : null)),
  };
}
