import { nextTick } from 'vue';
import { createI18n } from 'vue-i18n';

export const LANGS = ['zh-CN', 'en'] as const;
export type Lang = (typeof LANGS)[number];
export const DEFAULT_LANG: Lang = 'zh-CN';
const STORAGE_KEY = 'cuntong.lang';

/** A namespace file's content: nested keys down to message strings. */
interface Messages {
  [key: string]: string | Messages;
}

// One JSON per namespace per language: locales/<lang>/<namespace>.json, keys "<namespace>.<key>".
// Chinese is the default and the fallback, so it ships with the first page; other languages are
// fetched when chosen. The English files keep the same keys as the Chinese ones.
const bundled = import.meta.glob<Messages>('../locales/zh-CN/*.json', { eager: true, import: 'default' });
const lazy = import.meta.glob<Messages>(['../locales/*/*.json', '!../locales/zh-CN/*.json'], { import: 'default' });

function namespaceOf(file: string): string {
  return file.slice(file.lastIndexOf('/') + 1, -'.json'.length);
}

function collect(files: Record<string, Messages>): Messages {
  return Object.fromEntries(Object.entries(files).map(([file, messages]) => [namespaceOf(file), messages]));
}

export const i18n = createI18n({
  legacy: false,
  locale: DEFAULT_LANG as Lang,
  fallbackLocale: DEFAULT_LANG,
  messages: { [DEFAULT_LANG]: collect(bundled) } as Partial<Record<Lang, Messages>>,
});

export function isLang(value: unknown): value is Lang {
  return LANGS.includes(value as Lang);
}

/** The UI language now; the API client sends it with every request. */
export function currentLang(): Lang {
  return i18n.global.locale.value;
}

async function loadMessages(lang: Lang): Promise<void> {
  if (i18n.global.availableLocales.includes(lang)) return;
  const prefix = `../locales/${lang}/`;
  const entries = await Promise.all(
    Object.entries(lazy)
      .filter(([file]) => file.startsWith(prefix))
      .map(async ([file, load]) => [file, await load()] as const),
  );
  i18n.global.setLocaleMessage(lang, collect(Object.fromEntries(entries)));
}

/** Switch the UI language (loading its messages first) and remember the choice on this device. */
export async function setLang(lang: Lang): Promise<void> {
  await loadMessages(lang);
  i18n.global.locale.value = lang;
  document.documentElement.lang = lang;
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Private mode or storage disabled: the choice lasts for this visit only.
  }
  await nextTick();
}

/** The language chosen earlier on this device, else Chinese. */
export function savedLang(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (isLang(saved)) return saved;
  } catch {
    // ignore: fall back to the default
  }
  return DEFAULT_LANG;
}
