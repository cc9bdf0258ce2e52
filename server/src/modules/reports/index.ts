import { defineModule } from '../module';
import * as m0016 from './migrations/2026-12-05-0016-monthly-reports';
import { reportsJobs } from './reports.jobs';
import { reportsMessages } from './reports.messages';
import { reportsRouter } from './reports.router';

/** 月度通报: the monthly report by town, built from the snapshots; closed months frozen as versions. */
export const reportsModule = defineModule({
  name: 'reports',
  router: reportsRouter,
  jobs: reportsJobs,
  messages: reportsMessages,
  migrations: { '2026-12-05-0016-monthly-reports': m0016 },
});
