import { describe, expect, it } from 'vitest';
import { monthOfYear, monthRange, monthValues, monthsSpanned, partialMonth, yearMonths } from '../../client/src/components/base-chart/chart-months';

describe('chart months', () => {
  it('lists every month of a range, across a year end', () => {
    expect(monthRange('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthRange('2026-03', '2026-03')).toEqual(['2026-03']);
    expect(monthRange('2026-04', '2026-03')).toEqual([]);
    expect(yearMonths(2026)).toHaveLength(12);
    expect(yearMonths(2026)[11]).toBe('2026-12');
  });

  it('spans a history from its first month to this month, or to its last when that is later', () => {
    expect(monthsSpanned([{ month: '2026-03' }, { month: '2026-01' }], '2026-04')).toEqual(['2026-01', '2026-02', '2026-03', '2026-04']);
    expect(monthsSpanned([{ month: '2026-05' }], '2026-04')).toEqual(['2026-05']);
    expect(monthsSpanned([], '2026-04')).toEqual([]);
  });

  it('leaves a month without data as a gap (null), not a zero, and a zero as a zero', () => {
    const rows = [
      { month: '2026-01', sales: 5, rate: 0.5 },
      { month: '2026-03', sales: 0, rate: null },
    ];
    const months = monthRange('2026-01', '2026-04');
    expect(monthValues(rows, months, (r) => r.sales)).toEqual([5, null, 0, null]);
    expect(monthValues(rows, months, (r) => r.rate)).toEqual([0.5, null, null, null]);
  });

  it('has no figure for the months still to come', () => {
    const rows = yearMonths(2026).map((month, i) => ({ month, cumulative: i * 10 }));
    expect(monthValues(rows, yearMonths(2026), (r) => r.cumulative, '2026-03')).toEqual([0, 10, 20, null, null, null, null, null, null, null, null, null]);
  });

  it('names the current, partial month in the axis labels, and nothing when it is not on the axis', () => {
    expect(partialMonth(yearMonths(2026), '2026-04')).toBe('2026-04');
    expect(partialMonth(yearMonths(2026), '2026-04', monthOfYear)).toBe('04');
    expect(partialMonth(yearMonths(2025), '2026-04', monthOfYear)).toBeNull();
  });
});
