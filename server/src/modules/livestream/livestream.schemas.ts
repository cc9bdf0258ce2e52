import { z } from 'zod';
import { BASE_STATUSES, HOST_STATUSES, LIVESTREAM_PLATFORMS, STREAM_SOURCES } from '../../db/types';
import { exportInput } from '../../lib/excel';
import { listInput, listOutput } from '../../lib/list';
import { daySchema as day, idSchema as id, regionCodeSchema as code12, timeSchema as time, versionSchema } from '../../lib/schema';
import { clientKeySchema } from '../../lib/client-key';
const text = (max: number) => z.string().trim().max(max);
const optionalText = (max: number) =>
  text(max)
    .nullable()
    .default(null)
    .transform((v) => (v === '' ? null : v));
const count = z.number().int().min(0).max(2_000_000_000).nullable().default(null);

// ---- bases ---------------------------------------------------------------------------------------

export const baseFields = z.object({
  name: text(100).min(1),
  address: optionalText(200),
  /** The town (of the home county) the base is in. */
  regionCode: code12,
  rooms: z.number().int().min(0).max(1000).nullable().default(null),
  capacity: z.number().int().min(0).max(100_000).nullable().default(null),
});
export const createBaseInput = baseFields.extend({ status: z.enum(BASE_STATUSES).default('active') });
export const updateBaseInput = baseFields.extend({ id, version: versionSchema, status: z.enum(BASE_STATUSES) });

export const baseView = z.object({
  id: z.number(),
  name: z.string(),
  address: z.string().nullable(),
  regionCode: z.string(),
  regionName: z.string(),
  rooms: z.number().nullable(),
  capacity: z.number().nullable(),
  status: z.enum(BASE_STATUSES),
  version: z.number(),
  hostCount: z.number(),
  /** Display names of the base managers scoped to this base. */
  managers: z.array(z.string()),
  createdAt: z.string(),
});

export const baseListInput = listInput(
  z.object({ q: text(50).optional(), status: z.enum(BASE_STATUSES).optional(), regionCode: code12.optional() }),
  ['name', 'createdAt', 'hostCount'] as const,
);
export const baseListOutput = listOutput(baseView);
export const baseExportInput = exportInput(baseListInput, {
  name: 'text', regionName: 'text', address: 'text', rooms: 'count', capacity: 'count', status: 'text', hostCount: 'count', managers: 'text',
  createdAt: 'date',
});
export const baseOptionsOutput = z.array(z.object({ id: z.number(), name: z.string(), status: z.enum(BASE_STATUSES) }));

// ---- hosts ---------------------------------------------------------------------------------------

export const accountInput = z.object({
  /** An existing account of this host (edit); absent: a new account. */
  id: id.optional(),
  platform: z.enum(LIVESTREAM_PLATFORMS),
  accountId: text(100).min(1),
  handle: optionalText(100),
});

export const hostFields = z.object({
  name: text(50).min(1),
  /** As typed ("+86 138-0013-8000"): normalised and checked as for trainees. */
  mobile: z.string().max(30),
  villageCode: code12.nullable().default(null),
  baseId: id,
  status: z.enum(HOST_STATUSES).default('active'),
  joinedOn: day.nullable().default(null),
  /** The host's platform accounts: the whole list (kept, edited, added; those left out are removed). */
  accounts: z.array(accountInput).max(20).default([]),
});
export const createHostInput = hostFields;
export const updateHostInput = hostFields.extend({
  id,
  version: versionSchema,
  /** Left out: unchanged (a user who sees the mobile masked does not retype it). */
  mobile: z.string().max(30).optional(),
});

export const accountView = z.object({ id: z.number(), platform: z.enum(LIVESTREAM_PLATFORMS), accountId: z.string(), handle: z.string().nullable() });

export const hostListItem = z.object({
  id: z.number(),
  name: z.string(),
  /** Masked: 138****5678. */
  mobile: z.string(),
  baseId: z.number(),
  baseName: z.string(),
  villageCode: z.string().nullable(),
  villageName: z.string().nullable(),
  status: z.enum(HOST_STATUSES),
  joinedOn: z.string().nullable(),
  platforms: z.array(z.enum(LIVESTREAM_PLATFORMS)),
  traineeId: z.number().nullable(),
  /** Linked to a trainee: trained by us. */
  trained: z.boolean(),
  /** Platforms the host is active on now (this month's snapshot, livestream.recompute). */
  activeOn: z.array(z.enum(LIVESTREAM_PLATFORMS)),
  lastStreamAt: z.string().nullable(),
  createdAt: z.string(),
});

export const hostListInput = listInput(
  z.object({
    /** Part of the name, or the mobile's last digits. */
    q: text(20).optional(),
    baseId: id.optional(),
    /** Has an account on this platform. */
    platform: z.enum(LIVESTREAM_PLATFORMS).optional(),
    status: z.enum(HOST_STATUSES).optional(),
    /** Linked to a trainee (true) or not (false). */
    trained: z.boolean().optional(),
    /** 活跃主播 now (this month's snapshot), on `platform` when given, else on any platform. */
    active: z.boolean().optional(),
  }),
  ['name', 'joinedOn', 'createdAt', 'lastStream'] as const,
);
export const hostListOutput = listOutput(hostListItem);
export const hostExportInput = exportInput(hostListInput, {
  name: 'text', mobile: 'text', baseName: 'text', villageName: 'text', status: 'text', joinedOn: 'date', platforms: 'text', activeOn: 'text',
  trained: 'text', lastStreamAt: 'date', createdAt: 'date',
});

const traineeRef = z.object({ id: z.number(), name: z.string(), mobile: z.string(), villageName: z.string().nullable() });

/** A stream's figures as the platform reports them (null: not in the export, or not typed). */
export const streamFigures = {
  viewers: z.number().nullable(),
  peakViewers: z.number().nullable(),
  newFollowers: z.number().nullable(),
  orders: z.number().nullable(),
  buyers: z.number().nullable(),
  gmvFen: z.number().nullable(),
};

export const streamView = z.object({
  id: z.number(),
  hostId: z.number(),
  hostName: z.string(),
  baseId: z.number(),
  baseName: z.string(),
  platform: z.enum(LIVESTREAM_PLATFORMS),
  startedAt: z.string(),
  durationSeconds: z.number(),
  ...streamFigures,
  farmProducts: z.boolean(),
  mainProducts: z.string().nullable(),
  /** Rates of an imported platform export, as fractions (null: not in the file, or typed in). */
  conversionRate: z.number().nullable(),
  clickRate: z.number().nullable(),
  clickConversionRate: z.number().nullable(),
  interactionRate: z.number().nullable(),
  followRate: z.number().nullable(),
  source: z.enum(STREAM_SOURCES),
  createdAt: z.string(),
});

export const hostProfile = z.object({
  host: hostListItem.extend({
    /** In full to an admin and to the base's manager; masked to others. */
    mobileVisible: z.boolean(),
    version: z.number(),
    traineeLinkedAt: z.string().nullable(),
    traineeLinkedBy: z.string().nullable(),
  }),
  accounts: z.array(accountView),
  /** The linked trainee. */
  trainee: traineeRef.nullable(),
  /** Not linked yet: the trainee with the same mobile, for the bureau to confirm; always null for a base manager, who sees no trainee records. */
  suggestion: traineeRef.nullable(),
  /** The latest streams (up to 10) the actor may see. */
  recentStreams: z.array(streamView),
});

export const linkTraineeInput = z.object({ hostId: id, traineeId: id });
export const unlinkTraineeInput = z.object({ hostId: id });

// ---- streams -------------------------------------------------------------------------------------

export const streamFields = z.object({
  hostId: id,
  platform: z.enum(LIVESTREAM_PLATFORMS),
  /** Start, Beijing time. */
  startDate: day,
  startTime: time,
  durationMinutes: z.number().int().min(0).max(2880),
  viewers: count,
  peakViewers: count,
  newFollowers: count,
  orders: count,
  buyers: count,
  /** GMV in integer fen (the client converts the yuan typed). */
  gmvFen: z.number().int().min(0).max(9e15).nullable().default(null),
  farmProducts: z.boolean().default(false),
  mainProducts: optionalText(200),
});
/** With the phone outbox's idempotency key (lib/client-key.ts), optional. */
export const createStreamInput = streamFields.extend({ clientKey: clientKeySchema });
export const updateStreamInput = streamFields.extend({ id });
export const deleteStreamInput = z.object({ id });
export const createStreamOutput = z.object({
  /** `exists` when the same host, platform and start was entered before: nothing new is written. */
  status: z.enum(['created', 'exists']),
  stream: streamView,
});

export const streamListInput = listInput(
  z.object({
    baseId: id.optional(),
    hostId: id.optional(),
    platform: z.enum(LIVESTREAM_PLATFORMS).optional(),
    /** Start days, Beijing time, both included. */
    from: day.optional(),
    to: day.optional(),
    farmProducts: z.boolean().optional(),
  }),
  ['startedAt', 'gmv', 'viewers', 'duration'] as const,
);
export const streamListOutput = listOutput(streamView);
export const streamExportInput = exportInput(streamListInput, {
  startedAt: 'date', hostName: 'text', baseName: 'text', platform: 'text', durationMinutes: 'count', viewers: 'count', peakViewers: 'count',
  newFollowers: 'count', orders: 'count', buyers: 'count', gmvYuan: 'money', farmProducts: 'text', mainProducts: 'text', source: 'text',
});
