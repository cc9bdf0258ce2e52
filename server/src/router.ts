import { auditRouter } from './modules/audit/audit.router';
import { authRouter } from './modules/auth/auth.router';
import { regionsRouter } from './modules/regions/regions.router';
import { stationsRouter } from './modules/stations/stations.router';
import { trainingRouter } from './modules/training/training.router';
import { livestreamRouter } from './modules/livestream/livestream.router';
import { systemRouter } from './modules/system/system.router';
import { targetsRouter } from './modules/targets/targets.router';
import { createCallerFactory, router } from './trpc/trpc';

export const appRouter = router({
  auth: authRouter,
  audit: auditRouter,
  regions: regionsRouter,
  targets: targetsRouter,
  system: systemRouter,
  stations: stationsRouter,
  training: trainingRouter,
  livestream: livestreamRouter,
});

/** The client imports this type, and nothing else, from the server. */
export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
