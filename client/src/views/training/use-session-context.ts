import { useQuery } from '@tanstack/vue-query';
import { computed } from 'vue';
import { useRoute } from 'vue-router';
import { trpc } from '@/api/trpc';
import { TRAINING_COURSE_KEY, TRAINING_SESSIONS_KEY } from './training-labels';

/**
 * The session a check-in or QR screen is for (`/training/sessions/:id/…`): its times and attendance
 * so far, polled, and its course. The session id alone is enough, so a link sent to a colleague's
 * phone or a bookmarked projector screen opens complete.
 */
export function useSessionContext(options: { pollMs?: number } = {}) {
  const route = useRoute();
  const sessionId = computed(() => Number(route.params.id));

  const live = useQuery({
    queryKey: computed(() => [TRAINING_SESSIONS_KEY, 'one', sessionId.value]),
    // When it was asked: check-ins confirmed later may not be in its count yet.
    queryFn: async () => {
      const askedAt = Date.now();
      return { askedAt, session: await trpc.training.sessions.get.query({ id: sessionId.value }) };
    },
    enabled: computed(() => Number.isInteger(sessionId.value) && sessionId.value > 0),
    staleTime: 0,
    refetchInterval: options.pollMs,
    refetchIntervalInBackground: true,
  });
  const session = computed(() => live.data.value?.session ?? null);
  const courseId = computed(() => session.value?.courseId ?? null);
  const course = useQuery({
    queryKey: computed(() => [TRAINING_COURSE_KEY, courseId.value]),
    queryFn: () => trpc.training.courses.get.query({ id: courseId.value! }),
    enabled: computed(() => courseId.value !== null),
  });

  return {
    sessionId,
    courseId,
    course: computed(() => course.data.value ?? null),
    session,
    /** The count the server has, or null before it answers. */
    serverCount: computed(() => session.value?.attendance ?? null),
    /** When the server's count was asked for (0 before). */
    countAskedAt: computed(() => live.data.value?.askedAt ?? 0),
    error: computed(() => live.error.value ?? course.error.value ?? null),
  };
}
