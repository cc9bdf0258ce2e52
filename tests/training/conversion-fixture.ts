import type { CourseTopic, OutcomeKind } from '@cuntong/server/db/types';
import type { Harness } from '../support/harness';

export const XIGANG = '370481106000'; // 西岗镇: a third town, outside the coordinator's two

/** Small builders for conversion fixtures: trainees, courses everyone in the list completes, outcomes. */
export function conversionFixture(h: Harness, staff: ReturnType<Harness['caller']>) {
  let serial = 0;
  return {
    async trainee(name: string, options: { villageCode?: string | null; createdAt?: string } = {}) {
      serial += 1;
      const row = await h.db
        .insertInto('trainees')
        .values({
          name,
          mobile: `1370000${String(serial).padStart(4, '0')}`,
          village_code: options.villageCode ?? null,
          ...(options.createdAt ? { created_at: `${options.createdAt}T10:00:00+08:00` } : {}),
        })
        .returning(['id', 'mobile'])
        .executeTakeFirstOrThrow();
      return row;
    },
    /** A course on these days (past: their attendance is recorded late); each trainee in `complete` comes to every session, each in `partial` to the first only. */
    async course(
      regionCode: string,
      title: string,
      days: string[],
      complete: number[],
      options: { topic?: CourseTopic; trainers?: string[]; partial?: number[] } = {},
    ) {
      const course = await staff.training.courses.create({
        title,
        topic: options.topic ?? 'shop_operation',
        organiser: null,
        trainers: options.trainers ?? [],
        regionCode,
        stationId: null,
        venue: null,
        capacity: null,
        plannedStart: null,
        plannedEnd: null,
        completionMinSessions: null,
      });
      const sessions = [];
      for (const date of days) sessions.push(await staff.training.sessions.add({ courseId: course.id, date, startsAt: '09:00', endsAt: '11:00', venue: null }));
      for (const traineeId of complete) for (const s of sessions) await staff.training.attendance.checkIn({ sessionId: s.id, traineeId, late: true });
      for (const traineeId of options.partial ?? []) await staff.training.attendance.checkIn({ sessionId: sessions[0].id, traineeId, late: true });
      return course;
    },
    async outcome(traineeId: number, kind: OutcomeKind, occurredOn: string) {
      await h.db.insertInto('training_outcomes').values({ trainee_id: traineeId, kind, occurred_on: occurredOn, evidence: '电话回访' }).execute();
    },
  };
}
