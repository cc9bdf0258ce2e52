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
 * THE list of the platform's domains, in order (routers, jobs, messages, rules, migrations and demo
 * seed steps are collected from it: router.ts, jobs/handlers.ts and jobs/registry.ts,
 * i18n/messages.ts (registered below), rules/registry.ts, db/migrate.ts, seeds/src/demo.ts).
 * A new domain is a folder with an `index.ts` manifest and one line here (docs/adding-a-domain.md).
 * The order is the demo's: a module comes after those whose demo data its own builds on (stations
 * on regions, the demo users on the stations they operate, livestream hosts on training's trainees).
 */
export const modules = [
  regionsModule,
  stationsModule,
  authModule,
  auditModule,
  targetsModule,
  systemModule,
  trainingModule,
  livestreamModule,
] as const;

export type AppModule = (typeof modules)[number];

registerModuleMessages(modules);
