import { useQuery } from '@tanstack/vue-query';
import QRCode from 'qrcode';
import { computed, onBeforeUnmount, ref, watch } from 'vue';
import { useI18n } from 'vue-i18n';
import { errorMessage } from '@/api/errors';
import { trpc } from '@/api/trpc';
import { useSessionContext } from './use-session-context';

/** The count on the projector follows the hall every few seconds. */
const COUNT_POLL_MS = 5_000;
/** If the token cannot be fetched, ask again this soon. */
const RETRY_MS = 5_000;

/**
 * The projector screen: a QR code of the public check-in page with the session's current token
 * (asked again when the server says it turns), the attendance so far, and the check-in window —
 * with a clear warning while it is not open yet or has closed (a scan is refused then).
 */
export function useQrScreen() {
  const { t } = useI18n();
  const context = useSessionContext({ pollMs: COUNT_POLL_MS });

  const token = useQuery({
    queryKey: computed(() => ['training.qr.token', context.sessionId.value]),
    queryFn: () => trpc.training.qr.token.query({ sessionId: context.sessionId.value }),
    staleTime: 0,
    gcTime: 0,
    refetchInterval: (query) => (query.state.error ? RETRY_MS : (query.state.data?.refreshInMs ?? RETRY_MS)),
    refetchIntervalInBackground: true,
  });

  const url = computed(() => (token.data.value ? `${location.origin}/checkin?t=${encodeURIComponent(token.data.value.token)}` : null));

  const canvas = ref<HTMLCanvasElement>();
  const drawError = ref<string | null>(null);
  watch(
    [url, canvas],
    async ([text, el]) => {
      if (!text || !el) return;
      try {
        await QRCode.toCanvas(el, text, { errorCorrectionLevel: 'M', margin: 2, width: 720 });
        drawError.value = null;
      } catch {
        drawError.value = t('training.qr.drawFailed');
      }
    },
    { immediate: true },
  );

  // Full screen on the projector: the page itself, without the app's menu.
  const stage = ref<HTMLElement>();
  const fullscreen = ref(false);
  const onFullscreenChange = () => (fullscreen.value = document.fullscreenElement !== null);
  document.addEventListener('fullscreenchange', onFullscreenChange);
  onBeforeUnmount(() => document.removeEventListener('fullscreenchange', onFullscreenChange));
  async function toggleFullscreen() {
    if (document.fullscreenElement) await document.exitFullscreen().catch(() => {});
    else await stage.value?.requestFullscreen().catch(() => {});
  }

  const error = computed(() => {
    const failed = token.error.value ?? context.error.value;
    return failed ? errorMessage(failed) : drawError.value;
  });

  return {
    t,
    course: context.course,
    session: context.session,
    courseId: context.courseId,
    checkInWindow: computed(() => context.session.value?.checkInWindow ?? null),
    count: computed(() => context.serverCount.value ?? 0),
    url,
    canvas,
    error,
    stage,
    fullscreen,
    toggleFullscreen,
  };
}
