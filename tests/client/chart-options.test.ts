import { describe, expect, it } from 'vitest';
import { bars, categoryChart, countAxis, line, moneyAxis, ratioAxis, tooltipValue, withConventions } from '../../client/src/components/base-chart/chart-options';

describe('chart options', () => {
  it('labels value axes by kind: money in yuan and 万, ratios as percentages', () => {
    expect(countAxis()).toEqual({ type: 'value', minInterval: 1 });
    expect(moneyAxis().axisLabel?.formatter(852_000)).toBe('8,520');
    expect(moneyAxis().axisLabel?.formatter(12_345_678)).toBe('12.35万');
    expect(ratioAxis().axisLabel?.formatter(0.25)).toBe('25.0%');
  });

  it('reads figures in tooltips with separators, money to the fen, and gaps as a dash', () => {
    expect(tooltipValue.count(12345)).toBe('12,345');
    expect(tooltipValue.count(12.25)).toBe('12.3');
    expect(tooltipValue.count(null)).toBe('—');
    expect(tooltipValue.money(123456)).toBe('¥1,234.56');
    expect(tooltipValue.money(undefined)).toBe('—');
    expect(tooltipValue.ratio(0.1234)).toBe('12.3%');
  });

  it('gives every chart over months the same frame', () => {
    const option = categoryChart({ categories: ['01', '02'], series: [bars('月度', [3, null], '#2f7d4f'), line('累计', [3, null], '#d9822b')] });
    expect(option.xAxis).toEqual({ type: 'category', data: ['01', '02'] });
    expect(option.yAxis).toEqual(countAxis());
    expect(option.legend).toMatchObject({ top: 0, type: 'scroll' });
    expect(option.grid).toMatchObject({ containLabel: true });
    expect(option.series).toEqual([
      { type: 'bar', name: '月度', data: [3, null], itemStyle: { color: '#2f7d4f' }, barMaxWidth: 18 },
      { type: 'line', name: '累计', data: [3, null], itemStyle: { color: '#d9822b' } },
    ]);
  });

  it('keeps axis labels from overlapping at 360 px and marks the partial month on the first series', () => {
    const option = categoryChart({ categories: ['2026-03', '2026-04'], yAxis: [countAxis(), moneyAxis()], series: [bars('包裹', [1, 2], '#2f7d4f')] });
    const shown = withConventions(option, { category: '2026-04', label: '本月至今' });
    expect(shown.xAxis).toMatchObject({ axisLabel: { hideOverlap: true, interval: 'auto' } });
    expect(shown.yAxis).toMatchObject([{ axisLabel: { hideOverlap: true } }, { axisLabel: { hideOverlap: true } }]);
    expect(Array.isArray(shown.series) && shown.series[0]).toMatchObject({
      markArea: { label: { formatter: '本月至今' }, data: [[{ xAxis: '2026-04' }, { xAxis: '2026-04' }]] },
    });
    expect(withConventions(option, null).series).toEqual(option.series);
    // the last month's label stays inside the chart's right edge, the first's inside its left
    expect(Array.isArray(shown.series) && shown.series[0]).toMatchObject({ markArea: { label: { position: 'insideTopRight' } } });
    const march = withConventions(option, { category: '2026-03', label: '本月至今' });
    expect(Array.isArray(march.series) && march.series[0]).toMatchObject({ markArea: { label: { position: 'insideTopLeft' } } });
    const funnel = { series: [{ type: 'funnel' as const, data: [{ name: '报名', value: 3 }] }] };
    expect(withConventions(funnel, { category: '2026-04', label: '本月至今' }).series).toEqual(funnel.series);
  });
});
