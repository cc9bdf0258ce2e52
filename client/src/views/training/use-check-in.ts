import { keepPreviousData, useMutation, useQuery } from '@tanstack/vue-query';
import type { FormInstance, FormRules } from 'element-plus';
import { computed, reactive, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { errorMessage } from '@/api/errors';
import { trpc, type RouterInputs } from '@/api/trpc';
import { useDebouncedText } from '@/composables/use-debounced-text';
import { useTrainingLabels, type Trainee, type TraineeTag } from './training-labels';
import { useSessionContext } from './use-session-context';

type WalkIn = Extract<RouterInputs['training']['attendance']['checkIn'], { walkIn: unknown }>['walkIn'];

/** Searches start at two characters (the server's minimum); results come ~200 ms after the last key. */
const MIN_QUERY = 2;
const SEARCH_DELAY_MS = 200;

/** What the last tap or registration did, shown under the search box. */
interface LastResult {
  name: string;
  status: 'checked_in' | 'already_checked_in';
}

/**
 * The coordinator's check-in screen: type a few letters (name, pinyin initials, mobile's last
 * digits), tap the person, next. A tap shows ✓ at once and is confirmed by the server; a walk-in is
 * registered and checked in in one step.
 */
export function useCheckIn() {
  const { t } = useI18n();
  const { tagOptions } = useTrainingLabels();
  const context = useSessionContext({ pollMs: 15_000 });
  const { sessionId } = context;

  // ---- search -------------------------------------------------------------------------------------
  const q = ref('');
  const { text: search, flush: searchNow } = useDebouncedText((text) => (q.value = text), SEARCH_DELAY_MS);
  const searching = computed(() => q.value.replace(/\s+/g, '').length >= MIN_QUERY);
  const results = useQuery({
    queryKey: computed(() => ['training.trainees.search', sessionId.value, q.value]),
    queryFn: () => trpc.training.trainees.search.query({ q: q.value, sessionId: sessionId.value }),
    enabled: searching,
    placeholderData: keepPreviousData,
    staleTime: 0,
  });

  /** Check-ins made on this screen, by trainee id: what the server answered, or 'pending'. */
  const marks = reactive(new Map<number, 'pending' | 'checked_in' | 'already_checked_in'>());
  /** When each check-in made here was confirmed: those after the server's count was asked add to it. */
  const confirmedAt = ref<number[]>([]);
  const counted = () => confirmedAt.value.push(Date.now());

  const items = computed(() => (searching.value ? (results.data.value ?? []) : []));
  const isChecked = (trainee: Trainee) => trainee.checkedIn || marks.has(trainee.id);
  const markOf = (trainee: Trainee) => marks.get(trainee.id) ?? (trainee.checkedIn ? 'already_checked_in' : null);

  const last = ref<LastResult | null>(null);
  const failure = ref<string | null>(null);

  const tap = useMutation({
    mutationFn: (trainee: Trainee) => trpc.training.attendance.checkIn.mutate({ sessionId: sessionId.value, traineeId: trainee.id }),
  });

  /** Tap a trainee: ✓ at once, then the server's word ("checked in" or "already checked in"). */
  async function checkIn(trainee: Trainee): Promise<void> {
    if (marks.get(trainee.id) === 'pending') return;
    const before = marks.get(trainee.id);
    marks.set(trainee.id, 'pending');
    failure.value = null;
    try {
      const result = await tap.mutateAsync(trainee);
      marks.set(trainee.id, result.status);
      last.value = { name: result.trainee.name, status: result.status };
      if (result.status === 'checked_in') counted();
    } catch (error) {
      if (before) marks.set(trainee.id, before);
      else marks.delete(trainee.id);
      failure.value = errorMessage(error);
    }
  }

  // The count: the server's (asked again every few seconds) plus what was confirmed here since.
  const count = computed(() => {
    const since = context.countAskedAt.value;
    return (context.serverCount.value ?? 0) + confirmedAt.value.filter((at) => at > since).length;
  });

  // ---- walk-in ------------------------------------------------------------------------------------
  const walkInOpen = ref(false);
  const walkInRef = ref<FormInstance>();
  const walkIn = reactive({ name: '', mobile: '', idCard: '', villageCode: '', tags: [] as TraineeTag[] });
  const walkInRules = computed<FormRules<typeof walkIn>>(() => ({
    name: [{ required: true, whitespace: true, message: t('training.checkIn.nameRequired'), trigger: 'blur' }],
    mobile: [{ required: true, whitespace: true, message: t('training.checkIn.mobileRequired'), trigger: 'blur' }],
  }));

  const townCode = computed(() => context.course.value?.regionCode ?? null);
  const villages = useQuery({
    queryKey: computed(() => ['regions.tree.children', townCode.value]),
    queryFn: () => trpc.regions.tree.children.query({ parentCode: townCode.value! }),
    enabled: computed(() => walkInOpen.value && townCode.value !== null && !townCode.value.endsWith('000000')),
    staleTime: 5 * 60_000,
  });
  const villageOptions = computed(() => (villages.data.value ?? []).map((v) => ({ value: v.code, label: v.name })));

  const register = useMutation({
    mutationFn: (input: WalkIn) => trpc.training.attendance.checkIn.mutate({ sessionId: sessionId.value, walkIn: input }),
    onSuccess: (result) => {
      marks.set(result.trainee.id, result.status);
      last.value = { name: result.trainee.name, status: result.status };
      if (result.status === 'checked_in') counted();
      Object.assign(walkIn, { name: '', mobile: '', idCard: '', tags: [] });
      walkInRef.value?.clearValidate();
    },
  });

  async function submitWalkIn(): Promise<void> {
    if (register.isPending.value) return;
    const valid = await walkInRef.value?.validate().catch(() => false);
    if (!valid) return;
    failure.value = null;
    register.mutate({
      name: walkIn.name.trim(),
      mobile: walkIn.mobile.trim(),
      idCard: walkIn.idCard.trim() || null,
      villageCode: walkIn.villageCode || null,
      tags: [...walkIn.tags],
    });
  }

  const searchError = computed(() => (results.error.value ? errorMessage(results.error.value) : null));
  const walkInError = computed(() => (register.error.value ? errorMessage(register.error.value) : null));
  const contextError = computed(() => (context.error.value ? errorMessage(context.error.value) : null));

  return {
    t,
    course: context.course,
    session: context.session,
    courseId: context.courseId,
    search,
    searchNow,
    searching,
    loading: computed(() => results.isFetching.value),
    items,
    isChecked,
    markOf,
    checkIn,
    count,
    last,
    failure,
    searchError,
    contextError,
    walkInOpen,
    walkInRef,
    walkIn,
    walkInRules,
    villageOptions,
    villagesLoading: computed(() => villages.isFetching.value),
    tagOptions: computed(() => tagOptions()),
    submitWalkIn,
    registering: register.isPending,
    walkInError,
  };
}
