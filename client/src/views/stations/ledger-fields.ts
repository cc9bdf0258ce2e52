/**
 * The ledger form's fields and the one conversion between what people type (counts, yuan with at
 * most two decimals) and what the API takes (integers, money in fen). No framework imports, so the
 * tests load it as it is.
 */
import { fenToYuan, yuanToFen } from '../../utils/money';

export const COUNT_FIELDS = ['parcelsIn', 'parcelsOut', 'purchaseOrders', 'salesOrders', 'villagersServed'] as const;
export const MONEY_FIELDS = ['purchaseAmountFen', 'salesAmountFen', 'incomeParcelFen', 'incomeCommissionFen', 'incomeBillFen', 'incomeOtherFen'] as const;
export type CountField = (typeof COUNT_FIELDS)[number];
export type MoneyField = (typeof MONEY_FIELDS)[number];
export type FigureField = CountField | MoneyField;
export type LedgerFigures = Record<FigureField, number>;

/** The form's sections, in the order an operator reads the day (their labels: `ledger.sections.<key>`). */
export const SECTIONS: { key: string; fields: FigureField[] }[] = [
  { key: 'parcels', fields: ['parcelsIn', 'parcelsOut'] },
  { key: 'purchase', fields: ['purchaseOrders', 'purchaseAmountFen'] },
  { key: 'sales', fields: ['salesOrders', 'salesAmountFen'] },
  { key: 'income', fields: ['incomeParcelFen', 'incomeCommissionFen', 'incomeBillFen', 'incomeOtherFen'] },
  { key: 'villagers', fields: ['villagersServed'] },
];
export const FIGURE_FIELDS: FigureField[] = SECTIONS.flatMap((s) => s.fields);

/** The API's limits (stations.schemas.ts): counts up to 100,000 a day, amounts up to 1e11 fen. */
export const MAX_COUNT = 100_000;
export const MAX_FEN = 100_000_000_000;

export const isMoney = (field: FigureField): field is MoneyField => (MONEY_FIELDS as readonly string[]).includes(field);

/** What the form holds: the text in each box. */
export type LedgerFormText = Record<FigureField, string> & { note: string };

/** What `stations.ledger.upsert` takes. */
export interface LedgerUpsertPayload extends LedgerFigures {
  stationId: number;
  date: string;
  note: string | null;
  version?: number;
}

export function emptyForm(): LedgerFormText {
  return { ...(Object.fromEntries(FIGURE_FIELDS.map((f) => [f, ''])) as Record<FigureField, string>), note: '' };
}

/** An entry from the server (or one waiting in the outbox) as the form shows it: yuan with two decimals. */
export function formFromFigures(entry: LedgerFigures & { note?: string | null }): LedgerFormText {
  const text = Object.fromEntries(FIGURE_FIELDS.map((f) => [f, isMoney(f) ? fenToYuan(entry[f]) : String(entry[f])])) as Record<FigureField, string>;
  return { ...text, note: entry.note ?? '' };
}

/** A figure shown beside its box ("12", "3.50"). */
export const figureText = (field: FigureField, value: number) => (isMoney(field) ? fenToYuan(value) : String(value));

const COUNT = /^\s*\d{1,6}\s*$/;

/** One box: the number to send, or the message key that says what is wrong. Empty counts as 0. */
export function parseField(field: FigureField, text: string): { value: number } | { error: string } {
  if (isMoney(field)) {
    const fen = yuanToFen(text);
    if (fen === null) return { error: 'ledger.validation.amount' };
    if (fen > MAX_FEN) return { error: 'ledger.validation.amountTooLarge' };
    return { value: fen };
  }
  if (text.trim() === '') return { value: 0 };
  if (!COUNT.test(text)) return { error: 'ledger.validation.count' };
  const n = Number(text.trim());
  return n > MAX_COUNT ? { error: 'ledger.validation.countTooLarge' } : { value: n };
}

/** The whole form: the payload, or every box's problem (message keys). */
export function toPayload(
  form: LedgerFormText,
  target: { stationId: number; date: string; version?: number },
): { payload: LedgerUpsertPayload; errors: null } | { payload: null; errors: Partial<Record<FigureField, string>> } {
  const errors: Partial<Record<FigureField, string>> = {};
  const figures = {} as LedgerFigures;
  for (const field of FIGURE_FIELDS) {
    const parsed = parseField(field, form[field]);
    if ('error' in parsed) errors[field] = parsed.error;
    else figures[field] = parsed.value;
  }
  if (Object.keys(errors).length) return { payload: null, errors };
  const note = form.note.trim().slice(0, 500);
  return {
    payload: { ...figures, stationId: target.stationId, date: target.date, note: note || null, ...(target.version === undefined ? {} : { version: target.version }) },
    errors: null,
  };
}



