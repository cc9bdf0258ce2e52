import { defineMessages } from '../../i18n/define';

/** The regions module's error messages, in every language (collected through modules/index.ts). */
export const regionsMessages = defineMessages({
  'zh-CN': {
    REGION_NOT_FOUND: '行政区划 {code} 不存在。',
    REGION_PARENT_NOT_TOWN: '村只能添加在乡镇或街道之下，{code} 不是乡镇级区划。',
    REGION_VILLAGE_CODE_INVALID: '村级代码必须是所属乡镇代码 {townPrefix} 后加 3 位数字（001–999），收到 {code}。',
    REGION_CODE_TAKEN: '区划代码 {code} 已被“{name}”使用。',
    REGION_IMPORT_FILE_INVALID: '区划文件 {file} 第 {line} 行有误：{detail}',
  },
  en: {
    REGION_NOT_FOUND: 'Region {code} does not exist.',
    REGION_PARENT_NOT_TOWN: 'Villages can only be added under a town or subdistrict; {code} is not one.',
    REGION_VILLAGE_CODE_INVALID: 'A village code is its town code {townPrefix} followed by 3 digits (001–999); got {code}.',
    REGION_CODE_TAKEN: 'Region code {code} is already used by "{name}".',
    REGION_IMPORT_FILE_INVALID: 'Region file {file}, line {line}: {detail}',
  },
});

declare module '../../i18n/messages' {
  interface ModuleMessageKeys extends Record<keyof (typeof regionsMessages)['zh-CN'], true> {}
}
