import { z } from 'zod';
import { ATTENDANCE_METHODS, COURSE_STATUSES, COURSE_TOPICS, OUTCOME_KINDS, TRAINEE_TAGS } from '../../db/types';
import { isoDay } from '../../lib/dates';
import { exportInput } from '../../lib/excel';
import { listInput, listOutput } from '../../lib/list';

const day = z.string().regex(isoDay, '日期格式为 YYYY-MM-DD / a date is YYYY-MM-DD');
const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, '时间格式为 HH:MM / a time is HH:MM');
const code12 = z.string().regex(/^\d{12}$/);
const text = (max: number) => z.string().trim().max(max);

export const courseFields = z.object({
  title: text(100).min(1),
  topic: z.enum(COURSE_TOPICS),
  organiser: text(100).nullable().default(null),
  trainers: z.array(text(50).min(1)).max(20).default([]),
  /** The town (or the county, for a county-wide course) it belongs to. */
  regionCode: code12,
  stationId: z.number().int().nullable().default(null),
  venue: text(200).nullable().default(null),
  capacity: z.number().int().min(1).max(10_000).nullable().default(null),
  plannedStart: day.nullable().default(null),
  plannedEnd: day.nullable().default(null),
  /** Attended at least K sessions; null: every session for a course of ≤ 2, else 80 % rounded up. */
  completionMinSessions: z.number().int().min(1).max(100).nullable().default(null),
});
export const createCourseInput = courseFields;
export const updateCourseInput = courseFields.extend({ id: z.number().int(), version: z.number().int(), status: z.enum(COURSE_STATUSES) });

export const sessionView = z.object({
  id: z.number(),
  courseId: z.number(),
  date: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  venue: z.string().nullable(),
  attendance: z.number(),
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
    year: z.number().int().min(2000).max(2100).optional(),
  }),
  ['title', 'plannedStart', 'status'] as const,
);
export const courseListOutput = listOutput(courseView);
export const courseExportInput = exportInput(courseListInput, [
  'title',
  'topic',
  'organiser',
  'trainers',
  'regionName',
  'stationName',
  'venue',
  'capacity',
  'plannedStart',
  'plannedEnd',
  'status',
  'sessionCount',
  'requiredSessions',
  'traineeCount',
] as const);

export const addSessionInput = z.object({
  courseId: z.number().int(),
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

/** A trainee in lists and search results: mobile masked, of the ID card only the last four. */
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
});

export const checkInInput = z.union([
  z.object({ sessionId: z.number().int(), traineeId: z.number().int() }),
  /** A walk-in: registered (or found by mobile) and checked in in one step. */
  z.object({ sessionId: z.number().int(), walkIn: traineeFields }),
]);
export const checkInOutput = z.object({
  /** `already_checked_in` when the same check-in arrives again: nothing new is written. */
  status: z.enum(['checked_in', 'already_checked_in']),
  trainee: traineeView,
  checkedInAt: z.string(),
  method: z.enum(ATTENDANCE_METHODS),
});

export const traineeSearchInput = z.object({
  /** At least 2 characters: part of the name, pinyin initials, or the mobile's last digits. */
  q: text(20).min(2),
  sessionId: z.number().int().optional(),
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
  traineeId: z.number().int(),
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
