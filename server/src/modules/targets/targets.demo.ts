import { SYSTEM_ACTOR } from '../auth/actor';
import { demoSeedStep } from '../module';
import { TARGET_METRICS, targetValue, upsertTarget } from './targets.service';

/** The demo county's targets for the year, at their defaults; a target already set is kept. */
export const targetsDemo = demoSeedStep('targets', async ({ db, year, countyCode }) => {
  for (const metricKey of ['training_person_times', 'active_hosts'] as const) {
    if ((await targetValue(db, year, countyCode, metricKey)) === null) {
      await upsertTarget({ db, who: SYSTEM_ACTOR }, { year, regionCode: countyCode, metricKey, value: TARGET_METRICS[metricKey].default });
    }
  }
});
