import { defineMessages } from '../../i18n/define';

export const notificationsMessages = defineMessages({
  'zh-CN': {
    NOTIFICATION_RULE_TOO_EARLY: '新的提醒阈值不能早于现行版本的生效日（{current}）。',
  },
  en: {
    NOTIFICATION_RULE_TOO_EARLY: 'New thresholds cannot take effect before the version in force ({current}).',
  },
});

declare module '../../i18n/messages' {
  interface ModuleMessageKeys extends Record<keyof (typeof notificationsMessages)['zh-CN'], true> {}
}
