import { INT4_MAX } from '../../lib/schema';
import { toHalfWidth } from '../../lib/text';

/**
 * The values of livestream platform exports, read the way the platforms write them (see
 * docs/livestream-exports.md): durations in minutes, decimal minutes or Chinese units, money
 * as yuan text with ¥ and thousands separators, counts as 1.2万, rates as 0.68% or a fraction,
 * times in Asia/Shanghai in half a dozen shapes. Pure functions: each gives a value, null for a
 * cell the platform left empty (never 0), or INVALID.
 *
 * Decimal text is turned into integers by moving the decimal point in the digits, never by float
 * multiplication: ¥0.29 is 29 fen, not 28.999999999999996.
 */
export const INVALID = 'invalid' as const;
export type Invalid = typeof INVALID;
export type Parsed<T> = T | null | Invalid;

/** What the platforms put in a cell they have no figure for. */
const MISSING = new Set(['', '-', '--', '---', '—', '——', '–', '－', '/', 'n/a', 'null', '官方导出未提供', '暂无', '无数据']);

/** Half-width, no spaces, no thousands separators: how a number cell is compared. */
function numberText(value: string): string {
  return toHalfWidth(value).replace(/\s+/g, '').replace(/[,，]/g, '');
}

export function isMissing(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'number') return Number.isNaN(value);
  if (value instanceof Date) return false;
  return MISSING.has(toHalfWidth(String(value)).replace(/\s+/g, '').toLowerCase());
}

/** A cell as trimmed half-width text ('' for nothing). */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  if (typeof value === 'number') return plainNumber(value);
  return toHalfWidth(String(value)).trim();
}

/** A number as its shortest decimal text, without exponent (1e21 stays as it is: not a count). */
function plainNumber(value: number): string {
  const text = String(value);
  if (!/e/i.test(text)) return text;
  return Math.abs(value) < 1 ? value.toFixed(20).replace(/0+$/, '') : text;
}

/**
 * A non-negative decimal in text ('12.5') times 10^shift, rounded half up, as an exact integer.
 * null when the text is not a plain non-negative decimal.
 */
export function scaleDecimal(text: string, shift: number): number | null {
  const m = /^(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || (!m[1] && !m[2])) return null;
  const whole = m[1] ?? '';
  const frac = m[2] ?? '';
  const digits = whole + frac.padEnd(shift, '0');
  const point = whole.length + shift; // integer part = digits[0..point)
  const intPart = digits.slice(0, point) || '0';
  const roundUp = (digits[point] ?? '0') >= '5';
  const n = Number(intPart) + (roundUp ? 1 : 0);
  return Number.isSafeInteger(n) ? n : null;
}

/** A float cell's decimal text, float artefacts dropped (12.300000000000001 → '12.3'). */
function numberCellText(value: number): string {
  return plainNumber(Number(value.toPrecision(15)));
}

// ---- ranges -------------------------------------------------------------------------------------

const RANGE = /^(.+?)(?:~|～|〜|至|到)(.+)$/;

/** '7.5w~10w', '10%~15%': a range some tools export instead of a figure. */
export function isRangeText(value: unknown): boolean {
  return typeof value === 'string' && RANGE.test(numberText(value));
}

// ---- counts -------------------------------------------------------------------------------------

const COUNT_UNITS: Record<string, number> = { '': 0, 万: 4, w: 4, W: 4, 千: 3, k: 3, K: 3, 亿: 8 };

function parseCountText(text: string, allowRange: boolean): Parsed<number> {
  if (allowRange) {
    const range = RANGE.exec(text);
    if (range) {
      const [low, high] = [parseCountText(range[1]!, false), parseCountText(range[2]!, false)];
      if (typeof low !== 'number' || typeof high !== 'number' || high < low) return INVALID;
      return Math.round((low + high) / 2); // estimated: the caller says so (isRangeText)
    }
  }
  const m = /^(\d*(?:\.\d*)?)(万|w|W|千|k|K|亿)?(?:人|次|个|件|笔|单)?$/.exec(text);
  if (!m || !/\d/.test(m[1]!)) return INVALID;
  const shift = COUNT_UNITS[m[2] ?? '']!;
  if (shift === 0 && m[1]!.includes('.') && !/^\d+\.0*$/.test(m[1]!)) return INVALID; // 12.5 people
  return scaleDecimal(m[1]!, shift) ?? INVALID;
}

/**
 * A whole count: 15093, '15,093', '1.2万' (12000), '12.8万', '1.5w', '2k', '１２３'; a range gives its
 * midpoint. Negative or fractional counts are INVALID, and so is one past what the integer columns
 * hold (9,000,000,000 viewers is a slip, not a 500 at commit).
 */
export function parseCount(value: unknown): Parsed<number> {
  if (isMissing(value)) return null;
  let count: Parsed<number>;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return INVALID;
    const rounded = Math.round(value);
    count = Math.abs(value - rounded) < 1e-9 && Number.isSafeInteger(rounded) ? rounded : INVALID;
  } else if (typeof value === 'string') count = parseCountText(numberText(value), true);
  else return INVALID;
  return typeof count === 'number' && count > INT4_MAX ? INVALID : count;
}

// ---- money --------------------------------------------------------------------------------------

export type MoneyUnit = 'yuan' | 'fen' | 'wan_yuan';
const MONEY_SHIFT: Record<MoneyUnit, number> = { fen: 0, yuan: 2, wan_yuan: 6 };

/** The unit a money header names: 成交金额(元), 成交金额(分), 成交金额(万元); yuan when it names none. */
export function moneyUnitOf(header: string): MoneyUnit {
  const h = toHalfWidth(header).replace(/\s+/g, '');
  if (/\(万元\)$|\(万\)$/.test(h)) return 'wan_yuan';
  if (/\(分\)$/.test(h)) return 'fen';
  return 'yuan';
}

/**
 * Money to integer fen: 61045.3 → 6104530, '¥236,552' → 23655200, '¥91.6' → 9160, '1.2万' (yuan)
 * → 1200000, '¥5,142.43元'. More than two decimals of yuan round half up to the fen. Negative
 * amounts are INVALID (refunds are another column).
 */
export function parseMoneyFen(value: unknown, unit: MoneyUnit = 'yuan'): Parsed<number> {
  if (isMissing(value)) return null;
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return INVALID;
    text = numberCellText(value);
  } else if (typeof value === 'string') text = numberText(value);
  else return INVALID;
  text = text.replace(/^(?:¥|￥|RMB|CNY)/i, '').replace(/(?:元|RMB|CNY)$/i, '');
  let shift = MONEY_SHIFT[unit];
  if (/[万w]$/i.test(text)) {
    text = text.slice(0, -1);
    shift += 4;
  }
  if (!/^\d*\.?\d*$/.test(text) || !/\d/.test(text)) return INVALID;
  return scaleDecimal(text, shift) ?? INVALID;
}

// ---- rates --------------------------------------------------------------------------------------

/**
 * A rate as a fraction: '0.68%' → 0.0068 (the % sign decides), 0.0421 → 0.0421 (a 率/占比 column
 * without % is a fraction already), '10%~15%' → 0.125.
 */
export function parseRate(value: unknown): Parsed<number> {
  if (isMissing(value)) return null;
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : INVALID;
  if (typeof value !== 'string') return INVALID;
  const text = numberText(value);
  const range = RANGE.exec(text);
  if (range) {
    const [low, high] = [parseRate(range[1]), parseRate(range[2])];
    if (typeof low !== 'number' || typeof high !== 'number' || high < low) return INVALID;
    return Number(((low + high) / 2).toPrecision(12));
  }
  const m = /^(\d*\.?\d*)(%|‰)?$/.exec(text);
  if (!m || !/\d/.test(m[1]!)) return INVALID;
  const shift = m[2] === '%' ? 2 : m[2] === '‰' ? 3 : 0;
  if (shift === 0) return Number(m[1]);
  // move the point left in the text: '0.68' % → '0.0068', exactly as written
  const [whole = '', frac = ''] = m[1]!.split('.');
  const padded = whole.padStart(shift + 1, '0');
  return Number(`${padded.slice(0, -shift)}.${padded.slice(-shift)}${frac}`);
}

// ---- durations ----------------------------------------------------------------------------------

export type DurationUnit = 'second' | 'minute' | 'hour';
const UNIT_SECONDS: Record<DurationUnit, number> = { second: 1, minute: 60, hour: 3600 };

/** The unit a duration header names: 直播时长(分钟), 人均停留时长(秒), 开播时长(小时); null when none. */
export function durationUnitOf(header: string): DurationUnit | null {
  const h = toHalfWidth(header).replace(/\s+/g, '');
  if (/\((?:秒|s|sec|秒钟)\)$/i.test(h)) return 'second';
  if (/\((?:分钟|分|min|mins|minutes)\)$/i.test(h)) return 'minute';
  if (/\((?:小时|时|h|hours?)\)$/i.test(h)) return 'hour';
  return null;
}

const CHINESE_DURATION = /^(?:(\d+(?:\.\d+)?)(?:小时|时|h))?(?:(\d+(?:\.\d+)?)(?:分钟|分|min|m))?(?:(\d+(?:\.\d+)?)(?:秒钟|秒|s))?$/i;

/**
 * A duration in whole seconds. A plain number is in `unit` (the header's suffix; minutes when it
 * names none): 960 min, 1.07 min (64 s). Text with units: '1分5秒', '3小时3分钟29秒', '1小时23分',
 * '45分钟'; clock form 'hh:mm:ss'. An Excel time cell (a Date on 1899-12-30/31) counts from midnight.
 */
export function parseDurationSeconds(value: unknown, unit: DurationUnit = 'minute'): Parsed<number> {
  if (isMissing(value)) return null;
  if (value instanceof Date) {
    const ms = value.getTime() - Date.UTC(1899, 11, 30);
    if (Number.isNaN(ms) || ms < 0 || ms >= 3 * 86_400_000) return INVALID; // a date, not a duration
    return Math.round(ms / 1000);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return INVALID;
    return Math.round(value * UNIT_SECONDS[unit]);
  }
  if (typeof value !== 'string') return INVALID;
  const text = numberText(value);
  if (/^\d*\.?\d+$/.test(text)) {
    // decimal minutes by the digits: '1.07' min = 64.2 s → 64 (millionths of the unit, then seconds)
    const scaled = scaleDecimal(text, 6);
    if (scaled === null) return INVALID;
    return Math.round((scaled * UNIT_SECONDS[unit]) / 1_000_000);
  }
  const clock = /^(\d{1,3}):([0-5]?\d):([0-5]?\d)$/.exec(text.replace(/：/g, ':'));
  if (clock) return Number(clock[1]) * 3600 + Number(clock[2]) * 60 + Number(clock[3]);
  const m = CHINESE_DURATION.exec(text);
  if (!m || (m[1] === undefined && m[2] === undefined && m[3] === undefined)) return INVALID;
  const part = (s: string | undefined, seconds: number) => (s === undefined ? 0 : (scaleDecimal(s, 2)! * seconds) / 100);
  return Math.round(part(m[1], 3600) + part(m[2], 60) + part(m[3], 1));
}

// ---- times (Asia/Shanghai) ----------------------------------------------------------------------

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
/** Excel serials count days from 1899-12-30. */
const EXCEL_EPOCH = Date.UTC(1899, 11, 30);

export type TimeProblem = Invalid | 'no_year';

/** Wall-clock parts in Shanghai → the instant, or null when they are not a real calendar time. */
export function shanghaiInstant(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): Date | null {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const utc = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(utc);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  return new Date(utc - SHANGHAI_OFFSET_MS);
}

/** An ExcelJS date cell holds the wall clock as if it were UTC. */
function fromWallClockDate(value: Date): Date | null {
  if (Number.isNaN(value.getTime())) return null;
  return new Date(value.getTime() - SHANGHAI_OFFSET_MS);
}

/** Unix seconds (10 digits) or milliseconds (13 digits) of 2001–2286. */
function fromUnix(n: number): Date | null {
  if (n >= 1e9 && n < 1e10) return new Date(n * 1000);
  if (n >= 1e12 && n < 1e13) return new Date(n);
  return null;
}

function fromSerial(n: number): Date | null {
  if (n < 20000 || n > 80000) return null;
  const ms = Math.round((n * 86_400_000) / 1000) * 1000; // to the second
  return new Date(EXCEL_EPOCH + ms - SHANGHAI_OFFSET_MS);
}

const TIME_PART = String.raw`(\d{1,2})[:：时](\d{1,2})(?:[:：分](\d{1,2})秒?|分)?`;
const FULL_DATE = new RegExp(String.raw`^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:(?:\s+|T|(?<=日))${TIME_PART})?$`);
const COMPACT_DATE = /^(\d{4})(\d{2})(\d{2})(?:\s*(\d{2}):?(\d{2})(?::?(\d{2}))?)?$/;
const NO_YEAR_DATE = new RegExp(String.raw`(\d{1,2})月(\d{1,2})日\s*${TIME_PART}`);

/**
 * One datetime in Shanghai: '2026/09/07 08:55:37', '2026-08-03 06:30:00', '2026年3月28日 20:42',
 * '20260907', '20260907 085537', an Excel serial or date cell, unix seconds or milliseconds, and
 * '03月28日 20:42' (anywhere in the text, after a title) with the year from `exportYear`, or the
 * year before when that day is still to come (`now`, default the clock) — 'no_year' when not given.
 */
export function parseShanghaiTime(value: unknown, options: { exportYear?: number; now?: number } = {}): Date | null | TimeProblem {
  if (isMissing(value)) return null;
  if (value instanceof Date) return fromWallClockDate(value) ?? INVALID;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return INVALID;
    if (Number.isInteger(value) && value >= 19000101 && value <= 21001231) return parseShanghaiTime(String(value), options);
    return fromSerial(value) ?? fromUnix(value) ?? INVALID;
  }
  if (typeof value !== 'string') return INVALID;
  const text = toHalfWidth(value).trim().replace(/\s+/g, ' ');
  if (/^\d{10}$|^\d{13}$/.test(text)) return fromUnix(Number(text)) ?? INVALID;
  const full = FULL_DATE.exec(text) ?? COMPACT_DATE.exec(text);
  if (full) {
    const [y, mo, d, h, mi, s] = full.slice(1).map((p) => (p === undefined ? 0 : Number(p)));
    return shanghaiInstant(y!, mo!, d!, h, mi, s) ?? INVALID;
  }
  if (/^\d+(\.\d+)?$/.test(text)) return fromSerial(Number(text)) ?? INVALID;
  const noYear = NO_YEAR_DATE.exec(text);
  if (noYear) {
    if (!options.exportYear) return 'no_year';
    const [mo, d, h, mi, s] = noYear.slice(1).map((p) => (p === undefined ? 0 : Number(p)));
    const inYear = shanghaiInstant(options.exportYear, mo!, d!, h, mi, s);
    // a list exported in early January still shows December's streams: a day still to come in the
    // export's year is last year's
    if (inYear && inYear.getTime() > (options.now ?? Date.now())) return shanghaiInstant(options.exportYear - 1, mo!, d!, h, mi, s) ?? INVALID;
    return inYear ?? INVALID;
  }
  return INVALID;
}

/** A time of day alone ('15:44:39'), for the end of a range on the same day. */
const TIME_ONLY = new RegExp(String.raw`^${TIME_PART}$`);

/**
 * A start time, or a start–end range in one cell ('2026/07/28 08:15:49-2026/07/28 15:44:39',
 * '2026-08-03 20:00-22:30'). The range is split at the dash that follows the start's time of day,
 * since ISO dates have dashes of their own; an end earlier than the start is on the next day.
 */
export function parseStreamTime(value: unknown, options: { exportYear?: number } = {}): { start: Date; end: Date | null } | null | TimeProblem {
  if (typeof value === 'string') {
    const text = toHalfWidth(value).trim().replace(/\s+/g, ' ');
    const split = new RegExp(String.raw`^(.*?\d{1,2}[:：]\d{1,2}(?:[:：]\d{1,2})?)\s*(?:-|~|～|—|–|至|到)\s*(.+)$`).exec(text);
    if (split) {
      const start = parseShanghaiTime(split[1], options);
      if (!(start instanceof Date)) return start === null ? INVALID : start;
      const clock = TIME_ONLY.exec(split[2]!);
      let end: Date | null | TimeProblem;
      if (clock) {
        const day = new Date(start.getTime() + SHANGHAI_OFFSET_MS);
        const [h, mi, s] = clock.slice(1).map((p) => (p === undefined ? 0 : Number(p)));
        end = shanghaiInstant(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), h, mi, s);
        if (end && end < start) end = new Date(end.getTime() + 86_400_000);
      } else end = parseShanghaiTime(split[2], options);
      if (!(end instanceof Date) || end < start) return INVALID;
      return { start, end };
    }
  }
  const start = parseShanghaiTime(value, options);
  return start instanceof Date ? { start, end: null } : start;
}

// ---- when a stream can have started -------------------------------------------------------------

/** A stream may start at most this long after now: a phone's clock, or an export's, may run a little ahead. */
export const FUTURE_SLACK_MS = 10 * 60_000;

/**
 * No stream we record started before this day (Taobao Live, the oldest of the platforms, opened in
 * 2016): an earlier start is a typo or a misread cell (a two-digit year, a century-off serial).
 */
export const EARLIEST_STREAM_DAY = '2016-01-01';
const EARLIEST_STREAM_MS = Date.parse(`${EARLIEST_STREAM_DAY}T00:00:00+08:00`);

/**
 * Why a start cannot be a recorded stream's: 'future' (later than now plus the slack: a stream is
 * recorded after it happened), 'too_early' (before EARLIEST_STREAM_DAY), or null. One rule for the
 * phone form (streams.service.ts) and the import (stream-import.ts).
 */
export function startOutOfRange(start: Date, now = Date.now()): 'future' | 'too_early' | null {
  if (start.getTime() > now + FUTURE_SLACK_MS) return 'future';
  if (start.getTime() < EARLIEST_STREAM_MS) return 'too_early';
  return null;
}

/** An instant as Beijing wall-clock time to the minute, '2026-11-20 19:30', as the forms show it. */
export function shanghaiMinute(at: Date | number): string {
  return new Date(new Date(at).getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}
