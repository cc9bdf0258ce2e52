import { useMutation, useQuery, useQueryClient } from '@tanstack/vue-query';
import { shanghaiToday } from '@/utils/shanghai-time';
import type { FormInstance, FormRules } from 'element-plus';
import { computed, reactive, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { useRoute, useRouter } from 'vue-router';
import { errorMessage } from '@/api/errors';
import { trpc } from '@/api/trpc';
import { toast } from '@/utils/toast';
import { TRAINING_COURSE_KEY, TRAINING_COURSES_KEY, TRAINING_SESSIONS_KEY, useTrainingLabels, type Course, type Session } from './training-labels';

/** One course: its facts, the completion rule in force, and its sessions with their attendance. */
export function useCourseDetail() {
  const { t } = useI18n();
  const route = useRoute();
  const router = useRouter();
  const queryClient = useQueryClient();
  const labels = useTrainingLabels();

  const id = computed(() => Number(route.params.id));
  const enabled = computed(() => Number.isInteger(id.value));
  const detail = useQuery({
    queryKey: computed(() => [TRAINING_COURSE_KEY, id.value]),
    queryFn: () => trpc.training.courses.get.query({ id: id.value }),
    enabled,
  });
  const sessions = useQuery({
    queryKey: computed(() => [TRAINING_SESSIONS_KEY, id.value]),
    queryFn: () => trpc.training.sessions.list.query({ courseId: id.value }),
    enabled,
    staleTime: 0,
  });

  const course = computed(() => detail.data.value ?? null);
  const error = computed(() => {
    const failed = detail.error.value ?? sessions.error.value;
    return failed ? errorMessage(failed) : null;
  });
  const trainersText = computed(() => course.value?.trainers.join('、') || '—');
  const datesText = computed(() => {
    const c = course.value;
    if (!c?.plannedStart) return '—';
    return c.plannedEnd && c.plannedEnd !== c.plannedStart ? `${c.plannedStart} – ${c.plannedEnd}` : c.plannedStart;
  });

  const openCheckIn = (session: Session) => router.push({ name: 'training-check-in', params: { id: session.id } });
  const openQr = (session: Session) => router.push({ name: 'training-qr', params: { id: session.id } });

  // ---- add a session --------------------------------------------------------------------------------
  const dialogs = reactive({ session: false, edit: false });

  async function onUpdated(updated: Course) {
    toast('success', t('training.done.updated', { title: updated.title }));
    queryClient.setQueryData([TRAINING_COURSE_KEY, updated.id], updated);
    await queryClient.invalidateQueries({ queryKey: [TRAINING_COURSES_KEY] });
  }
  const sessionFormRef = ref<FormInstance>();
  const sessionForm = reactive({ date: shanghaiToday(), startsAt: '09:00', endsAt: '17:00', venue: '' });
  const sessionRules = computed<FormRules<typeof sessionForm>>(() => ({
    date: [{ required: true, message: t('training.session.dateRequired'), trigger: 'change' }],
    startsAt: [{ required: true, message: t('training.session.timeRequired'), trigger: 'change' }],
    endsAt: [
      { required: true, message: t('training.session.timeRequired'), trigger: 'change' },
      {
        validator: (_rule, value: string, callback) =>
          callback(value && sessionForm.startsAt && value <= sessionForm.startsAt ? new Error(t('training.session.endBeforeStart')) : undefined),
        trigger: 'change',
      },
    ],
  }));
  function openAddSession() {
    Object.assign(sessionForm, { date: shanghaiToday(), startsAt: '09:00', endsAt: '17:00', venue: course.value?.venue ?? '' });
    addSession.reset();
    dialogs.session = true;
  }
  const addSession = useMutation({
    mutationFn: () =>
      trpc.training.sessions.add.mutate({
        courseId: id.value,
        date: sessionForm.date,
        startsAt: sessionForm.startsAt,
        endsAt: sessionForm.endsAt,
        venue: sessionForm.venue.trim() || null,
      }),
    onSuccess: async (session) => {
      dialogs.session = false;
      toast('success', t('training.session.added', { date: session.date }));
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: [TRAINING_SESSIONS_KEY, id.value] }),
        queryClient.invalidateQueries({ queryKey: [TRAINING_COURSE_KEY, id.value] }),
        queryClient.invalidateQueries({ queryKey: [TRAINING_COURSES_KEY] }),
      ]);
    },
  });
  async function submitSession(): Promise<void> {
    if (addSession.isPending.value) return;
    const valid = await sessionFormRef.value?.validate().catch(() => false);
    if (valid) addSession.mutate();
  }

  return {
    t,
    ...labels,
    id,
    course,
    sessions: computed(() => sessions.data.value ?? []),
    loading: computed(() => detail.isFetching.value),
    sessionsLoading: computed(() => sessions.isFetching.value),
    error,
    trainersText,
    datesText,
    openCheckIn,
    openQr,
    dialogs,
    onUpdated,
    openAddSession,
    sessionFormRef,
    sessionForm,
    sessionRules,
    submitSession,
    addingSession: addSession.isPending,
    sessionError: computed(() => (addSession.error.value ? errorMessage(addSession.error.value) : null)),
    /** Today in Shanghai: the session on today is marked, the one the coordinator is here for. */
    today: shanghaiToday(),
  };
}
