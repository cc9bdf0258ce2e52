import { z } from 'zod';
import { OUTCOME_KINDS } from '../../db/types';
import { exportInput } from '../../lib/excel';
import { listInput, listOutput } from '../../lib/list';
import { daySchema as day, regionCodeSchema as code12, yearSchema as year } from '../../lib/schema';

// ---- progress against the year's target ------------------------------------------------------------

export const progressInput = z.object({ year });

export const progressRow = z.object({
  regionCode: z.string(),
  regionName: z.string(),
  /** 'scope': the sum of a coordinator's towns, when they have more than one. */
  level: z.enum(['county', 'town', 'scope']),
  personTimes: z.number(),
  target: z.number().nullable(),
  /** Where the year should be today: target × elapsed days / days in the year. */
  pace: z.number().nullable(),
  /** Run-rate to 31 December: person-times so far / elapsed days × days in the year. */
  projection: z.number(),
  status: z.enum(['on_pace', 'behind', 'no_target']),
});

export const progressOutput = z.object({
  year: z.number(),
  /** Asia/Shanghai. */
  today: z.string(),
  elapsedDays: z.number(),
  daysInYear: z.number(),
  projectionMethod: z.literal('run_rate'),
  /** The county (or the coordinator's towns together); null when there is nothing in scope. */
  headline: progressRow.nullable(),
  /** The headline's county and each town within scope. */
  rows: z.array(progressRow),
  /** The headline's person-times by month of completion, January to December. */
  months: z.array(z.object({ month: z.string(), personTimes: z.number(), cumulative: z.number() })),
  computedAt: z.string().nullable(),
});

/** The progress table (the headline's county and each town) as a spreadsheet. */
export const progressExportInput = exportInput(progressInput, {
  regionName: 'text', personTimes: 'count', target: 'count', pace: 'count', projection: 'count', status: 'text',
});

// ---- conversion by cut, and the funnel -----------------------------------------------------------

export const SUMMARY_CUTS = ['cohort_month', 'course', 'topic', 'trainer', 'town'] as const;
export type SummaryCut = (typeof SUMMARY_CUTS)[number];

export const summaryInput = z.object({
  year,
  /** A town or county within the user's scope; default: their whole scope. */
  region: code12.optional(),
});

const byKind = z.object(Object.fromEntries(OUTCOME_KINDS.map((k) => [k, z.number()])) as Record<(typeof OUTCOME_KINDS)[number], z.ZodNumber>);

export const cutRow = z.object({
  key: z.string(),
  label: z.string(),
  completed: z.number(),
  converted: z.number(),
  /** converted / completed, 0–1 (4 decimals); null when nobody completed. */
  rate: z.number().nullable(),
  byKind,
});

export const funnelView = z.object({
  registered: z.number(),
  attended: z.number(),
  completed: z.number(),
  converted: z.number(),
  firstSale: z.number(),
});

export const summaryOutput = z.object({
  year: z.number(),
  windowDays: z.number(),
  ruleVersion: z.number().nullable(),
  computedAt: z.string().nullable(),
  overall: cutRow,
  cuts: z.object(Object.fromEntries(SUMMARY_CUTS.map((c) => [c, z.array(cutRow)])) as Record<SummaryCut, z.ZodArray<typeof cutRow>>),
  funnel: funnelView,
});

export const cutExportInput = exportInput(summaryInput.extend({ cut: z.enum(SUMMARY_CUTS) }), {
  key: 'text',
  label: 'text',
  completed: 'count',
  converted: 'count',
  rate: 'percent',
  ...(Object.fromEntries(OUTCOME_KINDS.map((k) => [`byKind.${k}`, 'count'])) as Record<`byKind.${(typeof OUTCOME_KINDS)[number]}`, 'count'>),
});

// ---- follow-up list --------------------------------------------------------------------------------

/**
 * Follow-up stages, in days since the trainee's latest completed course: 30 → [30, 90), 90 → [90,
 * 180), 180 → [180, 365). After a year without an outcome the trainee leaves the list.
 */
export const FOLLOW_UP_STAGES = { 30: [30, 90], 90: [90, 180], 180: [180, 365] } as const;
export const followUpStage = z.union([z.literal(30), z.literal(90), z.literal(180)]);

export const followUpInput = listInput(
  z.object({ stage: followUpStage.default(30), region: code12.optional() }),
  ['completedOn', 'name', 'village'] as const,
);

export const followUpItem = z.object({
  traineeId: z.number(),
  name: z.string(),
  /** In full only to the training coordinator whose towns held the course; masked to everyone else. */
  mobile: z.string(),
  mobileMasked: z.boolean(),
  villageName: z.string().nullable(),
  courseId: z.number(),
  courseTitle: z.string(),
  regionName: z.string(),
  completedOn: z.string(),
  daysSince: z.number(),
});
export const followUpOutput = listOutput(followUpItem);

/** The columns of a trainee who completed a course, as the follow-up and spot-check sheets both show them. */
const COMPLETED_TRAINEE_COLUMNS = {
  name: 'text', mobile: 'text', villageName: 'text', courseTitle: 'text', regionName: 'text', completedOn: 'date',
} as const;

/** The call list: the list's columns plus two empty ones to fill in on the phone (回访结果, 备注). */
export const followUpExportInput = exportInput(followUpInput, {
  ...COMPLETED_TRAINEE_COLUMNS,
  daysSince: 'count',
  callResult: 'text',
  note: 'text',
});

// ---- spot check -------------------------------------------------------------------------------------

export const spotCheckInput = z.object({
  from: day,
  to: day,
  n: z.number().int().min(1).max(500),
  /** Any text; the same seed over the same period gives the same sample. */
  seed: z.string().trim().min(1).max(64),
  region: code12.optional(),
});

export const spotCheckItem = z.object({
  traineeId: z.number(),
  name: z.string(),
  /** Always masked: the sample goes to evaluators. */
  mobile: z.string(),
  villageName: z.string().nullable(),
  courseTitle: z.string(),
  regionName: z.string(),
  completedOn: z.string(),
});

export const spotCheckOutput = z.object({
  seed: z.string(),
  from: z.string(),
  to: z.string(),
  /** How many trainees completed a course in the period (the population sampled from). */
  population: z.number(),
  items: z.array(spotCheckItem),
});

export const spotCheckExportInput = exportInput(spotCheckInput, {
  ...COMPLETED_TRAINEE_COLUMNS,
  traineeId: 'plain',
});
