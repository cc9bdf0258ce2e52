import { keepPreviousData, useQuery } from '@tanstack/vue-query';
import { computed, reactive, ref, watch } from 'vue';
import { useI18n } from 'vue-i18n';
import { errorMessage } from '@/api/errors';
import { trpc, type RouterInputs, type RouterOutputs } from '@/api/trpc';
import type { ExportColumn } from '@/components/export-button/use-export';
import { useServerList, type ListSort } from '@/composables/use-server-list';
import { useNarrowScreen } from '@/layouts/basic-layout/use-narrow-screen';
import { useEnumLabel } from '@/composables/use-enum-label';
import { formatShanghai, nextDay, shanghaiDayStart } from '@/utils/shanghai-time';
import { useDebouncedText } from '@/composables/use-debounced-text';

type ListInput = RouterInputs['audit']['log']['list'];
type SortKey = NonNullable<ListInput['sort']>['key'];
type ExportColumns = RouterInputs['audit']['log']['export']['columns'];
export type AuditRow = RouterOutputs['audit']['log']['list']['items'][number];
type UserOption = RouterOutputs['auth']['users']['options'][number];

/** The codes the app writes today; the facets add any others the log holds. */
const KNOWN_ENTITIES = ['user', 'session', 'region', 'target'];
const KNOWN_ACTIONS = ['create', 'update', 'disable', 'enable', 'reset_password', 'login', 'logout', 'change_password', 'import', 'seed_villages'];

const emptyFilter = () => ({ actorUserId: undefined as number | undefined, entity: '', action: '', from: '', to: '', q: '' });

/**
 * The audit log: who changed what and when, filtered and sorted on the server, newest first.
 * Days are Beijing days: a range of 1–3 May means from 1 May 00:00 to 4 May 00:00, UTC+8.
 */
export function useAudit() {
  const { t } = useI18n();
  const { label, labels } = useEnumLabel();

  const list = useServerList({
    key: 'audit.log.list',
    filter: emptyFilter(),
    sort: { key: 'at', order: 'desc' } as ListSort<SortKey>,
    sortable: { at: 'at', entity: 'entity', action: 'action' },
    fetch: (input) => trpc.audit.log.list.query(input),
  });
  const error = computed(() => (list.error.value ? t('audit.loadFailed', { message: errorMessage(list.error.value) }) : null));

  // ---- filters -----------------------------------------------------------------------------------
  const facets = useQuery({ queryKey: ['audit.log.facets'], queryFn: () => trpc.audit.log.facets.query() });
  const entityCodes = computed(() => [...new Set([...KNOWN_ENTITIES, ...(facets.data.value?.entities ?? [])])]);
  const actionCodes = computed(() => [...new Set([...KNOWN_ACTIONS, ...(facets.data.value?.actions ?? [])])]);
  /** Only what occurs in the log is offered in the selects. */
  const entityOptions = computed(() => (facets.data.value?.entities ?? []).map((code) => ({ value: code, label: entityLabel(code) })));
  const actionOptions = computed(() => (facets.data.value?.actions ?? []).map((code) => ({ value: code, label: actionLabel(code) })));

  const userSearch = ref('');
  const users = useQuery({
    queryKey: computed(() => ['auth.users.options', userSearch.value] as const),
    queryFn: ({ queryKey }) => trpc.auth.users.options.query({ q: queryKey[1] || undefined }),
    placeholderData: keepPreviousData,
  });
  const userOptions = computed(() => users.data.value ?? []);
  const userLabel = (user: UserOption) => t('audit.filters.userOption', { name: user.displayName, login: user.loginName });
  function searchUsers(q: string): void {
    userSearch.value = q.trim();
  }

  // Days picked, Beijing days as "YYYY-MM-DD"; either end may be open. Wide screens pick both in one
  // range picker; a phone gets two single-month pickers, as the two-month panel is wider than it.
  const narrow = useNarrowScreen();
  const fromDay = ref('');
  const toDay = ref('');
  const dates = computed<[string, string] | null>({
    get: (): [string, string] | null => (fromDay.value && toDay.value ? [fromDay.value, toDay.value] : null),
    set: (range: [string, string] | null) => {
      fromDay.value = range?.[0] ?? '';
      toDay.value = range?.[1] ?? '';
    },
  });
  const dayOf = (date: Date) => `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
  const beforeFrom = (date: Date) => fromDay.value !== '' && dayOf(date) < fromDay.value;
  const afterTo = (date: Date) => toDay.value !== '' && dayOf(date) > toDay.value;
  watch([fromDay, toDay], ([from, to]) => {
    list.filter.from = from ? shanghaiDayStart(from) : '';
    list.filter.to = to ? shanghaiDayStart(nextDay(to)) : '';
  });

  const { text, flush: applyText } = useDebouncedText((q) => {
    list.filter.q = q;
  });

  function resetFilters(): void {
    Object.assign(list.filter, emptyFilter());
    dates.value = null;
    text.value = '';
    applyText();
  }

  // ---- labels ------------------------------------------------------------------------------------
  const entityLabel = (code: string) => label('audit.entities', code);
  const actionLabel = (code: string) => label('audit.actions', code);
  const actorLabel = (row: AuditRow) => row.actorLogin ?? t('audit.system');

  // ---- export ------------------------------------------------------------------------------------
  const exportColumns = computed<ExportColumn[]>(() => [
    { key: 'at', header: t('audit.columns.at') },
    { key: 'actorLogin', header: t('audit.columns.user') },
    { key: 'entity', header: t('audit.columns.entity'), labels: labels('audit.entities', entityCodes.value) },
    { key: 'entityId', header: t('audit.columns.entityId') },
    { key: 'action', header: t('audit.columns.action'), labels: labels('audit.actions', actionCodes.value) },
    { key: 'before', header: t('audit.columns.before') },
    { key: 'after', header: t('audit.columns.after') },
    { key: 'ip', header: t('audit.columns.ip') },
  ]);
  // The button hands back the columns above, whose keys are the export's own.
  const runExport = (columns: ExportColumn[]) =>
    trpc.audit.log.export.mutate({ list: list.listInput.value, columns: columns as ExportColumns, sheetName: t('audit.exportSheet') });

  return {
    t,
    filter: list.filter,
    narrow,
    dates,
    fromDay,
    toDay,
    beforeFrom,
    afterTo,
    text,
    applyText,
    resetFilters,
    entityOptions,
    actionOptions,
    userOptions,
    usersLoading: computed(() => users.isFetching.value),
    userLabel,
    searchUsers,
    /** The server-side list for list-page's `:list`; its error says the log failed to load. */
    list: reactive({ ...list, errorText: error, exportColumns, exportRun: runExport }),
    entityLabel,
    actionLabel,
    actorLabel,
    formatTime: formatShanghai,
  };
}
