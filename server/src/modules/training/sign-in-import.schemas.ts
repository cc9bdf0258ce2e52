import { z } from 'zod';
import { exportOutput } from '../../lib/excel';
import { listOutput } from '../../lib/list';
import { idSchema, pageSchema } from '../../lib/schema';
import { problemCountsOutput, sheetChoiceInput, sheetChoiceOutput } from '../../lib/sheet-mapping';
import { uploadBase64 } from '../../lib/upload-limits';

/** Our fields of a sign-in sheet (签到表); 序号 and 签名 columns are recognised and left alone. */
export const SIGN_IN_FIELDS = ['name', 'mobile', 'idCard', 'village', 'date'] as const;
export type SignInField = (typeof SIGN_IN_FIELDS)[number];

export const signInImportInput = z.object({
  courseId: idSchema,
  /** A 100,000-row sheet is 3.8 MB of xlsx, 5.1 M base64 characters: within the imports' common limits (lib/upload-limits.ts). */
  fileBase64: uploadBase64,
  /** Our field → the header text in the file; absent: the remembered mapping, else a guess. */
  mapping: z.partialRecord(z.enum(SIGN_IN_FIELDS), z.string().max(60)).optional(),
  /** Every row is for this session (needed when the sheet has no date column; wins over one). */
  sessionId: idSchema.optional(),
  /**
   * Rows whose mobile is a registered trainee's under another name are refused unless confirmed:
   * with this, they are checked in as that trainee (the person is one trainee in the county).
   */
  confirmNames: z.boolean().default(false),
  ...sheetChoiceInput,
});

export const signInPreviewInput = signInImportInput.extend({
  /** Which page of row results to return: the whole file is checked every time. */
  page: pageSchema.default(1),
  pageSize: z.number().int().min(1).max(500).default(100),
  only: z.enum(['all', 'problems']).default('all'),
});

export const SIGN_IN_MODES = ['all_or_nothing', 'skip_invalid'] as const;
export const signInCommitInput = signInImportInput.extend({ mode: z.enum(SIGN_IN_MODES) });

const note = z.object({ field: z.enum(SIGN_IN_FIELDS).nullable(), message: z.string() });

/** One row of the sheet as the import reads it. The mobile is masked, the ID card never shown. */
export const signInRowView = z.object({
  row: z.number(),
  /** ok: will be imported; already: checked in before; duplicate: repeats an earlier row; problem: rejected. */
  status: z.enum(['ok', 'already', 'duplicate', 'problem']),
  name: z.string().nullable(),
  mobile: z.string().nullable(),
  date: z.string().nullable(),
  sessionId: z.number().nullable(),
  villageName: z.string().nullable(),
  /** Why the row is rejected. */
  problems: z.array(note),
  /** Said about a row that is not rejected: 已签到, 与第 N 行重复, an unknown village. */
  notes: z.array(note),
});

export const signInTotals = z.object({
  rows: z.number(),
  ok: z.number(),
  already: z.number(),
  duplicate: z.number(),
  problem: z.number(),
  /** Distinct new people among the rows to import. */
  newTrainees: z.number(),
  /** Rows whose mobile is registered under another name: problems until confirmed (`confirmNames`), then imported with a note. */
  nameDiffers: z.number(),
});

export const signInPreviewOutput = z.object({
  headers: z.array(z.string()),
  headerRow: z.number(),
  ...sheetChoiceOutput,
  mapping: z.partialRecord(z.enum(SIGN_IN_FIELDS), z.string()),
  /** Required fields with no column: map them (or choose a session for the date) first. */
  missing: z.array(z.enum(SIGN_IN_FIELDS)),
  sessions: z.array(z.object({ id: z.number(), date: z.string(), startsAt: z.string() })),
  totals: signInTotals,
  /** Problems of the whole sheet, in all and per column. */
  ...problemCountsOutput,
  rows: listOutput(signInRowView),
});

export const signInCommitOutput = z.object({
  mode: z.enum(SIGN_IN_MODES),
  rows: z.number(),
  newTrainees: z.number(),
  newAttendance: z.number(),
  /** Checked in before (by any method), or by a concurrent request. */
  alreadyPresent: z.number(),
  duplicates: z.number(),
  rejected: z.number(),
  /** skip_invalid: the rejected rows as they were, with a 问题 column (the first 10,000: `rejects.rows` says how many). */
  rejects: exportOutput.nullable(),
});

export const bulkMarkInput = z.object({
  sessionId: idSchema,
  traineeIds: z.array(idSchema).min(1).max(500),
});
export const bulkMarkOutput = z.object({ checkedIn: z.number(), already: z.number() });
