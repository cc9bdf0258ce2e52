import { z } from 'zod';
import { TAOBAO_ACTION_KINDS, TAOBAO_LEVELS, TAOBAO_PROJECTIONS, TAOBAO_SALES_SOURCES, TAOBAO_STAGES, TAOBAO_TOWN_PATHS } from '../../db/enums';
import { exportInput } from '../../lib/excel';
import { listInput } from '../../lib/list';
import { FIRST_TAOBAO_YEAR, LAST_TAOBAO_YEAR, yearOfPeriod } from './taobao.rules';
import { daySchema, idSchema, regionCodeSchema, versionSchema, yearSchema } from '../../lib/schema';

export const levelSchema = z.enum(TAOBAO_LEVELS);
export const stageSchema = z.enum(TAOBAO_STAGES);
/** A figure's period: an AliResearch year ('2025') or a month ('2025-03'). */
export const periodSchema = z
  .string()
  .regex(/^\d{4}(-(0[1-9]|1[0-2]))?$/, '期间为 YYYY（年度）或 YYYY-MM（月份） / a period is YYYY or YYYY-MM')
  .refine((p) => yearOfPeriod(p) >= FIRST_TAOBAO_YEAR && yearOfPeriod(p) <= LAST_TAOBAO_YEAR, `期间须在 ${FIRST_TAOBAO_YEAR}–${LAST_TAOBAO_YEAR} 年之间 / a period lies in ${FIRST_TAOBAO_YEAR}–${LAST_TAOBAO_YEAR}`);

export const candidateFilter = z.object({
  year: yearSchema,
  level: levelSchema.default('village'),
  townCode: regionCodeSchema.optional(),
  stage: z.union([stageSchema, z.literal('none')]).optional(),
  /** qualifying now, not yet, or every place */
  status: z.enum(['qualifies', 'not_yet', 'all']).default('all'),
  search: z.string().max(50).optional(),
});
export const CANDIDATE_SORTS = ['closeness', 'sales', 'shops', 'code'] as const;
/** The year is what the list is of: the filter is required. */
export const candidateListInput = listInput(candidateFilter, CANDIDATE_SORTS).extend({ filter: candidateFilter });

const evidence = z.object({ shopsOpened: z.number(), liveGmvFen: z.number(), stationSalesFen: z.number() });

export const evaluationView = z.object({
  code: z.string(),
  name: z.string(),
  level: levelSchema,
  townCode: z.string(),
  townName: z.string(),
  year: z.number(),
  ruleVersion: z.number(),
  qualifies: z.boolean(),
  eligible: z.boolean(),
  recognised: z.boolean(),
  salesFen: z.number().nullable(),
  salesSource: z.enum(TAOBAO_SALES_SOURCES).nullable(),
  activeShops: z.number().nullable(),
  households: z.number().nullable(),
  villagesQualifying: z.number().nullable(),
  salesGapFen: z.number().nullable(),
  shopsGap: z.number().nullable(),
  shareGapPoints: z.number().nullable(),
  villagesGap: z.number().nullable(),
  path: z.enum(TAOBAO_TOWN_PATHS).nullable(),
  closeness: z.number(),
  lastMonth: z.string().nullable(),
  projection: z.enum(TAOBAO_PROJECTIONS),
  projectedMonth: z.string().nullable(),
  evidence,
  stage: stageSchema.nullable(),
});
export type EvaluationView = z.infer<typeof evaluationView>;

export const candidateView = evaluationView.extend({
  /** Monthly sales (fen) of the window's twelve months, null where there is no figure: the sparkline. */
  trend: z.array(z.number().nullable()),
});

export const candidateExportInput = exportInput(candidateFilter, {
  code: 'text',
  name: 'text',
  townName: 'text',
  qualifies: 'text',
  salesYuan: 'money',
  salesSource: 'text',
  activeShops: 'count',
  households: 'count',
  villagesQualifying: 'count',
  salesGapYuan: 'money',
  shopsGap: 'count',
  shareGapPoints: 'percentPoints',
  villagesGap: 'count',
  closeness: 'percent',
  projection: 'text',
  projectedMonth: 'text',
  shopsOpened: 'count',
  liveGmvYuan: 'money',
  stationSalesYuan: 'money',
  stage: 'text',
});

export const figureInput = z.object({
  code: regionCodeSchema,
  period: periodSchema,
  salesYuan: z.number().min(0).max(1e12).multipleOf(0.01).nullable(),
  activeShops: z.number().int().min(0).max(1_000_000).nullable(),
  households: z.number().int().min(1).max(1_000_000).nullable(),
});

export const figureView = z.object({
  period: z.string(),
  salesFen: z.number().nullable(),
  activeShops: z.number().nullable(),
  households: z.number().nullable(),
  source: z.enum(['entered', 'imported']),
  asOf: z.string(),
});

export const candidateInput = z.object({
  code: regionCodeSchema,
  stage: stageSchema,
  recognisedYear: yearSchema.nullable().default(null),
  /** Absent: kept as they are (a card moved on the board keeps its owner and notes). */
  ownerId: idSchema.nullable().optional(),
  notes: z.string().max(2000).optional(),
  /** The version read (none: the place is not a candidate yet). */
  version: versionSchema.optional(),
});

export const actionInput = z.object({
  code: regionCodeSchema,
  actedOn: daySchema,
  kind: z.enum(TAOBAO_ACTION_KINDS),
  note: z.string().max(500).default(''),
});

export const actionView = z.object({ id: z.number(), actedOn: z.string(), kind: z.enum(TAOBAO_ACTION_KINDS), note: z.string(), createdBy: z.string().nullable() });

export const placeView = z.object({
  code: z.string(),
  name: z.string(),
  level: levelSchema,
  townCode: z.string(),
  townName: z.string(),
  /** How the place counts as rural: its NBS class where known, else its code (村委会 / 居委会). */
  urbanRuralClass: z.string().nullable(),
  villageKind: z.string().nullable(),
  townshipKind: z.string().nullable(),
  evaluations: z.array(evaluationView),
  figures: z.array(figureView),
  candidate: z
    .object({ stage: stageSchema, recognisedYear: z.number().nullable(), ownerId: z.number().nullable(), ownerName: z.string().nullable(), notes: z.string(), version: z.number() })
    .nullable(),
  actions: z.array(actionView),
  recognitions: z.array(z.object({ year: z.number(), level: levelSchema })),
});

export const boardCard = z.object({
  code: z.string(),
  name: z.string(),
  level: levelSchema,
  townName: z.string(),
  stage: stageSchema,
  recognisedYear: z.number().nullable(),
  ownerName: z.string().nullable(),
  qualifies: z.boolean().nullable(),
  closeness: z.number().nullable(),
  projection: z.enum(TAOBAO_PROJECTIONS).nullable(),
  projectedMonth: z.string().nullable(),
  lastAction: z.string().nullable(),
  version: z.number(),
});

export const unmatchedView = z.object({
  id: z.number(),
  year: z.number(),
  level: levelSchema,
  province: z.string(),
  city: z.string(),
  county: z.string(),
  town: z.string(),
  village: z.string(),
});
