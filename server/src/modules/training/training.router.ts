import { z } from 'zod';
import { auditWho } from '../../trpc/context';
import { roleProcedure, router } from '../../trpc/trpc';
import {
  addSessionInput,
  checkInInput,
  checkInOutput,
  courseListInput,
  courseListOutput,
  courseView,
  createCourseInput,
  sessionView,
  traineeSearchInput,
  traineeSearchOutput,
  updateCourseInput,
} from './training.schemas';
import { addSession, checkIn, createCourse, getCourse, listCourses, listSessions, searchTrainees, updateCourse } from './training.service';

/** Who runs training: the bureau, and coordinators within their towns (narrowed in the service). */
const trainingStaff = roleProcedure('admin', 'staff', 'training_coordinator');

export const trainingRouter = router({
  courses: router({
    list: trainingStaff.input(courseListInput).output(courseListOutput).query(({ ctx, input }) => listCourses(ctx.db, ctx.actor, input)),
    get: trainingStaff.input(z.object({ id: z.number().int() })).output(courseView).query(({ ctx, input }) => getCourse(ctx.db, ctx.actor, input.id)),
    create: trainingStaff.input(createCourseInput).output(courseView).mutation(({ ctx, input }) => createCourse(ctx.db, ctx.actor, auditWho(ctx), input)),
    update: trainingStaff.input(updateCourseInput).output(courseView).mutation(({ ctx, input }) => updateCourse(ctx.db, ctx.actor, auditWho(ctx), input)),
  }),
  sessions: router({
    list: trainingStaff.input(z.object({ courseId: z.number().int() })).output(z.array(sessionView)).query(({ ctx, input }) => listSessions(ctx.db, ctx.actor, input.courseId)),
    add: trainingStaff.input(addSessionInput).output(sessionView).mutation(({ ctx, input }) => addSession(ctx.db, ctx.actor, auditWho(ctx), input)),
  }),
  trainees: router({
    search: trainingStaff.input(traineeSearchInput).output(traineeSearchOutput).query(({ ctx, input }) => searchTrainees(ctx.db, ctx.actor, input)),
  }),
  attendance: router({
    checkIn: trainingStaff.input(checkInInput).output(checkInOutput).mutation(({ ctx, input }) => checkIn(ctx, ctx.actor, auditWho(ctx), input)),
  }),
});
