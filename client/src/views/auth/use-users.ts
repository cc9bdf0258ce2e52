import { useMutation, useQueryClient } from '@tanstack/vue-query';
import { ElMessageBox } from 'element-plus';
// ElMessageBox is called from a script, where the on-demand resolver cannot see it: bring its CSS.
import 'element-plus/es/components/message-box/style/css';
import { storeToRefs } from 'pinia';
import { computed, reactive, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { errorMessage } from '@/api/errors';
import { trpc, type Role, type RouterInputs } from '@/api/trpc';
import type { ExportColumn } from '@/components/export-button/use-export';
import { useServerList } from '@/composables/use-server-list';
import { useAuthStore } from '@/stores/use-auth-store';
import { toast } from '@/utils/toast';
import { ROLES, SCOPE_KIND_OF_ROLE, type User } from './user-roles';
import { useDebouncedText } from '@/composables/use-debounced-text';
import { formatShanghai } from '@/utils/shanghai-time';
import { useTownNames } from './use-towns';

type ListInput = RouterInputs['auth']['users']['list'];
type SortKey = NonNullable<ListInput['sort']>['key'];
type Filter = NonNullable<ListInput['filter']>;

const LIST_KEY = 'auth.users.list';

/** A password to show once: just created, or just reset. */
export interface Revealed {
  loginName: string;
  displayName: string;
  password: string;
  reason: 'created' | 'reset';
}

/** The users page: the server-side list with its filters and export, and the row actions. */
export function useUsers() {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const { actor } = storeToRefs(useAuthStore());
  const { names: townNames, townName } = useTownNames();

  const list = useServerList({
    key: LIST_KEY,
    fetch: (input) => trpc.auth.users.list.query(input),
    filter: { q: undefined, role: undefined, disabled: undefined } as Filter,
    sort: { key: 'loginName' as SortKey, order: 'asc' },
    sortable: { loginName: 'loginName', displayName: 'displayName', role: 'role', createdAt: 'createdAt', lastLoginAt: 'lastLoginAt' },
  });
  const { filter } = list;

  // The search box asks the server once the user pauses typing, not at every keystroke.
  const { text: search } = useDebouncedText((text) => (filter.q = text || undefined));

  const status = computed<'' | 'enabled' | 'disabled'>({
    get: () => (filter.disabled === undefined ? '' : filter.disabled ? 'disabled' : 'enabled'),
    set: (value) => (filter.disabled = value ? value === 'disabled' : undefined),
  });

  const roleOptions = computed(() => ROLES.map((role) => ({ value: role, label: t(`common.roles.${role}`) })));
  const statusOptions = computed(() => [
    { value: 'enabled', label: t('users.status.enabled') },
    { value: 'disabled', label: t('users.status.disabled') },
  ]);

  const formatTime = (iso: string | null) => (iso ? formatShanghai(iso) : t('users.never'));

  function scopeText(user: User): string {
    switch (SCOPE_KIND_OF_ROLE[user.role]) {
      case 'region':
        return user.scopes.regions.length ? user.scopes.regions.map(townName).join('、') : t('users.scope.none');
      case 'station':
        return user.scopes.stations.length ? t('users.scope.stations', { n: user.scopes.stations.length }) : t('users.scope.pending');
      case 'base':
        return user.scopes.bases.length ? t('users.scope.bases', { n: user.scopes.bases.length }) : t('users.scope.pending');
      default:
        return t('users.scope.all');
    }
  }

  // Export: the columns the table shows, headed in the user's language; codes become words.
  const exportColumns = computed<ExportColumn[]>(() => {
    const roleLabels = Object.fromEntries(ROLES.map((role) => [role, t(`common.roles.${role}`)]));
    const statusLabels = { true: t('users.status.disabled'), false: t('users.status.enabled') };
    const townLabels = Object.fromEntries(townNames.value);
    return [
      { key: 'loginName', header: t('users.columns.loginName') },
      { key: 'displayName', header: t('users.columns.displayName') },
      { key: 'mobile', header: t('users.columns.mobile') },
      { key: 'role', header: t('users.columns.role'), labels: roleLabels },
      { key: 'scopes.regions', header: t('users.columns.regions'), labels: townLabels },
      { key: 'disabled', header: t('users.columns.status'), labels: statusLabels },
      { key: 'lastLoginAt', header: t('users.columns.lastLoginAt') },
      { key: 'createdAt', header: t('users.columns.createdAt') },
    ];
  });
  const runExport = (columns: ExportColumn[]) =>
    trpc.auth.users.export.mutate({
      list: list.listInput.value,
      columns: columns as RouterInputs['auth']['users']['export']['columns'],
      sheetName: t('users.sheetName'),
    });

  /** After any change: every cached page of the list is stale. */
  const refresh = () => queryClient.invalidateQueries({ queryKey: [LIST_KEY] });

  // The create / edit dialog: mounted while open, so each opening starts from a fresh form.
  const editor = reactive<{ open: boolean; userId: number | null }>({ open: false, userId: null });
  const openCreate = () => Object.assign(editor, { open: true, userId: null });
  const openEdit = (user: User) => Object.assign(editor, { open: true, userId: user.id });

  const revealed = ref<Revealed | null>(null);

  function onCreated(result: { user: User; password: string }) {
    toast('success', t('users.done.created', { loginName: result.user.loginName }));
    revealed.value = { loginName: result.user.loginName, displayName: result.user.displayName, password: result.password, reason: 'created' };
    void refresh();
  }

  function onUpdated(user: User) {
    toast('success', t('users.done.updated', { loginName: user.loginName }));
    void refresh();
  }

  /** Resolves true when the admin confirms, false when they cancel or close the box. */
  const confirm = (message: string) =>
    ElMessageBox.confirm(message, t('users.confirm.title'), {
      type: 'warning',
      confirmButtonText: t('users.confirm.ok'),
      cancelButtonText: t('common.actions.cancel'),
    }).then(
      () => true,
      () => false,
    );

  const setDisabled = useMutation({
    mutationFn: (input: { id: number; disabled: boolean }) => trpc.auth.users.setDisabled.mutate(input),
    onSuccess: (user) => {
      toast('success', t(user.disabled ? 'users.done.disabled' : 'users.done.enabled', { loginName: user.loginName }));
      void refresh();
    },
    onError: (error) => toast('error', errorMessage(error)),
  });

  async function toggleDisabled(user: User) {
    const names = { name: user.displayName, loginName: user.loginName };
    if (!(await confirm(t(user.disabled ? 'users.confirm.enable' : 'users.confirm.disable', names)))) return;
    setDisabled.mutate({ id: user.id, disabled: !user.disabled });
  }

  const reset = useMutation({
    mutationFn: (user: User) => trpc.auth.users.resetPassword.mutate({ id: user.id }),
    onSuccess: ({ password }, user) => {
      toast('success', t('users.done.reset', { loginName: user.loginName }));
      revealed.value = { loginName: user.loginName, displayName: user.displayName, password, reason: 'reset' };
      void refresh();
    },
    onError: (error) => toast('error', errorMessage(error)),
  });

  async function resetPassword(user: User) {
    if (!(await confirm(t('users.confirm.resetPassword', { name: user.displayName, loginName: user.loginName })))) return;
    reset.mutate(user);
  }

  /** The row whose action is running, to show its button busy. */
  const busyId = computed(() =>
    setDisabled.isPending.value ? setDisabled.variables.value?.id : reset.isPending.value ? reset.variables.value?.id : undefined,
  );
  const isSelf = (user: User) => user.id === actor.value?.id;
  const roleLabel = (role: Role) => t(`common.roles.${role}`);

  return {
    t,
    /** The server-side list (rows, pager, sort, error, export) for list-page's `:list`. */
    list: reactive({ ...list, exportColumns, exportRun: runExport }),
    filter: list.filter,
    search,
    status,
    roleOptions,
    statusOptions,
    formatTime,
    scopeText,
    roleLabel,
    editor,
    openCreate,
    openEdit,
    onCreated,
    onUpdated,
    revealed,
    toggleDisabled,
    resetPassword,
    busyId,
    isSelf,
  };
}
