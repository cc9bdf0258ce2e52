import { registerModuleMessages } from '../i18n/messages';
import { auditModule } from './audit';
import { cockpitModule } from './cockpit';
import { courierModule } from './courier';
import { displayModule } from './display';
import { authModule } from './auth';
import { livestreamModule } from './livestream';
import { notificationsModule } from './notifications';
import { operationsModule } from './operations';
import { plannerModule } from './planner';
import { regionsModule } from './regions';
import { reportsModule } from './reports';
import { stationsModule } from './stations';
import { systemModule } from './system';
import { taobaoModule } from './taobao';
import { targetsModule } from './targets';
import { trainingModule } from './training';

/**
 * THE list of the platform's domains, in order (routers, jobs, messages, rules, migrations and demo
 * seed steps are collected from it: router.ts, jobs/handlers.ts and jobs/registry.ts,
 * i18n/messages.ts (registered below), rules/registry.ts, db/migrate.ts, seeds/src/demo.ts).
 * A new domain is a folder with an `index.ts` manifest and one line here (docs/adding-a-domain.md).
 * The order is the demo's: a module comes after those whose demo data its own builds on (stations
 * on regions, the demo users on the stations they operate, livestream hosts on training's trainees, the
 * targets on the livestream bases they share the hosts' target to).
 */
export const modules = [
  regionsModule,
  stationsModule,
  authModule,
  auditModule,
  systemModule,
  trainingModule,
  livestreamModule,
  targetsModule,
  cockpitModule,
  displayModule,
  notificationsModule,
  taobaoModule,
  courierModule,
  plannerModule,
  operationsModule,
  reportsModule,
] as const;

export type AppModule = (typeof modules)[number];

registerModuleMessages(modules);
