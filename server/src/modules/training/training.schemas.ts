import { z } from 'zod';
import { ATTENDANCE_METHODS, COURSE_STATUSES, COURSE_TOPICS, OUTCOME_KINDS, TRAINEE_TAGS } from '../../db/types';
import { clientKeySchema } from '../../lib/client-key';
import { exportInput } from '../../lib/excel';
import { listInput, listOutput } from '../../lib/list';
import { daySchema as day, idSchema, regionCodeSchema as code12, timeSchema as time, versionSchema, yearSchema } from '../../lib/schema';
const text = (max: number) => z.string().trim().max(max);

export const courseFields = z.object({
  title: text(100).min(1),
  topic: z.enum(COURSE_TOPICS),
  organiser: text(100).nullable().default(null),
  trainers: z.array(text(50).min(1)).max(20).default([]),
  /** The town (or the county, for a county-wide course) it belongs to. */
  regionCode: code12,
  stationId: idSchema.nullable().default(null),
  venue: text(200).nullable().default(null),
  capacity: z.number().int().min(1).max(10_000).nullable().default(null),
  plannedStart: day.nullable().default(null),
  plannedEnd: day.nullable().default(null),
  /** Attended at least K sessions; null: every session for a course of ≤ 2, else 80 % rounded up. */
  completionMinSessions: z.number().int().min(1).max(100).nullable().default(null),
});
export const createCourseInput = courseFields;
export const updateCourseInput = courseFields.extend({ id: idSchema, version: versionSchema, status: z.enum(COURSE_STATUSES) });

/** When a live check-in is taken (check-in-window.ts), as the screens show it: "签到时间 13:00–18:00". */
export const checkInWindowView = z.object({
  opens: z.string(),
  closes: z.string(),
  /** At the time of asking. */
  state: z.enum(['not_open', 'open', 'closed']),
  /** The session has started: a late entry may be recorded (after the window has closed). */
  started: z.boolean(),
});

export const sessionView = z.object({
  id: z.number(),
  courseId: z.number(),
  date: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  venue: z.string().nullable(),
  attendance: z.number(),
  checkInWindow: checkInWindowView,
});

export const courseView = z.object({
  id: z.number(),
  title: z.string(),
  topic: z.enum(COURSE_TOPICS),
  organiser: z.string().nullable(),
  trainers: z.array(z.string()),
  regionCode: z.string(),
  regionName: z.string(),
  stationId: z.number().nullable(),
  stationName: z.string().nullable(),
  venue: z.string().nullable(),
  capacity: z.number().nullable(),
  plannedStart: z.string().nullable(),
  plannedEnd: z.string().nullable(),
  status: z.enum(COURSE_STATUSES),
  completionMinSessions: z.number().nullable(),
  /** The rule in force: K of the course's sessions. */
  requiredSessions: z.number(),
  sessionCount: z.number(),
  traineeCount: z.number(),
  version: z.number(),
});

export const courseListInput = listInput(
  z.object({
    regionCode: code12.optional(),
    topic: z.enum(COURSE_TOPICS).optional(),
    status: z.enum(COURSE_STATUSES).optional(),
    q: text(50).optional(),
    year: yearSchema.optional(),
  }),
  ['title', 'plannedStart', 'status'] as const,
);
export const courseListOutput = listOutput(courseView);
export const courseExportInput = exportInput(courseListInput, {
  title: 'text', topic: 'text', organiser: 'text', trainers: 'text', regionName: 'text', stationName: 'text', venue: 'text',
  capacity: 'count', plannedStart: 'date', plannedEnd: 'date', status: 'text', sessionCount: 'count', requiredSessions: 'count',
  traineeCount: 'count',
});

export const addSessionInput = z.object({
  courseId: idSchema,
  date: day,
  startsAt: time,
  endsAt: time,
  venue: text(200).nullable().default(null),
});

export const traineeFields = z.object({
  name: text(50).min(1),
  mobile: z.string().max(30),
  idCard: z.string().max(30).nullable().optional(),
  villageCode: code12.nullable().default(null),
  tags: z.array(z.enum(TRAINEE_TAGS)).max(TRAINEE_TAGS.length).default([]),
});

/**
 * A trainee in lists and search results: mobile masked, of the ID card only the last four. To a
 * coordinator, a trainee from elsewhere who attended one of their courses is `limited`: name and
 * masked mobile only (training.scope.ts).
 */
export const traineeView = z.object({
  id: z.number(),
  name: z.string(),
  mobile: z.string(),
  idCardLast4: z.string().nullable(),
  gender: z.enum(['male', 'female']).nullable(),
  birthDate: z.string().nullable(),
  villageCode: z.string().nullable(),
  villageName: z.string().nullable(),
  tags: z.array(z.enum(TRAINEE_TAGS)),
  limited: z.boolean(),
});

/** After the session's check-in window has closed: record, explicitly, that they were there (a late entry). */
const late = z.boolean().default(false);
export const checkInInput = z.union([
  /** `clientKey`: the phone outbox's idempotency key (lib/client-key.ts), optional. */
  z.object({ sessionId: idSchema, traineeId: idSchema, late, clientKey: clientKeySchema }),
  /**
   * A walk-in: registered and checked in in one step, or, when the mobile is known, checked in as
   * that trainee — if the typed name differs from theirs, only once confirmed (`confirmName`).
   */
  z.object({ sessionId: idSchema, walkIn: traineeFields, late, confirmName: z.boolean().default(false) }),
]);
export const checkInOutput = z.union([
  z.object({
    /** `already_checked_in` when the same check-in arrives again: nothing new is written. */
    status: z.enum(['checked_in', 'already_checked_in']),
    trainee: traineeView,
    checkedInAt: z.string(),
    method: z.enum(ATTENDANCE_METHODS),
    lateEntry: z.boolean(),
  }),
  /**
   * A walk-in whose mobile is a trainee registered under another name: nothing was written. Of the
   * registered name only a masked form (郭*); send again with `confirmName` to check them in.
   */
  z.object({ status: z.literal('confirm_name'), maskedName: z.string() }),
]);

export const traineeSearchInput = z.object({
  /** At least 2 characters: part of the name, pinyin initials, or the mobile's last digits. */
  q: text(20).min(2),
  sessionId: idSchema.optional(),
  limit: z.number().int().min(1).max(50).default(20),
});
export const traineeSearchOutput = z.array(traineeView.extend({ checkedIn: z.boolean() }));

/** The public QR page: the token from the code, and who the trainee says they are. */
export const qrCheckInInput = z.object({
  token: z.string().max(64),
  name: text(50).min(1),
  mobile: z.string().max(30),
});
export const qrCheckInOutput = z.object({
  status: z.enum(['checked_in', 'already_checked_in']),
  courseTitle: z.string(),
  sessionDate: z.string(),
});
export const qrTokenOutput = z.object({ token: z.string(), expiresAt: z.string(), refreshInMs: z.number() });

export const recordOutcomeInput = z.object({
  traineeId: idSchema,
  kind: z.enum(OUTCOME_KINDS),
  occurredOn: day,
  /** Where the shop or stream is (淘宝, 抖音, 快手, 拼多多, 微信小店…). */
  platform: text(50).nullable().default(null),
  shopUrl: z.url().max(500).nullable().default(null),
  /** First sale: its amount in fen. */
  amountFen: z.number().int().min(0).max(100_000_000_000).nullable().default(null),
  evidence: text(500).nullable().default(null),
});
export const outcomeView = z.object({
  id: z.number(),
  traineeId: z.number(),
  kind: z.enum(OUTCOME_KINDS),
  occurredOn: z.string(),
  platform: z.string().nullable(),
  shopUrl: z.string().nullable(),
  amountFen: z.number().nullable(),
  evidence: z.string().nullable(),
  recordedBy: z.string().nullable(),
  createdAt: z.string(),
});
