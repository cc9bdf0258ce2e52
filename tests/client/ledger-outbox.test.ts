import { describe, expect, it } from 'vitest';
import { fenToYuan, formatYuan, yuanToFen } from '../../client/src/utils/money';
import { emptyForm, formFromFigures, toPayload, type LedgerUpsertPayload } from '../../client/src/views/stations/ledger-fields';
import { addDays, lastCompleteMonth, shanghaiToday } from '../../client/src/utils/shanghai-time';
import {
  isTransientFailure,
  markRefused,
  outboxKey,
  parseOutbox,
  putItem,
  removeItem,
  sendable,
  serializeOutbox,
} from '../../client/src/views/stations/ledger-outbox';

const figures = {
  parcelsIn: 0,
  parcelsOut: 0,
  purchaseOrders: 0,
  purchaseAmountFen: 0,
  salesOrders: 0,
  salesAmountFen: 0,
  incomeParcelFen: 0,
  incomeCommissionFen: 0,
  incomeBillFen: 0,
  incomeOtherFen: 0,
  villagersServed: 0,
};
const entry = (stationId: number, date: string, more: Partial<LedgerUpsertPayload> = {}): LedgerUpsertPayload => ({
  ...figures,
  stationId,
  date,
  note: null,
  ...more,
});

describe('money typed in yuan', () => {
  it('0.1 + 0.2 yuan entered separately is exactly 30 fen, shown as 0.30', () => {
    expect(yuanToFen('0.1')! + yuanToFen('0.2')!).toBe(30);
    expect(fenToYuan(30)).toBe('0.30');
    expect((0.1 + 0.2) * 100).not.toBe(30); // why the conversion goes through strings
  });

  it('reads what people type and refuses the rest', () => {
    expect(yuanToFen('12.5')).toBe(1250);
    expect(yuanToFen('1,234.07')).toBe(123407);
    expect(yuanToFen('')).toBe(0);
    expect(yuanToFen('1.234')).toBeNull();
    expect(yuanToFen('-1')).toBeNull();
    expect(yuanToFen('abc')).toBeNull();
    expect(formatYuan(123456789)).toBe('1,234,567.89');
  });
});

describe('the ledger form', () => {
  it('turns the boxes into integers and fen, with the version of the entry edited', () => {
    const form = { ...emptyForm(), parcelsIn: '12', salesAmountFen: '0.1', incomeOtherFen: '0.2', note: '  停电半天 ' };
    const { payload, errors } = toPayload(form, { stationId: 7, date: '2026-11-27', version: 3 });
    expect(errors).toBeNull();
    expect(payload).toEqual(entry(7, '2026-11-27', { parcelsIn: 12, salesAmountFen: 10, incomeOtherFen: 20, note: '停电半天', version: 3 }));
    expect(payload!.salesAmountFen + payload!.incomeOtherFen).toBe(30);
    // a new day sends no version at all
    expect(toPayload(emptyForm(), { stationId: 7, date: '2026-11-28' }).payload).not.toHaveProperty('version');
  });

  it('names every box that is wrong, with a message key', () => {
    const form = { ...emptyForm(), parcelsIn: '1.5', purchaseAmountFen: '3.333', villagersServed: '100001' };
    const { payload, errors } = toPayload(form, { stationId: 7, date: '2026-11-27' });
    expect(payload).toBeNull();
    expect(errors).toEqual({
      parcelsIn: 'ledger.validation.count',
      purchaseAmountFen: 'ledger.validation.amount',
      villagersServed: 'ledger.validation.countTooLarge',
    });
  });

  it('shows a stored entry in yuan with two decimals', () => {
    const form = formFromFigures({ ...figures, salesAmountFen: 30, parcelsIn: 4, note: null });
    expect(form.salesAmountFen).toBe('0.30');
    expect(form.parcelsIn).toBe('4');
    expect(form.note).toBe('');
  });

  it('counts days in Shanghai', () => {
    expect(shanghaiToday(new Date('2026-11-27T16:30:00Z'))).toBe('2026-11-28');
    expect(shanghaiToday(new Date('2026-11-27T15:59:59Z'))).toBe('2026-11-27');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(lastCompleteMonth('2026-01-15')).toBe('2025-12');
  });
});

describe('the ledger outbox', () => {
  it('keeps one entry per station and day, the latest save winning', () => {
    let items = putItem([], entry(1, '2026-11-27', { parcelsIn: 1 }), '2026-11-28T01:00:00Z');
    items = putItem(items, entry(2, '2026-11-27'), '2026-11-28T01:01:00Z');
    items = putItem(items, entry(1, '2026-11-27', { parcelsIn: 5 }), '2026-11-28T01:02:00Z');
    expect(items).toHaveLength(2);
    expect(items.find((i) => i.key === outboxKey(1, '2026-11-27'))!.payload.parcelsIn).toBe(5);
    expect(sendable(items).map((i) => i.key)).toEqual(['2:2026-11-27', '1:2026-11-27']);
  });

  it('a sent entry leaves only if no newer save replaced it meanwhile', () => {
    const first = putItem([], entry(1, '2026-11-27'), 'a');
    const newer = putItem(first, entry(1, '2026-11-27', { parcelsIn: 9 }), 'b');
    expect(removeItem(newer, '1:2026-11-27', 'a')).toHaveLength(1);
    expect(removeItem(newer, '1:2026-11-27', 'b')).toHaveLength(0);
    expect(removeItem(newer, '1:2026-11-27')).toHaveLength(0);
  });

  it('an entry the server refused is kept for the user, not sent again', () => {
    const items = markRefused(putItem([], entry(1, '2026-11-27'), 'a'), '1:2026-11-27', 'a', '已被他人修改');
    expect(items[0].refused).toBe('已被他人修改');
    expect(sendable(items)).toEqual([]);
  });

  it('survives storage: round trip, and nothing from a damaged value', () => {
    const items = putItem([], entry(3, '2026-11-26', { salesAmountFen: 30 }), 'a');
    expect(parseOutbox(serializeOutbox(items))).toEqual(items);
    expect(parseOutbox(null)).toEqual([]);
    expect(parseOutbox('{not json')).toEqual([]);
    expect(parseOutbox('[{"key":1}]')).toEqual([]);
  });

  it('keeps a save to retry only when the server never answered it or was too busy to', () => {
    expect(isTransientFailure(new TypeError('Failed to fetch'))).toBe(true);
    expect(isTransientFailure({ data: null })).toBe(true);
    expect(isTransientFailure({ data: { appCode: 'INTERNAL', httpStatus: 500 } })).toBe(true);
    expect(isTransientFailure({ data: { appCode: 'RATE_LIMITED', httpStatus: 429 } })).toBe(true);
    expect(isTransientFailure({ data: { appCode: 'LEDGER_VERSION_CONFLICT', httpStatus: 409 } })).toBe(false);
    expect(isTransientFailure({ data: { appCode: 'LEDGER_LOCKED', httpStatus: 403 } })).toBe(false);
  });
});
