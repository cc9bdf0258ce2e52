import { modules, type AppModule } from './modules';
import { createCallerFactory, router } from './trpc/trpc';

/** Each module's router, mounted at its name (modules/index.ts). */
type ModuleRouters = { [M in AppModule as M['name']]: M['router'] };

export const appRouter = router(Object.fromEntries(modules.map((m) => [m.name, m.router])) as ModuleRouters);

/** The client imports this type, and nothing else, from the server. */
export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
