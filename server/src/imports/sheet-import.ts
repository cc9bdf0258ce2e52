import type { ControlledTransaction } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/types';
import { badRequest } from '../lib/app-error';
import { exportOutput } from '../lib/excel';
import { listOutput } from '../lib/list';
import { pageSchema } from '../lib/schema';
import { readSheet, type ReadSheet, type SheetRow } from '../lib/sheet';
import {
  mappedCell,
  problemCountsOutput,
  readMappedSheet,
  refuseProblems,
  rejectsWorkbook,
  rememberMapping,
  sheetChoiceInput,
  sheetChoiceOf,
  sheetChoiceOutput,
  summariseProblems,
  type ColumnMapping,
  type SheetColumns,
} from '../imports/sheet-mapping';
import { REJECTS_MAX_ROWS, uploadBase64 } from '../lib/upload-limits';
import { translate, type MessageKey, type MessageParams } from '../i18n/messages';
import type { ServiceContext } from '../modules/service-context';
import { progressKeySchema, progressReporter, type ProgressReporter } from './progress';

/**
 * The one way a spreadsheet comes in. An import *definition* says what is particular to it — its
 * fields and the header words for each, which are required, what the request carries besides the
 * file (a course, a platform, a host…), how the rows are judged and how the good ones are written —
 * and the pipeline gives every import the rest alike: the sheet picker, header detection, the
 * mapping (sent, else remembered for this user and kind, else guessed), a row-by-row preview a page
 * at a time, the commit modes (all or nothing; or skip and report, with the rejected rows back as
 * a workbook with a 问题 column), the mapping remembered in the commit's transaction, and progress
 * for large files. Re-importing a file is harmless by construction: each definition marks rows
 * already stored as `already`, and its write skips what exists.
 */

/** ok: will be written; already: stored before; duplicate: repeats an earlier row of the file; problem: rejected. */
export const IMPORT_STATUSES = ['ok', 'already', 'duplicate', 'problem'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];
export const IMPORT_MODES = ['all_or_nothing', 'skip_invalid'] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];

/** Something said of a row, about one of its columns or (field null) the row as a whole. */
export interface RowNote<F extends string> {
  field: F | null;
  code: MessageKey;
  params: MessageParams;
  message: string;
}

/** One row of the sheet as judged: its verdict, what is wrong or worth saying, and the definition's own reading of it. */
export interface ImportRow<F extends string, D> {
  row: SheetRow;
  status: ImportStatus;
  problems: RowNote<F>[];
  notes: RowNote<F>[];
  data: D;
}

/** What a definition's analysis and write are handed besides their own context. */
export interface ImportTools<F extends string> {
  ctx: ServiceContext;
  /** The commit's mode (null in a preview). */
  mode: ImportMode | null;
  mapping: ColumnMapping<F>;
  /** The cell of a mapped field (null when the field has no column). */
  cell(row: SheetRow, field: F): unknown;
  say(key: MessageKey, params?: MessageParams): string;
  progress: ProgressReporter;
  /** A sheet row to judge: ok until said otherwise. */
  row<D>(row: SheetRow, data: D): ImportRow<F, D>;
  /** Reject the row, saying why. */
  problem(r: ImportRow<F, unknown>, field: F | null, key: MessageKey, params?: MessageParams): void;
  /** Say something of a row that is not rejected for it. */
  note(r: ImportRow<F, unknown>, field: F | null, key: MessageKey, params?: MessageParams): void;
  /** Nothing to write: stored before (`already`) or a repeat of an earlier row (`duplicate`), with a note. */
  skip(r: ImportRow<F, unknown>, status: 'already' | 'duplicate', key: MessageKey, params?: MessageParams): void;
}

export interface Analysis<F extends string, D> {
  rows: ImportRow<F, D>[];
  /** Rows that are not records at all (a 合计 line, a product's child row): counted, never judged. */
  skipped?: number;
}

/** What every import's request has (`importRequest`). */
export interface ImportRequestBase<F extends string> {
  fileBase64: string;
  sheet?: string;
  mapping?: Partial<Record<F, string>>;
  progressKey?: string;
}
/** What a preview asks besides the request: which page of judged rows, all or the problems only. */
export interface PreviewQuery {
  page: number;
  pageSize: number;
  only: 'all' | 'problems';
}

export interface ImportDefinition<
  F extends string,
  PI extends z.ZodType<ImportRequestBase<F> & PreviewQuery>,
  CI extends z.ZodType<ImportRequestBase<F> & { mode: ImportMode }>,
  C,
  D,
  VS extends z.ZodRawShape,
  TS extends z.ZodRawShape,
  PS extends z.ZodRawShape,
  WS extends z.ZodRawShape,
> {
  /** The import's name, e.g. `stations.register`: the remembered mapping's kind unless `mappingKind` says otherwise. */
  name: string;
  fields: readonly [F, ...F[]];
  /**
   * The preview's and the commit's inputs: `z.object({ ...importRequest(FIELDS), <the import's own>,
   * ...previewQuery })` and `z.object({ ...importRequest(FIELDS), <the import's own>, ...commitMode() })`.
   */
  request: { preview: PI; commit: CI };
  /** Checks the request before the file is read (scope, the course or host it names) and gathers what the rows need. */
  prepare(ctx: ServiceContext, input: z.output<PI> | z.output<CI>): Promise<C>;
  columns(input: z.output<PI> | z.output<CI>): SheetColumns<F>;
  mappingKind?(input: z.output<PI> | z.output<CI>): string;
  required(input: z.output<PI> | z.output<CI>, context: C): readonly F[];
  /** A field's name in "map these columns first" (its first header word). */
  label(field: F): string;
  /** Reads the file; by default an xlsx (the platform streams take a CSV too). */
  read?(input: z.output<PI> | z.output<CI>, knows: (header: string) => boolean): Promise<ReadSheet>;
  /** Besides a missing column, a reason the rows cannot be judged yet (no host for a file without accounts). */
  blocked?(context: C, mapping: ColumnMapping<F>): MessageKey | null;
  analyse(tools: ImportTools<F>, context: C, sheet: ReadSheet): Promise<Analysis<F, D>>;
  /** The preview's row, besides row, status, problems and notes. */
  view: { shape: VS; of(r: ImportRow<F, D>): z.input<z.ZodObject<VS>> };
  /** Counts of the import's own in the totals (new trainees…); `noExtras` when none. */
  totals: { shape: TS; of(rows: readonly ImportRow<F, D>[], context: C): z.input<z.ZodObject<TS>> };
  /** The preview's own fields (the preset read, a year that is needed…); `noExtras` when none. */
  preview: { shape: PS; of(context: C, analysis: Analysis<F, D> | null, mapping: ColumnMapping<F>): z.input<z.ZodObject<PS>> };
  /**
   * Write the ok rows in the commit's transaction; what it answers joins the commit's counts. A row
   * found bad only now (a concurrent write took its key) is turned into a problem here; in all or
   * nothing that refuses the whole file.
   */
  write: { shape: WS; run(trx: ControlledTransaction<Database>, tools: ImportTools<F>, context: C, rows: ImportRow<F, D>[], all: readonly ImportRow<F, D>[]): Promise<z.output<z.ZodObject<WS>>> };
  /** After the commit: queue the recomputes it calls for. */
  after?(ctx: ServiceContext, context: C, rows: readonly ImportRow<F, D>[], written: z.output<z.ZodObject<WS>>): Promise<void>;
  rejects: { filenameStem: string; dateText?: (value: Date) => string };
}

/** Every import's request: the file, which sheet, the mapping chosen, and a key to follow its progress by. */
export function importRequest<F extends string>(fields: readonly [F, ...F[]]) {
  return {
    fileBase64: uploadBase64,
    ...sheetChoiceInput,
    /** Our field → the header text in the file; absent: the remembered mapping, else a guess. */
    mapping: z.partialRecord(z.enum(fields), z.string().max(80)).optional(),
    progressKey: progressKeySchema.optional(),
  };
}

/** What a preview adds to the request. */
export const previewQuery = {
  /** Which page of row results to return: the whole file is checked every time. */
  page: pageSchema.default(1),
  pageSize: z.number().int().min(1).max(500).default(100),
  only: z.enum(['all', 'problems']).default('all'),
};

/** What a commit adds to the request: how to treat rows with problems (a default for imports that had no choice before). */
export function commitMode(): { mode: z.ZodEnum<{ [M in ImportMode]: M }> };
export function commitMode(fallback: ImportMode): { mode: z.ZodDefault<z.ZodEnum<{ [M in ImportMode]: M }>> };
export function commitMode(fallback?: ImportMode) {
  return { mode: fallback ? z.enum(IMPORT_MODES).default(fallback) : z.enum(IMPORT_MODES) };
}

const noteSchema = <F extends string>(fields: readonly [F, ...F[]]) =>
  z.object({ field: z.enum(fields).nullable(), code: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])), message: z.string() });

const totalsBase = {
  rows: z.number(),
  ok: z.number(),
  already: z.number(),
  duplicate: z.number(),
  problem: z.number(),
  /** Rows that are not records (合计, a product's child row). */
  skipped: z.number(),
};

/** For `totals` and `preview` of an import that adds nothing to them. */
export const noExtras = { shape: {}, of: () => ({}) };

const dateTimeText = (value: Date) => value.toISOString().slice(0, 19).replace('T', ' ');

export function defineImport<
  F extends string,
  PI extends z.ZodType<ImportRequestBase<F> & PreviewQuery>,
  CI extends z.ZodType<ImportRequestBase<F> & { mode: ImportMode }>,
  C,
  D,
  VS extends z.ZodRawShape,
  TS extends z.ZodRawShape,
  PS extends z.ZodRawShape,
  WS extends z.ZodRawShape,
>(def: ImportDefinition<F, PI, CI, C, D, VS, TS, PS, WS>) {
  type Input = z.output<PI> | z.output<CI>;
  type Row = ImportRow<F, D>;
  const field = z.enum(def.fields);
  const note = noteSchema(def.fields);

  const schemas = {
    previewInput: def.request.preview,
    commitInput: def.request.commit,
    previewOutput: z.object({
      headers: z.array(z.string()),
      headerRow: z.number(),
      ...sheetChoiceOutput,
      mapping: z.partialRecord(field, z.string()),
      /** Required fields with no column: map them first. */
      missing: z.array(field),
      totalRows: z.number(),
      validRows: z.number(),
      totals: z.object({ ...totalsBase, ...def.totals.shape }),
      /** The first 200 problems in row order; the counts say how many in all. */
      problems: z.array(z.object({ row: z.number(), field: field.nullable(), message: z.string() })),
      ...problemCountsOutput,
      rows: listOutput(z.object({ row: z.number(), status: z.enum(IMPORT_STATUSES), problems: z.array(note), notes: z.array(note), ...def.view.shape })),
      ...def.preview.shape,
    }),
    commitOutput: z.object({
      mode: z.enum(IMPORT_MODES),
      /** The rows judged (not counting skipped ones). */
      rows: z.number(),
      duplicates: z.number(),
      rejected: z.number(),
      skipped: z.number(),
      ...def.write.shape,
      /** skip_invalid: the rejected rows as they were, with a 问题 column (the first 10,000: `rejects.rows` says how many). */
      rejects: exportOutput.nullable(),
    }),
  };

  function toolsFor(ctx: ServiceContext, mode: ImportMode | null, mapping: ColumnMapping<F>, progress: ProgressReporter): ImportTools<F> {
    const say = (key: MessageKey, params: MessageParams = {}) => translate(ctx.lang, key, params);
    const noteOf = (f: F | null, code: MessageKey, params: MessageParams = {}): RowNote<F> => ({ field: f, code, params, message: say(code, params) });
    return {
      ctx,
      mode,
      mapping,
      cell: (row, f) => mappedCell(mapping, row, f),
      say,
      progress,
      row: (row, data) => ({ row, status: 'ok', problems: [], notes: [], data }),
      problem(r, f, key, params) {
        r.status = 'problem';
        r.problems.push(noteOf(f, key, params));
      },
      note: (r, f, key, params) => void r.notes.push(noteOf(f, key, params)),
      skip(r, status, key, params) {
        r.status = status;
        r.notes.push(noteOf(null, key, params));
      },
    };
  }

  /** Read, map and judge the whole file: the same for the preview and the commit, so what the one shows the other does. */
  async function analyse(ctx: ServiceContext, input: Input, mode: ImportMode | null) {
    const progress = progressReporter(ctx.actor.id, input.progressKey);
    const context = await def.prepare(ctx, input);
    const columns = def.columns(input);
    const kind = def.mappingKind?.(input) ?? def.name;
    const read = def.read ? (knows: (h: string) => boolean) => def.read!(input, knows) : (knows: (h: string) => boolean) => readSheet(input.fileBase64, knows, input.sheet);
    const { sheet, mapping, missing } = await readMappedSheet(ctx.db, ctx.actor.id, kind, columns, input, def.required(input, context), read);
    const blocked = missing.length ? null : (def.blocked?.(context, mapping) ?? null);
    const tools = toolsFor(ctx, mode, mapping, progress);
    let analysis: Analysis<F, D> | null = null;
    if (!missing.length && !blocked) {
      progress.stage('checking', sheet.rows.length);
      analysis = await def.analyse(tools, context, sheet);
    }
    const rows = analysis?.rows ?? [];
    return { context, kind, sheet, mapping, missing, blocked, tools, analysis, rows, skipped: analysis?.skipped ?? 0, progress };
  }

  function totalsOf(rows: readonly Row[], skipped: number, context: C) {
    const count = (status: ImportStatus) => rows.filter((r) => r.status === status).length;
    return { rows: rows.length, ok: count('ok'), already: count('already'), duplicate: count('duplicate'), problem: count('problem'), skipped, ...def.totals.of(rows, context) };
  }

  const problemsOf = (rows: readonly Row[]) => rows.flatMap((r) => r.problems.map((p) => ({ row: r.row.rowNumber, field: p.field, message: p.message })));

  async function preview(ctx: ServiceContext, input: z.output<PI>) {
    const a = await analyse(ctx, input, null);
    const listed = input.only === 'problems' ? a.rows.filter((r) => r.status === 'problem') : a.rows;
    const from = (input.page - 1) * input.pageSize;
    a.progress.stage('done', a.rows.length);
    return {
      headers: a.sheet.headers,
      headerRow: a.sheet.headerRow,
      ...sheetChoiceOf(a.sheet),
      mapping: a.mapping,
      missing: a.missing,
      totalRows: a.sheet.rows.length,
      validRows: a.rows.filter((r) => r.status === 'ok').length,
      totals: totalsOf(a.rows, a.skipped, a.context),
      // the first 200 problems in row order, and the counts of all
      ...summariseProblems(problemsOf(a.rows)),
      rows: {
        items: listed.slice(from, from + input.pageSize).map((r) => ({ row: r.row.rowNumber, status: r.status, problems: r.problems, notes: r.notes, ...def.view.of(r) })),
        total: listed.length,
      },
      ...def.preview.of(a.context, a.analysis, a.mapping),
    };
  }

  async function commit(ctx: ServiceContext, input: z.output<CI>) {
    const a = await analyse(ctx, input, input.mode);
    if (a.missing.length) throw badRequest('IMPORT_MAPPING_INCOMPLETE', { fields: a.missing.map(def.label).join('、') });
    if (a.blocked) throw badRequest(a.blocked);
    const { mode } = input;
    const refuseIfAllOrNothing = () => {
      if (mode === 'all_or_nothing') refuseProblems(a.rows.filter((r) => r.status === 'problem').map((r) => ({ row: r.row.rowNumber })));
    };
    refuseIfAllOrNothing();
    const toWrite = a.rows.filter((r) => r.status === 'ok');
    a.progress.stage('writing', toWrite.length);
    // a controlled transaction: a write may place rows one savepoint each (the register does)
    const trx = await ctx.db.startTransaction().execute();
    let written: z.output<z.ZodObject<WS>>;
    try {
      written = await def.write.run(trx, a.tools, a.context, toWrite, a.rows);
      refuseIfAllOrNothing();
      await rememberMapping(trx, ctx.actor.id, a.kind, a.mapping);
      await trx.commit().execute();
    } catch (err) {
      await trx.rollback().execute();
      throw err;
    }
    a.progress.stage('done', toWrite.length);
    await def.after?.(ctx, a.context, toWrite.filter((r) => r.status === 'ok'), written);
    const rejected = a.rows.filter((r) => r.status === 'problem');
    return {
      mode,
      rows: a.rows.length,
      duplicates: a.rows.filter((r) => r.status === 'duplicate').length,
      rejected: rejected.length,
      skipped: a.skipped,
      ...written,
      rejects:
        mode === 'skip_invalid' && rejected.length
          ? await rejectsWorkbook(a.sheet.headers, rejected.slice(0, REJECTS_MAX_ROWS), ctx.lang, {
              filenameStem: def.rejects.filenameStem,
              dateText: def.rejects.dateText ?? dateTimeText,
            })
          : null,
    };
  }

  return { name: def.name, fields: def.fields, schemas, preview, commit };
}

export type SheetImport = ReturnType<typeof defineImport>;
