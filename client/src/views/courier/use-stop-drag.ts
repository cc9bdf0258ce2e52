import Sortable from 'sortablejs';
import { onBeforeUnmount, watch, type Ref } from 'vue';

/**
 * Drag to reorder a list that Vue renders (SortableJS: mouse and touch, with a handle so a finger can
 * still scroll the page). Sortable moves the DOM node itself; the node is put back at once and the
 * move is told to the page, so Vue's v-for stays the only thing that orders the list.
 */
export function useStopDrag(list: Ref<HTMLElement | undefined>, options: { enabled: () => boolean; move: (from: number, to: number) => void }) {
  let sortable: Sortable | null = null;
  /** Where the dragged node sat (Vue's fragment anchors included), to put it back exactly there. */
  let nextSibling: Node | null = null;

  const stop = () => {
    sortable?.destroy();
    sortable = null;
  };
  watch(
    [list, options.enabled],
    ([el, enabled]) => {
      stop();
      if (!el || !enabled) return;
      sortable = Sortable.create(el, {
        handle: '[data-drag-handle]',
        draggable: '[data-draggable]',
        animation: 150,
        // one way of dragging for mouse, pen and finger alike (no native drag image); the moving copy
        // lives on <body>, outside the list Vue renders
        forceFallback: true,
        fallbackOnBody: true,
        ghostClass: 'is-drag-ghost',
        onStart: ({ item }) => {
          nextSibling = item.nextSibling;
        },
        onEnd: ({ item, from, oldDraggableIndex, newDraggableIndex }) => {
          if (oldDraggableIndex === undefined || newDraggableIndex === undefined || oldDraggableIndex === newDraggableIndex) return;
          from.insertBefore(item, nextSibling);
          options.move(oldDraggableIndex, newDraggableIndex);
        },
      });
    },
    { immediate: true, flush: 'post' },
  );
  onBeforeUnmount(stop);
}
