import { z } from 'zod';
import { exportList, exportOutput } from '../../lib/excel';
import { idSchema } from '../../lib/schema';
import { publicProcedure, router } from '../../trpc/trpc';
import { attendanceRouter } from './attendance.router';
import { conversionRouter } from './conversion.router';
import { traineesRouter } from './trainees.router';
import { trainingStaff } from './training.procedures';
import { listOutcomes, recordOutcome } from './outcomes.service';
import { currentQrToken, qrCheckIn } from './qr-check-in';
import {
  addSessionInput,
  courseListInput,
  courseExportInput,
  courseListOutput,
  courseView,
  createCourseInput,
  outcomeView,
  recordOutcomeInput,
  qrCheckInInput,
  qrCheckInOutput,
  qrTokenOutput,
  sessionView,
  updateCourseInput,
} from './training.schemas';
import { createCourse, getCourse, listCourses, updateCourse } from './courses.service';
import { addSession, getSession, listSessions } from './sessions.service';

export const trainingRouter = router({
  courses: router({
    list: trainingStaff.input(courseListInput).output(courseListOutput).query(({ ctx, input }) => listCourses(ctx, input)),
    export: trainingStaff
      .input(courseExportInput)
      .output(exportOutput)
      .mutation(({ ctx, input }) => exportList(input, 'training-courses', (list) => listCourses(ctx, list))),
    get: trainingStaff.input(z.object({ id: idSchema })).output(courseView).query(({ ctx, input }) => getCourse(ctx, input.id)),
    create: trainingStaff.input(createCourseInput).output(courseView).mutation(({ ctx, input }) => createCourse(ctx, input)),
    update: trainingStaff.input(updateCourseInput).output(courseView).mutation(({ ctx, input }) => updateCourse(ctx, input)),
  }),
  sessions: router({
    /** One session with its attendance so far: the check-in and QR screens stand on the session alone. */
    get: trainingStaff.input(z.object({ id: idSchema })).output(sessionView).query(({ ctx, input }) => getSession(ctx, input.id)),
    list: trainingStaff.input(z.object({ courseId: idSchema })).output(z.array(sessionView)).query(({ ctx, input }) => listSessions(ctx, input.courseId)),
    add: trainingStaff.input(addSessionInput).output(sessionView).mutation(({ ctx, input }) => addSession(ctx, input)),
  }),
  trainees: traineesRouter,
  outcomes: router({
    list: trainingStaff.input(z.object({ traineeId: idSchema })).output(z.array(outcomeView)).query(({ ctx, input }) => listOutcomes(ctx, input.traineeId)),
    record: trainingStaff.input(recordOutcomeInput).output(outcomeView).mutation(({ ctx, input }) => recordOutcome(ctx, input)),
  }),
  qr: router({
    /** The projector's current token; the page asks again after `refreshInMs`. */
    token: trainingStaff.input(z.object({ sessionId: idSchema })).output(qrTokenOutput).query(({ ctx, input }) => currentQrToken(ctx, input.sessionId)),
    /** The trainee's own phone, not logged in: token, name and mobile. */
    checkIn: publicProcedure.input(qrCheckInInput).output(qrCheckInOutput).mutation(({ ctx, input }) => qrCheckIn(ctx, ctx.ip, input)),
  }),
  attendance: attendanceRouter,
  conversion: conversionRouter,
});
