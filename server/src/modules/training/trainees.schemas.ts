import { z } from 'zod';
import { ATTENDANCE_METHODS, COURSE_STATUSES, COURSE_TOPICS, TRAINEE_TAGS } from '../../db/types';
import { exportInput } from '../../lib/excel';
import { listInput, listOutput } from '../../lib/list';
import { idSchema, regionCodeSchema as code12, versionSchema } from '../../lib/schema';
import { outcomeView, traineeView } from './training.schemas';

export const traineeListInput = listInput(
  z.object({
    /** Part of the name, pinyin initials, or the mobile's last digits. */
    q: z.string().trim().max(20).optional(),
    /** A town or a village: trainees living there. */
    regionCode: code12.optional(),
    tag: z.enum(TRAINEE_TAGS).optional(),
    /** With at least one outcome (true), or none yet (false). */
    hasOutcome: z.boolean().optional(),
    /** Attended at least one session of this course. */
    courseId: idSchema.optional(),
  }),
  ['name', 'createdAt', 'attendance'] as const,
);

/** A row of the trainee list: as search shows a trainee (masked), with what they have done. */
export const traineeListItem = traineeView.extend({
  courseCount: z.number(),
  attendanceCount: z.number(),
  outcomeCount: z.number(),
  lastAttendedOn: z.string().nullable(),
  createdAt: z.string(),
});
export const traineeListOutput = listOutput(traineeListItem);

export const traineeExportInput = exportInput(traineeListInput, {
  name: 'text', mobile: 'text', idCardLast4: 'text', gender: 'text', birthDate: 'date', villageName: 'text', tags: 'text',
  courseCount: 'count', attendanceCount: 'count', outcomeCount: 'count', lastAttendedOn: 'date', createdAt: 'date',
});

export const traineeHistoryCourse = z.object({
  courseId: z.number(),
  title: z.string(),
  topic: z.enum(COURSE_TOPICS),
  status: z.enum(COURSE_STATUSES),
  regionName: z.string(),
  firstDay: z.string().nullable(),
  lastDay: z.string().nullable(),
  sessionCount: z.number(),
  requiredSessions: z.number(),
  attendedSessions: z.number(),
  /** Attended at least the sessions its completion rule asks for. */
  completed: z.boolean(),
  attendance: z.array(
    z.object({
      sessionId: z.number(),
      date: z.string(),
      startsAt: z.string(),
      method: z.enum(ATTENDANCE_METHODS),
      checkedInAt: z.string(),
    }),
  ),
});

/**
 * A trainee's profile. The mobile is in full only to an admin and to a coordinator whose towns the
 * trainee lives in (`mobileVisible`); never the ID-card number, only its last four.
 */
export const traineeProfile = z.object({
  trainee: traineeView.extend({
    mobileVisible: z.boolean(),
    version: z.number(),
    createdAt: z.string(),
    /** Set when this record was merged into another trainee: the page goes there. */
    mergedIntoId: z.number().nullable(),
    /** Other mobiles that find this person (trainees merged into them), shown like the mobile. */
    otherMobiles: z.array(z.string()),
  }),
  courses: z.array(traineeHistoryCourse),
  outcomes: z.array(outcomeView),
});

export const updateTraineeInput = z.object({
  id: idSchema,
  version: versionSchema,
  name: z.string().trim().min(1).max(50),
  villageCode: code12.nullable(),
  tags: z.array(z.enum(TRAINEE_TAGS)).max(TRAINEE_TAGS.length),
  /** Re-enter the ID card (checked, stored as hash and last four); left out: unchanged. */
  idCard: z.string().max(30).nullable().optional(),
});

export const duplicatesInput = z.object({ regionCode: code12.optional() }).default({});

export const duplicateMember = traineeListItem;
export const duplicateGroup = z.object({
  /** `village code:normalised name`, stable while the group lasts. */
  key: z.string(),
  name: z.string(),
  villageCode: z.string(),
  villageName: z.string().nullable(),
  members: z.array(duplicateMember),
});
export const duplicatesOutput = z.object({ groups: z.array(duplicateGroup), truncated: z.boolean() });

export const mergeTraineesInput = z.object({ keepId: idSchema, mergeId: idSchema });
export const mergeTraineesOutput = z.object({
  keepId: z.number(),
  mergedId: z.number(),
  attendanceMoved: z.number(),
  /** Sessions both had attended: one row kept, the earlier check-in. */
  attendanceOverlapping: z.number(),
  outcomesMoved: z.number(),
});
