import { registerModuleMessages } from '../i18n/messages';
import { auditModule } from './audit';
import { authModule } from './auth';
import { livestreamModule } from './livestream';
import { regionsModule } from './regions';
import { stationsModule } from './stations';
import { systemModule } from './system';
import { targetsModule } from './targets';
import { trainingModule } from './training';

/**
 * THE list of the platform's domains, in order (routers, jobs, messages, rules and migrations are
 * collected from it: router.ts, jobs/handlers.ts and jobs/registry.ts, i18n/messages.ts (registered below),
 * rules/registry.ts, db/migrate.ts). A new domain is a folder with an `index.ts` manifest and one
 * line here (docs/adding-a-domain.md).
 */
export const modules = [
  authModule,
  auditModule,
  regionsModule,
  targetsModule,
  systemModule,
  stationsModule,
  trainingModule,
  livestreamModule,
] as const;

export type AppModule = (typeof modules)[number];

registerModuleMessages(modules);
