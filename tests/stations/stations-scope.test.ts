import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '@cuntong/server/db/types';
import type { Actor, ActorScopes } from '@cuntong/server/modules/auth/actor';
import { assertCanReadStation, assertMayWriteStation, canReadStation, seesStationPhone, stationReadable } from '@cuntong/server/modules/stations/stations.scope';
import { createHarness, type Harness } from '../support/harness';
import { addVillages, buildStations, HONGXU } from './fixture';

/**
 * stations.scope.ts: who sees a station, as one rule. The list condition (run by the database) lets
 * through exactly the stations the by-id check allows, for every role; a missing station and one
 * outside the scope are refused alike.
 */
describe('station scope', () => {
  let h: Harness;
  let ids: { center: number; hongxu: number; nanshahe: number; zhang: number; wang: number; li: number };

  beforeAll(async () => {
    h = await createHarness();
    await addVillages(h);
    const admin = await h.user('admin');
    const built = await buildStations(h, h.caller(admin.actor));
    ids = Object.fromEntries(Object.entries(built).map(([k, v]) => [k, v.id])) as typeof ids;
  });
  afterAll(async () => {
    await h?.close();
  });

  const actor = (role: Role, scopes: Partial<ActorScopes> = {}): Actor => ({
    id: 1,
    loginName: role,
    displayName: role,
    role,
    scopes: { regions: [], stations: [], bases: [], ...scopes },
  });

  async function listed(who: Actor): Promise<number[]> {
    const rows = await h.db.selectFrom('stations as s').select(['s.id', 's.region_code']).where(stationReadable(who, { id: 's.id', regionCode: 's.region_code' })).orderBy('s.id').execute();
    const all = await h.db.selectFrom('stations').select(['id', 'region_code']).orderBy('id').execute();
    expect(rows.map((r) => r.id)).toEqual(all.filter((s) => canReadStation(who, s)).map((s) => s.id));
    return rows.map((r) => r.id);
  }

  it('the list condition and the by-id check agree, role by role', async () => {
    const all = Object.values(ids).sort((a, b) => a - b);
    expect(await listed(actor('admin'))).toEqual(all);
    expect(await listed(actor('staff'))).toEqual(all);
    expect(await listed(actor('station_operator', { stations: [String(ids.zhang), String(ids.wang)] }))).toEqual([ids.zhang, ids.wang].sort((a, b) => a - b));
    expect(await listed(actor('training_coordinator', { regions: [HONGXU] }))).toEqual([ids.hongxu, ids.zhang, ids.wang, ids.li].sort((a, b) => a - b));
    // a station operator's regions and a coordinator's stations do not count; a base manager sees none
    expect(await listed(actor('station_operator', { regions: [HONGXU] }))).toEqual([]);
    expect(await listed(actor('training_coordinator', { stations: [String(ids.zhang)] }))).toEqual([]);
    expect(await listed(actor('livestream_manager', { stations: [String(ids.zhang)], regions: [HONGXU], bases: ['1'] }))).toEqual([]);
    expect(await listed(actor('station_operator'))).toEqual([]);
    expect(await listed(actor('training_coordinator'))).toEqual([]);
  });

  it('a missing station and one outside the scope: FORBIDDEN_SCOPE to a scoped user, STATION_NOT_FOUND to the bureau', async () => {
    const operator = actor('station_operator', { stations: [String(ids.zhang)] });
    const other = await h.db.selectFrom('stations').select(['id', 'region_code']).where('id', '=', ids.wang).executeTakeFirstOrThrow();
    const refusedAs = { code: 'FORBIDDEN_SCOPE', kind: 'FORBIDDEN', params: { kind: 'station' } };
    expect(() => assertCanReadStation(operator, undefined)).toThrowError(expect.objectContaining(refusedAs));
    expect(() => assertCanReadStation(operator, other)).toThrowError(expect.objectContaining(refusedAs));
    expect(() => assertCanReadStation(actor('staff'), undefined)).toThrowError(expect.objectContaining({ code: 'STATION_NOT_FOUND', kind: 'NOT_FOUND' }));
  });

  it('the full phone: the bureau and the station’s own operator only', () => {
    expect(seesStationPhone(actor('admin'), { id: ids.zhang })).toBe(true);
    expect(seesStationPhone(actor('station_operator', { stations: [String(ids.zhang)] }), { id: ids.zhang })).toBe(true);
    expect(seesStationPhone(actor('station_operator', { stations: [String(ids.zhang)] }), { id: ids.wang })).toBe(false);
    expect(seesStationPhone(actor('training_coordinator', { regions: [HONGXU] }), { id: ids.zhang })).toBe(false);
  });

  it('ledger writes: the bureau any station, an operator their own, a coordinator none', () => {
    const refusedAs = expect.objectContaining({ code: 'FORBIDDEN_SCOPE', params: { kind: 'station' } });
    expect(() => assertMayWriteStation(actor('staff'), { id: ids.zhang })).not.toThrow();
    expect(() => assertMayWriteStation(actor('station_operator', { stations: [String(ids.zhang)] }), { id: ids.zhang })).not.toThrow();
    expect(() => assertMayWriteStation(actor('station_operator', { stations: [String(ids.zhang)] }), { id: ids.wang })).toThrowError(refusedAs);
    expect(() => assertMayWriteStation(actor('training_coordinator', { regions: [HONGXU] }), { id: ids.zhang })).toThrowError(refusedAs);
  });
});
