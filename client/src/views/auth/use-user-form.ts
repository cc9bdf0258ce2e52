import { useMutation, useQuery } from '@tanstack/vue-query';
import type { FormInstance, FormItemRule, FormRules } from 'element-plus';
import { computed, reactive, ref, watch } from 'vue';
import { useI18n } from 'vue-i18n';
import { errorMessage } from '@/api/errors';
import { trpc, type Role } from '@/api/trpc';
import { longAndMixed } from '@/utils/password-rule';
import { ROLES, SCOPE_KIND_OF_ROLE, scopesForRole, type User } from './user-roles';
import { useTownSearch } from './use-towns';

interface UserForm {
  loginName: string;
  displayName: string;
  mobile: string;
  role: Role | '';
  regions: string[];
  /** Kept as loaded, so saving a user does not drop scopes this form cannot edit yet. */
  stations: string[];
  bases: string[];
  password: string;
}

const LOGIN_NAME = /^[a-z0-9_.-]{3,32}$/;

/** A rough check while typing; the server normalises and decides ("+86 138-0013-8000" is fine). */
function looksLikeMobile(text: string): boolean {
  const digits = text.replace(/[\s\-()（）.+]/g, '').replace(/^(0086|86)(?=\d{11}$)/, '');
  return /^1[3-9]\d{9}$/.test(digits);
}

/**
 * The create / edit form. Without a user id it creates (the password may be left empty: the server
 * generates one); with one it loads the user (whole mobile number) and saves changes.
 */
export function useUserForm(
  userId: () => number | null,
  done: { created: (result: { user: User; password: string }) => void; updated: (user: User) => void },
) {
  const { t } = useI18n();
  const editing = computed(() => userId() !== null);

  const form = reactive<UserForm>({ loginName: '', displayName: '', mobile: '', role: '', regions: [], stations: [], bases: [], password: '' });

  const loaded = useQuery({
    queryKey: computed(() => ['auth.users.get', userId()]),
    queryFn: () => trpc.auth.users.get.query({ id: userId()! }),
    enabled: editing,
    staleTime: 0,
    gcTime: 0,
  });
  watch(
    () => loaded.data.value,
    (user) => {
      if (!user) return;
      Object.assign(form, {
        loginName: user.loginName,
        displayName: user.displayName,
        mobile: user.mobile ?? '',
        role: user.role,
        regions: [...user.scopes.regions],
        stations: [...user.scopes.stations],
        bases: [...user.scopes.bases],
      });
    },
    { immediate: true },
  );

  const scopeKind = computed(() => (form.role ? SCOPE_KIND_OF_ROLE[form.role] : null));
  const towns = useTownSearch(() => form.regions);
  // the livestream bases a base manager may be given (an admin sees every base)
  const bases = useQuery({
    queryKey: ['livestream.bases.options'],
    queryFn: () => trpc.livestream.bases.options.query(),
    enabled: computed(() => scopeKind.value === 'base'),
    staleTime: 60_000,
  });
  const baseOptions = computed(() => {
    const known = (bases.data.value ?? []).map((b) => ({ value: String(b.id), label: b.name }));
    // a base id the list does not hold (deleted meanwhile) still shows, as its id
    const missing = form.bases.filter((id) => !known.some((o) => o.value === id)).map((id) => ({ value: id, label: id }));
    return [...known, ...(bases.isSuccess.value ? missing : [])];
  });

  const check =
    (test: (value: string) => boolean, messageKey: string): FormItemRule['validator'] =>
    (_rule, value: string, callback) =>
      callback(!value || test(value) ? undefined : new Error(t(messageKey)));

  const rules = computed<FormRules<UserForm>>(() => ({
    loginName: [
      { required: true, whitespace: true, message: t('users.form.loginNameRequired'), trigger: 'blur' },
      { validator: check((v) => LOGIN_NAME.test(v.trim()), 'users.form.loginNameInvalid'), trigger: 'blur' },
    ],
    displayName: [{ required: true, whitespace: true, message: t('users.form.displayNameRequired'), trigger: 'blur' }],
    mobile: [{ validator: check(looksLikeMobile, 'users.form.mobileInvalid'), trigger: 'blur' }],
    role: [{ required: true, message: t('users.form.roleRequired'), trigger: 'change' }],
    password: [
      // the server also refuses common passwords and ones containing the login name, and says so
      { validator: check(longAndMixed, 'users.form.passwordWeak'), trigger: 'blur' },
    ],
  }));

  const save = useMutation({
    mutationFn: async (role: Role) => {
      const scopes = scopesForRole(role, { regions: form.regions, stations: form.stations, bases: form.bases });
      const id = userId();
      if (id !== null) {
        const user = await trpc.auth.users.update.mutate({ id, displayName: form.displayName, mobile: form.mobile.trim() || null, role, scopes });
        return { kind: 'updated' as const, user };
      }
      const result = await trpc.auth.users.create.mutate({
        loginName: form.loginName.trim(),
        displayName: form.displayName,
        mobile: form.mobile.trim() || undefined,
        role,
        password: form.password || undefined,
        scopes,
      });
      return { kind: 'created' as const, ...result };
    },
    onSuccess: (result) => (result.kind === 'created' ? done.created(result) : done.updated(result.user)),
  });

  /** Called by form-dialog once the rules pass. */
  function submit(): void {
    if (!save.isPending.value && form.role) save.mutate(form.role);
  }

  const error = computed(() => {
    const failed = save.error.value ?? loaded.error.value;
    return failed ? errorMessage(failed) : null;
  });

  return {
    t,
    editing,
    loading: computed(() => editing.value && loaded.isPending.value),
    form,
    rules,
    roles: ROLES,
    scopeKind,
    towns,
    baseOptions,
    basesLoading: computed(() => bases.isFetching.value),
    submit,
    saving: save.isPending,
    error,
  };
}
