/**
 * Messages for error codes, in the user's language. The server is the one source of these texts:
 * errors leave the API with `data.appCode`, `data.params` and a `message` already in the caller's
 * language (from the x-cuntong-lang header, else Accept-Language, zh-CN first).
 */
export const LANGS = ['zh-CN', 'en'] as const;
export type Lang = (typeof LANGS)[number];

const zhCN = {
  INTERNAL: '服务器出错了，请稍后再试。如果一直出现，请联系管理员。',
  BAD_INPUT: '输入有误：{detail}',
  UNAUTHENTICATED: '请先登录。',
  SESSION_EXPIRED: '登录已过期，请重新登录。',
  FORBIDDEN_ROLE: '您的角色无权进行此操作。',
  FORBIDDEN_SCOPE: '您无权访问该{kind}的数据。',
  CSRF_ORIGIN_MISMATCH: '请求来源不被允许。',
  AUTH_UNKNOWN_USER: '用户名不存在。',
  AUTH_WRONG_PASSWORD: '密码错误。连续输错 {limit} 次将锁定 {minutes} 分钟，还可尝试 {remaining} 次。',
  AUTH_USER_DISABLED: '该账号已被停用，请联系管理员。',
  AUTH_THROTTLED: '登录失败次数过多，请在 {minutes} 分钟后再试。',
  AUTH_CURRENT_PASSWORD_WRONG: '当前密码不正确。',
  AUTH_PASSWORD_TOO_WEAK: '密码至少 8 位，且须同时包含字母和数字。',
  AUTH_PASSWORD_SAME: '新密码不能与当前密码相同。',
  AUTH_PASSWORD_CHANGE_REQUIRED: '请先修改初始密码，再继续使用。',
  USER_LOGIN_TAKEN: '用户名“{loginName}”已被使用。',
  USER_NOT_FOUND: '用户不存在。',
  USER_CANNOT_DISABLE_SELF: '不能停用自己的账号。',
  USER_CANNOT_CHANGE_OWN_ROLE: '不能修改自己的角色，请由其他管理员操作。',
  USER_SCOPE_NOT_ALLOWED: '角色“{role}”不能分配{kind}范围。',
  USER_SCOPE_REGION_UNKNOWN: '行政区划代码 {code} 不存在。',
  REGION_NOT_FOUND: '行政区划 {code} 不存在。',
  REGION_PARENT_NOT_TOWN: '村只能添加在乡镇或街道之下，{code} 不是乡镇级区划。',
  REGION_VILLAGE_CODE_INVALID: '村级代码必须是所属乡镇代码 {townPrefix} 后加 3 位数字（001–999），收到 {code}。',
  REGION_CODE_TAKEN: '区划代码 {code} 已被“{name}”使用。',
  REGION_IMPORT_FILE_INVALID: '区划文件 {file} 第 {line} 行有误：{detail}',
  TARGET_METRIC_UNKNOWN: '未知的目标指标 {metricKey}。',
  JOB_PAYLOAD_INVALID: '任务 {job} 的参数无效：{detail}',
} as const;

export type MessageKey = keyof typeof zhCN;

const en: Record<MessageKey, string> = {
  INTERNAL: 'Something went wrong on the server. Please try again later; if it persists, contact the administrator.',
  BAD_INPUT: 'Invalid input: {detail}',
  UNAUTHENTICATED: 'Please log in first.',
  SESSION_EXPIRED: 'Your session has expired. Please log in again.',
  FORBIDDEN_ROLE: 'Your role may not do this.',
  FORBIDDEN_SCOPE: 'You may not access the data of this {kind}.',
  CSRF_ORIGIN_MISMATCH: 'Request origin not allowed.',
  AUTH_UNKNOWN_USER: 'No such user.',
  AUTH_WRONG_PASSWORD: 'Wrong password. After {limit} failures the account is locked for {minutes} minutes; {remaining} attempts left.',
  AUTH_USER_DISABLED: 'This account has been disabled. Please contact the administrator.',
  AUTH_THROTTLED: 'Too many failed logins. Please try again in {minutes} minutes.',
  AUTH_CURRENT_PASSWORD_WRONG: 'The current password is not correct.',
  AUTH_PASSWORD_TOO_WEAK: 'A password needs at least 8 characters, with both letters and digits.',
  AUTH_PASSWORD_SAME: 'The new password must differ from the current one.',
  AUTH_PASSWORD_CHANGE_REQUIRED: 'Please change your one-time password before going on.',
  USER_LOGIN_TAKEN: 'The login name "{loginName}" is already taken.',
  USER_NOT_FOUND: 'No such user.',
  USER_CANNOT_DISABLE_SELF: 'You cannot disable your own account.',
  USER_CANNOT_CHANGE_OWN_ROLE: 'You cannot change your own role; ask another administrator.',
  USER_SCOPE_NOT_ALLOWED: 'Role "{role}" cannot be given a {kind} scope.',
  USER_SCOPE_REGION_UNKNOWN: 'Region code {code} does not exist.',
  REGION_NOT_FOUND: 'Region {code} does not exist.',
  REGION_PARENT_NOT_TOWN: 'Villages can only be added under a town or subdistrict; {code} is not one.',
  REGION_VILLAGE_CODE_INVALID: 'A village code is its town code {townPrefix} followed by 3 digits (001–999); got {code}.',
  REGION_CODE_TAKEN: 'Region code {code} is already used by "{name}".',
  REGION_IMPORT_FILE_INVALID: 'Region file {file}, line {line}: {detail}',
  TARGET_METRIC_UNKNOWN: 'Unknown target metric {metricKey}.',
  JOB_PAYLOAD_INVALID: 'Invalid parameters for job {job}: {detail}',
};

/** Words used inside messages ({kind}, {role}), translated too. */
const words: Record<Lang, Record<string, string>> = {
  'zh-CN': {
    region: '区划', station: '站点', base: '直播基地',
    admin: '管理员', staff: '商务局工作人员', station_operator: '站点运营者',
    training_coordinator: '培训专员', livestream_manager: '直播基地负责人',
  },
  en: {
    region: 'region', station: 'station', base: 'livestream base',
    admin: 'administrator', staff: 'bureau staff', station_operator: 'station operator',
    training_coordinator: 'training coordinator', livestream_manager: 'livestream base manager',
  },
};

const catalog: Record<Lang, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };

export type MessageParams = Record<string, string | number>;

export function translate(lang: Lang, key: MessageKey, params: MessageParams = {}): string {
  const template = catalog[lang][key] ?? catalog['zh-CN'][key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) return `{${name}}`;
    return words[lang][String(value)] ?? String(value);
  });
}

/** Pick the language from an explicit header value, else an Accept-Language header; Chinese first. */
export function pickLang(explicit: string | null | undefined, acceptLanguage: string | null | undefined): Lang {
  if (explicit === 'en' || explicit === 'zh-CN') return explicit;
  if (acceptLanguage && /^\s*en\b/i.test(acceptLanguage)) return 'en';
  return 'zh-CN';
}
