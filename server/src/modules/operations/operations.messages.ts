import { defineMessages } from '../../i18n/define';

export const operationsMessages = defineMessages({
  'zh-CN': {
    JOB_NOT_RETRYABLE: '任务 {id} 不是失败状态或已不存在，无法重试。',
  },
  en: {
    JOB_NOT_RETRYABLE: 'Job {id} has not failed or no longer exists; it cannot be retried.',
  },
});

declare module '../../i18n/messages' {
  interface ModuleMessageKeys extends Record<keyof (typeof operationsMessages)['zh-CN'], true> {}
}
