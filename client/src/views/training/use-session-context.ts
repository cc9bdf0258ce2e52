import { useQuery } from '@tanstack/vue-query';
import { computed } from 'vue';
import { useRoute } from 'vue-router';
import { trpc } from '@/api/trpc';
import { TRAINING_COURSE_KEY, TRAINING_SESSIONS_KEY } from './training-labels';

/**
 * The session a check-in or QR screen is for (`/training/sessions/:id/…?course=<courseId>`): its
 * course, its times and its attendance so far. The course comes in the query, as the course page
 * links here; without it the screen still works, without title and server count.
 */
export function useSessionContext(options: { pollMs?: number } = {}) {
  const route = useRoute();
  const sessionId = computed(() => Number(route.params.id));
  const courseId = computed(() => {
    const value = Number(route.query.course);
    return Number.isInteger(value) && value > 0 ? value : null;
  });

  const course = useQuery({
    queryKey: computed(() => [TRAINING_COURSE_KEY, courseId.value]),
    queryFn: () => trpc.training.courses.get.query({ id: courseId.value! }),
    enabled: computed(() => courseId.value !== null),
  });
  const sessions = useQuery({
    queryKey: computed(() => [TRAINING_SESSIONS_KEY, courseId.value, 'live']),
    // When it was asked: check-ins confirmed later may not be in its counts yet.
    queryFn: async () => {
      const askedAt = Date.now();
      return { askedAt, sessions: await trpc.training.sessions.list.query({ courseId: courseId.value! }) };
    },
    enabled: computed(() => courseId.value !== null),
    staleTime: 0,
    refetchInterval: options.pollMs,
    refetchIntervalInBackground: true,
  });
  const session = computed(() => sessions.data.value?.sessions.find((s) => s.id === sessionId.value) ?? null);

  return {
    sessionId,
    courseId,
    course: computed(() => course.data.value ?? null),
    session,
    /** The count the server has, or null before it answers (or without a course). */
    serverCount: computed(() => session.value?.attendance ?? null),
    /** When the server's count was asked for (0 before). */
    countAskedAt: computed(() => sessions.data.value?.askedAt ?? 0),
    error: computed(() => course.error.value ?? sessions.error.value ?? null),
  };
}
