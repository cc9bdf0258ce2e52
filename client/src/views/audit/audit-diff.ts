/** One line of a pretty-printed record; `changed` when the other side has a different value for the key. */
export interface DiffLine {
  text: string;
  changed: boolean;
}

/** One side of a change: its lines, or null when that side holds nothing (a creation's "before"). */
export type DiffSide = DiffLine[] | null;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function pretty(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? String(value);
}

/** `"key": value` lines of a record, in the given key order, keys present on this side only. */
function recordLines(record: Record<string, unknown>, keys: string[], other: unknown): DiffLine[] {
  const present = keys.filter((key) => key in record);
  const lines = present.map((key, i) => {
    const value = pretty(record[key]).replace(/\n/g, '\n  ');
    const comma = i < present.length - 1 ? ',' : '';
    const changed = !isRecord(other) || !(key in other) || !same(record[key], other[key]);
    return { text: `  ${JSON.stringify(key)}: ${value}${comma}`, changed };
  });
  return [{ text: '{', changed: false }, ...lines, { text: '}', changed: false }];
}

/**
 * The before and after of an audit entry side by side, as pretty JSON, with the keys whose values
 * differ marked. A record against nothing (created, deleted) marks every key; anything that is
 * not a record is one block, marked when the two differ.
 */
export function diffSides(before: unknown, after: unknown): { before: DiffSide; after: DiffSide } {
  const empty = (value: unknown) => value === null || value === undefined;
  if (isRecord(before) || isRecord(after)) {
    const keys = [...new Set([...Object.keys(isRecord(before) ? before : {}), ...Object.keys(isRecord(after) ? after : {})])];
    const side = (value: unknown, other: unknown): DiffSide => {
      if (empty(value)) return null;
      return isRecord(value) ? recordLines(value, keys, other) : [{ text: pretty(value), changed: true }];
    };
    return { before: side(before, after), after: side(after, before) };
  }
  const changed = !same(before, after);
  const block = (value: unknown): DiffSide => (empty(value) ? null : [{ text: pretty(value), changed }]);
  return { before: block(before), after: block(after) };
}
