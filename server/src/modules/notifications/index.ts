import { defineModule } from '../module';
import * as m0018 from './migrations/2026-12-05-0018-notifications';
import { notificationsJobs } from './notifications.jobs';
import { notificationsMessages } from './notifications.messages';
import { notificationsRouter } from './notifications.router';
import { notificationsRules } from './notifications.rules';

/** 待办与提醒: threshold rules evaluated per user in scope; notifications with an unread count, a to-do list. */
export const notificationsModule = defineModule({
  name: 'notifications',
  router: notificationsRouter,
  jobs: notificationsJobs,
  messages: notificationsMessages,
  rules: notificationsRules,
  migrations: { '2026-12-05-0018-notifications': m0018 },
});
