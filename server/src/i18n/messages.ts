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
  STATION_NOT_FOUND: '站点不存在。',
  STATION_CODE_TAKEN: '站点编码“{code}”已被使用。',
  STATION_REGION_LEVEL_MISMATCH: '{tier}必须设在{level}级区划上，{regionCode} 不是。',
  STATION_PARENT_TIER_MISMATCH: '{tier}的上级必须是{parentTier}。',
  STATION_PARENT_REGION_MISMATCH: '上级站点不在该站点所属的上级区划内：{tier}的上级须是本{parentLevel}的{parentTier}。',
  STATION_HAS_CHILDREN: '该站点下还有下级站点，不能改变其层级或所属区划。',
  STATION_DUPLICATE_ACTIVE_POINT: '“{village}”已有运营中的村级服务点 {existing}；如确需第二个，请管理员填写原因后再启用。',
  STATION_OVERRIDE_ADMIN_ONLY: '只有管理员可以允许同一村有第二个运营中的服务点。',
  STATION_STATUS_TRANSITION_INVALID: '站点状态不能从“{from}”改为“{to}”。',
  STATION_STATUS_REASON_REQUIRED: '将站点改为“{to}”时须填写原因。',
  STATION_VERSION_CONFLICT: '该站点已被他人修改，请刷新后再试。',
  STATION_COORDINATES_INVALID: '坐标须在中国境内（纬度 3.8–53.6，经度 73.4–135.1），且经纬度须同时填写。',
  LEDGER_DATE_IN_FUTURE: '不能填写未来日期（{date}）的台账。',
  LEDGER_LOCKED: '{date} 的台账已超过 {days} 天，站点只能修改最近 {days} 天的台账；如需更正请联系商务局。',
  LEDGER_STATION_NOT_ACTIVE: '站点当前不在运营中（{status}），不能填写台账。',
  LEDGER_VERSION_CONFLICT: '这一天的台账已被他人修改（当前版本 {current}），请查看最新数据后再保存。',
  IMPORT_INVALID: '导入文件有 {count} 行错误（第 {rows} 行），未导入任何数据。',
  IMPORT_FILE_UNREADABLE: '无法读取该文件：{detail}',
  IMPORT_MAPPING_INCOMPLETE: '请为以下字段指定对应的列：{fields}',
  IMPORT_CELL_INVALID: '“{column}”的值“{value}”无效。',
  IMPORT_STATION_UNKNOWN: '找不到站点“{value}”。',
  IMPORT_DUPLICATE_DAY: '{date} 在第 {row} 行已出现过。',
  COURSE_NOT_FOUND: '培训班不存在。',
  COURSE_REGION_INVALID: '培训班须属于一个乡镇或本县，{regionCode} 不是。',
  COURSE_DATES_INVALID: '计划结束日期不能早于开始日期。',
  COURSE_VERSION_CONFLICT: '该培训班已被他人修改，请刷新后再试。',
  COURSE_CANCELLED: '该培训班已取消，不能再安排课次或签到。',
  SESSION_NOT_FOUND: '课次不存在。',
  SESSION_TIMES_INVALID: '课次的结束时间须晚于开始时间。',
  TRAINEE_NOT_FOUND: '学员不存在。',
  TRAINEE_NAME_INVALID: '请填写学员姓名（不超过 50 字）。',
  TRAINEE_MOBILE_INVALID: '手机号“{value}”不是有效的大陆手机号。',
  TRAINEE_ID_CARD_FORMAT: '身份证号码应为 18 位：17 位数字加 1 位数字或 X。',
  TRAINEE_ID_CARD_BIRTH_DATE: '身份证号码中的出生日期不存在或晚于今天。',
  TRAINEE_ID_CARD_CHECKSUM: '身份证号码校验位不对，请逐位核对。',
  TRAINEE_ID_CARD_TAKEN: '该身份证号码已登记在另一位学员名下，请核对手机号或合并学员。',
  TRAINEE_VILLAGE_INVALID: '所在村 {code} 不是村级区划。',
  OUTCOME_DATE_IN_FUTURE: '转化成果的日期 {date} 还没到。',
  QR_TOKEN_INVALID: '二维码无效，请扫描现场屏幕上的签到二维码。',
  QR_TOKEN_EXPIRED: '二维码已过期，请重新扫描屏幕上的最新二维码。',
  QR_OUTSIDE_WINDOW: '不在签到时间内：本课次为 {date} {from}–{to}。',
  QR_RATE_LIMITED: '签到尝试过于频繁，请 {minutes} 分钟后再试，或请工作人员帮您签到。',
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
  STATION_NOT_FOUND: 'No such station.',
  STATION_CODE_TAKEN: 'Station code "{code}" is already used.',
  STATION_REGION_LEVEL_MISMATCH: 'A {tier} must sit on a {level}-level region; {regionCode} is not one.',
  STATION_PARENT_TIER_MISMATCH: 'The parent of a {tier} must be a {parentTier}.',
  STATION_PARENT_REGION_MISMATCH: 'The parent station is outside this station\'s region: a {tier}\'s parent must be the {parentTier} of its own {parentLevel}.',
  STATION_HAS_CHILDREN: 'This station has stations under it; its tier or region cannot change.',
  STATION_DUPLICATE_ACTIVE_POINT: '"{village}" already has an active village point ({existing}); an admin may allow a second one with a reason.',
  STATION_OVERRIDE_ADMIN_ONLY: 'Only an admin may allow a second active village point in one village.',
  STATION_STATUS_TRANSITION_INVALID: 'A station cannot go from "{from}" to "{to}".',
  STATION_STATUS_REASON_REQUIRED: 'Say why when setting a station to "{to}".',
  STATION_VERSION_CONFLICT: 'Someone else changed this station meanwhile. Reload and try again.',
  STATION_COORDINATES_INVALID: 'Coordinates must lie in China (lat 3.8–53.6, lng 73.4–135.1), with both given.',
  LEDGER_DATE_IN_FUTURE: 'The ledger cannot be filled in for a future date ({date}).',
  LEDGER_LOCKED: 'The ledger of {date} is more than {days} days old: stations may correct only the last {days} days; ask the bureau to correct it.',
  LEDGER_STATION_NOT_ACTIVE: 'The station is not operating ({status}); its ledger cannot be filled in.',
  LEDGER_VERSION_CONFLICT: 'Someone else changed this day\'s ledger (now version {current}). Look at the latest figures before saving.',
  IMPORT_INVALID: 'The file has {count} rows with errors (rows {rows}); nothing was imported.',
  IMPORT_FILE_UNREADABLE: 'The file cannot be read: {detail}',
  IMPORT_MAPPING_INCOMPLETE: 'Choose the column for: {fields}',
  IMPORT_CELL_INVALID: '"{column}": "{value}" is not valid.',
  IMPORT_STATION_UNKNOWN: 'No station "{value}".',
  IMPORT_DUPLICATE_DAY: '{date} already appears in row {row}.',
  COURSE_NOT_FOUND: 'No such course.',
  COURSE_REGION_INVALID: 'A course belongs to a town or to the county; {regionCode} is neither.',
  COURSE_DATES_INVALID: 'The planned end cannot be before the planned start.',
  COURSE_VERSION_CONFLICT: 'Someone else changed this course meanwhile. Reload and try again.',
  COURSE_CANCELLED: 'This course is cancelled: no more sessions or check-ins.',
  SESSION_NOT_FOUND: 'No such session.',
  SESSION_TIMES_INVALID: 'A session must end after it starts.',
  TRAINEE_NOT_FOUND: 'No such trainee.',
  TRAINEE_NAME_INVALID: "Enter the trainee's name (at most 50 characters).",
  TRAINEE_MOBILE_INVALID: '"{value}" is not a valid mainland mobile number.',
  TRAINEE_ID_CARD_FORMAT: 'An ID-card number has 18 characters: 17 digits, then a digit or X.',
  TRAINEE_ID_CARD_BIRTH_DATE: 'The birth date in this ID-card number does not exist or is after today.',
  TRAINEE_ID_CARD_CHECKSUM: 'The check digit of this ID-card number is wrong; check it digit by digit.',
  TRAINEE_ID_CARD_TAKEN: 'This ID card is already registered to another trainee; check the mobile or merge the trainees.',
  TRAINEE_VILLAGE_INVALID: 'Village {code} is not a village-level region.',
  OUTCOME_DATE_IN_FUTURE: 'The outcome date {date} is in the future.',
  QR_TOKEN_INVALID: 'This QR code is not valid. Scan the check-in code shown on the screen in the room.',
  QR_TOKEN_EXPIRED: 'This QR code has expired. Scan the latest code on the screen.',
  QR_OUTSIDE_WINDOW: 'Check-in is closed: this session is on {date}, {from}–{to}.',
  QR_RATE_LIMITED: 'Too many check-in attempts. Try again in {minutes} minutes, or ask the staff to check you in.',
};

/** Words used inside messages ({kind}, {role}), translated too. */
const words: Record<Lang, Record<string, string>> = {
  'zh-CN': {
    region: '区划', station: '站点', base: '直播基地',
    admin: '管理员', staff: '商务局工作人员', station_operator: '站点运营者',
    training_coordinator: '培训专员', livestream_manager: '直播基地负责人',
    county_center: '县级运营中心', town_station: '镇级服务站', village_point: '村级服务点',
    province: '省', city: '市', county: '县', town: '乡镇', village: '村',
    planned: '筹建中', active: '运营中', suspended: '暂停', closed: '已关闭',
  },
  en: {
    region: 'region', station: 'station', base: 'livestream base',
    admin: 'administrator', staff: 'bureau staff', station_operator: 'station operator',
    training_coordinator: 'training coordinator', livestream_manager: 'livestream base manager',
    county_center: 'county operation centre', town_station: 'town service station', village_point: 'village service point',
    province: 'province', city: 'city', county: 'county', town: 'town', village: 'village',
    planned: 'planned', active: 'active', suspended: 'suspended', closed: 'closed',
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
