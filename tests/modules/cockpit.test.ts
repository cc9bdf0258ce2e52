import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiInstant } from '@cuntong/server/lib/dates';
import { createHarness, type Harness } from '../support/harness';
import { refusal } from '../support/refusal';
import { buildTwoScopes, type TwoScopes } from '../support/two-scopes';
import { COUNTY, HONGXU, NANSHAHE } from '../stations/fixture';

describe('the cockpit and the role homes', () => {
  let h: Harness;
  let f: TwoScopes;
  let year: number;

  beforeAll(async () => {
    h = await createHarness();
    f = await buildTwoScopes(h);
    year = Number(f.today.slice(0, 4));
    const month = (m: number) => `${year}-${String(m).padStart(2, '0')}`;
    await h.db
      .insertInto('metric_values')
      .values([
        { metric_key: 'training.person_times', region_code: COUNTY, period: month(1), value: 70 },
        { metric_key: 'training.person_times', region_code: COUNTY, period: month(2), value: 50 },
        { metric_key: 'training.person_times', region_code: HONGXU, period: month(1), value: 30 },
        { metric_key: 'stations.sales_amount_fen', region_code: NANSHAHE, period: month(1), value: 123_456 },
      ])
      .execute();
    await f.admin.targets.upsert({ year, regionCode: COUNTY, metricKey: 'training_person_times', value: 1500 });
    await f.admin.targets.upsert({ year, regionCode: HONGXU, metricKey: 'training_person_times', value: 100 });
  });
  afterAll(() => h?.close());

  const caller = (role: keyof TwoScopes['users']) => h.caller(f.users[role].actor);

  it('shows the county’s indicators and every town, with the figures of the snapshots they come from', async () => {
    const overview = await caller('staff').cockpit.overview({ year });
    const training = overview.county.find((p) => p.indicator === 'training_person_times')!;
    expect(training.actual).toBe(120);
    expect(training.target).toBe(1500);
    expect(overview.towns).toHaveLength(21);
    const hongxu = overview.towns.find((t) => t.regionCode === HONGXU)!;
    expect(hongxu.cells.training_person_times).toMatchObject({ actual: 30, target: 100 });
    expect(overview.towns.find((t) => t.regionCode === NANSHAHE)!.cells.online_sales?.actual).toBe(123_456);
    // every town on every indicator of the catalogue
    for (const town of overview.towns) expect(Object.keys(town.cells).sort()).toEqual([...overview.indicators].sort());
  });

  it('exports the town ranking with money in yuan', async () => {
    const out = await caller('staff').cockpit.ranking.export({
      list: { year },
      columns: [
        { key: 'regionName', header: '乡镇' },
        { key: 'online_sales.actual', header: '上行额' },
      ],
      sheetName: '分镇排名',
    });
    expect(out.rows).toBe(21);
  });

  it('lets a coordinator drill into their own town only', async () => {
    const coordinator = caller('training_coordinator');
    const town = await coordinator.cockpit.town({ year, regionCode: HONGXU });
    expect(town.regionName).toBe('洪绪镇');
    expect(town.courses.map((c) => c.title)).toContain('洪绪电商班');
    expect(town.courses.map((c) => c.title)).not.toContain('南沙河电商班');
    expect(town.stations.map((s) => s.name)).toContain('张庄村服务点');
    expect(await refusal(h.deps, coordinator.cockpit.town({ year, regionCode: NANSHAHE }))).toMatchObject({ appCode: 'FORBIDDEN_SCOPE' });
    expect(await refusal(h.deps, coordinator.cockpit.town({ year, regionCode: COUNTY }))).toMatchObject({ appCode: 'FORBIDDEN_SCOPE' });
  });

  it('gives a coordinator today’s classes and the progress of their towns only', async () => {
    const home = await caller('training_coordinator').cockpit.home.coordinator();
    expect(home.sessions.map((s) => s.title)).toEqual(['洪绪电商班']);
    expect(home.sessions[0].checkedIn).toBe(1);
    expect(new Set(home.towns.map((t) => t.regionCode))).toEqual(new Set([HONGXU]));
    expect(home.towns.find((t) => t.indicator === 'training_person_times')?.target).toBe(100);
  });

  it('gives an operator their own stations, those not filed today first', async () => {
    const operator = await h.user('station_operator', { scopes: { stations: [String(f.stations.ours.id), String(f.stations.all.wang.id)] } });
    const home = await h.caller(operator.actor).cockpit.home.operator();
    expect(home.stations.map((s) => [s.name, s.filedToday])).toEqual([
      ['王楼村服务点', false],
      ['张庄村服务点', true],
    ]);
    expect(home).toMatchObject({ filed: 1, toFile: 1 });
    const own = await caller('station_operator').cockpit.home.operator();
    expect(own.stations.map((s) => s.name)).toEqual(['张庄村服务点']);
  });

  it('warns a base manager of their hosts about to stop being active, exactly at the rule’s edge', async () => {
    // rule v1: 4 streams of ≥ 30 minutes on Taobao Live in 30 days. The host has today's stream
    // (95 minutes) from the fixture; three more put the 4th most recent 23 days back: it leaves
    // the window in 7 days, the horizon's last day.
    const stream = (hostId: number, baseId: number, daysBack: number, minutes = 60) => ({
      host_id: hostId,
      base_id: baseId,
      platform: 'taobao' as const,
      started_at: shanghaiInstant(addDays(f.today, -daysBack), '20:00'),
      duration_seconds: minutes * 60,
    });
    const { ourHost, ourBase, theirHost, theirBase } = f.livestream;
    await h.db
      .insertInto('livestream_streams')
      .values([5, 10, 23].flatMap((d) => [stream(ourHost.id, ourBase.id, d), stream(theirHost.id, theirBase.id, d)]))
      .execute();
    // a short stream does not qualify, so it does not hold the host up
    await h.db.insertInto('livestream_streams').values(stream(ourHost.id, ourBase.id, 1, 29)).execute();
    const manager = caller('livestream_manager');
    let home = await manager.cockpit.home.manager();
    expect(home.dropping).toEqual([{ hostId: ourHost.id, name: '洪绪主播甲', baseName: '洪绪直播基地', streamsInWindow: 4, dropsOn: addDays(f.today, 7) }]);
    expect(home.bases.map((b) => b.baseId)).toEqual([ourBase.id]);

    // one more qualifying stream 22 days back: the 4th leaves in 8 days, beyond the horizon
    await h.db.insertInto('livestream_streams').values(stream(ourHost.id, ourBase.id, 22)).execute();
    home = await manager.cockpit.home.manager();
    expect(home.dropping).toEqual([]);
  });
});
