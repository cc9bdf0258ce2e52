import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { DbHandle } from '@cuntong/server/db/create-db';
import type { Actor } from '@cuntong/server/modules/auth/actor';
import { courseRow, courseScope, inRegion } from '@cuntong/server/modules/training/training.scope';
import { createTestDb } from '../support/db';
import { COUNTY, HONGXU, NANSHAHE, OTHER_COUNTY_TOWN } from '../stations/fixture';

const HONGXU_VILLAGE = '370481101201';
const NANSHAHE_VILLAGE = '370481102201';
const CODES = [HONGXU, HONGXU_VILLAGE, NANSHAHE, NANSHAHE_VILLAGE, COUNTY, OTHER_COUNTY_TOWN];

/** The code of the AppError `f` throws, or null. */
function refusal(f: () => unknown): string | null {
  try {
    f();
  } catch (error) {
    return (error as { code?: string }).code ?? null;
  }
  return null;
}

function actor(role: Actor['role'], regions: string[] = []): Actor {
  return { id: 1, loginName: role, displayName: role, role, scopes: { regions, stations: [], bases: [] } };
}

/**
 * training.scope.ts's conditions are the scope module's, not copies: the typed condition a query
 * uses answers, row for row, as `covers` does for a row already read, and a course or session asked
 * for by id is refused the same way whether it is missing or another town's.
 */
describe('training scope conditions', () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await createTestDb({ regions: false });
  });
  afterAll(() => handle.close());

  /** The codes for which the condition on column `x.code` holds, evaluated by the database. */
  async function holding(condition: RawBuilder<SqlBool>): Promise<string[]> {
    const { rows } = await sql<{ code: string }>`
      select x.code from (values ${sql.join(CODES.map((c) => sql`(${c}::text)`))}) as x(code) where ${condition} order by x.code`.execute(handle.db);
    return rows.map((r) => r.code);
  }

  it.each([
    ['admin', actor('admin')],
    ['staff', actor('staff')],
    ['a coordinator of one town', actor('training_coordinator', [HONGXU])],
    ['a coordinator of two towns', actor('training_coordinator', [HONGXU, NANSHAHE])],
    ['a coordinator of the county', actor('training_coordinator', [COUNTY])],
    ['a coordinator with no regions', actor('training_coordinator', [])],
  ])('courseScope.where for %s holds exactly where covers does', async (_name, who) => {
    const expected = CODES.filter((c) => courseScope.covers(who, c)).sort();
    expect(await holding(courseScope.where(who, 'x.code'))).toEqual(expected);
  });

  it('a one-town coordinator covers their town and its villages, not the next town nor the county', async () => {
    expect(await holding(courseScope.where(actor('training_coordinator', [HONGXU]), 'x.code'))).toEqual([HONGXU, HONGXU_VILLAGE].sort());
  });

  it('inRegion narrows to what lies under a chosen region: a town its villages, the county all its towns', async () => {
    expect(await holding(inRegion('x.code', NANSHAHE))).toEqual([NANSHAHE, NANSHAHE_VILLAGE].sort());
    expect(await holding(inRegion('x.code', COUNTY))).toEqual([COUNTY, HONGXU, HONGXU_VILLAGE, NANSHAHE, NANSHAHE_VILLAGE].sort());
  });

  it('courseRow: a missing row and another town\'s are the same refusal for a coordinator; the bureau hears it is missing', () => {
    const ours = actor('training_coordinator', [HONGXU]);
    const row = { id: 7, region_code: HONGXU };
    expect(courseRow(ours, row, 'COURSE_NOT_FOUND')).toBe(row);
    expect(refusal(() => courseRow(ours, undefined, 'COURSE_NOT_FOUND'))).toBe('FORBIDDEN_SCOPE');
    expect(refusal(() => courseRow(ours, { id: 8, region_code: NANSHAHE }, 'COURSE_NOT_FOUND'))).toBe('FORBIDDEN_SCOPE');
    expect(refusal(() => courseRow(actor('staff'), undefined, 'SESSION_NOT_FOUND'))).toBe('SESSION_NOT_FOUND');
    expect(courseRow(actor('staff'), { id: 8, region_code: NANSHAHE }, 'COURSE_NOT_FOUND').id).toBe(8);
  });
});
