import { defineMessages } from '../../i18n/define';

export const reportsMessages = defineMessages({
  'zh-CN': {
    REPORT_MONTH_NOT_OVER: '{period} 尚未结束，月份结束后才能关闭并发布通报。',
    REPORT_MONTH_CLOSED: '{period} 已关闭，通报已冻结；如需更新请使用“重新计算”生成新版本，或先重新开放该月。',
    REPORT_MONTH_NOT_CLOSED: '{period} 尚未关闭。',
    REPORT_VERSION_NOT_FOUND: '{period} 没有第 {version} 版通报。',
  },
  en: {
    REPORT_MONTH_NOT_OVER: '{period} has not ended yet; a month is closed and its report issued once it is over.',
    REPORT_MONTH_CLOSED: '{period} is closed and its report frozen; recompute it to issue a new version, or reopen the month first.',
    REPORT_MONTH_NOT_CLOSED: '{period} is not closed.',
    REPORT_VERSION_NOT_FOUND: '{period} has no report version {version}.',
  },
});

declare module '../../i18n/messages' {
  interface ModuleMessageKeys extends Record<keyof (typeof reportsMessages)['zh-CN'], true> {}
}
