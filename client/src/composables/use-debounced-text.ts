import { onBeforeUnmount, ref, watch } from 'vue';

/**
 * A text box whose value is applied a moment after the last keystroke, so typing does not send a
 * request per letter. `flush()` applies it at once (Enter, the clear button).
 */
export function useDebouncedText(apply: (text: string) => void, delayMs = 300) {
  const text = ref('');
  let timer: ReturnType<typeof setTimeout> | undefined;

  function flush(): void {
    clearTimeout(timer);
    apply(text.value.trim());
  }

  watch(text, () => {
    clearTimeout(timer);
    timer = setTimeout(flush, delayMs);
  });
  onBeforeUnmount(() => clearTimeout(timer));

  return { text, flush };
}
