import { z } from 'zod';
import type { Lang } from '../i18n/messages';
import { isoDay } from './dates';

/**
 * The building blocks of every procedure's input schema, so that what PostgreSQL cannot take is
 * refused at the boundary with a 400 in the user's language, never a 500 from the database:
 * ids fit int4, dates are days that exist, text has no NUL and no lone surrogate.
 */

/**
 * Messages are written "中文 / English", Chinese first (see daySchema); zod's own messages are made
 * the same way here, so the error formatter can show a caller the half in their language
 * (`inLanguage`) whichever schema the issue came from. Set once, for every zod schema of the server.
 */
export const BILINGUAL_SEPARATOR = ' / ';
const zodZh = z.locales.zhCN().localeError;
const zodEn = z.locales.en().localeError;
const zodText = (m: ReturnType<typeof zodZh>) => (typeof m === 'string' ? m : (m?.message ?? ''));
z.config({ localeError: (issue) => `${zodText(zodZh(issue))}${BILINGUAL_SEPARATOR}${zodText(zodEn(issue))}` });

/** The caller's half of a "中文 / English" message; a message with one language only is kept whole. */
export function inLanguage(message: string, lang: Lang): string {
  const at = message.indexOf(BILINGUAL_SEPARATOR);
  if (at < 0) return message;
  return lang === 'zh-CN' ? message.slice(0, at) : message.slice(at + BILINGUAL_SEPARATOR.length);
}

/** PostgreSQL's int4 (serial ids, counts kept as integer). */
export const INT4_MAX = 2_147_483_647;

/** A row id: a positive int4. */
export const idSchema = z.number().int().min(1).max(INT4_MAX);

/** A row's optimistic-lock version (an int4). */
export const versionSchema = z.number().int().min(0).max(INT4_MAX);

/** An id kept as text (a user's station and base scopes): the decimal digits of a positive int4. */
export const idRefSchema = z
  .string()
  .regex(/^[1-9]\d{0,9}$/, '编号须为正整数 / an id is a positive whole number')
  .refine((v) => Number(v) <= INT4_MAX, '编号过大 / the id is too large');

// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** A fast first look (a 14 MB base64 upload in a few ms): only text with a NUL or any surrogate needs the exact test. */
// eslint-disable-next-line no-control-regex
const MAYBE_UNSTORABLE = /[\u0000\uD800-\uDFFF]/;

/** Text PostgreSQL can store and JSON can carry: no NUL byte, no lone UTF-16 surrogate. */
export function isStorableText(value: string): boolean {
  return !MAYBE_UNSTORABLE.test(value) || !UNSTORABLE.test(value);
}

/** The same text made storable: each NUL and lone surrogate becomes U+FFFD (for data read from files, or logged). */
export function toStorableText(value: string): string {
  return isStorableText(value) ? value : value.replace(new RegExp(UNSTORABLE.source, 'g'), '\uFFFD');
}

export const UNSTORABLE_TEXT_MESSAGE = '含有无法保存的字符（空字符或不成对的代理字符） / contains a character that cannot be stored (NUL or a lone surrogate)';

/**
 * Where in a raw procedure input (any JSON: strings, object keys, arrays) the first text that is
 * not storable sits, or null. Walked with a stack, not recursion: a deeply nested body cannot
 * overflow it. The procedures' middleware refuses such an input before any schema sees it.
 */
export function findUnstorableText(input: unknown): (string | number)[] | null {
  // each spot keeps its parent, not a copy of its path: a body nested a million deep costs linear time
  type Spot = { value: unknown; key: string | number | null; parent: Spot | null };
  const pathOf = (spot: Spot | null, last: (string | number)[] = []): (string | number)[] => {
    const keys: (string | number)[] = [];
    for (let s = spot; s && s.key !== null; s = s.parent) keys.push(s.key);
    return [...keys.reverse(), ...last];
  };
  const stack: Spot[] = [{ value: input, key: null, parent: null }];
  while (stack.length > 0) {
    const spot = stack.pop()!;
    const { value } = spot;
    if (typeof value === 'string') {
      if (!isStorableText(value)) return pathOf(spot);
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], key: i, parent: spot });
    } else if (value !== null && typeof value === 'object') {
      const entries = Object.entries(value);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, v] = entries[i];
        if (!isStorableText(key)) return pathOf(spot, [toStorableText(key)]); // the answer names it without echoing it
        stack.push({ value: v, key, parent: spot });
      }
    }
  }
  return null;
}

/** A calendar day 'YYYY-MM-DD' that exists (2026-02-30 does not). */
export function isCalendarDay(value: string): boolean {
  if (!isoDay.test(value)) return false;
  const [y, m, d] = value.split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

export const daySchema = z.string().refine(isCalendarDay, '日期格式为 YYYY-MM-DD，且须是真实存在的日期 / a date is YYYY-MM-DD and must exist');

export const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份格式为 YYYY-MM / a month is YYYY-MM');

/** A wall-clock time 'HH:MM' (00:00–23:59). */
export const timeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, '时间格式为 HH:MM / a time is HH:MM');

/** A page of a list (offsets stay far inside what PostgreSQL takes). */
export const pageSchema = z.number().int().min(1).max(1_000_000);

/** A year the platform's plans and reports are about. */
export const yearSchema = z.number().int().min(2000).max(2100);

/** A 12-digit statistical division code. */
export const regionCodeSchema = z.string().regex(/^\d{12}$/, '区划代码为 12 位数字 / a division code has 12 digits');
