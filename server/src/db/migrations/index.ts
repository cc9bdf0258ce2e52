import type { Migration } from 'kysely/migration';
import * as m0001 from './2026-11-28-0001-foundation';
import * as m0002 from './2026-11-28-0002-stations';
import * as m0003 from './2026-11-28-0003-training';
import * as m0004 from './2026-11-28-0004-trainee-merge';
import * as m0005 from './2026-11-28-0005-training-conversion';
import * as m0006 from './2026-11-30-0006-livestream';
import * as m0007 from './2026-11-30-0007-livestream-metrics';
import * as m0008 from './2026-12-04-0008-login-throttle';
import * as m0009 from './2026-12-04-0009-list-sort-indexes';
import * as m0010 from './2026-12-04-0010-attendance-late-entry';
import * as m0011 from './2026-12-04-0011-stream-rates';
import * as m0012 from './2026-12-04-0012-client-keys';
import * as m0013 from './2026-12-05-0013-targets-by-scope';
import * as m0014 from './2026-12-05-0014-station-activity-rule';

/** Every migration, by its date-ordered name. Listed explicitly so bundlers and tsx need no directory scan. */
export const migrations: Record<string, Migration> = {
  '2026-11-28-0001-foundation': m0001,
  '2026-11-28-0002-stations': m0002,
  '2026-11-28-0003-training': m0003,
  '2026-11-28-0004-trainee-merge': m0004,
  '2026-11-28-0005-training-conversion': m0005,
  '2026-11-30-0006-livestream': m0006,
  '2026-11-30-0007-livestream-metrics': m0007,
  '2026-12-04-0008-login-throttle': m0008,
  '2026-12-04-0009-list-sort-indexes': m0009,
  '2026-12-04-0010-attendance-late-entry': m0010,
  '2026-12-04-0011-stream-rates': m0011,
  '2026-12-04-0012-client-keys': m0012,
  '2026-12-05-0013-targets-by-scope': m0013,
  '2026-12-05-0014-station-activity-rule': m0014,
};
