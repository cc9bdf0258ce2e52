import { onBeforeUnmount, ref } from 'vue';

/** Below this width the sidebar is a drawer behind a menu button, and pages use their phone layout. */
const NARROW_QUERY = '(max-width: 767.98px)';

/** True while the window is narrower than the breakpoint; follows resizes and rotation. */
export function useNarrowScreen() {
  const media = window.matchMedia(NARROW_QUERY);
  const narrow = ref(media.matches);
  const update = (event: MediaQueryListEvent) => {
    narrow.value = event.matches;
  };
  media.addEventListener('change', update);
  onBeforeUnmount(() => media.removeEventListener('change', update));
  return narrow;
}
