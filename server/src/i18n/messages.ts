import type { ModuleMessages } from './define';

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
  PROCEDURE_NOT_FOUND: '请求的接口不存在，请刷新页面后再试。',
  METHOD_NOT_SUPPORTED: '请求方式不正确：查询用 GET，修改用 POST。',
  // ---- load limits (trpc/limiter.ts, the read pool)
  RATE_LIMITED: '请求过于频繁，请稍后再试。',
  QUERY_TIMEOUT: '查询超时，请缩小筛选范围。',
  JOB_PAYLOAD_INVALID: '任务 {job} 的参数无效：{detail}',
  IMPORT_INVALID: '导入文件有 {count} 行错误（第 {rows} 行），未导入任何数据。',
  IMPORT_FILE_UNREADABLE: '无法读取该文件：{detail}',
  IMPORT_MAPPING_INCOMPLETE: '请为以下字段指定对应的列：{fields}',
  IMPORT_CELL_INVALID: '“{column}”的值“{value}”无效。',
  IMPORT_CELL_MESSAGE: '{column}: {message}',
  // ---- uploads: sizes (lib/upload-limits.ts)
  REQUEST_TOO_LARGE: '请求内容过大（上限 {max}），未处理。导入的文件不能超过 10 MB。',
  IMPORT_FILE_EMPTY: '文件是空的（0 字节），请重新选择文件。',
  IMPORT_SHEET_NOT_FOUND: '文件中没有名为“{sheet}”的工作表。',
  CLIENT_KEY_REUSED: '这条离线记录的编号已用于另一种操作，未写入。',
  IMPORT_FILE_TOO_LARGE: '文件超过 {max} MB，请拆分后再导入。',
  IMPORT_FILE_INFLATED_TOO_LARGE: '文件解压后超过 {max} MB，不像是普通的表格，未读取。请删去多余的工作表和内容，或拆分后再导入。',
  IMPORT_SHARED_STRINGS_TOO_LARGE: '文件中的文字（共享字符串表）解压后超过 {max} MB，不像是普通的表格，未读取。请删去多余的内容，或拆分后再导入。',
  IMPORT_TOO_MANY_ROWS: '文件超过 {max} 行，请拆分成几个文件分别导入。',
  IMPORT_TOO_MANY_COLUMNS: '第 {row} 行超过 {max} 列，请只保留需要导入的列。',
  IMPORT_TOO_MANY_CELLS: '文件的单元格超过 {max} 个，请拆分成几个文件分别导入。',
  IMPORT_CELL_TOO_LONG: '有单元格的文字超过 {max} 字（Excel 单元格的上限），未读取。',
  IMPORT_FILE_TOO_COMPLEX: '读取该文件超出了限制（{seconds} 秒或 {mb} MB 内存），未读取。请拆分文件，或在 Excel 中另存为新的 .xlsx 后再试。',
  IMPORT_BUSY: '服务器正在读取其他人上传的文件，请稍后再试。',
  // ---- rules (server/src/rules)
  RULE_PARAMS_INVALID: '规则 {rule} 的第 {version} 版参数无效（{detail}），请由管理员修正该规则后再试。',
  RULE_EFFECTIVE_TOO_FAR: '生效日期 {date} 太远：新版本最晚从 {latest}（一年之内）生效。',
} as const;

/**
 * The keys of every module's own messages (`modules/<domain>/<domain>.messages.ts`), each file
 * adding its keys to this interface; their texts are collected from the module list.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ModuleMessageKeys {}

/** The shared keys above, and every module's. */
export type MessageKey = keyof typeof zhCN | (keyof ModuleMessageKeys & string);

const en: Record<keyof typeof zhCN, string> = {
  INTERNAL: 'Something went wrong on the server. Please try again later; if it persists, contact the administrator.',
  BAD_INPUT: 'Invalid input: {detail}',
  UNAUTHENTICATED: 'Please log in first.',
  SESSION_EXPIRED: 'Your session has expired. Please log in again.',
  FORBIDDEN_ROLE: 'Your role may not do this.',
  FORBIDDEN_SCOPE: 'You may not access the data of this {kind}.',
  CSRF_ORIGIN_MISMATCH: 'Request origin not allowed.',
  PROCEDURE_NOT_FOUND: 'No such API call: please reload the page and try again.',
  METHOD_NOT_SUPPORTED: 'Wrong request method: queries use GET, changes use POST.',
  // ---- load limits (trpc/limiter.ts, the read pool)
  RATE_LIMITED: 'Too many requests: please try again in a moment.',
  QUERY_TIMEOUT: 'The query took too long: please narrow the filter.',
  JOB_PAYLOAD_INVALID: 'Invalid parameters for job {job}: {detail}',
  IMPORT_INVALID: 'The file has {count} rows with errors (rows {rows}); nothing was imported.',
  IMPORT_FILE_UNREADABLE: 'The file cannot be read: {detail}',
  IMPORT_MAPPING_INCOMPLETE: 'Choose the column for: {fields}',
  IMPORT_CELL_INVALID: '"{column}": "{value}" is not valid.',
  IMPORT_CELL_MESSAGE: '{column}: {message}',
  // ---- uploads: sizes (lib/upload-limits.ts)
  REQUEST_TOO_LARGE: 'The request is too large (limit {max}) and was not read. An imported file may be at most 10 MB.',
  IMPORT_FILE_EMPTY: 'The file is empty (0 bytes): choose the file again.',
  IMPORT_SHEET_NOT_FOUND: 'The file has no sheet named "{sheet}".',
  CLIENT_KEY_REUSED: 'The key of this offline entry was already used for another kind of write; nothing was written.',
  IMPORT_FILE_TOO_LARGE: 'The file is larger than {max} MB: split it and import the parts.',
  IMPORT_FILE_INFLATED_TOO_LARGE: 'Unpacked, the file is larger than {max} MB, which no ordinary sheet is; it was not read. Remove extra sheets and content, or split it.',
  IMPORT_SHARED_STRINGS_TOO_LARGE: 'Unpacked, the text of the file (its shared strings) is larger than {max} MB, which no ordinary sheet has; it was not read. Remove extra content, or split it.',
  IMPORT_TOO_MANY_ROWS: 'The file has more than {max} rows: split it and import the parts.',
  IMPORT_TOO_MANY_COLUMNS: 'Row {row} has more than {max} columns: keep only the columns to import.',
  IMPORT_TOO_MANY_CELLS: 'The file has more than {max} cells: split it and import the parts.',
  IMPORT_CELL_TOO_LONG: 'A cell holds more than {max} characters (Excel\'s own limit); the file was not read.',
  IMPORT_FILE_TOO_COMPLEX: 'Reading the file went past its limits ({seconds} s or {mb} MB of memory); it was not read. Split it, or save it again as a new .xlsx in Excel.',
  IMPORT_BUSY: 'The server is reading other uploaded files: please try again in a moment.',
  // ---- rules (server/src/rules)
  RULE_PARAMS_INVALID: 'Version {version} of rule {rule} has invalid parameters ({detail}): an administrator must correct the rule first.',
  RULE_EFFECTIVE_TOO_FAR: 'The effective date {date} is too far ahead: a new version may take effect on {latest} at the latest (within a year).',
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

let registered: readonly { name: string; messages: ModuleMessages }[] = [];
let catalogCache: Record<Lang, Record<string, string>> | undefined;

/**
 * The module list (modules/index.ts) hands its modules' messages over when it loads: the catalogue
 * sits below every module, so it cannot import the list without a cycle.
 */
export function registerModuleMessages(list: readonly { name: string; messages: ModuleMessages }[]): void {
  registered = list;
  catalogCache = undefined;
}

/** The shared messages and every registered module's, built on first use; a key twice is a mistake. */
export function messageCatalog(): Record<Lang, Record<string, string>> {
  if (catalogCache) return catalogCache;
  const built: Record<Lang, Record<string, string>> = { 'zh-CN': { ...zhCN }, en: { ...en } };
  for (const mod of registered) {
    for (const lang of LANGS) {
      for (const [key, text] of Object.entries(mod.messages[lang])) {
        if (key in built[lang]) throw new Error(`messages: ${key} of module ${mod.name} is declared twice`);
        built[lang][key] = text;
      }
    }
  }
  return (catalogCache = built);
}

export type MessageParams = Record<string, string | number>;

export function translate(lang: Lang, key: MessageKey, params: MessageParams = {}): string {
  const catalog = messageCatalog();
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
