import { defineMessages } from '../../i18n/define';

export const displayMessages = defineMessages({
  'zh-CN': {
    DISPLAY_LINK_INVALID: '大屏链接无效，请向管理员索取新的链接。',
    DISPLAY_LINK_REVOKED: '该大屏链接已被管理员停用。',
    DISPLAY_LINK_NOT_ACTIVE: '大屏链接 {id} 不存在或已停用。',
  },
  en: {
    DISPLAY_LINK_INVALID: 'This display link is not valid; ask the administrator for a new one.',
    DISPLAY_LINK_REVOKED: 'The administrator has revoked this display link.',
    DISPLAY_LINK_NOT_ACTIVE: 'Display link {id} does not exist or is already revoked.',
  },
});

declare module '../../i18n/messages' {
  interface ModuleMessageKeys extends Record<keyof (typeof displayMessages)['zh-CN'], true> {}
}
