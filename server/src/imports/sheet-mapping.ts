import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/types';
import { translate, type Lang } from '../i18n/messages';
import { AppError } from '../lib/app-error';
import { toXlsx } from '../lib/excel';
import { normaliseText, readSheet, type ReadSheet, type SheetRow } from '../lib/sheet';
import { PREVIEW_MAX_LISTED } from '../lib/upload-limits';

/**
 * Mapping the columns of a user's own spreadsheet to our fields, shared by every import: header
 * words per field (compared folded: full-width to half-width, no spaces, lower case, a unit or
 * note in brackets dropped), a guess from the headers, the mapping a user chose last time for
 * this kind of file, and one problem shape.
 */
export type ColumnMapping<F extends string> = Partial<Record<F, string>>;

/** One thing wrong with one row, the column named when there is one. */
export interface ImportProblem<F extends string> {
  row: number;
  field: F | null;
  message: string;
}

export interface SheetColumns<F extends string> {
  /** Is this (normalised) header one we recognise: a field's word or a known column we ignore. */
  knows(header: string): boolean;
  /** Field → header, from the headers' words; the first header naming a field wins. */
  guess(headers: readonly string[]): ColumnMapping<F>;
}

export function sheetColumns<F extends string>(
  synonyms: Record<F, readonly string[]>,
  options: { fold?: (header: string) => string; ignored?: readonly string[] } = {},
): SheetColumns<F> {
  const fold = options.fold ?? ((h: string) => normaliseText(h).toLowerCase());
  const fields = new Map<string, F>();
  for (const [field, words] of Object.entries(synonyms) as [F, readonly string[]][]) for (const w of words) fields.set(fold(w), field);
  const ignored = new Set((options.ignored ?? []).map(fold));
  return {
    knows: (header) => fields.has(fold(header)) || ignored.has(fold(header)),
    guess(headers) {
      const mapping: ColumnMapping<F> = {};
      for (const header of headers) {
        const field = fields.get(fold(header));
        if (field && !mapping[field]) mapping[field] = header;
      }
      return mapping;
    },
  };
}

/** A mapped field's cell in a row (null when the field has no column). */
export function mappedCell<F extends string>(mapping: ColumnMapping<F>, row: SheetRow, field: F): unknown {
  const header = mapping[field];
  return header ? (row.cells[header] ?? null) : null;
}

/** The mapping this user saved for this kind of import, if every header it names is in this file. */
export async function rememberedMapping<F extends string>(db: Kysely<Database>, userId: number, kind: string, headers: readonly string[]) {
  const row = await db.selectFrom('import_mappings').select('mapping').where('user_id', '=', userId).where('kind', '=', kind).executeTakeFirst();
  const mapping = (row?.mapping ?? null) as ColumnMapping<F> | null;
  return mapping && Object.values(mapping).every((h) => typeof h === 'string' && headers.includes(h)) ? mapping : null;
}

/** Keep the mapping a commit used, for this user's next file of the same kind. */
export async function rememberMapping(trx: Kysely<Database>, userId: number, kind: string, mapping: ColumnMapping<string>): Promise<void> {
  await trx
    .insertInto('import_mappings')
    .values({ user_id: userId, kind, mapping: JSON.stringify(mapping) })
    .onConflict((oc) => oc.columns(['user_id', 'kind']).doUpdateSet({ mapping: JSON.stringify(mapping), updated_at: new Date() }))
    .execute();
}

/**
 * Read a workbook and settle its mapping: the one the user sent, else the one they used last time
 * for this kind, else a guess. `missing` lists required fields without a column in this file.
 * `read` reads the file (by default an xlsx; the platform streams take a CSV too).
 */
export async function readMappedSheet<F extends string>(
  db: Kysely<Database>,
  userId: number,
  kind: string,
  columns: SheetColumns<F>,
  input: { fileBase64: string; mapping?: ColumnMapping<F>; sheet?: string },
  required: readonly F[],
  read: (knows: (header: string) => boolean) => Promise<ReadSheet> = (knows) => readSheet(input.fileBase64, knows, input.sheet),
): Promise<{ sheet: ReadSheet; mapping: ColumnMapping<F>; missing: F[] }> {
  const chosen = new Set(Object.values(input.mapping ?? {}).map((h) => normaliseText(String(h))));
  const sheet = await read((h) => columns.knows(h) || chosen.has(h));
  const sent = input.mapping ? (Object.fromEntries(Object.entries(input.mapping).map(([f, h]) => [f, normaliseText(String(h))])) as ColumnMapping<F>) : null;
  const mapping = sent ?? (await rememberedMapping<F>(db, userId, kind, sheet.headers)) ?? columns.guess(sheet.headers);
  const missing = required.filter((f) => !mapping[f] || !sheet.headers.includes(mapping[f]!));
  return { sheet, mapping, missing };
}

/** Which sheet of a workbook to read (by its tab name); absent: the first with a header we know. */
export const sheetChoiceInput = { sheet: z.string().min(1).max(100).optional() };
/** A workbook's visible sheets in tab order, and the one read (null for a CSV): a picker when several. */
export const sheetChoiceOutput = { sheets: z.array(z.string()), sheet: z.string().nullable() };
export const sheetChoiceOf = (sheet: { sheets: string[]; sheet: string | null }) => ({ sheets: sheet.sheets, sheet: sheet.sheet });

/** How many problems a file has, in all and per column (null: the row as a whole). */
export function problemCounts(problems: readonly { field: string | null }[]) {
  const byField = new Map<string | null, number>();
  for (const p of problems) byField.set(p.field, (byField.get(p.field) ?? 0) + 1);
  return {
    problemTotal: problems.length,
    problemsByField: [...byField].map(([field, count]) => ({ field, count })).sort((a, b) => b.count - a.count),
  };
}
export const problemCountsOutput = {
  problemTotal: z.number(),
  problemsByField: z.array(z.object({ field: z.string().nullable(), count: z.number() })),
};

/**
 * A file's problems as an answer carries them: the first PREVIEW_MAX_LISTED in row order and the
 * counts of all (a million-row file of bad rows answers in a few KB, not 63 MB).
 */
export function summariseProblems<P extends { row: number; field: string | null }>(problems: readonly P[]) {
  return { problems: problems.toSorted((a, b) => a.row - b.row).slice(0, PREVIEW_MAX_LISTED), ...problemCounts(problems) };
}

/**
 * Skip-and-report: the rejected rows as the user's file had them (its headers, in its order) and
 * a 问题 column saying why, to fix and import again. `dateText` writes a date cell as text.
 */
export async function rejectsWorkbook(
  headers: readonly string[],
  rows: readonly { row: SheetRow; problems: readonly { message: string }[] }[],
  lang: Lang,
  options: { filenameStem: string; dateText: (value: Date) => string },
) {
  const problemColumn = translate(lang, 'SIGN_IN_REJECTS_COLUMN');
  // the user's cells go back as they came (no number format of ours); the problem is text
  const columns = [...headers.map((header, i) => ({ key: `c${i}`, header, format: 'plain' as const })), { key: 'problem', header: problemColumn, format: 'text' as const }];
  const data = rows.map((r) => ({
    ...Object.fromEntries(
      headers.map((h, i) => {
        const v = r.row.cells[h];
        return [`c${i}`, v instanceof Date ? options.dateText(v) : typeof v === 'number' || typeof v === 'string' ? v : v === null || v === undefined ? null : String(v)];
      }),
    ),
    problem: r.problems.map((p) => p.message).join('；'),
  }));
  return toXlsx(data, columns, { sheetName: problemColumn, filenameStem: options.filenameStem });
}

/** All-or-nothing: a file with any problem is refused whole, naming (up to 20 of) its rows. */
export function refuseProblems(problems: readonly { row: number }[]): void {
  if (!problems.length) return;
  const rows = [...new Set(problems.map((p) => p.row))];
  throw new AppError('IMPORT_INVALID', 'BAD_REQUEST', { count: rows.length, rows: rows.slice(0, 20).join(', ') });
}
