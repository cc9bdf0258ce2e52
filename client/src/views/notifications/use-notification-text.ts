import { useI18n } from 'vue-i18n';

/** A notification's or to-do item's sentence, from its kind and parameters (an indicator key is named in the user's language). */
export function useNotificationText() {
  const { t } = useI18n();
  return (kind: string, params: Record<string, string | number>) =>
    t(`notifications.kinds.${kind}`, { ...params, indicator: params.indicator ? t(`indicators.names.${params.indicator}`) : '' });
}
