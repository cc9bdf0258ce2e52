import { keepPreviousData, useMutation, useQuery } from '@tanstack/vue-query';
import type { FormInstance, FormRules } from 'element-plus';
import { computed, reactive, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { errorMessage } from '@/api/errors';
import { trpc, type RouterInputs, type RouterOutputs } from '@/api/trpc';
import { useDebouncedText } from '@/composables/use-debounced-text';
import { isTransientFailure } from '@/outbox/outbox';
import { newClientKey } from '@/utils/client-key';
import { useOutboxStore } from '@/stores/use-outbox-store';
import { CHECK_IN_KIND, type KnownCheckIn } from './check-in-sender';
import { useTrainingLabels, type Trainee, type TraineeTag } from './training-labels';
import { useSessionContext } from './use-session-context';

type WalkIn = Extract<RouterInputs['training']['attendance']['checkIn'], { walkIn: unknown }>['walkIn'];
type CheckInAnswer = RouterOutputs['training']['attendance']['checkIn'];
type CheckedIn = Extract<CheckInAnswer, { trainee: unknown }>;

/** Searches start at two characters (the server's minimum); results come ~200 ms after the last key. */
const MIN_QUERY = 2;
const SEARCH_DELAY_MS = 200;

/** What the last tap or registration did, shown under the search box. */
interface LastResult {
  name: string;
  /** queued: no signal, kept in the outbox until it can be sent. */
  status: 'checked_in' | 'already_checked_in' | 'queued';
  lateEntry: boolean;
}

/** A walk-in whose mobile is registered under another name: shown masked, checked in only once confirmed. */
interface NameToConfirm {
  maskedName: string;
  input: WalkIn;
}

const checkedIn = (answer: CheckInAnswer): answer is CheckedIn => answer.status !== 'confirm_name';

/**
 * The coordinator's check-in screen: type a few letters (name, pinyin initials, mobile's last
 * digits), tap the person, next. A tap shows ✓ at once and is confirmed by the server; a walk-in is
 * registered and checked in in one step (a known mobile under another name only once confirmed).
 * Check-in is taken within the session's window, shown at the top; after it has closed, a late
 * entry is recorded only with 补录 switched on. A tap without a signal waits in the outbox (✓ 待上传)
 * and is sent, once, when the network is back.
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

  // Taps of this session waiting in the outbox, by trainee id: shown as ✓ 待上传 until they arrive.
  const outbox = useOutboxStore();
  const queuedIds = computed(
    () =>
      new Set(
        outbox.entries
          .filter((e) => e.kind === CHECK_IN_KIND && e.state === 'waiting' && (e.payload as KnownCheckIn).sessionId === sessionId.value)
          .map((e) => (e.payload as KnownCheckIn).traineeId),
      ),
  );

  const items = computed(() => (searching.value ? (results.data.value ?? []) : []));
  const isChecked = (trainee: Trainee) => trainee.checkedIn || marks.has(trainee.id) || queuedIds.value.has(trainee.id);
  const markOf = (trainee: Trainee) => (queuedIds.value.has(trainee.id) ? 'queued' : (marks.get(trainee.id) ?? (trainee.checkedIn ? 'already_checked_in' : null)));

  const last = ref<LastResult | null>(null);
  const failure = ref<string | null>(null);

  // ---- the window: 签到时间, and 补录 once it has closed -----------------------------------------------
  const checkInWindow = computed(() => context.session.value?.checkInWindow ?? null);
  /** Record late entries (after the window has closed): an explicit choice, never the default. */
  const late = ref(false);
  const lateAllowed = computed(() => checkInWindow.value?.state === 'closed' && checkInWindow.value.started);
  const sendLate = () => late.value && lateAllowed.value;

  const settle = (answer: CheckedIn) => {
    marks.set(answer.trainee.id, answer.status);
    last.value = { name: answer.trainee.name, status: answer.status, lateEntry: answer.lateEntry };
    if (answer.status === 'checked_in') counted();
  };

  const tap = useMutation({
    mutationFn: (request: { input: KnownCheckIn; clientKey: string }) => trpc.training.attendance.checkIn.mutate({ ...request.input, clientKey: request.clientKey }),
  });

  async function queueTap(trainee: Trainee, input: KnownCheckIn, key: string): Promise<void> {
    const label = [trainee.name, context.course.value?.title].filter(Boolean).join(' · ');
    await outbox.queue(CHECK_IN_KIND, input, { label, key });
    last.value = { name: trainee.name, status: 'queued', lateEntry: false };
  }

  /** Tap a trainee: ✓ at once, then the server's word ("checked in" or "already checked in"). */
  async function checkIn(trainee: Trainee): Promise<void> {
    if (marks.get(trainee.id) === 'pending' || queuedIds.value.has(trainee.id)) return;
    const before = marks.get(trainee.id);
    failure.value = null;
    // the key goes with the first try too: if its answer is lost, the outbox's resend is not a second write
    const input: KnownCheckIn = { sessionId: sessionId.value, traineeId: trainee.id, late: sendLate() };
    const clientKey = newClientKey();
    if (!navigator.onLine) return queueTap(trainee, input, clientKey);
    marks.set(trainee.id, 'pending');
    try {
      const result = await tap.mutateAsync({ input, clientKey });
      if (!checkedIn(result)) throw new Error(result.status); // a known trainee is never asked about
      settle(result);
    } catch (error) {
      if (before) marks.set(trainee.id, before);
      else marks.delete(trainee.id);
      if (isTransientFailure(error)) await queueTap(trainee, input, clientKey);
      else failure.value = errorMessage(error);
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

  /** Set when the mobile is registered under another name: the coordinator confirms or cancels. */
  const nameToConfirm = ref<NameToConfirm | null>(null);
  const register = useMutation({
    mutationFn: (request: { input: WalkIn; confirmName: boolean }) =>
      trpc.training.attendance.checkIn.mutate({ sessionId: sessionId.value, walkIn: request.input, confirmName: request.confirmName, late: sendLate() }),
    onSuccess: (result, request) => {
      if (!checkedIn(result)) {
        nameToConfirm.value = { maskedName: result.maskedName, input: request.input };
        return;
      }
      nameToConfirm.value = null;
      settle(result);
      Object.assign(walkIn, { name: '', mobile: '', idCard: '', tags: [] });
      walkInRef.value?.clearValidate();
    },
  });

  async function submitWalkIn(): Promise<void> {
    if (register.isPending.value) return;
    const valid = await walkInRef.value?.validate().catch(() => false);
    if (!valid) return;
    failure.value = null;
    nameToConfirm.value = null;
    register.mutate({
      input: {
        name: walkIn.name.trim(),
        mobile: walkIn.mobile.trim(),
        idCard: walkIn.idCard.trim() || null,
        villageCode: walkIn.villageCode || null,
        tags: [...walkIn.tags],
      },
      confirmName: false,
    });
  }

  /** The same person after all: check them in under their registered record. */
  function confirmName(): void {
    if (!nameToConfirm.value || register.isPending.value) return;
    register.mutate({ input: nameToConfirm.value.input, confirmName: true });
  }
  const cancelName = () => (nameToConfirm.value = null);

  const searchError = computed(() => (results.error.value ? errorMessage(results.error.value) : null));
  const walkInError = computed(() => (register.error.value ? errorMessage(register.error.value) : null));
  const contextError = computed(() => (context.error.value ? errorMessage(context.error.value) : null));

  return {
    t,
    course: context.course,
    session: context.session,
    courseId: context.courseId,
    checkInWindow,
    late,
    lateAllowed,
    nameToConfirm,
    confirmName,
    cancelName,
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
