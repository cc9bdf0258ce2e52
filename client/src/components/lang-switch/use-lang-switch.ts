import { useI18n } from 'vue-i18n';
import { errorMessage } from '@/api/errors';
import { isLang, LANGS, setLang } from '@/i18n';
import { toast } from '@/utils/toast';

/** 中文 / English: switches vue-i18n and Element Plus, and is remembered in localStorage. */
export function useLangSwitch() {
  const { t, locale } = useI18n();

  function change(value: unknown): void {
    if (isLang(value)) setLang(value).catch((error: unknown) => toast('error', errorMessage(error)));
  }

  return { t, lang: locale, langs: LANGS, change };
}
