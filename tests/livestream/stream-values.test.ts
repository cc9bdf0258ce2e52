import { describe, expect, it } from 'vitest';
import {
  durationUnitOf,
  INVALID,
  isMissing,
  isRangeText,
  moneyUnitOf,
  parseCount,
  parseDurationSeconds,
  parseMoneyFen,
  parseRate,
  parseShanghaiTime,
  parseStreamTime,
  scaleDecimal,
} from '@cuntong/server/modules/livestream/stream-values';

/** The instant of a Shanghai wall-clock time, written out by hand (UTC+8, no DST). */
const sh = (iso: string) => new Date(`${iso}+08:00`).toISOString();
const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v);

describe('platform export values', () => {
  describe('missing values are null, never 0', () => {
    it.each([null, undefined, '', ' ', '-', '—', '--', '——', '－', '官方导出未提供', ' 官方导出未提供 ', Number.NaN])('%j is missing', (v) => {
      expect(isMissing(v)).toBe(true);
      expect(parseCount(v)).toBeNull();
      expect(parseMoneyFen(v)).toBeNull();
      expect(parseDurationSeconds(v)).toBeNull();
      expect(parseRate(v)).toBeNull();
      expect(parseShanghaiTime(v)).toBeNull();
    });
    it.each([0, '0', '0.00', '¥0'])('%j is a figure (zero), not missing', (v) => {
      expect(isMissing(v)).toBe(false);
      expect(parseCount(v === '0.00' || v === '¥0' ? 0 : v)).toBe(0);
      expect(parseMoneyFen(v)).toBe(0);
    });
  });

  describe('durations in seconds', () => {
    it.each([
      [960, 'minute', 57_600],
      ['960', 'minute', 57_600],
      ['960', 'second', 960],
      [1.07, 'minute', 64], // decimal minutes: 64.2 s
      ['1.07', 'minute', 64],
      ['0.5', 'hour', 1_800],
      ['1分5秒', 'minute', 65],
      ['1分钟5秒', 'minute', 65],
      ['3小时3分钟29秒', 'minute', 11_009],
      ['1小时23分', 'minute', 4_980],
      ['1小时', 'minute', 3_600],
      ['45分钟', 'second', 2_700], // units in the text win over the header's
      ['59秒', 'minute', 59],
      ['01:23:45', 'minute', 5_025],
      ['１：０２：０３', 'minute', 3_723], // full-width digits and colons
      [' 2 小时 ', 'minute', 7_200],
      ['0', 'minute', 0],
    ] as const)('%j (%s) → %i s', (value, unit, seconds) => {
      expect(parseDurationSeconds(value, unit)).toBe(seconds);
    });

    it('reads an Excel time cell as time since midnight', () => {
      expect(parseDurationSeconds(new Date(Date.UTC(1899, 11, 30, 1, 23, 45)))).toBe(5_025);
      expect(parseDurationSeconds(new Date(Date.UTC(2026, 8, 7)))).toBe(INVALID); // a date is not a duration
    });

    it.each(['-5', -5, 'abc', '1小时x', '12:61:00', '1:2', '分', true])('%j is invalid', (value) => {
      expect(parseDurationSeconds(value)).toBe(INVALID);
    });

    it('takes the unit from the header suffix', () => {
      expect(durationUnitOf('直播时长(分钟)')).toBe('minute');
      expect(durationUnitOf('直播时长（分钟）')).toBe('minute');
      expect(durationUnitOf('人均停留时长(秒)')).toBe('second');
      expect(durationUnitOf('开播时长 (小时)')).toBe('hour');
      expect(durationUnitOf('直播时长')).toBeNull();
    });
  });

  describe('money to integer fen, by the digits', () => {
    it.each([
      [61045.3, 6_104_530],
      ['61045.3', 6_104_530],
      ['¥236,552', 23_655_200],
      ['¥91.6', 9_160],
      ['￥5,142.43', 514_243],
      ['5,142.43元', 514_243],
      ['０.２９', 29], // 0.29 × 100 is 28.999999999999996 in floats
      [0.29, 29],
      [1.005, 101], // half up, by the digits
      ['1.004', 100],
      [12.300000000000001, 1_230], // an Excel float artefact
      ['1.2万', 1_200_000],
      ['.5', 50],
      ['¥ 1 234', 123_400],
      ['90071992547409.91', 9_007_199_254_740_991], // the largest safe fen
    ])('%j yuan → %i fen', (value, fen) => {
      expect(parseMoneyFen(value)).toBe(fen);
    });

    it('follows the header unit', () => {
      expect(moneyUnitOf('种草成交金额(元)')).toBe('yuan');
      expect(moneyUnitOf('成交金额（分）')).toBe('fen');
      expect(moneyUnitOf('成交金额(万元)')).toBe('wan_yuan');
      expect(moneyUnitOf('直播间成交金额')).toBe('yuan');
      expect(parseMoneyFen('42292', 'fen')).toBe(42_292);
      expect(parseMoneyFen('1.25', 'wan_yuan')).toBe(1_250_000);
    });

    it.each(['-5', -0.01, 'abc', '¥', '1.2.3', '90071992547409.92', '12元5角'])('%j is invalid', (value) => {
      expect(parseMoneyFen(value)).toBe(INVALID);
    });
  });

  describe('counts', () => {
    it.each([
      [15093, 15_093],
      ['15093', 15_093],
      ['15,093', 15_093],
      ['１５０９３', 15_093],
      ['1.2万', 12_000],
      ['12.8万', 128_000],
      ['1.5w', 15_000],
      ['1.5W', 15_000],
      ['2k', 2_000],
      ['3千', 3_000],
      ['75人', 75],
      ['1.23456万', 12_346], // rounded half up
      ['7.5w~10w', 87_500], // a range: its midpoint
      ['100～200', 150],
      [12.0, 12],
    ])('%j → %i', (value, count) => {
      expect(parseCount(value)).toBe(count);
    });

    it.each(['-3', -3, 12.5, '12.5', 'abc', '10~5', '1e5'])('%j is invalid', (value) => {
      expect(parseCount(value)).toBe(INVALID);
    });

    it('knows a range when it sees one', () => {
      expect(isRangeText('7.5w~10w')).toBe(true);
      expect(isRangeText('10%～15%')).toBe(true);
      expect(isRangeText('15093')).toBe(false);
      expect(isRangeText(15093)).toBe(false);
    });
  });

  describe('rates as fractions: the % sign decides', () => {
    it.each([
      ['0.68%', 0.0068],
      ['10.12%', 0.1012],
      ['24.92%', 0.2492],
      ['100%', 1],
      ['150%', 1.5],
      ['.5%', 0.005],
      ['5‰', 0.005],
      ['0.0421', 0.0421],
      [0.1528, 0.1528],
      ['10%~15%', 0.125],
    ])('%j → %d', (value, fraction) => {
      expect(parseRate(value)).toBe(fraction);
    });
    it.each(['abc', '-1%', '%'])('%j is invalid', (value) => expect(parseRate(value)).toBe(INVALID));
  });

  describe('times in Asia/Shanghai', () => {
    it.each([
      ['2026/09/07 08:55:37', '2026-09-07T08:55:37'],
      ['2026-08-03 06:30:00', '2026-08-03T06:30:00'],
      ['2026-8-3 6:30', '2026-08-03T06:30:00'],
      ['2021-06-16 20:12:45', '2021-06-16T20:12:45'],
      ['2026年3月28日 20:42', '2026-03-28T20:42:00'],
      ['2026年3月28日20时42分', '2026-03-28T20:42:00'],
      ['２０２６/０９/０７ ０８:５５:３７', '2026-09-07T08:55:37'],
      ['20260907', '2026-09-07T00:00:00'],
      [20260907, '2026-09-07T00:00:00'],
      ['20260907 085537', '2026-09-07T08:55:37'],
      ['2026-09-07', '2026-09-07T00:00:00'],
      ['2026-01-01 00:00:00', '2026-01-01T00:00:00'], // midnight of a new year: the day before in UTC
    ])('%j', (value, wallClock) => {
      expect(iso(parseShanghaiTime(value))).toBe(sh(wallClock));
    });

    it('reads Excel serials and date cells as Shanghai wall clock, unix stamps as instants', () => {
      expect(iso(parseShanghaiTime(46272.5))).toBe(sh('2026-09-07T12:00:00')); // serial 46272 = 2026-09-07
      expect(iso(parseShanghaiTime(46272.37195601852))).toBe(sh('2026-09-07T08:55:37'));
      expect(iso(parseShanghaiTime(new Date(Date.UTC(2026, 8, 7, 8, 55, 37))))).toBe(sh('2026-09-07T08:55:37'));
      expect(iso(parseShanghaiTime(1788742537))).toBe('2026-09-07T00:55:37.000Z');
      expect(iso(parseShanghaiTime('1788742537000'))).toBe('2026-09-07T00:55:37.000Z');
    });

    it('takes the year of "03月28日 20:42" from the export year, and says when there is none', () => {
      expect(iso(parseShanghaiTime('03月28日 20:42', { exportYear: 2026 }))).toBe(sh('2026-03-28T20:42:00'));
      expect(iso(parseShanghaiTime('春耕助农专场 03月28日 20:42', { exportYear: 2025 }))).toBe(sh('2025-03-28T20:42:00'));
      expect(parseShanghaiTime('03月28日 20:42')).toBe('no_year');
      expect(parseShanghaiTime('02月29日 20:42', { exportYear: 2026 })).toBe(INVALID); // 2026 is no leap year
      expect(iso(parseShanghaiTime('02月29日 20:42', { exportYear: 2028, now: Date.parse('2028-12-31T00:00:00Z') }))).toBe(sh('2028-02-29T20:42:00'));
      // exported on 5 January: its December streams are last year's, its January ones this year's
      const jan5 = { exportYear: 2027, now: Date.parse('2027-01-05T12:00:00+08:00') };
      expect(iso(parseShanghaiTime('12月28日 20:42', jan5))).toBe(sh('2026-12-28T20:42:00'));
      expect(iso(parseShanghaiTime('01月04日 19:30', jan5))).toBe(sh('2027-01-04T19:30:00'));
    });

    it.each(['2026-02-30 10:00', '2026-13-01', '2026-09-07 24:00:00', '2026-09-07 08:60', 'yesterday', '12345', true, 1e15])('%j is invalid', (value) => {
      expect(parseShanghaiTime(value)).toBe(INVALID);
    });

    it('splits a start–end range in one cell at the dash after the start time', () => {
      const range = parseStreamTime('2026/07/28 08:15:49-2026/07/28 15:44:39');
      expect(range).toEqual({ start: new Date(sh('2026-07-28T08:15:49')), end: new Date(sh('2026-07-28T15:44:39')) });
      // ISO dates have dashes of their own
      expect(parseStreamTime('2026-07-28 08:15:49 - 2026-07-28 15:44:39')).toEqual({
        start: new Date(sh('2026-07-28T08:15:49')),
        end: new Date(sh('2026-07-28T15:44:39')),
      });
      // the end as a time of day only; past midnight it is the next day
      expect(parseStreamTime('2026-08-03 20:00-22:30')).toEqual({ start: new Date(sh('2026-08-03T20:00:00')), end: new Date(sh('2026-08-03T22:30:00')) });
      expect(parseStreamTime('2026-08-03 23:00~01:15')).toEqual({ start: new Date(sh('2026-08-03T23:00:00')), end: new Date(sh('2026-08-04T01:15:00')) });
      expect(parseStreamTime('2026-08-03 06:30:00')).toEqual({ start: new Date(sh('2026-08-03T06:30:00')), end: null });
      expect(parseStreamTime('-')).toBeNull();
      expect(parseStreamTime('2026-08-03 20:00-2026-08-02 20:00')).toBe(INVALID); // ends before it starts
      expect(parseStreamTime('2026-08-03 20:00-later')).toBe(INVALID);
    });
  });

  it('scales decimals exactly, rounding half up', () => {
    expect(scaleDecimal('0.1', 2)).toBe(10);
    expect(scaleDecimal('0.125', 2)).toBe(13);
    expect(scaleDecimal('0.124', 2)).toBe(12);
    expect(scaleDecimal('7', 0)).toBe(7);
    expect(scaleDecimal('7.5', 0)).toBe(8);
    expect(scaleDecimal('', 2)).toBeNull();
    expect(scaleDecimal('1e5', 2)).toBeNull();
  });
});
