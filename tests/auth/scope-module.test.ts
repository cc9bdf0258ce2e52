import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '@cuntong/server/db/create-db';
import type { Role } from '@cuntong/server/db/types';
import { AppError } from '@cuntong/server/lib/app-error';
import type { Actor, ActorScopes } from '@cuntong/server/modules/auth/actor';
import { baseScope, regionScope, stationScope, type Scope } from '@cuntong/server/modules/auth/scope';
import { createTestDb } from '../support/db';

/**
 * The scope module's four operations (covers, assert, where, row) for each kind, the condition run
 * by the real database: admin and staff see every row, an empty scope none, a county covers its
 * towns and villages, ids are compared as numbers, and a row asked for by id is refused the same
 * way whether it is missing or outside the scope.
 */

const COUNTY = '370481000000';
const TOWN_A = '370481001000';
const VILLAGE_A = '370481001201';
const TOWN_B = '370481002000';
const OTHER_COUNTY_TOWN = '370402001000';

/** The probe rows: an id (also the station and base id) and a region code. */
const ROWS = [
  { id: 1, region_code: TOWN_A },
  { id: 2, region_code: VILLAGE_A },
  { id: 3, region_code: TOWN_B },
  { id: 4, region_code: OTHER_COUNTY_TOWN },
  { id: 12, region_code: COUNTY },
];

function actor(role: Role, scopes: Partial<ActorScopes> = {}): Actor {
  return { id: 1, loginName: role, displayName: role, role, scopes: { regions: [], stations: [], bases: [], ...scopes } };
}

let handle: DbHandle;

beforeAll(async () => {
  handle = await createTestDb({ regions: false });
  await sql`create table scope_probe (id integer primary key, region_code text not null)`.execute(handle.db);
  await sql`insert into scope_probe (id, region_code) values ${sql.join(ROWS.map((r) => sql`(${r.id}, ${r.region_code})`))}`.execute(handle.db);
});
afterAll(async () => {
  await handle?.close();
});

/** The probe ids a condition lets through, as the database answers it. */
async function idsWhere(condition: RawBuilder<SqlBool>): Promise<number[]> {
  const { rows } = await sql<{ id: number }>`select id from scope_probe where ${condition} order by id`.execute(handle.db);
  return rows.map((r) => r.id);
}

const keyOf = { region: (r: (typeof ROWS)[number]) => r.region_code, station: (r: (typeof ROWS)[number]) => r.id, base: (r: (typeof ROWS)[number]) => r.id };
const columnOf = { region: 'scope_probe.region_code', station: 'scope_probe.id', base: 'scope_probe.id' };

/** What `where` lets through must be what `covers` says of each row, and `assert` must agree. */
async function agree<K>(scope: Scope<K>, who: Actor, key: (r: (typeof ROWS)[number]) => K, column: string): Promise<number[]> {
  const seen = await idsWhere(scope.where(who, column));
  const covered = ROWS.filter((r) => scope.covers(who, key(r))).map((r) => r.id);
  expect(seen).toEqual(covered);
  for (const r of ROWS) {
    if (covered.includes(r.id)) expect(() => scope.assert(who, key(r))).not.toThrow();
    else expect(() => scope.assert(who, key(r))).toThrowError(expect.objectContaining({ code: 'FORBIDDEN_SCOPE', kind: 'FORBIDDEN', params: { kind: scope.kind } }));
  }
  return seen;
}

const KINDS = [
  { name: 'region', scope: regionScope as Scope<unknown>, key: keyOf.region as (r: (typeof ROWS)[number]) => unknown, column: columnOf.region },
  { name: 'station', scope: stationScope as Scope<unknown>, key: keyOf.station as (r: (typeof ROWS)[number]) => unknown, column: columnOf.station },
  { name: 'base', scope: baseScope as Scope<unknown>, key: keyOf.base as (r: (typeof ROWS)[number]) => unknown, column: columnOf.base },
] as const;

describe.each(KINDS)('$name scope', ({ scope, key, column }) => {
  it.each(['admin', 'staff'] as const)('%s sees every row', async (role) => {
    expect(await agree(scope, actor(role), key, column)).toEqual(ROWS.map((r) => r.id));
  });

  it('an empty scope sees none', async () => {
    for (const role of ['station_operator', 'training_coordinator', 'livestream_manager'] as const) {
      expect(await agree(scope, actor(role), key, column)).toEqual([]);
    }
  });

  it('a missing row and an out-of-scope row: the same FORBIDDEN_SCOPE to a scoped user, NOT_FOUND to the bureau', () => {
    const scoped = actor('station_operator', { regions: [TOWN_A], stations: ['1'], bases: ['1'] });
    const outside = ROWS.find((r) => r.id === 4)!;
    const inside = ROWS.find((r) => r.id === 1)!;
    const refusal = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        expect(err).toBeInstanceOf(AppError);
        const e = err as AppError;
        return { code: e.code, kind: e.kind, params: e.params };
      }
      throw new Error('expected a refusal');
    };
    const missing = refusal(() => scope.row(scoped, undefined, key, 'STATION_NOT_FOUND'));
    const foreign = refusal(() => scope.row(scoped, outside, key, 'STATION_NOT_FOUND'));
    expect(missing).toEqual({ code: 'FORBIDDEN_SCOPE', kind: 'FORBIDDEN', params: { kind: scope.kind } });
    expect(foreign).toEqual(missing);
    expect(scope.row(scoped, inside, key, 'STATION_NOT_FOUND')).toBe(inside);

    const bureau = actor('staff');
    expect(refusal(() => scope.row(bureau, undefined, key, 'STATION_NOT_FOUND'))).toEqual({ code: 'STATION_NOT_FOUND', kind: 'NOT_FOUND', params: {} });
    expect(scope.row(bureau, outside, key, 'STATION_NOT_FOUND')).toBe(outside);
  });
});

describe('region scope', () => {
  it('a county covers its towns and their villages, not a town of another county', async () => {
    expect(await agree(regionScope, actor('training_coordinator', { regions: [COUNTY] }), keyOf.region, columnOf.region)).toEqual([1, 2, 3, 12]);
  });

  it('a town covers itself and its villages only', async () => {
    expect(await agree(regionScope, actor('training_coordinator', { regions: [TOWN_A] }), keyOf.region, columnOf.region)).toEqual([1, 2]);
  });

  it('several towns are one condition', async () => {
    expect(await agree(regionScope, actor('training_coordinator', { regions: [TOWN_A, OTHER_COUNTY_TOWN] }), keyOf.region, columnOf.region)).toEqual([1, 2, 4]);
  });
});

describe.each([
  { name: 'station', scope: stationScope, field: 'stations' as const, role: 'station_operator' as const },
  { name: 'base', scope: baseScope, field: 'bases' as const, role: 'livestream_manager' as const },
])('$name scope', ({ scope, field, role }) => {
  it('ids are compared as numbers, whether the key is a number or a string', async () => {
    const who = actor(role, { [field]: ['1', '12'] });
    expect(await agree(scope, who, keyOf.station, columnOf.station)).toEqual([1, 12]);
    expect(scope.covers(who, '12')).toBe(true);
    expect(scope.covers(who, 12)).toBe(true);
    // "1" must not cover 12 as a text prefix would
    expect(scope.covers(actor(role, { [field]: ['1'] }), 12)).toBe(false);
  });

  it('refs that are not ids are ignored, not matched', async () => {
    const who = actor(role, { [field]: ['x', '3'] });
    expect(await agree(scope, who, keyOf.station, columnOf.station)).toEqual([3]);
  });

  it('the condition works in a query builder too', async () => {
    const who = actor(role, { [field]: ['2'] });
    const rows = await handle.db.selectFrom('users as u').select('u.id').where(scope.where(who, 'u.id')).execute();
    expect(rows).toEqual([]);
    const compiled = handle.db.selectFrom('users as u').select('u.id').where(scope.where(who, 'u.id')).compile();
    expect(compiled.sql).toContain('"u"."id" in ($1)');
    expect(compiled.parameters).toEqual([2]);
  });
});
