import type { IndicatorUnit } from './indicators';

/**
 * A county figure shared out to towns in proportion to their weights, by largest remainder: every
 * town gets the whole part of its share, and the units left over go to the largest fractions (ties
 * to the earlier town), so the towns always add up to the county figure exactly. Counts and fen are
 * shared in whole units; a ratio is not a sum, so every town gets the county's. Weights all zero
 * (a basis with no data yet) share evenly.
 */
export function splitTotal(total: number, weights: readonly number[], unit: IndicatorUnit): number[] {
  if (!weights.length) return [];
  if (unit === 'ratio') return weights.map(() => total);
  const whole = Math.round(total);
  const positive = weights.map((w) => (Number.isFinite(w) && w > 0 ? w : 0));
  const sum = positive.reduce((a, b) => a + b, 0);
  const shares = sum > 0 ? positive.map((w) => (whole * w) / sum) : positive.map(() => whole / positive.length);
  const floors = shares.map(Math.floor);
  let left = whole - floors.reduce((a, b) => a + b, 0);
  const order = shares.map((s, i) => ({ i, frac: s - Math.floor(s) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    floors[i] += 1;
    left -= 1;
  }
  return floors;
}
