import { describe, expect, it } from 'vitest';
import { countCell, durationParts, fenToYuan, formatCount, formatYuan, hours, hoursCell, percent, percentCell, yuan, yuanCell, yuanShort, yuanToFen } from '../../client/src/utils/format';

describe('formatCount', () => {
  it('puts thousands separators on every count', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(1000)).toBe('1,000');
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(-45678)).toBe('-45,678');
  });
  it('rounds to the digits asked for and shows a missing figure as a dash', () => {
    expect(formatCount(1234.5678, 2)).toBe('1,234.57');
    expect(formatCount(12.4)).toBe('12');
    expect(formatCount(-0.2)).toBe('0');
    expect(formatCount(null)).toBe('—');
    expect(formatCount(undefined)).toBe('—');
    expect(formatCount(Number.NaN)).toBe('—');
  });
});

describe('money', () => {
  it('reads and writes yuan through strings, never floats', () => {
    expect(yuanToFen('12.5')).toBe(1250);
    expect(yuanToFen('0.07')).toBe(7);
    expect(yuanToFen('1,234')).toBe(123400);
    expect(yuanToFen('')).toBe(0);
    expect(yuanToFen('1.234')).toBeNull();
    expect(yuanToFen('-3')).toBeNull();
    expect(fenToYuan(1250)).toBe('12.50');
    expect(fenToYuan(-5)).toBe('-0.05');
  });
  it('shows yuan with separators and two decimals in tables', () => {
    expect(formatYuan(123456789)).toBe('1,234,567.89');
    expect(formatYuan(-123456789)).toBe('-1,234,567.89');
    expect(formatYuan(0)).toBe('0.00');
    expect(yuan(null)).toBe('—');
    expect(yuan(100)).toBe('1.00');
  });
  it('shows yuan in 万 from ten thousand yuan on, for cards and charts', () => {
    expect(yuanShort(852_000)).toBe('8,520');
    expect(yuanShort(999_999)).toBe('10,000');
    expect(yuanShort(1_000_000)).toBe('1万');
    expect(yuanShort(12_345_678)).toBe('12.35万');
    expect(yuanShort(1_234_000_000)).toBe('1,234万');
    expect(yuanShort(-20_000_000)).toBe('-20万');
    expect(yuanShort(undefined)).toBe('—');
  });
});

describe('percent and duration', () => {
  it('gives every percentage one decimal', () => {
    expect(percent(0.1234)).toBe('12.3%');
    expect(percent(0.12)).toBe('12.0%');
    expect(percent(1)).toBe('100.0%');
    expect(percent(12.5)).toBe('1,250.0%');
    expect(percent(0)).toBe('0.0%');
    expect(percent(null)).toBe('—');
  });
  it('gives the platforms\' small rates two decimals when asked, as they report them', () => {
    expect(percent(0.0068, 2)).toBe('0.68%');
    expect(percent(0.2492, 2)).toBe('24.92%');
    expect(percent(0.0068)).toBe('0.7%');
  });
  it('shows hours with one decimal and separators', () => {
    expect(hours(12.25)).toBe('12.3');
    expect(hours(1234)).toBe('1,234.0');
    expect(hours(null)).toBe('—');
  });
  it('splits seconds into whole hours and minutes', () => {
    expect(durationParts(5700)).toEqual({ h: 1, m: 35 });
    expect(durationParts(59)).toEqual({ h: 0, m: 1 });
    expect(durationParts(3599)).toEqual({ h: 1, m: 0 });
  });
});

describe('table cells', () => {
  it('format a column\'s figure as the rest of the app does, and a missing one as a dash', () => {
    expect(countCell({}, {}, 12345)).toBe('12,345');
    expect(countCell({}, {}, null)).toBe('—');
    expect(hoursCell({}, {}, 3.5)).toBe('3.5');
    expect(yuanCell({}, {}, 123456)).toBe('1,234.56');
    expect(yuanCell({}, {}, undefined)).toBe('—');
    expect(percentCell({}, {}, 0.25)).toBe('25.0%');
  });
});
