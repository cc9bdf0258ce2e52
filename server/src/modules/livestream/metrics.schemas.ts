import { z } from 'zod';
import { LIVESTREAM_PLATFORMS } from '../../db/types';
import { exportInput } from '../../lib/excel';
import { daySchema as day, idSchema as id, monthSchema as month, pageSchema, yearSchema as year } from '../../lib/schema';

const platform = z.enum(LIVESTREAM_PLATFORMS);

// ---- progress against the year's target -------------------------------------------------------------

export const progressInput = z.object({ year });

export const progressOutput = z.object({
  year: z.number(),
  /** Asia/Shanghai. */
  today: z.string(),
  elapsedDays: z.number(),
  daysInYear: z.number(),
  /** 'county': the bureau's view (every base, against the county's target); 'bases': a manager's own bases. */
  scope: z.enum(['county', 'bases']),
  /** The month the "now" figures are of, and the day they were judged on; null before any run. */
  month: z.string().nullable(),
  asOf: z.string().nullable(),
  taobao: z.object({
    /** Hosts active on Taobao Live now (the target's figure). */
    active: z.number(),
    /** The county's target for the year; null for a manager (the target is the county's). */
    target: z.number().nullable(),
    /** True when no target is set for the year and the catalogue default (300) is shown. */
    targetIsDefault: z.boolean(),
    /** Active at the end of the year before: where the pace line starts. */
    start: z.number(),
    /** Where the year should be today: start + (target − start) × elapsed days / days in the year. */
    pace: z.number().nullable(),
    status: z.enum(['on_pace', 'behind', 'no_target']),
  }),
  /** Hosts active on any platform now (each host once per base). */
  allPlatforms: z.number(),
  byPlatform: z.array(z.object({ platform, active: z.number(), streamingHosts: z.number() })),
  /** Active at each month's end (as of the last run for the current month); null for months to come. */
  months: z.array(z.object({ month: z.string(), taobao: z.number().nullable(), all: z.number().nullable() })),
  rule: z.object({ version: z.number(), windowDays: z.number(), minStreams: z.number(), minMinutes: z.number() }).nullable(),
  computedAt: z.string().nullable(),
});

// ---- active hosts by month ---------------------------------------------------------------------------

export const activeByMonthInput = z.object({
  year,
  baseId: id.optional(),
  /** One platform, or 'all' (distinct hosts over every platform); default: every platform and 'all'. */
  platform: z.enum([...LIVESTREAM_PLATFORMS, 'all']).optional(),
});

export const activeMonthRow = z.object({
  month: z.string(),
  platform: z.enum([...LIVESTREAM_PLATFORMS, 'all']),
  activeHosts: z.number(),
  streamingHosts: z.number(),
  streams: z.number(),
  hours: z.number(),
  gmvFen: z.number(),
  asOf: z.string(),
  ruleVersion: z.number(),
});
export const activeByMonthOutput = z.object({ items: z.array(activeMonthRow), total: z.number() });
export const activeByMonthExportInput = exportInput(activeByMonthInput, {
  month: 'text', platform: 'text', activeHosts: 'count', streamingHosts: 'count', streams: 'count', hours: 'decimal', gmvYuan: 'money',
  asOf: 'date', ruleVersion: 'plain',
});

// ---- by base -----------------------------------------------------------------------------------------

export const byBaseInput = z.object({ month: month.optional() });
export const baseRow = z.object({
  baseId: z.number(),
  baseName: z.string(),
  regionName: z.string(),
  activeTaobao: z.number(),
  activeAll: z.number(),
  streamingHosts: z.number(),
  streams: z.number(),
  hours: z.number(),
  gmvFen: z.number(),
  /** GMV per hour streamed, in fen; null when nothing was streamed. */
  gmvPerHourFen: z.number().nullable(),
});
export const byBaseOutput = z.object({ month: z.string(), asOf: z.string().nullable(), items: z.array(baseRow), total: z.number() });
export const byBaseExportInput = exportInput(byBaseInput, {
  baseName: 'text', regionName: 'text', activeTaobao: 'count', activeAll: 'count', streamingHosts: 'count', streams: 'count',
  hours: 'decimal', gmvYuan: 'money', gmvPerHourYuan: 'money',
});

// ---- leaderboard -------------------------------------------------------------------------------------

export const LEADERBOARD_KEYS = ['gmv', 'hours', 'streams', 'gmvPerHour'] as const;
export const leaderboardInput = z.object({
  month,
  by: z.enum(LEADERBOARD_KEYS).default('gmv'),
  baseId: id.optional(),
  platform: platform.optional(),
  page: pageSchema.default(1),
  pageSize: z.number().int().min(1).max(200).default(20),
});
export const leaderboardRow = z.object({
  rank: z.number(),
  hostId: z.number(),
  hostName: z.string(),
  baseId: z.number(),
  baseName: z.string(),
  streams: z.number(),
  hours: z.number(),
  gmvFen: z.number(),
  gmvPerHourFen: z.number().nullable(),
  /** Σbuyers ÷ Σviewers, 0–1 (4 decimals); null without viewers. */
  buyerRate: z.number().nullable(),
  /** Active at the month's end (on the platform filtered, or on any). */
  active: z.boolean(),
});
export const leaderboardOutput = z.object({ items: z.array(leaderboardRow), total: z.number() });
export const leaderboardExportInput = exportInput(leaderboardInput, {
  rank: 'plain', hostName: 'text', baseName: 'text', streams: 'count', hours: 'decimal', gmvYuan: 'money', gmvPerHourYuan: 'money',
  buyerRate: 'percent', active: 'text',
});

// ---- one host's months -------------------------------------------------------------------------------

export const hostMonthsInput = z.object({ hostId: id });
export const hostMonthRow = z.object({
  month: z.string(),
  streams: z.number(),
  hours: z.number(),
  gmvFen: z.number(),
  gmvPerHourFen: z.number().nullable(),
  viewers: z.number(),
  buyers: z.number(),
  buyerRate: z.number().nullable(),
  /** The platforms the host was active on at the month's end. */
  activePlatforms: z.array(platform),
});
export const hostMonthsOutput = z.object({
  hostId: z.number(),
  hostName: z.string(),
  items: z.array(hostMonthRow),
  total: z.number(),
  /** The same months per platform. */
  byPlatform: z.array(z.object({ month: z.string(), platform, streams: z.number(), hours: z.number(), gmvFen: z.number(), active: z.boolean(), ruleVersion: z.number() })),
});
export const hostMonthsExportInput = exportInput(hostMonthsInput, {
  month: 'text', streams: 'count', hours: 'decimal', gmvYuan: 'money', gmvPerHourYuan: 'money', viewers: 'count', buyers: 'count',
  buyerRate: 'percent', activePlatforms: 'text',
});

// ---- the active-host rule ----------------------------------------------------------------------------

export const ruleVersionView = z.object({
  version: z.number(),
  windowDays: z.number(),
  minStreams: z.number(),
  minMinutes: z.number(),
  effectiveFrom: z.string(),
  /** The version in force today. */
  inForce: z.boolean(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
});
export const ruleListOutput = z.array(ruleVersionView);

export const ruleCreateInput = z.object({
  windowDays: z.number().int().min(1).max(366),
  minStreams: z.number().int().min(1).max(1000),
  minMinutes: z.number().int().min(1).max(1440),
  effectiveFrom: day,
});
export const ruleCreateOutput = z.object({
  rule: ruleVersionView,
  /** The months queued for recomputing under the new version ('YYYY-MM'). */
  recomputeMonths: z.array(z.string()),
  /** Versions not yet in force that the new one replaced (withdrawn, audited). */
  withdrawn: z.array(z.number()),
});
