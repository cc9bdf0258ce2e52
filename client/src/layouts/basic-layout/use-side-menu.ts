import { storeToRefs } from 'pinia';
import { computed, ref, watch } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import { menuFor, menuPages } from '@/router';
import { useAuthStore } from '@/stores/use-auth-store';
import { useNarrowScreen } from './use-narrow-screen';

/** The sidebar: the pages the user's role may open, the active one, and the phone drawer. */
export function useSideMenu() {
  const route = useRoute();
  const router = useRouter();
  const { role } = storeToRefs(useAuthStore());

  const entries = computed(() => (role.value ? menuFor(role.value) : []));

  // A detail page keeps its list's entry lit: the nearest matched route that is in the menu.
  const active = computed(() => {
    const pages = new Set(menuPages(entries.value).map((entry) => entry.key));
    const hit = [...route.matched].reverse().find((record) => typeof record.name === 'string' && pages.has(record.name));
    return typeof hit?.name === 'string' ? hit.name : '';
  });

  const narrow = useNarrowScreen();
  const drawerOpen = ref(false);
  // The drawer closes on navigation, and when the window grows past the breakpoint.
  watch(() => route.fullPath, () => (drawerOpen.value = false));
  watch(narrow, (isNarrow) => {
    if (!isNarrow) drawerOpen.value = false;
  });

  function open(routeName: string): void {
    drawerOpen.value = false;
    if (routeName !== route.name) void router.push({ name: routeName });
  }

  return { entries, active, narrow, drawerOpen, open };
}
