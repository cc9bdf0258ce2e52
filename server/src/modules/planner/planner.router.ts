import { z } from 'zod';
import { roleProcedure, router } from '../../trpc/trpc';
import { planAcceptInput, planIdInput, planStartInput } from './planner.schemas';
import { acceptPlan, cancelPlan, getPlan, startPlan } from './planner.service';

/** Planning routes is the bureau's: hub staff run the routes they are given. */
const bureau = roleProcedure('admin', 'staff');
const ok = z.object({ ok: z.literal(true) });

export const plannerRouter = router({
  plans: router({
    start: bureau.input(planStartInput).output(z.object({ id: z.number() })).mutation(({ ctx, input }) => startPlan(ctx, input)),
    get: bureau.input(planIdInput).query(({ ctx, input }) => getPlan(ctx, input.id)),
    cancel: bureau.input(planIdInput).output(ok).mutation(({ ctx, input }) => cancelPlan(ctx, input.id)),
    accept: bureau
      .input(planAcceptInput)
      .output(z.object({ effectiveFrom: z.string(), routeIds: z.array(z.number()), endedRouteIds: z.array(z.number()) }))
      .mutation(({ ctx, input }) => acceptPlan(ctx, input)),
  }),
});
