import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiInstant } from '@cuntong/server/lib/dates';
import { computeStationMetrics } from '@cuntong/server/modules/stations/stations.metrics';
import { evaluateAll, todoFor } from '@cuntong/server/modules/notifications/notifications.service';
import { createHarness, type Harness } from '../support/harness';
import { refusal } from '../support/refusal';
import { serviceContext } from '../support/service-context';
import { buildTwoScopes, type TwoScopes } from '../support/two-scopes';
import { COUNTY, HONGXU, NANSHAHE } from '../stations/fixture';

describe('to-do items and notifications, each user in their own scope', () => {
  let h: Harness;
  let f: TwoScopes;
  /** The evening, when a station not filed today is due (the rule's notFiledAfter is 17:00). */
  let evening: Date;

  beforeAll(async () => {
    h = await createHarness();
    f = await buildTwoScopes(h);
    const year = Number(f.today.slice(0, 4));
    evening = shanghaiInstant(f.today, '19:00');
    // both towns far behind on training: a target and nothing done
    for (const town of [HONGXU, NANSHAHE]) await f.admin.targets.upsert({ year, regionCode: town, metricKey: 'training_person_times', value: 1000 });
    await f.admin.targets.upsert({ year, regionCode: COUNTY, metricKey: 'training_person_times', value: 2000 });
    // 王楼 (洪绪) and 南沙河镇服务站 (its ledger gone) have been quiet for long
    await h.db.updateTable('stations').set({ status_since: addDays(f.today, -60) }).execute();
    await h.db.deleteFrom('ledger_entries').where('station_id', '=', f.stations.theirs.id).execute();
    await computeStationMetrics(h.db);
  });
  afterAll(() => h?.close());

  const todo = (role: keyof TwoScopes['users']) => todoFor({ ...serviceContext(h.deps, f.users[role].actor), countyCode: COUNTY }, evening);

  it('gives a coordinator their towns only', async () => {
    const { items } = await todo('training_coordinator');
    const towns = items.filter((i) => i.kind === 'town_behind').map((i) => i.params.town);
    expect(towns).toEqual(['洪绪镇']);
    const quiet = items.filter((i) => i.kind === 'station_quiet').map((i) => i.params.station);
    expect(quiet.length).toBeGreaterThan(0);
    expect(quiet).not.toContain('南沙河镇服务站');
    // their duplicate trainees: the fixture's two 南沙河 twins are not theirs
    expect(items.some((i) => i.kind === 'duplicates')).toBe(false);
  });

  it('gives an operator their stations only, and the ones not filed today once it is evening', async () => {
    const { items } = await todo('station_operator');
    expect(items.every((i) => ['station_quiet', 'not_filed', 'town_behind'].includes(i.kind))).toBe(true);
    expect(items.filter((i) => i.kind === 'town_behind').every((i) => i.params.indicator === 'station_activity' || i.params.indicator === 'online_sales')).toBe(true);
    // 张庄 filed today in the fixture: nothing to file, and it is not quiet
    expect(items.filter((i) => i.kind === 'not_filed')).toEqual([]);
    const morning = await todoFor({ ...serviceContext(h.deps, f.users.station_operator.actor), countyCode: COUNTY }, shanghaiInstant(f.today, '08:00'));
    expect(morning.items.some((i) => i.kind === 'not_filed')).toBe(false);
  });

  it('gives the bureau everything, with the duplicates waiting to be merged', async () => {
    const { items } = await todo('staff');
    expect(items.filter((i) => i.kind === 'town_behind').map((i) => i.params.town).sort()).toEqual(['南沙河镇', '洪绪镇']);
    expect(items.find((i) => i.kind === 'duplicates')?.params.count).toBe(1);
    expect(items.map((i) => i.params.station)).toContain('南沙河镇服务站');
  });

  it('stores each item once a day per user (evaluating twice adds nothing), and only in scope', async () => {
    const first = await evaluateAll({ ...h.deps, countyCode: COUNTY }, evening);
    expect(first.added).toBeGreaterThan(0);
    expect((await evaluateAll({ ...h.deps, countyCode: COUNTY }, evening)).added).toBe(0);
    const coordinator = h.caller(f.users.training_coordinator.actor);
    const mine = await coordinator.notifications.list({});
    expect(mine.unread).toBe(mine.total);
    expect(JSON.stringify(mine.items)).not.toContain('南沙河');
    expect((await coordinator.notifications.unreadCount()).count).toBe(mine.unread);
  });

  it('marks only the caller’s own notifications read', async () => {
    const coordinator = h.caller(f.users.training_coordinator.actor);
    const staff = h.caller(f.users.staff.actor);
    const theirs = (await staff.notifications.list({})).items.map((n) => n.id);
    expect(await coordinator.notifications.markRead({ ids: theirs })).toEqual({ updated: 0 });
    expect((await staff.notifications.unreadCount()).count).toBe(theirs.length);
    const own = (await coordinator.notifications.list({})).items;
    expect(await coordinator.notifications.markRead({ ids: [own[0].id] })).toEqual({ updated: 1 });
    expect((await coordinator.notifications.list({})).items.find((n) => n.id === own[0].id)?.read).toBe(true);
    await coordinator.notifications.markAllRead();
    expect((await coordinator.notifications.unreadCount()).count).toBe(0);
  });

  it('takes new thresholds as a version from a date, admin only', async () => {
    const params = { townBehindPercent: 95, quietDays: 14, notFiledAfter: '17:00', hostDropDays: 7 };
    expect(await refusal(h.deps, h.caller(f.users.staff.actor).notifications.rule.create({ params, effectiveFrom: f.today }))).toMatchObject({ appCode: 'FORBIDDEN_ROLE' });
    expect(await f.admin.notifications.rule.create({ params, effectiveFrom: f.today })).toEqual({ version: 2 });
    // only a town more than 95 % behind is listed now: both are exactly 100 % behind (nothing done), so both still are
    const { ruleVersion } = await todo('staff');
    expect(ruleVersion).toBe(2);
  });
});
