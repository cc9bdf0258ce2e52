import { nextTick, onBeforeUnmount, onMounted, ref, watch } from 'vue';

/** Below this width a list shows its rows as cards. */
export const CARDS_QUERY = '(max-width: 639.98px)';

/**
 * The list page's one mechanism for phones: below 640 px the table's rows become cards (CSS in
 * list-page.vue), and every body cell carries its column's header text as `data-label`, copied
 * from the header cell with the same column class, so any column (slots included) labels itself.
 */
export function usePhoneCards(rows: () => unknown) {
  const tableRoot = ref<HTMLElement | null>(null);
  const media = window.matchMedia(CARDS_QUERY);
  const cards = ref(media.matches);
  const onChange = (event: MediaQueryListEvent) => {
    cards.value = event.matches;
  };

  function label() {
    const root = tableRoot.value;
    if (!root) return;
    const labels = new Map<string, string>();
    for (const th of root.querySelectorAll<HTMLElement>('.el-table__header-wrapper th')) {
      const column = [...th.classList].find((c) => /_column_\d+$/.test(c));
      if (column) labels.set(column, th.textContent?.trim() ?? '');
    }
    for (const td of root.querySelectorAll<HTMLElement>('.el-table__body td')) {
      const column = [...td.classList].find((c) => /_column_\d+$/.test(c));
      const text = column ? labels.get(column) : undefined;
      if (text !== undefined && td.dataset.label !== text) td.dataset.label = text;
    }
  }

  // Rows are re-rendered by el-table after data changes; label them after the DOM settles.
  const observer = new MutationObserver(() => label());
  onMounted(() => media.addEventListener('change', onChange));
  // The table may mount later (another view of the list was shown first).
  watch(tableRoot, (root) => {
    observer.disconnect();
    if (root) observer.observe(root, { childList: true, subtree: true });
    label();
  });
  watch([rows, cards], () => void nextTick(label));
  onBeforeUnmount(() => {
    media.removeEventListener('change', onChange);
    observer.disconnect();
  });

  return { tableRoot, cards };
}
