import { defineMessages } from '../../i18n/define';

/** The targets module's error messages, in every language (collected through modules/index.ts). */
export const targetsMessages = defineMessages({
  'zh-CN': {
    TARGET_METRIC_UNKNOWN: '未知的目标指标 {metricKey}。',
    TARGET_VALUE_INVALID: '目标值 {value} 不适用于该指标：人次、人数与金额须为整数，比率须在 0 到 1 之间。',
    TARGET_LEVEL_INVALID: '该指标不能在这一层级（{level}）设定目标。',
    TARGET_TOWN_OUTSIDE_COUNTY: '{code} 不是本县的乡镇（街道），分解未保存。',
  },
  en: {
    TARGET_METRIC_UNKNOWN: 'Unknown target metric {metricKey}.',
    TARGET_VALUE_INVALID: 'The target {value} does not fit this indicator: person-times, hosts and amounts are whole numbers, a ratio lies between 0 and 1.',
    TARGET_LEVEL_INVALID: 'This indicator takes no target at this level ({level}).',
    TARGET_TOWN_OUTSIDE_COUNTY: '{code} is not a town of this county; the split was not saved.',
  },
});

declare module '../../i18n/messages' {
  interface ModuleMessageKeys extends Record<keyof (typeof targetsMessages)['zh-CN'], true> {}
}
