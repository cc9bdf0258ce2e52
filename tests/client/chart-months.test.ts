import { describe, expect, it } from 'vitest';
import { fillMonths, monthRange } from '../../client/src/components/base-chart/chart-months';

describe('chart months', () => {
  it('lists every month of a range, across a year end', () => {
    expect(monthRange('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthRange('2026-03', '2026-03')).toEqual(['2026-03']);
    expect(monthRange('2026-04', '2026-03')).toEqual([]);
  });
  it('leaves a month without data as a gap (null), not a zero', () => {
    const rows = [
      { month: '2026-01', sales: 5, days: 2 },
      { month: '2026-03', sales: 0, days: 1 },
    ];
    expect(fillMonths(rows, monthRange('2026-01', '2026-04'))).toEqual([
      { month: '2026-01', sales: 5, days: 2 },
      { month: '2026-02', sales: null, days: null },
      { month: '2026-03', sales: 0, days: 1 },
      { month: '2026-04', sales: null, days: null },
    ]);
  });
});
