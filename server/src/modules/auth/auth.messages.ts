import { defineMessages } from '../../i18n/define';

/** The auth module's error messages, in every language (collected through modules/index.ts). */
export const authMessages = defineMessages({
  'zh-CN': {
    AUTH_BAD_CREDENTIALS: '用户名或密码错误。再错 {remaining} 次后，每次重试前须等待一段时间。',
    AUTH_USER_DISABLED: '该账号已被停用，请联系管理员。',
    AUTH_THROTTLED: '密码错误次数过多，请在 {minutes} 分钟后再试。',
    AUTH_CURRENT_PASSWORD_WRONG: '当前密码不正确。',
    AUTH_PASSWORD_TOO_WEAK: '密码至少 {min} 位，且须包含字母、数字、符号中的至少两种。',
    AUTH_PASSWORD_TOO_COMMON: '这是常见密码（或常见密码加上数字、符号），很容易被猜中，请换一个。',
    AUTH_PASSWORD_CONTAINS_LOGIN: '密码不能包含用户名。',
    AUTH_PASSWORD_SAME: '新密码不能与当前密码相同。',
    AUTH_PASSWORD_CHANGE_REQUIRED: '请先修改初始密码，再继续使用。',
    USER_LOGIN_TAKEN: '用户名“{loginName}”已被使用。',
    USER_NOT_FOUND: '用户不存在。',
    USER_CANNOT_DISABLE_SELF: '不能停用自己的账号。',
    USER_CANNOT_CHANGE_OWN_ROLE: '不能修改自己的角色，请由其他管理员操作。',
    USER_SCOPE_NOT_ALLOWED: '角色“{role}”不能分配{kind}范围。',
    USER_SCOPE_REGION_UNKNOWN: '行政区划代码 {code} 不存在。',
  },
  en: {
    AUTH_BAD_CREDENTIALS: 'Wrong login name or password. After {remaining} more failures you will have to wait before each new try.',
    AUTH_USER_DISABLED: 'This account has been disabled. Please contact the administrator.',
    AUTH_THROTTLED: 'Too many wrong passwords. Please try again in {minutes} min.',
    AUTH_CURRENT_PASSWORD_WRONG: 'The current password is not correct.',
    AUTH_PASSWORD_TOO_WEAK: 'A password needs at least {min} characters, using at least two of letters, digits and symbols.',
    AUTH_PASSWORD_TOO_COMMON: 'This is a common password (or one with digits or symbols added) and easy to guess: please choose another.',
    AUTH_PASSWORD_CONTAINS_LOGIN: 'A password must not contain the login name.',
    AUTH_PASSWORD_SAME: 'The new password must differ from the current one.',
    AUTH_PASSWORD_CHANGE_REQUIRED: 'Please change your one-time password before going on.',
    USER_LOGIN_TAKEN: 'The login name "{loginName}" is already taken.',
    USER_NOT_FOUND: 'No such user.',
    USER_CANNOT_DISABLE_SELF: 'You cannot disable your own account.',
    USER_CANNOT_CHANGE_OWN_ROLE: 'You cannot change your own role; ask another administrator.',
    USER_SCOPE_NOT_ALLOWED: 'Role "{role}" cannot be given a {kind} scope.',
    USER_SCOPE_REGION_UNKNOWN: 'Region code {code} does not exist.',
  },
});

declare module '../../i18n/messages' {
  interface ModuleMessageKeys extends Record<keyof (typeof authMessages)['zh-CN'], true> {}
}
