import type { Insertable } from 'kysely';
import type { Db } from '../../db/create-db';
import type { LedgerEntriesTable, Role, StationService, StationStatus, StationTier } from '../../db/types';
import { addDays, daysBetween } from '../../lib/dates';
import { createRandom, shuffled, type Random } from '../../lib/random';
import { recordAudit } from '../audit/audit.service';
import { SYSTEM_ACTOR } from '../auth/actor';
import { demoSeedStep } from '../module';
import { computeStationMetrics } from './stations.metrics';

/**
 * The demo county's three-tier stations and six months of their ledger, told as a story: busy town
 * stations and a few busy village points, ordinary ones that skip days, farm sales that peak at harvest
 * (Sep–Nov) and before Spring Festival, a handful of points gone quiet, and one that went quiet in the
 * middle and has reopened. Everything follows from the seed and `today`.
 */

export const DEMO_CENTER_CODE = 'TZ-C';

/**
 * Station operators among the demo users, each working in one town: `demo.station` (in DEMO_USERS)
 * keeps one busy village point and its town station; the others a town station and a few of its points.
 */
export const DEMO_OPERATORS: { loginName: string; displayName: string; role: Role; mobile: string; townCode: string }[] = [
  { loginName: 'zhan.hongxu', displayName: '赵洪波（洪绪镇服务站）', role: 'station_operator', mobile: '13800000011', townCode: '370481101000' },
  { loginName: 'zhan.nanshahe', displayName: '孙丽（南沙河镇服务站）', role: 'station_operator', mobile: '13800000012', townCode: '370481102000' },
  { loginName: 'zhan.xigang', displayName: '周志强（西岗镇服务站）', role: 'station_operator', mobile: '13800000013', townCode: '370481106000' },
  { loginName: 'zhan.guanqiao', displayName: '吴海燕（官桥镇服务站）', role: 'station_operator', mobile: '13800000014', townCode: '370481110000' },
  { loginName: 'zhan.jiehe', displayName: '郑磊（界河镇服务站）', role: 'station_operator', mobile: '13800000015', townCode: '370481114000' },
];
/** The town of `demo.station`: its town station and one busy village point there. */
export const DEMO_STATION_LOGIN = 'demo.station';
const DEMO_STATION_TOWN = '370481107000';

const ALL_SERVICES: StationService[] = ['purchase_on_behalf', 'sell_on_behalf', 'parcels', 'bill_payment', 'training', 'incubation', 'other'];
const CLOSE_REASONS = ['经营者外出务工', '店面拆迁', '经营者身体原因', '并入邻村服务点', '房屋租约到期'];
const STREETS = ['商贸街', '府前路', '中心街', '建设路', '兴业路', '人民路'];
const SPOTS = ['村委会院内', '村委会东侧', '主街便民超市内', '村西商店内', '村东路口', '文化广场旁'];
const MOBILE_PREFIXES = ['135', '137', '138', '139', '150', '152', '158', '159', '182', '187', '188'];
/** 春节 (Spring Festival) days: farm sales and year-end shopping peak in the weeks before, couriers pause around it. */
const SPRING_FESTIVALS = ['2024-02-10', '2025-01-29', '2026-02-17', '2027-02-06', '2028-01-26', '2029-02-13', '2030-02-03', '2031-01-23'];
/** Where the county centre is: 滕州市 (≈35.08 N, 117.15 E). */
const CENTER = { lat: 35.0847, lng: 117.1652 };

/** How a station's ledger runs: its size, how often its operator skips a day, and its story. */
type Story = 'hub' | 'busy' | 'ordinary' | 'quiet' | 'reopened';

export interface PlannedStation {
  code: string;
  name: string;
  tier: StationTier;
  regionCode: string;
  parentCode: string | null;
  address: string;
  lat: number;
  lng: number;
  phone: string;
  openedOn: string | null;
  services: StationService[];
  /** Every status the station has been in, oldest first; the last is its status now. */
  history: { status: StationStatus; since: string; reason: string | null }[];
  story: Story | null;
  /** Quiet points: the last this many days have no non-zero entry. */
  quietDays?: number;
  /** Quiet points: the operator still logs an all-zero day now and then. */
  zeroEntries?: boolean;
  closedOn?: string;
}

export interface DemoStationPlan {
  stations: PlannedStation[];
  /** Operator login → the codes of the stations they keep. */
  scopes: Map<string, string[]>;
  /** The first and last ledger day: six months ending yesterday. */
  window: { from: string; to: string };
  /** The reopened point: no entries for this span, then entries again up to yesterday. */
  reopened: { code: string; gapFrom: string; gapTo: string };
}

interface TownRow {
  code: string;
  name: string;
}
interface VillageRow {
  code: string;
  name: string;
  parent_code: string | null;
  village_kind: string | null;
}

/** Six months of ledger ending the day before `today`. */
export function ledgerWindow(today: string): { from: string; to: string } {
  const [y, m, d] = today.split('-').map(Number);
  return { from: new Date(Date.UTC(y, m - 7, d)).toISOString().slice(0, 10), to: addDays(today, -1) };
}

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;
const mobile = (rng: Random) => `${rng.pick(MOBILE_PREFIXES)}${String(rng.int(0, 99_999_999)).padStart(8, '0')}`;
const landline = (rng: Random) => `0632-${rng.int(5_500_000, 5_999_999)}`;

/**
 * Which stations exist and who keeps them. The choices depend on the seed only; `today` only places
 * the dates (opened 1–3 years ago, closed some weeks ago), so a later run finds the same codes.
 */
export function planDemoStations(input: {
  countyCode: string;
  towns: TownRow[];
  villages: VillageRow[];
  seed: number;
  today: string;
}): DemoStationPlan {
  const { countyCode, today } = input;
  const rng = createRandom((input.seed ^ 0x5a7e11) >>> 0);
  const window = ledgerWindow(today);
  const byOffset = (days: number) => addDays(today, -days);
  const opened = (minDays: number, maxDays: number) => {
    const on = byOffset(rng.int(minDays, maxDays));
    return { on, history: [{ status: 'planned' as const, since: addDays(on, -rng.int(20, 90)), reason: null }, { status: 'active' as const, since: on, reason: null }] };
  };

  const center = opened(1000, 1095);
  const stations: PlannedStation[] = [
    {
      code: DEMO_CENTER_CODE,
      name: '滕州市电子商务公共服务中心',
      tier: 'county_center',
      regionCode: countyCode,
      parentCode: null,
      address: '滕州市荆河街道善国北路电商产业园1号楼',
      lat: CENTER.lat,
      lng: CENTER.lng,
      phone: '0632-5501234',
      openedOn: center.on,
      services: ALL_SERVICES.filter((s) => s !== 'other'),
      history: center.history,
      story: 'hub',
    },
  ];

  const points: PlannedStation[] = [];
  for (const town of input.towns) {
    const subdistrict = Number(town.code.slice(6, 9)) < 100;
    const spread = subdistrict ? 0.06 : 0.24;
    const lat = round6(CENTER.lat + (rng.next() - 0.5) * spread);
    const lng = round6(CENTER.lng + (rng.next() - 0.5) * spread);
    const townCode = `TZ-T${town.code.slice(6, 9)}`;
    const since = opened(730, 1095);
    stations.push({
      code: townCode,
      name: `${town.name}电商服务站`,
      tier: 'town_station',
      regionCode: town.code,
      parentCode: DEMO_CENTER_CODE,
      address: `滕州市${town.name}${rng.pick(STREETS)}${rng.int(1, 199)}号`,
      lat,
      lng,
      phone: landline(rng),
      openedOn: since.on,
      services: ALL_SERVICES.filter((s) => s !== 'other' && (s !== 'incubation' || rng.chance(0.4))),
      history: since.history,
      story: 'busy',
    });
    const villages = input.villages.filter((v) => v.parent_code === town.code && v.village_kind === 'villagers_committee');
    for (const village of villages) {
      if (!rng.chance(0.85)) continue;
      const roll = rng.next();
      const busy = rng.chance(0.15);
      const services = ALL_SERVICES.filter(
        (s) =>
          s === 'parcels' ||
          (s === 'purchase_on_behalf' && rng.chance(0.85)) ||
          (s === 'sell_on_behalf' && rng.chance(busy ? 0.95 : 0.6)) ||
          (s === 'bill_payment' && rng.chance(0.5)) ||
          (s === 'training' && rng.chance(0.08)) ||
          (s === 'other' && rng.chance(0.05)),
      );
      const point: PlannedStation = {
        code: `TZ-V${village.code.slice(3)}`,
        name: `${village.name.replace(/村$/, '')}村级服务点`,
        tier: 'village_point',
        regionCode: village.code,
        parentCode: townCode,
        address: `滕州市${town.name}${village.name}${rng.pick(SPOTS)}`,
        lat: round6(lat + (rng.next() - 0.5) * 0.08),
        lng: round6(lng + (rng.next() - 0.5) * 0.08),
        phone: mobile(rng),
        openedOn: null,
        services,
        history: [],
        story: null,
      };
      if (roll < 0.05) {
        point.history = [{ status: 'planned', since: byOffset(rng.int(10, 90)), reason: '已选址，待验收' }];
      } else {
        const since = opened(365, 1000);
        point.openedOn = since.on;
        point.history = since.history;
        point.story = busy ? 'busy' : 'ordinary';
        if (roll < 0.08) {
          point.closedOn = byOffset(rng.int(20, 150));
          point.history.push({ status: 'closed', since: point.closedOn, reason: rng.pick(CLOSE_REASONS) });
        }
      }
      points.push(point);
    }
  }
  stations.push(...points);

  // Who keeps what: demo.station one busy point and its town station; each other operator their town station and 3–5 points.
  const activeIn = (townCode: string) =>
    points.filter((p) => p.parentCode === `TZ-T${townCode.slice(6, 9)}` && p.history.at(-1)!.status === 'active');
  const scopes = new Map<string, string[]>();
  const demoTown = activeIn(DEMO_STATION_TOWN);
  const demoPoint = demoTown.find((p) => p.story === 'busy') ?? demoTown[0];
  if (demoPoint) demoPoint.story = 'busy';
  scopes.set(DEMO_STATION_LOGIN, [`TZ-T${DEMO_STATION_TOWN.slice(6, 9)}`, ...(demoPoint ? [demoPoint.code] : [])]);
  for (const op of DEMO_OPERATORS) {
    const mine = shuffled(rng, activeIn(op.townCode)).slice(0, rng.int(3, 5));
    scopes.set(op.loginName, [`TZ-T${op.townCode.slice(6, 9)}`, ...mine.map((p) => p.code).sort()]);
  }

  // The quiet ones and the one that reopened: ordinary active points nobody above keeps.
  const kept = new Set([...scopes.values()].flat());
  const candidates = shuffled(
    rng,
    points.filter((p) => p.story === 'ordinary' && p.history.at(-1)!.status === 'active' && !kept.has(p.code)),
  );
  const gapTo = byOffset(21);
  const reopened = { code: candidates[0]?.code ?? '', gapFrom: addDays(gapTo, -rng.int(38, 44)), gapTo };
  if (candidates[0]) candidates[0].story = 'reopened';
  for (const p of candidates.slice(1, 1 + rng.int(6, 10))) {
    p.story = 'quiet';
    p.quietDays = rng.int(35, 60);
    p.zeroEntries = rng.chance(0.5);
  }
  return { stations, scopes, window, reopened };
}

/** FNV-1a, so each station's ledger has its own random stream, whatever order stations come in. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function springFestivalOffset(day: string): number {
  // days from the nearest Spring Festival (negative before it)
  let best = Infinity;
  for (const sf of SPRING_FESTIVALS) {
    const d = daysBetween(sf, day);
    if (Math.abs(d) < Math.abs(best)) best = d;
  }
  return best;
}

/** Farm sales (上行): harvest Sep–Nov (×2.5 at its height), a smaller peak before Spring Festival, spring potatoes and cherries in May–June. */
function salesSeason(day: string): number {
  const sf = springFestivalOffset(day);
  if (sf >= -2 && sf <= 6) return 0.3;
  if (sf >= -25 && sf < -2) return 1.6;
  return [1, 1, 1, 1, 1, 1.3, 1.3, 1, 1, 1.8, 2.5, 2.2, 1][Number(day.slice(5, 7))];
}

/** Parcels (下行): 双十一 and 618 arrivals, year-end shopping, couriers pausing over Spring Festival. */
function parcelSeason(day: string): number {
  const sf = springFestivalOffset(day);
  if (sf >= -2 && sf <= 6) return 0.2;
  if (sf >= -20 && sf < -2) return 1.3;
  const md = day.slice(5);
  if (md >= '11-11' && md <= '11-20') return 1.7;
  if (md >= '06-18' && md <= '06-22') return 1.2;
  return 1;
}

function noteFor(rng: Random, day: string): string {
  const month = Number(day.slice(5, 7));
  const sf = springFestivalOffset(day);
  if (sf >= -25 && sf < -2) return rng.pick(['年货代购高峰', '代卖土特产礼盒', '返乡人员寄件多']);
  if (month >= 9 && month <= 11) return rng.pick(['秋季马铃薯上行，发货多', '代卖核桃、花生', '大蒜上行订单增加', '双十一到件高峰']);
  if (month === 5 || month === 6) return rng.pick(['春季马铃薯上行', '代卖大樱桃', '618到件多']);
  return rng.pick(['雨天取件人少', '帮村民缴电费、话费', '快递柜满，部分件暂存', '村民咨询网购退货']);
}

const ZERO = {
  parcels_in: 0,
  parcels_out: 0,
  purchase_orders: 0,
  purchase_amount_fen: 0,
  sales_orders: 0,
  sales_amount_fen: 0,
  income_parcel_fen: 0,
  income_commission_fen: 0,
  income_bill_fen: 0,
  income_other_fen: 0,
  villagers_served: 0,
};
type LedgerFigures = typeof ZERO & { entry_date: string; note: string | null };

/** One station's ledger over the window, in integer fen. Same seed, same station, same days: same rows. */
export function demoLedger(station: PlannedStation, plan: Pick<DemoStationPlan, 'window' | 'reopened'>, seed: number): LedgerFigures[] {
  if (!station.story || !station.openedOn) return [];
  const rng = createRandom((seed ^ hash(station.code)) >>> 0);
  const hub = station.story === 'hub';
  const town = station.tier === 'town_station';
  const busy = station.story === 'busy' || hub;
  const scale = hub ? 4 + rng.next() * 2 : town ? 2.5 + rng.next() * 1.5 : busy ? 1.8 + rng.next() * 1.2 : 0.5 + rng.next() * 0.8;
  const skip = busy ? 0.05 + rng.next() * 0.07 : 0.1 + rng.next() * 0.1;
  const feePerParcel = rng.int(3, 10) * 10;
  const commission = 0.03 + rng.next() * 0.05;
  const sells = station.services.includes('sell_on_behalf');
  const buys = station.services.includes('purchase_on_behalf');
  const bills = station.services.includes('bill_payment');
  const upTo = (mean: number) => Math.round(rng.next() * 2 * mean);

  const first = station.openedOn > plan.window.from ? station.openedOn : plan.window.from;
  const last = station.closedOn && station.closedOn <= plan.window.to ? addDays(station.closedOn, -1) : plan.window.to;
  const quietFrom = station.story === 'quiet' ? addDays(plan.window.to, 1 - station.quietDays!) : null;
  const reopened = station.story === 'reopened' ? plan.reopened : null;

  const rows: LedgerFigures[] = [];
  for (let day = first; day <= last; day = addDays(day, 1)) {
    const r = rng.next();
    if (reopened && day >= reopened.gapFrom && day <= reopened.gapTo) continue;
    const edge = reopened && (day === addDays(reopened.gapFrom, -1) || day === addDays(reopened.gapTo, 1));
    if (quietFrom && day >= quietFrom) {
      if (station.zeroEntries && r < 0.3) rows.push({ ...ZERO, entry_date: day, note: r < 0.1 ? '无业务' : null });
      continue;
    }
    if (r < skip && !edge) continue;
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
    const weekend = weekday === 0 || weekday === 6 ? 1.25 : 1;
    const parcels = parcelSeason(day);
    const season = salesSeason(day);
    const row: LedgerFigures = { ...ZERO, entry_date: day, note: null };
    row.parcels_in = Math.round(scale * weekend * parcels * rng.int(5, 45));
    if (buys) {
      row.purchase_orders = upTo(1.2 * scale * parcels);
      for (let i = 0; i < row.purchase_orders; i++) row.purchase_amount_fen += rng.int(2_000, 30_000);
    }
    if (sells) {
      row.sales_orders = upTo(1.5 * scale * season);
      for (let i = 0; i < row.sales_orders; i++) row.sales_amount_fen += rng.int(3_000, 20_000);
    }
    row.parcels_out = Math.round(scale * rng.int(0, 8)) + row.sales_orders;
    row.income_parcel_fen = (row.parcels_in + row.parcels_out) * feePerParcel;
    row.income_commission_fen = Math.round((row.purchase_amount_fen + row.sales_amount_fen) * commission);
    const billCount = bills && rng.chance(0.35) ? rng.int(1, 4) : 0;
    row.income_bill_fen = billCount * rng.int(50, 200);
    row.income_other_fen = rng.chance(0.05) ? rng.int(500, 3_000) : 0;
    row.villagers_served = Math.round(row.parcels_in * 0.6) + row.purchase_orders + row.sales_orders + billCount;
    if (edge && day > reopened!.gapTo) row.note = '经营者返乡，恢复营业';
    else if (rng.chance(0.02)) row.note = noteFor(rng, day);
    rows.push(row);
  }
  return rows;
}

export interface DemoStationsResult {
  /** False when the county centre was already there (nothing was written). */
  created: boolean;
  stations: number;
  ledgerEntries: number;
  plan: DemoStationPlan;
  /** Operator login → station ids, for their `station` scopes. */
  scopeIds: Map<string, string[]>;
}

const BATCH = 1000;
function batches<T>(rows: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += BATCH) out.push(rows.slice(i, i + BATCH));
  return out;
}

/**
 * Write the plan, in one transaction: stations parent before child, their status history, the
 * ledger in batches, one audit row. Skipped when the county centre exists.
 */
export async function seedDemoStations(db: Db, options: { countyCode: string; seed: number; today: string }): Promise<DemoStationsResult> {
  const towns = await db.selectFrom('regions').select(['code', 'name']).where('parent_code', '=', options.countyCode).where('level', '=', 'town').orderBy('code').execute();
  const villages = await db
    .selectFrom('regions')
    .select(['code', 'name', 'parent_code', 'village_kind'])
    .where('level', '=', 'village')
    .where('code', 'like', `${options.countyCode.slice(0, 6)}%`)
    .orderBy('code')
    .execute();
  const plan = planDemoStations({ countyCode: options.countyCode, towns, villages, seed: options.seed, today: options.today });
  const exists = await db.selectFrom('stations').select('id').where('code', '=', DEMO_CENTER_CODE).executeTakeFirst();

  let stations = 0;
  let ledgerEntries = 0;
  if (!exists) {
    await db.transaction().execute(async (trx) => {
      const ids = new Map<string, number>();
      for (const tier of ['county_center', 'town_station', 'village_point'] as const) {
        for (const batch of batches(plan.stations.filter((s) => s.tier === tier))) {
          const rows = await trx
            .insertInto('stations')
            .values(
              batch.map((s) => {
                const now = s.history.at(-1)!;
                return {
                  code: s.code,
                  name: s.name,
                  tier: s.tier,
                  region_code: s.regionCode,
                  parent_id: s.parentCode ? ids.get(s.parentCode)! : null,
                  address: s.address,
                  lat: s.lat,
                  lng: s.lng,
                  phone: s.phone,
                  opened_on: s.openedOn,
                  services: s.services,
                  status: now.status,
                  status_since: now.since,
                  status_reason: now.reason,
                };
              }),
            )
            .returning(['id', 'code'])
            .execute();
          for (const r of rows) ids.set(r.code, r.id);
        }
      }
      stations = ids.size;
      const history = plan.stations.flatMap((s) => s.history.map((h) => ({ station_id: ids.get(s.code)!, status: h.status, since: h.since, reason: h.reason })));
      for (const batch of batches(history)) await trx.insertInto('station_status_history').values(batch).execute();

      const ledger: Insertable<LedgerEntriesTable>[] = plan.stations.flatMap((s) =>
        demoLedger(s, plan, options.seed).map((row) => ({ station_id: ids.get(s.code)!, ...row })),
      );
      for (const batch of batches(ledger)) await trx.insertInto('ledger_entries').values(batch).execute();
      ledgerEntries = ledger.length;

      await recordAudit(trx, SYSTEM_ACTOR, {
        entity: 'station',
        entityId: options.countyCode,
        action: 'seed_stations',
        after: { stations, ledgerEntries, seed: options.seed, from: plan.window.from, to: plan.window.to },
      });
    });
  }

  const codes = [...new Set([...plan.scopes.values()].flat())];
  const found = await db.selectFrom('stations').select(['id', 'code']).where('code', 'in', codes).execute();
  const idOf = new Map(found.map((r) => [r.code, String(r.id)]));
  const scopeIds = new Map([...plan.scopes].map(([login, mine]) => [login, mine.flatMap((c) => idOf.get(c) ?? [])]));
  return { created: !exists, stations, ledgerEntries, plan, scopeIds };
}

/** The demo's stations and ledgers, and what the nightly job would write, so quiet stations and the town ranking show at first start. */
export const stationsDemo = demoSeedStep('stations', async (ctx) => {
  const stations = await seedDemoStations(ctx.db, ctx);
  if (stations.created) await computeStationMetrics(ctx.db, { asOf: ctx.today });
  return stations;
});
