import { z } from 'zod';
import { LIVESTREAM_PLATFORMS } from '../../db/types';
import { exportOutput } from '../../lib/excel';
import { listOutput } from '../../lib/list';
import { idSchema, pageSchema, yearSchema } from '../../lib/schema';
import { problemCountsOutput, sheetChoiceInput, sheetChoiceOutput } from '../../lib/sheet-mapping';
import { uploadBase64 } from '../../lib/upload-limits';

/** Our fields of a platform's session export (直播场次); other columns are left alone. */
export const STREAM_FIELDS = [
  'accountId',
  'accountName',
  'startedAt',
  'endedAt',
  'duration',
  'viewers',
  'peakViewers',
  'newFollowers',
  'orders',
  'buyers',
  'gmv',
  'mainProducts',
  'conversionRate',
  'clickRate',
  'clickConversionRate',
  'interactionRate',
  'followRate',
] as const;
export type StreamField = (typeof STREAM_FIELDS)[number];

/** The rate fields, stored as fractions (0.0068 for '0.68%'); see stream-values.ts parseRate. */
export const STREAM_RATE_FIELDS = ['conversionRate', 'clickRate', 'clickConversionRate', 'interactionRate', 'followRate'] as const satisfies readonly StreamField[];
export type StreamRateField = (typeof STREAM_RATE_FIELDS)[number];

/** Header presets: the column names of each platform's export; `custom` knows them all and the user maps. */
export const STREAM_IMPORT_PRESETS = ['taobao', 'douyin', 'wechat_channels', 'custom'] as const;
export type StreamImportPreset = (typeof STREAM_IMPORT_PRESETS)[number];

export const streamImportInput = z.object({
  /** Same limits as the other imports (lib/upload-limits.ts). */
  fileBase64: uploadBase64,
  /** .xlsx or .csv (UTF-8 with or without BOM, or GB18030); decides how the bytes are read. */
  fileName: z.string().min(1).max(200),
  platform: z.enum(LIVESTREAM_PLATFORMS),
  /** Which export's column names to expect; by default the platform's own, else `custom`. */
  preset: z.enum(STREAM_IMPORT_PRESETS).optional(),
  /** Our field → the header text in the file; absent: the remembered mapping, else a guess. */
  mapping: z.partialRecord(z.enum(STREAM_FIELDS), z.string().max(80)).optional(),
  /** The host of every row whose account is not in the file (Taobao and WeChat exports are per account). */
  hostId: idSchema.optional(),
  /** The year of an export whose times have none (视频号 '03月28日 20:42'). */
  exportYear: yearSchema.optional(),
  ...sheetChoiceInput,
});

export const streamImportPreviewInput = streamImportInput.extend({
  page: pageSchema.default(1),
  pageSize: z.number().int().min(1).max(500).default(100),
  only: z.enum(['all', 'problems']).default('all'),
});

export const STREAM_IMPORT_MODES = ['all_or_nothing', 'skip_invalid'] as const;
export const streamImportCommitInput = streamImportInput.extend({ mode: z.enum(STREAM_IMPORT_MODES) });

const note = z.object({ field: z.enum(STREAM_FIELDS).nullable(), code: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])), message: z.string() });

/** One session row of the file as the import reads it: what would be stored, or why not. */
export const streamImportRowView = z.object({
  row: z.number(),
  /** ok: will be imported; already: stored before; duplicate: repeats an earlier row; problem: rejected. */
  status: z.enum(['ok', 'already', 'duplicate', 'problem']),
  hostId: z.number().nullable(),
  hostName: z.string().nullable(),
  accountId: z.string().nullable(),
  startedAt: z.string().nullable(),
  durationSeconds: z.number().nullable(),
  viewers: z.number().nullable(),
  peakViewers: z.number().nullable(),
  newFollowers: z.number().nullable(),
  orders: z.number().nullable(),
  buyers: z.number().nullable(),
  gmvFen: z.number().nullable(),
  /** Rates as fractions (null: no such column, or blank). */
  conversionRate: z.number().nullable(),
  clickRate: z.number().nullable(),
  clickConversionRate: z.number().nullable(),
  interactionRate: z.number().nullable(),
  followRate: z.number().nullable(),
  /** Why the row is rejected. */
  problems: z.array(note),
  /** Said about a row that is imported anyway: an estimated range, an uncertain money unit, a repeat. */
  notes: z.array(note),
});

export const streamImportTotals = z.object({
  rows: z.number(),
  ok: z.number(),
  already: z.number(),
  duplicate: z.number(),
  problem: z.number(),
  /** Total rows (合计, 整体) and product child rows (starting with '-'), not sessions. */
  skipped: z.number(),
});

export const streamImportPreviewOutput = z.object({
  preset: z.enum(STREAM_IMPORT_PRESETS),
  headers: z.array(z.string()),
  headerRow: z.number(),
  ...sheetChoiceOutput,
  mapping: z.partialRecord(z.enum(STREAM_FIELDS), z.string()),
  /** Required fields with no column. */
  missing: z.array(z.enum(STREAM_FIELDS)),
  /** No account column is mapped and no host was chosen: choose the host of the file. */
  hostNeeded: z.boolean(),
  /** Times without a year were found and no export year was given. */
  yearNeeded: z.boolean(),
  totals: streamImportTotals,
  /** Problems of the whole file, in all and per column. */
  ...problemCountsOutput,
  rows: listOutput(streamImportRowView),
});

export const streamImportCommitOutput = z.object({
  mode: z.enum(STREAM_IMPORT_MODES),
  rows: z.number(),
  inserted: z.number(),
  /** Stored before (by any means), or by a concurrent import. */
  alreadyPresent: z.number(),
  duplicates: z.number(),
  rejected: z.number(),
  skipped: z.number(),
  /** skip_invalid: the rejected rows as they were, with a 问题 column (the first 10,000: `rejects.rows` says how many). */
  rejects: exportOutput.nullable(),
});

export const streamImportHostsInput = z.object({ search: z.string().max(50).optional() });
export const streamImportHostsOutput = z.object({
  items: z.array(
    z.object({
      id: z.number(),
      name: z.string(),
      baseId: z.number(),
      baseName: z.string(),
      accounts: z.array(z.object({ platform: z.enum(LIVESTREAM_PLATFORMS), accountId: z.string(), handle: z.string().nullable() })),
    }),
  ),
});
