import { badRequest } from '../../lib/app-error';
import { normaliseText } from '../../lib/sheet';
import { readExportSheet } from '../livestream/export-file';

/**
 * A measured distance table: the hub's own road distances (and, where known, minutes) between the hub
 * and its village points, one pair a row — 起点, 终点, 公里, 分钟 — the places named by station code
 * or name. A pair given one way serves both ways unless the other way is given too; a pair not given
 * is measured from coordinates (great-circle km × the road factor), as without a table.
 */
const HEADERS = {
  from: ['起点', '起点站点', '起点编码', '出发地', 'from'],
  to: ['终点', '终点站点', '终点编码', '目的地', 'to'],
  km: ['公里', '距离', '里程', '公里数', '距离(公里)', '里程(公里)', '距离(km)', 'km'],
  minutes: ['分钟', '时间', '用时', '时间(分钟)', '用时(分钟)', 'minutes', 'min'],
} as const;
type Field = keyof typeof HEADERS;
const fieldOf = (header: string): Field | undefined =>
  (Object.keys(HEADERS) as Field[]).find((f) => (HEADERS[f] as readonly string[]).some((h) => normaliseText(h).toLowerCase() === header.toLowerCase()));

/** One measured pair: from and to are station ids (the hub's station is the depot). */
export type MatrixPair = [from: number, to: number, km: number, minutes: number | null];

/** A place the table may name: the hub's station or one of the plan's village points. */
export interface MatrixPlace {
  stationId: number;
  code: string;
  names: string[];
}

/** Reads the uploaded table against the plan's places; any row it cannot use refuses the whole table, naming the row. */
export async function readMatrix(fileBase64: string, fileName: string, places: MatrixPlace[]): Promise<MatrixPair[]> {
  const sheet = await readExportSheet(fileBase64, fileName, (header) => fieldOf(header) !== undefined);
  const column = new Map<Field, string>();
  for (const header of sheet.headers) {
    const field = fieldOf(header);
    if (field && !column.has(field)) column.set(field, header);
  }
  if (!column.has('from') || !column.has('to') || !column.has('km')) throw badRequest('PLANNER_MATRIX_HEADERS');

  const byKey = new Map<string, number[]>();
  const add = (key: string, id: number) => {
    const k = normaliseText(key);
    if (k && !byKey.get(k)?.includes(id)) byKey.set(k, [...(byKey.get(k) ?? []), id]);
  };
  for (const p of places) for (const key of [p.code, ...p.names]) add(key, p.stationId);
  const placeOf = (value: unknown, row: number) => {
    const ids = byKey.get(normaliseText(String(value ?? '')));
    if (ids?.length !== 1) throw badRequest(ids ? 'PLANNER_MATRIX_PLACE_AMBIGUOUS' : 'PLANNER_MATRIX_PLACE_UNKNOWN', { row, place: String(value ?? '') });
    return ids[0]!;
  };
  const amount = (value: unknown, row: number, optional: boolean) => {
    if (optional && (value === null || value === undefined)) return null;
    const n = typeof value === 'number' ? value : Number(normaliseText(String(value ?? '')));
    if (!Number.isFinite(n) || n < 0 || n > 10_000) throw badRequest('PLANNER_MATRIX_AMOUNT_INVALID', { row });
    return n;
  };

  const pairs: MatrixPair[] = [];
  for (const { rowNumber: row, cells } of sheet.rows) {
    const from = placeOf(cells[column.get('from')!], row);
    const to = placeOf(cells[column.get('to')!], row);
    if (from === to) throw badRequest('PLANNER_MATRIX_SAME_PLACE', { row });
    pairs.push([from, to, amount(cells[column.get('km')!], row, false)!, column.has('minutes') ? amount(cells[column.get('minutes')!], row, true) : null]);
  }
  if (pairs.length === 0) throw badRequest('PLANNER_MATRIX_EMPTY');
  return pairs;
}
