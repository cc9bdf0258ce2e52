/**
 * Money is integer fen everywhere it is stored or sent; people type and read yuan with at most two
 * decimals. Converting through strings (never `yuan * 100` on floats) keeps 0.1 + 0.2 at 0.30.
 */
const YUAN = /^\s*(\d{1,12})(?:\.(\d{0,2}))?\s*$/;

/** "12.5" → 1250, "0.07" → 7, "" → 0; null when it is not a non-negative amount with ≤ 2 decimals. */
export function yuanToFen(text: string): number | null {
  if (text.trim() === '') return 0;
  const match = YUAN.exec(text.replace(/[,，]/g, ''));
  if (!match) return null;
  const [, whole, decimals = ''] = match;
  return Number(whole) * 100 + Number(decimals.padEnd(2, '0'));
}

/** 1250 → "12.50"; negative amounts keep their sign. */
export function fenToYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(fen));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** 123456789 → "1,234,567.89" for tables and charts. */
export function formatYuan(fen: number): string {
  const [whole, decimals] = fenToYuan(fen).split('.');
  return `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${decimals}`;
}
