import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '@cuntong/server/db/create-db';
import { DEMO_COUNTY_CODE, seedDemo } from '@cuntong/seeds/demo';
import { findDuplicates } from '@cuntong/server/modules/training/trainees.service';
import { createTestDb } from '../support/db';
import { depsOver, serviceContext } from '../support/service-context';

const TODAY = '2026-11-28';
const HONGXU = '370481101000';

describe('demo seed: a year of training', () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await createTestDb({ regions: false });
  });
  afterAll(() => handle.close());

  it('lands the year near but below 1,500 person-times, with classes running today in 洪绪镇 and outcomes to convert', async () => {
    const { training } = await seedDemo(handle.db, { today: TODAY });
    // 2,400 people, 8 of whom were registered a second time under another mobile
    expect(training).toMatchObject({ created: true, trainees: 2408, duplicates: 8 });
    expect(training.personTimes).toBeGreaterThan(1_200);
    expect(training.personTimes).toBeLessThan(1_500);

    const metric = async (key: string) =>
      (await handle.db.selectFrom('metric_values').select('value').where('metric_key', '=', key).where('region_code', '=', DEMO_COUNTY_CODE).where('period', '=', '2026').executeTakeFirstOrThrow()).value;
    expect(await metric('training.person_times')).toBe(training.personTimes);
    const conversion = await metric('training.conversion');
    expect(conversion).toBeGreaterThan(0.1);
    expect(conversion).toBeLessThan(0.4);

    const today = await handle.db
      .selectFrom('course_sessions as cs')
      .innerJoin('courses as c', 'c.id', 'cs.course_id')
      .select(['c.title', 'c.status', 'cs.starts_at'])
      .where('cs.session_date', '=', TODAY)
      .where('c.region_code', '=', HONGXU)
      .execute();
    expect(today.length).toBe(2);
    expect(today.every((s) => s.status === 'running')).toBe(true);
    // nobody is checked in yet today: that is for the newcomer to try
    const checkedInToday = await handle.db.selectFrom('attendance as a').innerJoin('course_sessions as cs', 'cs.id', 'a.session_id').select('a.trainee_id').where('cs.session_date', '>=', TODAY).execute();
    expect(checkedInToday).toEqual([]);
    // one person, one mobile
    const mobiles = await handle.db.selectFrom('trainees').select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.count<number>('mobile').distinct().as('distinct')]).executeTakeFirstOrThrow();
    expect(Number(mobiles.distinct)).toBe(Number(mobiles.n));
  });

  it("gives the demo coordinator's towns pairs of possible duplicates to merge", async () => {
    const coordinator = { id: 0, loginName: 'demo.trainer', displayName: '张敏', role: 'training_coordinator' as const, scopes: { regions: [HONGXU, '370481102000'], stations: [], bases: [] } };
    const { groups } = await findDuplicates(serviceContext(depsOver(handle.db), coordinator), {});
    const seeded = groups.filter((g) => g.members.some((m) => m.mobile.startsWith('136')));
    expect(seeded).toHaveLength(8);
    for (const group of seeded) {
      expect(group.members.length).toBeGreaterThanOrEqual(2);
      expect(group.members.every((m) => m.attendanceCount > 0)).toBe(true);
      expect(new Set(group.members.map((m) => m.villageCode)).size).toBe(1);
    }
  });

  it('adds nothing when run again', async () => {
    const again = await seedDemo(handle.db, { today: TODAY });
    expect(again.training).toMatchObject({ created: false, courses: 0, trainees: 0 });
  });
});
