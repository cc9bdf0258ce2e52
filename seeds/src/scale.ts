import { sql } from 'kysely';
import type { Db } from '@cuntong/server/db/create-db';
import { recordAudit } from '@cuntong/server/modules/audit/audit.service';
import { SYSTEM_ACTOR } from '@cuntong/server/modules/auth/actor';
import { computeRegionRollups } from '@cuntong/server/modules/regions/regions.metrics';
import { importRegionsAudited } from '@cuntong/server/modules/regions/regions.service';
import { seedLivestreamScale, type LivestreamScaleSummary } from './livestream-scale';

/**
 * Benchmark data for a province (≈40,000 stations, ≈2,000,000 ledger rows for Shandong, and the
 * livestreaming of seedLivestreamScale: ≈600 bases, ≈30,000 hosts, ≈3,000,000 streams) or one
 * county, generated in the database with set-based SQL: villages (村委会, codes from 201) under every
 * town that has none, a county centre per county, a town station per town, a village point per
 * village of a town that has none, all active, and ≈50 ledger days per station over the last 120
 * days, a few stations gone quiet. random() is seeded by setseed() in the one transaction, so the same
 * seed on the same database gives the same rows. Whatever exists already (the demo county) is left
 * as it is, and a second run adds nothing.
 */

export interface ScaleSummary {
  prefix: string;
  villages: number;
  stations: number;
  ledgerEntries: number;
  livestream: LivestreamScaleSummary;
  ms: number;
}

const CODE = 'SC';
const list = (items: string[]) => sql`string_to_array(${items.join(',')}, ',')`;
const pick = (items: string[]) => sql`(${list(items)})[1 + floor(random() * ${items.length})::int]`;
const PREFIXES = ['', '', '', '东', '西', '南', '北', '前', '后', '大', '小', '上', '下', '新'];
const SURNAMES = ['张', '王', '李', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '马', '朱', '胡', '郭', '何', '高', '林', '孔', '颜', '曹', '袁', '于', '董', '鲍', '殷', '种'];
const ENDINGS = ['庄', '楼', '屯', '集', '营', '店', '寨', '洼', '堂', '桥', '岭', '沟', '园', '坡', '官庄', '家庄', '家村', '家楼', '家洼'];
const MOBILE_PREFIXES = ['135', '137', '138', '139', '150', '152', '158', '159', '182', '187', '188'];
const mobile = sql`${pick(MOBILE_PREFIXES)} || lpad(floor(random() * 100000000)::int::text, 8, '0')`;

/**
 * @param prefix the region to fill: a province ('37') or a county ('370481') code prefix.
 * @param today the last day is the day before (Asia/Shanghai).
 */
export async function seedScale(db: Db, options: { prefix: string; seed: number; today: string }): Promise<ScaleSummary> {
  const started = Date.now();
  const { prefix, today } = options;
  const under = `${prefix}%`;
  await importRegionsAudited(db, SYSTEM_ACTOR);

  const counts = await db.transaction().execute(async (trx) => {
    await sql`select setseed(${(options.seed % 1_000_003) / 1_000_003})`.execute(trx);

    // 12–31 村委会 under each town that has no villages yet (≈21.5 each: ≈40,000 for Shandong's 1,853 towns).
    const villages = await sql`
      insert into regions (code, name, level, parent_code, village_kind)
      select substr(t.code, 1, 9) || (200 + g)::text,
        ${pick(PREFIXES)} || ${pick(SURNAMES)} || ${pick(ENDINGS)} || '村', 'village', t.code, 'villagers_committee'
      from (select code, 12 + floor(random() * 20)::int as n
            from (select code from regions t where t.level = 'town' and t.code like ${under}
                    and not exists (select 1 from regions v where v.parent_code = t.code)
                  order by code) ordered) t
      cross join lateral generate_series(1, t.n) g
      on conflict (code) do nothing`.execute(trx);

    // Parents before children: the hierarchy trigger looks each parent up.
    const centers = await sql`
      insert into stations (code, name, tier, region_code, address, lat, lng, phone, opened_on, services, status, status_since)
      select ${`${CODE}-C`} || substr(c.code, 1, 6), c.name || '电子商务公共服务中心', 'county_center', c.code, c.name || '电商产业园',
        round((34.6 + random() * 3.4)::numeric, 6), round((115.2 + random() * 6.8)::numeric, 6),
        '0' || (530 + floor(random() * 10))::int || '-' || (5000000 + floor(random() * 4999999))::int,
        c.opened, array['purchase_on_behalf', 'sell_on_behalf', 'parcels', 'training', 'incubation'], 'active', c.opened
      from (select code, name, ${today}::date - (1000 + floor(random() * 400))::int as opened
            from (select code, name from regions c where c.level = 'county' and c.code like ${under}
                    and exists (select 1 from regions t where t.parent_code = c.code and t.level = 'town')
                    and not exists (select 1 from stations s where s.region_code = c.code and s.tier = 'county_center')
                  order by code) ordered) c`.execute(trx);

    const towns = await sql`
      insert into stations (code, name, tier, region_code, parent_id, address, lat, lng, phone, opened_on, services, status, status_since)
      select ${`${CODE}-T`} || substr(t.code, 1, 9), t.name || '电商服务站', 'town_station', t.code, t.parent_id, t.name || '便民服务中心',
        round((t.lat + (random() - 0.5) * 0.4)::numeric, 6), round((t.lng + (random() - 0.5) * 0.4)::numeric, 6), ${mobile},
        t.opened, array['purchase_on_behalf', 'sell_on_behalf', 'parcels', 'bill_payment', 'training'], 'active', t.opened
      from (select ordered.*, ${today}::date - (500 + floor(random() * 500))::int as opened
            from (select t.code, t.name, p.id as parent_id, p.lat, p.lng
                  from regions t join stations p on p.region_code = t.parent_code and p.tier = 'county_center' and p.status = 'active'
                  where t.level = 'town' and t.code like ${under}
                    and not exists (select 1 from stations s where s.region_code = t.code and s.tier = 'town_station')
                  order by t.code) ordered) t`.execute(trx);

    const points = await sql`
      insert into stations (code, name, tier, region_code, parent_id, address, lat, lng, phone, opened_on, services, status, status_since)
      select ${`${CODE}-V`} || v.code, regexp_replace(v.name, '村$', '') || '村级服务点', 'village_point', v.code, v.parent_id,
        v.name || '村委会院内', round((v.lat + (random() - 0.5) * 0.08)::numeric, 6), round((v.lng + (random() - 0.5) * 0.08)::numeric, 6), ${mobile},
        v.opened,
        array_remove(array['purchase_on_behalf', case when random() < 0.6 then 'sell_on_behalf' end, 'parcels',
          case when random() < 0.5 then 'bill_payment' end], null),
        'active', v.opened
      from (select ordered.*, ${today}::date - (200 + floor(random() * 700))::int as opened
            from (select v.code, v.name, p.id as parent_id, p.lat, p.lng
                  from regions v join stations p on p.region_code = v.parent_code and p.tier = 'town_station' and p.status = 'active'
                  where v.level = 'village' and v.village_kind = 'villagers_committee' and v.code like ${under}
                    and v.parent_code not in (select r.parent_code from stations s join regions r on r.code = s.region_code
                                              where s.tier = 'village_point' and r.parent_code is not null)
                  order by v.code) ordered) v`.execute(trx);

    await sql`
      insert into station_status_history (station_id, status, since)
      select s.id, s.status, s.status_since from stations s
      where s.code like ${`${CODE}-%`} and s.region_code like ${under}
        and not exists (select 1 from station_status_history h where h.station_id = s.id)`.execute(trx);

    // ≈50 of the last 120 days per station (each station its own share of days skipped); 3% quiet for
    // their last 35–60 days; harvest months sell more; money in integer fen. Every random() sits in a
    // select list, which PostgreSQL neither flattens nor pushes a filter into, and the per-station
    // draws are materialized once: one draw per station, one per station-day.
    const ledger = await sql`
      with st as materialized (
        select o.id, 0.2 + random() * 0.43 as share,
          (case o.tier when 'county_center' then 5 when 'town_station' then 3 else 1 end) * (0.5 + random() * 0.8) as scale,
          (3 + floor(random() * 8)) * 10 as fee, 0.03 + random() * 0.05 as commission,
          case when random() < 0.03 then 35 + floor(random() * 26)::int else 0 end as quiet
        from (select id, tier from stations s where s.code like ${`${CODE}-%`} and s.region_code like ${under} and s.status = 'active'
                and not exists (select 1 from ledger_entries le where le.station_id = s.id)
              order by id) o
      )
      insert into ledger_entries (station_id, entry_date, parcels_in, parcels_out, purchase_orders, purchase_amount_fen,
        sales_orders, sales_amount_fen, income_parcel_fen, income_commission_fen, income_bill_fen, income_other_fen, villagers_served)
      select id, day, pin, pout + so, po, po * po_price, so, so * so_price, (pin + pout + so) * fee,
        round((po * po_price + so * so_price) * commission)::bigint, bill, other, round(pin * 0.6)::int + po + so
      from (
        select k.id, k.day, k.fee, k.commission,
          round(k.scale * (5 + random() * 40))::int as pin,
          round(k.scale * random() * 8)::int as pout,
          floor(random() * 2.4 * k.scale)::int as po,
          (2000 + floor(random() * 28000))::bigint as po_price,
          floor(random() * 3 * k.scale
            * case extract(month from k.day) when 9 then 1.8 when 10 then 2.5 when 11 then 2.2 else 1 end)::int as so,
          (3000 + floor(random() * 17000))::bigint as so_price,
          case when random() < 0.35 then (50 + floor(random() * 600))::bigint else 0 end as bill,
          case when random() < 0.05 then (500 + floor(random() * 2500))::bigint else 0 end as other
        from (select st.*, ${today}::date - d as day, random() as roll
              from st cross join generate_series(1, 120) d
              where d > st.quiet) k
        where k.roll < k.share
      ) x`.execute(trx);

    const made = {
      villages: Number(villages.numAffectedRows ?? 0),
      stations: Number(centers.numAffectedRows ?? 0) + Number(towns.numAffectedRows ?? 0) + Number(points.numAffectedRows ?? 0),
      ledgerEntries: Number(ledger.numAffectedRows ?? 0),
    };
    if (made.villages + made.stations + made.ledgerEntries > 0) {
      await recordAudit(trx, SYSTEM_ACTOR, { entity: 'station', entityId: prefix.padEnd(12, '0'), action: 'seed_scale', after: { ...made, seed: options.seed, today } });
    }
    return made;
  });

  // Livestreaming in a transaction of its own, seeded on its own, so the stations stay as they were.
  const livestream = await db.transaction().execute(async (trx) => {
    await sql`select setseed(${((options.seed * 7 + 3) % 1_000_003) / 1_000_003})`.execute(trx);
    const made = await seedLivestreamScale(trx, { prefix, seed: options.seed, today });
    if (made.bases > 0) {
      await recordAudit(trx, SYSTEM_ACTOR, { entity: 'livestream_base', entityId: prefix.padEnd(12, '0'), action: 'seed_scale', after: { ...made, seed: options.seed, today } });
    }
    return made;
  });

  await computeRegionRollups(db);
  await sql`analyze regions, stations, station_status_history, ledger_entries, livestream_bases, livestream_hosts, livestream_accounts, livestream_streams`.execute(db);
  return { prefix, ...counts, livestream, ms: Date.now() - started };
}
