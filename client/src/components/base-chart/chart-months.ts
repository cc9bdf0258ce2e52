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

/** The twelve months of a year, "2026-01" to "2026-12". */
export const yearMonths = (year: number): string[] => monthRange(`${year}-01`, `${year}-12`);

/** Every month from the first of `rows` to the later of their last and `thisMonth`: the axis of a history chart. */
export function monthsSpanned(rows: readonly { month: string }[], thisMonth: string): string[] {
  if (rows.length === 0) return [];
  const sorted = rows.map((r) => r.month).sort();
  const last = sorted[sorted.length - 1];
  return monthRange(sorted[0], last > thisMonth ? last : thisMonth);
}

/**
 * One figure per month of `months`: the figure of that month's row, or null (a gap) when the month
 * has no row, its figure is missing, or it comes after `until` (months still to come have no figure yet).
 */
export function monthValues<R extends { month: string }>(
  rows: readonly R[],
  months: readonly string[],
  figure: (row: R) => number | null | undefined,
  until?: string,
): (number | null)[] {
  const byMonth = new Map(rows.map((r) => [r.month, r]));
  return months.map((month) => {
    const row = byMonth.get(month);
    if (!row || (until !== undefined && month > until)) return null;
    return figure(row) ?? null;
  });
}

/** The category of the current, partial month on an axis of `months` labelled by `label`, or null when it is not shown. */
export function partialMonth(months: readonly string[], thisMonth: string, label: (month: string) => string = (m) => m): string | null {
  return months.includes(thisMonth) ? label(thisMonth) : null;
}

/** "2026-03" → "03": the category label of a chart that shows one year. */
export const monthOfYear = (month: string): string => month.slice(5);
