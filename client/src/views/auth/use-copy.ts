import { ref } from 'vue';

/**
 * Copy text to the clipboard. The Clipboard API needs a secure context (https or localhost); on a
 * plain-http intranet address the older selection copy is tried. Resolves false when neither works.
 */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    } finally {
      area.remove();
    }
  }
}

/** A copy action with a short-lived "copied" state for the button. */
export function useCopy() {
  const copied = ref<string | null>(null);
  let timer: ReturnType<typeof setTimeout> | undefined;

  async function copy(key: string, text: string): Promise<boolean> {
    const ok = await copyText(text);
    clearTimeout(timer);
    copied.value = ok ? key : null;
    if (ok) timer = setTimeout(() => (copied.value = null), 2000);
    return ok;
  }

  return { copied, copy };
}
