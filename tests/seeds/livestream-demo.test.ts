import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '@cuntong/server/db/create-db';
import { DEMO_COUNTY_CODE, seedDemo } from '@cuntong/seeds/demo';
import { DEMO_BASES, DEMO_LIVE_LOGIN, planDemoLivestream, streamWindow } from '@cuntong/server/modules/livestream/livestream.demo';
import { createTestDb } from '../support/db';

const TODAY = '2026-11-28';

/** Hosts active on Taobao Live on `day` under rule v1, in bare SQL: ≥4 streams of ≥30 min started in the 30 Shanghai days ending with it. */
const activeOnTaobao = (day: string) => sql<{ n: number }>`
  select count(*)::int as n from (
    select host_id from livestream_streams
    where platform = 'taobao' and duration_seconds >= 30 * 60
      and started_at >= (${day}::date - 29)::timestamp at time zone 'Asia/Shanghai'
      and started_at < (${day}::date + 1)::timestamp at time zone 'Asia/Shanghai'
    group by host_id having count(*) >= 4) active`;

describe('demo seed: livestream bases, hosts and streams', () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await createTestDb({ regions: false });
  });
  afterAll(() => handle.close());

  it('plans the same hosts and streams from the same seed, and others from another', () => {
    const villages = [
      { code: '370481001001', parent_code: '370481001000' },
      { code: '370481101201', parent_code: '370481101000' },
      { code: '370481115201', parent_code: '370481115000' },
    ];
    const input = { seed: 7, today: TODAY, villages, trainees: [], takenMobiles: new Set<string>() };
    const a = planDemoLivestream(input);
    expect(planDemoLivestream(input)).toEqual(a);
    expect(planDemoLivestream({ ...input, seed: 8 }).hosts[0]).not.toEqual(a.hosts[0]);
  });

  it('lands the hosts active on Taobao Live near but below 300, growing month by month', async () => {
    const { livestream } = await seedDemo(handle.db, { today: TODAY });
    expect(livestream).toMatchObject({ created: true, bases: 3, hosts: 360 });
    expect(livestream.streams).toBeGreaterThan(15_000);

    const now = (await activeOnTaobao(TODAY).execute(handle.db)).rows[0].n;
    expect(now).toBeGreaterThanOrEqual(270);
    expect(now).toBeLessThan(300);
    expect(now).toBe(livestream.activeTaobao);
    // the snapshot the dashboard reads says the same
    const metric = async (period: string) =>
      Number(
        (await handle.db.selectFrom('metric_values').select('value').where('metric_key', '=', 'livestream.active_hosts').where('region_code', '=', DEMO_COUNTY_CODE).where('period', '=', period).executeTakeFirstOrThrow())
          .value,
      );
    expect(await metric('2026-11')).toBe(now);
    // a programme that grows: fewer active hosts at the end of July than now, but already many
    const july = (await activeOnTaobao('2026-07-31').execute(handle.db)).rows[0].n;
    expect(await metric('2026-07')).toBe(july);
    expect(july).toBeGreaterThan(120);
    expect(july).toBeLessThan(now - 40);

    // five months of streams, none today or later
    const span = await sql<{ first: string; last: string }>`
      select to_char(min(started_at) at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as first,
        to_char(max(started_at) at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as last from livestream_streams`.execute(handle.db);
    expect(span.rows[0]).toEqual({ first: streamWindow(TODAY).from, last: '2026-11-27' });
  });

  it('has three bases in their towns, the biggest managed by demo.live', async () => {
    const bases = await handle.db
      .selectFrom('livestream_bases as b')
      .leftJoin('livestream_hosts as h', 'h.base_id', 'b.id')
      .select((eb) => ['b.id', 'b.name', 'b.region_code', eb.fn.count<number>('h.id').as('hosts')])
      .groupBy(['b.id', 'b.name', 'b.region_code'])
      .orderBy('b.id')
      .execute();
    expect(bases.map((b) => [b.name, b.region_code])).toEqual(DEMO_BASES.map((b) => [b.name, b.regionCode]));
    const biggest = [...bases].sort((a, b) => Number(b.hosts) - Number(a.hosts))[0];
    expect(biggest.name).toBe('滕州市电商直播基地');
    const scopes = await handle.db
      .selectFrom('user_scopes as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .select(['s.kind', 's.ref'])
      .where('u.login_name', '=', DEMO_LIVE_LOGIN)
      .execute();
    expect(scopes).toEqual([{ kind: 'base', ref: String(biggest.id) }]);
    // hosts live in the county's villages, one mobile each
    const hosts = await sql<{ n: number; mobiles: number; outside: number }>`
      select count(*)::int as n, count(distinct mobile)::int as mobiles,
        count(*) filter (where village_code is null or village_code not like '370481%')::int as outside
      from livestream_hosts`.execute(handle.db);
    expect(hosts.rows[0]).toEqual({ n: 360, mobiles: 360, outside: 0 });
  });

  it('makes about sixty hosts of the livestream trainees: some linked by the bureau, others waiting as suggestions', async () => {
    const rows = await sql<{ linked: boolean; same_person: boolean; trained: boolean; linked_by: number | null }>`
      select h.trainee_id is not null as linked,
        (h.name, h.village_code) = (t.name, t.village_code) as same_person,
        exists (select 1 from course_completions cc join courses c on c.id = cc.course_id
                where cc.trainee_id = t.id and c.topic in ('livestream_selling', 'short_video')) as trained,
        h.trainee_linked_by as linked_by
      from livestream_hosts h join trainees t on t.mobile = h.mobile`.execute(handle.db);
    expect(rows.rows.length).toBe(60);
    expect(rows.rows.every((r) => r.same_person && r.trained)).toBe(true);
    const linked = rows.rows.filter((r) => r.linked);
    const suggested = rows.rows.filter((r) => !r.linked);
    expect(linked.length).toBeGreaterThanOrEqual(20);
    expect(suggested.length).toBeGreaterThanOrEqual(10);
    expect(linked.every((r) => r.linked_by !== null)).toBe(true);
    // a linked host is linked to the trainee of its own mobile
    const wrong = await sql<{ n: number }>`
      select count(*)::int as n from livestream_hosts h join trainees t on t.id = h.trainee_id where t.mobile <> h.mobile`.execute(handle.db);
    expect(wrong.rows[0].n).toBe(0);
  });

  it('streams like a real base: evenings, 30–240 minutes with a few short ones, farm products, long-tailed sales', async () => {
    const s = await sql<{ n: number; short: number; over: number; evening: number; farm: number; platforms: string[] }>`
      select count(*)::int as n,
        count(*) filter (where duration_seconds < 30 * 60)::int as short,
        count(*) filter (where duration_seconds >= 241 * 60)::int as over,
        count(*) filter (where extract(hour from started_at at time zone 'Asia/Shanghai') between 17 and 22)::int as evening,
        count(*) filter (where farm_products)::int as farm,
        array_agg(distinct platform order by platform) as platforms
      from livestream_streams`.execute(handle.db);
    const f = s.rows[0];
    expect(f.short / f.n).toBeGreaterThan(0.01);
    expect(f.short / f.n).toBeLessThan(0.1);
    expect(f.over).toBe(0);
    expect(f.evening / f.n).toBeGreaterThan(0.7);
    expect(f.farm / f.n).toBeGreaterThan(0.7);
    expect(f.platforms).toEqual(['douyin', 'kuaishou', 'taobao', 'wechat_channels']);
    // most hosts are on Taobao Live
    const taobao = await sql<{ n: number }>`select count(distinct host_id)::int as n from livestream_accounts where platform = 'taobao'`.execute(handle.db);
    expect(taobao.rows[0].n).toBeGreaterThan(300);
    // GMV in fen with a long tail: the top host sells far more than the median one
    const gmv = await sql<{ top: number; median: number }>`
      select max(g)::float8 as top, percentile_cont(0.5) within group (order by g) as median
      from (select sum(gmv_fen) as g from livestream_streams group by host_id) per_host`.execute(handle.db);
    expect(gmv.rows[0].top).toBeGreaterThan(10 * gmv.rows[0].median);
    expect(gmv.rows[0].median).toBeGreaterThan(100_000); // more than ¥1,000 over five months
  });

  it('adds nothing when run again', async () => {
    const count = async (table: 'livestream_bases' | 'livestream_hosts' | 'livestream_accounts' | 'livestream_streams' | 'audit_log' | 'user_scopes') =>
      Number((await handle.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const tables = ['livestream_bases', 'livestream_hosts', 'livestream_accounts', 'livestream_streams', 'audit_log', 'user_scopes'] as const;
    const before = await Promise.all(tables.map(count));
    const again = await seedDemo(handle.db, { today: TODAY });
    expect(again.livestream).toMatchObject({ created: false, hosts: 0, streams: 0 });
    expect(await Promise.all(tables.map(count))).toEqual(before);
  });
});
