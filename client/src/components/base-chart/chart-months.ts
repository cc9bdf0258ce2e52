/**
 * Chart conventions for months. A month without data is a gap (null), never a zero; the current
 * month is partial, and base-chart marks it ("本月至今") when told which category it is.
 */

/** "2026-03" → "2026-04"; the months from `from` to `to` inclusive. */
export function monthRange(from: string, to: string): string[] {
  const months: string[] = [];
  let [y, m] = from.split('-').map(Number);
  const [ty, tm] = to.split('-').map(Number);
  while (y < ty || (y === ty && m <= tm)) {
    months.push(`${y}-${String(m).padStart(2, '0')}`);
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
  return months;
}

/** One entry per month of `months`: the row of that month, or its month with every figure null when there is none. */
export function fillMonths<R extends { month: string }>(rows: readonly R[], months: readonly string[]): (R | Record<string, string | null>)[] {
  const byMonth = new Map(rows.map((r) => [r.month, r]));
  const keys = rows.length > 0 ? Object.keys(rows[0]).filter((k) => k !== 'month') : [];
  return months.map((month) => byMonth.get(month) ?? { month, ...Object.fromEntries(keys.map((k) => [k, null])) });
}

/** The value a month's series shows: its figure, or null (a gap) when the month has no data. */
export const gap = <T>(value: T | undefined): T | null => (value === undefined ? null : value);
