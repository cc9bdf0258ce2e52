import { sql } from 'kysely';
import type { Db } from '@cuntong/server/db/create-db';

/**
 * Livestream benchmark data for a province (≈600 bases, ≈30,000 hosts, ≈3,000,000 streams for
 * Shandong) or one county, generated in the database with set-based SQL: a base in about a third of
 * the towns that have none (chosen by a hash of the town's code and the seed), 20–80 hosts each
 * from the town's villages, their platform accounts (Taobao Live for most), and 182 days of streams
 * ending yesterday — regular hosts streaming most evenings, occasional ones, some who stopped, some
 * who just started; a few short streams; viewers and sales log-normal. Hosts, accounts and streams
 * are made only for the bases made by this run, so what exists (the demo county's bases) is kept and
 * a second run adds nothing. Run inside the caller's transaction, after setseed(): same seed, same
 * database, same rows.
 */

export interface LivestreamScaleSummary {
  bases: number;
  hosts: number;
  accounts: number;
  streams: number;
}

export const SCALE_STREAM_DAYS = 182;

const list = (items: string[]) => sql`string_to_array(${items.join(',')}, ',')`;
const pick = (items: string[]) => sql`(${list(items)})[1 + floor(random() * ${items.length})::int]`;
const SURNAMES = ['张', '王', '李', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '马', '朱', '胡', '郭', '何', '高', '林', '孔', '颜', '曹', '袁', '于', '董', '鲍', '殷', '种'];
const GIVEN = [...'伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉梅建国海燕红鹏飞婷雪慧晓春东亮成宁波斌凤云庆龙'];
const FARM_PRODUCTS = ['马铃薯', '大蒜', '苹果', '大枣', '花生', '小米', '煎饼', '红薯粉条', '核桃', '土蜂蜜', '大葱', '生姜', '樱桃', '海参', '虾皮', '辣椒酱', '咸鸭蛋', '黄桃罐头'];
const OTHER_PRODUCTS = ['家居日用', '女装', '手工布鞋', '小家电', '儿童玩具'];
/** A standard normal draw in SQL (Box–Muller). */
const normal = sql`(sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))`;

export async function seedLivestreamScale(trx: Db, options: { prefix: string; seed: number; today: string }): Promise<LivestreamScaleSummary> {
  const { prefix, today } = options;
  const under = `${prefix}%`;

  await sql`create temporary table scale_ls_bases (id integer primary key) on commit drop`.execute(trx);
  const bases = await sql`
    with made as (
      insert into livestream_bases (name, address, region_code, rooms, capacity)
      select c.name || t.name || '直播基地', c.name || t.name || '电商产业园', t.code, t.rooms, t.rooms * 8
      from (select ordered.*, 4 + floor(random() * 27)::int as rooms
            from (select t.code, t.name, t.parent_code from regions t
                  where t.level = 'town' and t.code like ${under}
                    and substr(md5(t.code || ':' || ${String(options.seed)}), 1, 2) < '55'
                    and not exists (select 1 from livestream_bases b where b.region_code = t.code)
                  order by t.code) ordered) t
      join regions c on c.code = t.parent_code
      on conflict (name) do nothing
      returning id
    )
    insert into scale_ls_bases select id from made`.execute(trx);

  // Each host's habits, drawn once: which platforms, how they stream, how well they sell.
  await sql`
    create temporary table scale_ls_hosts (
      id integer primary key, base_id integer not null, tb boolean, dy boolean, ks boolean, wx boolean,
      kind text, share float8, first_d integer, last_d integer, start_minute integer, minutes float8,
      reach float8, conversion float8, order_fen integer, farm float8
    ) on commit drop`.execute(trx);
  const hosts = await sql`
    with made as (
      insert into livestream_hosts (base_id, name, mobile, village_code, status, joined_on)
      select h.base_id, h.name, h.mobile, h.village_code, h.status, h.joined_on
      from (select b.id as base_id,
              ${pick(SURNAMES)} || ${pick(GIVEN)} || case when random() < 0.7 then ${pick(GIVEN)} else '' end as name,
              -- unique by construction: 7919 is prime to 10^8, so (base, n) → 8 digits is one-to-one
              '19' || (1 + b.id % 9)::text || lpad((((b.id::bigint * 100 + g) * 7919) % 100000000)::text, 8, '0') as mobile,
              b.villages[1 + floor(random() * cardinality(b.villages))::int] as village_code,
              case when random() < 0.9 then 'active' when random() < 0.6 then 'paused' else 'left' end as status,
              ${today}::date - (30 + floor(random() * 700)::int) as joined_on
            from (select b.id, b.n, coalesce((select array_agg(v.code order by v.code) from regions v where v.parent_code = b.region_code), '{}') as villages
                  from (select b.id, b.region_code, 20 + floor(random() * 61)::int as n
                        from livestream_bases b join scale_ls_bases s on s.id = b.id order by b.id) b) b
            cross join lateral generate_series(1, b.n) g
            order by b.id, g) h
      on conflict (mobile) do nothing
      returning id, base_id
    )
    insert into scale_ls_hosts (id, base_id) select id, base_id from made`.execute(trx);
  await sql`
    update scale_ls_hosts h set tb = x.tb, dy = x.dy or not (x.tb or x.ks or x.wx), ks = x.ks, wx = x.wx, kind = x.kind,
      share = x.share, first_d = x.first_d, last_d = x.last_d, start_minute = x.start_minute, minutes = x.minutes,
      reach = x.reach, conversion = x.conversion, order_fen = x.order_fen, farm = x.farm
    from (
      select o.id, o.tb, o.dy, o.ks, o.wx, o.kind,
        case o.kind when 'regular' then 0.55 + o.r2 * 0.45 when 'occasional' then 0.03 + o.r2 * 0.09 else 0.3 + o.r2 * 0.5 end as share,
        case o.kind when 'regular' then case when o.r3 < 0.75 then ${SCALE_STREAM_DAYS} else 30 + floor(o.r4 * ${SCALE_STREAM_DAYS - 30})::int end
          when 'occasional' then ${SCALE_STREAM_DAYS} when 'lapsed' then 90 + floor(o.r4 * 92)::int else 3 + floor(o.r4 * 27)::int end as first_d,
        case o.kind when 'lapsed' then 35 + floor(o.r3 * 50)::int else 1 end as last_d,
        18 * 60 + floor(o.r5 * 43)::int * 5 as start_minute, 60 + o.r6 * 90 as minutes,
        260 * exp(o.n1) as reach, 0.006 + o.r7 * 0.035 as conversion,
        case when o.farm_host then 2500 + floor(o.r8 * 55)::int * 100 - 10 else 4000 + floor(o.r8 * 160)::int * 100 - 10 end as order_fen,
        case when o.farm_host then 0.94 else 0.1 end as farm
      from (select id, random() < 0.9 as tb, random() < 0.4 as dy, random() < 0.2 as ks, random() < 0.15 as wx,
              case when r1 < 0.7 then 'regular' when r1 < 0.82 then 'occasional' when r1 < 0.92 then 'lapsed' else 'new' end as kind,
              random() as r2, random() as r3, random() as r4, random() as r5, random() as r6, random() as r7, random() as r8,
              ${normal} as n1, random() < 0.87 as farm_host
            from (select id, random() as r1 from scale_ls_hosts order by id) ordered) o
    ) x
    where x.id = h.id`.execute(trx);

  const accounts = await sql`
    insert into livestream_accounts (host_id, platform, account_id, handle)
    select h.id, p.platform, p.prefix || h.id::text, p.handle
    from (select h.*, lh.name from scale_ls_hosts h join livestream_hosts lh on lh.id = h.id) h
    cross join lateral (values
      ('taobao', h.tb, 'tb', h.name || '的直播间'),
      ('douyin', h.dy, 'dy', h.name || '好物'),
      ('kuaishou', h.ks, 'ks', h.name || '农家'),
      ('wechat_channels', h.wx, 'sph', h.name)) as p(platform, has, prefix, handle)
    where p.has
    order by h.id, p.platform
    on conflict (platform, account_id) do nothing`.execute(trx);

  // One stream a day at most per host, on the main platform (Taobao Live when the host has it) or, one
  // day in seven, on another of theirs. Written day after day, so the rows lie on disk in about the
  // order of their start, as a real table's do (a host-by-host table would make every scan of a
  // month's streams read the whole table). Every random() sits in a select list (PostgreSQL neither
  // flattens such a subquery nor pushes a filter into it), so each is drawn once per row.
  const streams = await sql`
    insert into livestream_streams (host_id, base_id, platform, started_at, duration_seconds, viewers, peak_viewers,
      new_followers, orders, buyers, gmv_fen, farm_products, main_products, source, created_at, updated_at)
    select host_id, base_id, platform, started_at, duration_seconds, viewers, peak_viewers, new_followers, orders, buyers,
      round(orders * order_fen * (0.85 + 0.3 * r_gmv))::bigint, farm_products, main_products, source, started_at, started_at
    from (
      select y.*, buyers + floor(buyers * random() * 0.25)::int as orders, random() as r_gmv
      from (
        select x.*, round(viewers * conversion * exp(0.4 * n_buy))::int as buyers,
          greatest(1, round(viewers * (0.06 + 0.12 * random())))::int as peak_viewers,
          round(viewers * (0.01 + 0.03 * random()))::int as new_followers
        from (
          select w.*, greatest(1, round(reach * exp(0.45 * n_view) * sqrt(duration_seconds / 5400.0) * case when duration_seconds < 1800 then 0.3 else 1 end))::int as viewers
          from (
            select k.id as host_id, k.base_id, k.conversion, k.order_fen, k.reach,
              case when k.roll_platform < 0.86 or k.second is null then k.main else k.second end as platform,
              ((${today}::date - k.d) + make_interval(mins => k.start_minute + (floor(random() * 13)::int - 6) * 5, secs => floor(random() * 60)::int))
                at time zone 'Asia/Shanghai' as started_at,
              case when random() < 0.04 then 360 + floor(random() * 1440)::int
                else least(240, greatest(30, round(k.minutes * exp(0.3 * ${normal}))))::int * 60 + floor(random() * 60)::int end as duration_seconds,
              ${normal} as n_view, ${normal} as n_buy,
              random() < k.farm as farm_products,
              case when random() < k.farm then ${pick(FARM_PRODUCTS)} else ${pick(OTHER_PRODUCTS)} end as main_products,
              case when random() < 0.8 then 'import' else 'manual' end as source
            from (
              select h.*, d, random() as roll, random() as roll_platform,
                case when h.tb then 'taobao' when h.dy then 'douyin' when h.ks then 'kuaishou' else 'wechat_channels' end as main,
                case when h.tb and h.dy then 'douyin' when (h.tb or h.dy) and h.ks then 'kuaishou' when (h.tb or h.dy or h.ks) and h.wx then 'wechat_channels' end as second
              -- day by day, oldest first: the table fills in time order, as streams come in
              from generate_series(${SCALE_STREAM_DAYS}, 1, -1) d
              cross join lateral (select * from scale_ls_hosts h where d between h.last_d and h.first_d order by h.id) h
            ) k
            where k.roll < k.share
          ) w
        ) x
      ) y
    ) z`.execute(trx);

  return {
    bases: Number(bases.numAffectedRows ?? 0),
    hosts: Number(hosts.numAffectedRows ?? 0),
    accounts: Number(accounts.numAffectedRows ?? 0),
    streams: Number(streams.numAffectedRows ?? 0),
  };
}
