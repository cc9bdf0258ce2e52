import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/vue-query';
import { computed, reactive, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { errorMessage } from '@/api/errors';
import { trpc } from '@/api/trpc';
import { useDebouncedText } from '@/composables/use-debounced-text';
import { toast } from '@/utils/toast';
import { TRAINING_COURSE_KEY, TRAINING_SESSIONS_KEY, type Trainee } from './training-labels';
import { useSessionContext } from './use-session-context';

/** The server marks at most this many at once. */
const MAX_MARK = 500;
const ROSTER_KEY = 'training.attendance.roster';

/**
 * 纸质名单补录: the course's roster (everyone who attended any of its sessions) with who is checked
 * in to this session; people not on it are found by search and added. Tick, then mark them all at
 * once; marking someone already checked in changes nothing.
 */
export function useBulkMark() {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const context = useSessionContext();
  const { sessionId } = context;

  const roster = useQuery({
    queryKey: computed(() => [ROSTER_KEY, sessionId.value]),
    queryFn: () => trpc.training.attendance.roster.query({ sessionId: sessionId.value }),
    enabled: computed(() => Number.isInteger(sessionId.value) && sessionId.value > 0),
    staleTime: 0,
  });

  const q = ref('');
  const { text: search, flush: searchNow } = useDebouncedText((text) => (q.value = text), 250);
  const searching = computed(() => q.value.replace(/\s+/g, '').length >= 2);
  const results = useQuery({
    queryKey: computed(() => ['training.trainees.search', sessionId.value, q.value]),
    queryFn: () => trpc.training.trainees.search.query({ q: q.value, sessionId: sessionId.value }),
    enabled: searching,
    placeholderData: keepPreviousData,
  });

  /** People added from search, kept on the list while the page is open. */
  const added = ref<Trainee[]>([]);
  const people = computed(() => {
    const onRoster = roster.data.value ?? [];
    const ids = new Set(onRoster.map((p) => p.id));
    return [...onRoster, ...added.value.filter((p) => !ids.has(p.id))];
  });
  const found = computed(() => {
    const listed = new Set(people.value.map((p) => p.id));
    return searching.value ? (results.data.value ?? []).filter((p) => !listed.has(p.id)) : [];
  });
  function add(trainee: Trainee): void {
    added.value.push(trainee);
    if (!trainee.checkedIn) selected.add(trainee.id);
  }

  const selected = reactive(new Set<number>());
  const toggle = (trainee: Trainee, on: boolean) => (on ? selected.add(trainee.id) : selected.delete(trainee.id));
  const open = computed(() => people.value.filter((p) => !p.checkedIn));
  const allSelected = computed(() => open.value.length > 0 && open.value.every((p) => selected.has(p.id)));
  function selectAll(on: boolean): void {
    for (const p of open.value) on ? selected.add(p.id) : selected.delete(p.id);
  }

  const last = ref<{ checkedIn: number; already: number } | null>(null);
  const mark = useMutation({
    mutationFn: () => trpc.training.attendance.bulkMark.mutate({ sessionId: sessionId.value, traineeIds: [...selected] }),
    onSuccess: async (counts) => {
      last.value = counts;
      toast('success', t('trainingImport.bulk.done', counts));
      const marked = new Set(selected);
      added.value = added.value.map((p) => (marked.has(p.id) ? { ...p, checkedIn: true } : p));
      selected.clear();
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: [ROSTER_KEY, sessionId.value] }),
        queryClient.invalidateQueries({ queryKey: [TRAINING_SESSIONS_KEY] }),
        queryClient.invalidateQueries({ queryKey: [TRAINING_COURSE_KEY] }),
      ]);
    },
  });
  const tooMany = computed(() => selected.size > MAX_MARK);
  const error = computed(() => {
    const failed = mark.error.value ?? roster.error.value ?? context.error.value;
    return failed ? errorMessage(failed) : null;
  });

  return {
    t,
    course: context.course,
    session: context.session,
    courseId: context.courseId,
    people,
    loading: computed(() => roster.isFetching.value),
    search,
    searchNow,
    found,
    add,
    selected,
    toggle,
    allSelected,
    selectAll,
    hasOpen: computed(() => open.value.length > 0),
    tooMany,
    maxMark: MAX_MARK,
    markSelected: () => selected.size && !tooMany.value && !mark.isPending.value && mark.mutate(),
    marking: mark.isPending,
    last,
    error,
  };
}
