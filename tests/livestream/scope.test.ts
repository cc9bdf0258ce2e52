import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@cuntong/server/modules/auth/actor';
import { getBase, listBases } from '@cuntong/server/modules/livestream/bases.service';
import { getHostProfile, listHosts } from '@cuntong/server/modules/livestream/hosts.service';
import { livestreamScope } from '@cuntong/server/modules/livestream/livestream.scope';
import { listStreams } from '@cuntong/server/modules/livestream/streams.service';
import { baseListInput, hostListInput, streamListInput } from '@cuntong/server/modules/livestream/livestream.schemas';
import { createHarness, type Harness } from '../support/harness';
import { serviceContext } from '../support/service-context';
import { hostInput, twoBases } from './fixture';

/** What a call refused with: the AppError's kind and code. */
async function refused(work: () => unknown): Promise<{ kind: string; code: string }> {
  try {
    await work();
  } catch (err) {
    const e = err as { kind?: string; code?: string };
    return { kind: String(e.kind), code: String(e.code) };
  }
  throw new Error('expected a refusal');
}

describe('livestream.scope: who sees a base, a host, a stream', () => {
  let h: Harness;
  let bases: Awaited<ReturnType<typeof twoBases>>;
  let staff: Actor;
  let manager: Actor;
  let nobody: Actor;
  let hostAtOther: number;

  beforeAll(async () => {
    h = await createHarness();
    bases = await twoBases(h);
    staff = bases.staffUser.actor;
    manager = bases.managerUser.actor;
    // a manager with no base at all, and one whose scope holds something that is no base id
    nobody = (await h.user('livestream_manager', { scopes: { bases: [] } })).actor;
    hostAtOther = (await bases.staff.livestream.hosts.create(hostInput(bases.nanshahe.id, '赵敏', '13800138111'))).host.id;
  });
  afterAll(() => h.close());

  const basesSeenBy = async (actor: Actor) =>
    (await h.db.selectFrom('livestream_bases as b').select('b.id').where(livestreamScope.where(actor, 'b.id')).orderBy('b.id').execute()).map((r) => r.id);

  it('where: the bureau every base, a manager their own, an empty scope none, in a builder and in raw sql alike', async () => {
    const { hongxu, nanshahe } = bases;
    expect(await basesSeenBy(staff)).toEqual([hongxu.id, nanshahe.id]);
    expect(await basesSeenBy(manager)).toEqual([hongxu.id]);
    expect(await basesSeenBy(nobody)).toEqual([]);
    expect(await basesSeenBy({ ...manager, scopes: { ...manager.scopes, bases: ['x', String(nanshahe.id)] } })).toEqual([nanshahe.id]);
    const raw = await sql<{ id: number }>`select h.id from livestream_hosts h where ${livestreamScope.where(manager, 'h.base_id')}`.execute(h.db);
    expect(raw.rows).toEqual([]);
    const rawStaff = await sql<{ id: number }>`select h.id from livestream_hosts h where ${livestreamScope.where(staff, 'h.base_id')}`.execute(h.db);
    expect(rawStaff.rows.map((r) => r.id)).toEqual([hostAtOther]);
  });

  it('row by id: a manager hears FORBIDDEN_SCOPE for another base’s row and for none at all; the bureau hears NOT_FOUND', async () => {
    const other = await h.db.selectFrom('livestream_hosts').selectAll().where('id', '=', hostAtOther).executeTakeFirstOrThrow();
    expect(livestreamScope.host(staff, other)).toBe(other);
    expect(await refused(() => livestreamScope.host(manager, other))).toEqual({ kind: 'FORBIDDEN', code: 'FORBIDDEN_SCOPE' });
    expect(await refused(() => livestreamScope.host(manager, undefined))).toEqual({ kind: 'FORBIDDEN', code: 'FORBIDDEN_SCOPE' });
    expect(await refused(() => livestreamScope.host(staff, undefined))).toEqual({ kind: 'NOT_FOUND', code: 'LIVESTREAM_HOST_NOT_FOUND' });
    expect(await refused(() => livestreamScope.host(staff, undefined, 'LIVESTREAM_METRICS_HOST_NOT_FOUND'))).toEqual({ kind: 'NOT_FOUND', code: 'LIVESTREAM_METRICS_HOST_NOT_FOUND' });
    expect(await refused(() => livestreamScope.stream(staff, undefined))).toEqual({ kind: 'NOT_FOUND', code: 'LIVESTREAM_STREAM_NOT_FOUND' });
    expect(await refused(() => livestreamScope.base(staff, undefined))).toEqual({ kind: 'NOT_FOUND', code: 'LIVESTREAM_BASE_NOT_FOUND' });
    expect(livestreamScope.base(manager, { id: bases.hongxu.id })).toEqual({ id: bases.hongxu.id });
  });

  it('a base filter outside the actor’s bases is refused, not answered empty; covers and countyWide', async () => {
    const { hongxu, nanshahe } = bases;
    expect(() => livestreamScope.assertFilter(manager, undefined)).not.toThrow();
    expect(() => livestreamScope.assertFilter(manager, hongxu.id)).not.toThrow();
    expect(await refused(() => livestreamScope.assertFilter(manager, nanshahe.id))).toEqual({ kind: 'FORBIDDEN', code: 'FORBIDDEN_SCOPE' });
    expect([livestreamScope.covers(manager, hongxu.id), livestreamScope.covers(manager, nanshahe.id), livestreamScope.covers(staff, nanshahe.id)]).toEqual([true, false, true]);
    expect([livestreamScope.countyWide(staff), livestreamScope.countyWide(manager), livestreamScope.countyWide(nobody)]).toEqual([true, false, false]);
  });

  it('services called with a service context narrow the same way', async () => {
    const { hongxu, nanshahe } = bases;
    const asManager = serviceContext(h.deps, manager);
    const asStaff = serviceContext(h.deps, staff);
    expect((await listBases(asManager, baseListInput.parse({}))).items.map((b) => b.id)).toEqual([hongxu.id]);
    expect((await getBase(asStaff, nanshahe.id)).id).toBe(nanshahe.id);
    expect(await refused(() => getBase(asManager, nanshahe.id))).toEqual({ kind: 'FORBIDDEN', code: 'FORBIDDEN_SCOPE' });
    expect((await listHosts(asManager, hostListInput.parse({}))).total).toBe(0);
    expect((await listHosts(asStaff, hostListInput.parse({ filter: { baseId: nanshahe.id } }))).items.map((x) => x.id)).toEqual([hostAtOther]);
    expect(await refused(() => listHosts(asManager, hostListInput.parse({ filter: { baseId: nanshahe.id } })))).toEqual({ kind: 'FORBIDDEN', code: 'FORBIDDEN_SCOPE' });
    expect(await refused(() => getHostProfile(asManager, hostAtOther))).toEqual({ kind: 'FORBIDDEN', code: 'FORBIDDEN_SCOPE' });
    expect(await refused(() => listStreams(asManager, streamListInput.parse({ filter: { baseId: nanshahe.id } })))).toEqual({ kind: 'FORBIDDEN', code: 'FORBIDDEN_SCOPE' });
  });
});
