import { defineMessages } from '../../i18n/define';

/** The targets module's error messages, in every language (collected through modules/index.ts). */
export const targetsMessages = defineMessages({
  'zh-CN': {
    TARGET_METRIC_UNKNOWN: '未知的目标指标 {metricKey}。',
  },
  en: {
    TARGET_METRIC_UNKNOWN: 'Unknown target metric {metricKey}.',
  },
});

declare module '../../i18n/messages' {
  interface ModuleMessageKeys extends Record<keyof (typeof targetsMessages)['zh-CN'], true> {}
}
