/**
 * The one place numbers become text. Every count carries thousands separators; money is integer fen
 * everywhere it is stored or sent and reads as yuan (two decimals in tables, 万 in cards and charts);
 * percentages have one decimal; durations are whole minutes. A missing figure is shown as "—".
 *
 * Money is converted through strings (never `yuan * 100` on floats), so 0.1 + 0.2 stays 0.30.
 */

/** What a table shows for a figure it does not have. */
export const NONE = '—';

type Maybe = number | null | undefined;
const missing = (n: Maybe): n is null | undefined => n === null || n === undefined || Number.isNaN(n);

/** Thousands separators on the whole part of an unsigned digit string. */
const group = (digits: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** 1234567 → "1,234,567"; fractions keep at most `digits` decimals (none by default). */
export function formatCount(n: Maybe, digits = 0): string {
  if (missing(n)) return NONE;
  const sign = n < 0 ? '-' : '';
  const [whole, decimals] = Math.abs(n).toFixed(digits).split('.');
  const text = decimals ? `${group(whole)}.${decimals}` : group(whole);
  return /^[0.,]+$/.test(text) ? text : `${sign}${text}`;
}

const YUAN = /^\s*(\d{1,12})(?:\.(\d{0,2}))?\s*$/;

/** "12.5" → 1250, "0.07" → 7, "1,234" → 123400, "" → 0; null when it is not a non-negative amount with ≤ 2 decimals. */
export function yuanToFen(text: string): number | null {
  if (text.trim() === '') return 0;
  const match = YUAN.exec(text.replace(/[,，]/g, ''));
  if (!match) return null;
  const [, whole, decimals = ''] = match;
  return Number(whole) * 100 + Number(decimals.padEnd(2, '0'));
}

/** 1250 → "12.50" (for inputs: no separators); negative amounts keep their sign. */
export function fenToYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(fen));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** 123456789 fen → "1,234,567.89" for tables. */
export function formatYuan(fen: number): string {
  const [whole, decimals] = fenToYuan(fen).split('.');
  const sign = whole.startsWith('-') ? '-' : '';
  return `${sign}${group(whole.replace('-', ''))}.${decimals}`;
}

/** Like formatYuan, but "—" for a missing amount. */
export const yuan = (fen: Maybe): string => (missing(fen) ? NONE : formatYuan(fen));

/**
 * Money for cards, chart axes and tooltips, in yuan: below 10,000 yuan as whole yuan with separators
 * ("8,520"), from 10,000 yuan in 万 with at most two decimals ("12.35万", "1,234万").
 */
export function yuanShort(fen: Maybe): string {
  if (missing(fen)) return NONE;
  const yuanAmount = fen / 100;
  if (Math.abs(yuanAmount) < 10_000) return formatCount(Math.round(yuanAmount));
  const wan = Math.round(yuanAmount / 100) / 100; // 万 to two decimals
  return `${formatCount(wan, 2).replace(/\.?0+$/, '')}万`;
}

/**
 * A ratio (0.1234) as "12.3%": one decimal everywhere, except where the platforms' own small rates
 * (0.68% of viewers ordered) are shown as they report them, with `digits` 2.
 */
export function percent(ratio: Maybe, digits: 1 | 2 = 1): string {
  if (missing(ratio)) return NONE;
  const scale = 10 ** digits;
  return `${formatCount(Math.round(ratio * 100 * scale) / scale, digits)}%`;
}

/** 5700 s → { h: 1, m: 35 }, whole minutes, for the locale's "{h}小时{m}分" pattern. */
export function durationParts(seconds: number): { h: number; m: number } {
  const minutes = Math.round(seconds / 60);
  return { h: Math.floor(minutes / 60), m: minutes % 60 };
}

/** Hours (of streaming, of training) as a figure: one decimal with separators, "1,234.5". */
export const hours = (n: Maybe): string => formatCount(n, 1);

const figure = (value: unknown): number | null => (typeof value === 'number' ? value : null);

/** Table cell formatters (el-table-column's `formatter`), so a plain figure column reads like the rest of the app. */
export const countCell = (_row: unknown, _column: unknown, value: unknown): string => formatCount(figure(value));
export const hoursCell = (_row: unknown, _column: unknown, value: unknown): string => hours(figure(value));
export const yuanCell = (_row: unknown, _column: unknown, value: unknown): string => yuan(figure(value));
export const percentCell = (_row: unknown, _column: unknown, value: unknown): string => percent(figure(value));
