import { sql } from 'kysely';
import type { Db } from '../../db/create-db';
import type { HostStatus, LivestreamPlatform, StreamSource } from '../../db/types';
import { addDays, daysBetween } from '../../lib/dates';
import { createRandom, gauss, shuffled, type Random } from '../../lib/random';
import { recordAudit } from '../audit/audit.service';
import { SYSTEM_ACTOR } from '../auth/actor';
import { updateUser } from '../auth/users.service';
import { demoSeedStep } from '../module';
import { personName } from '../training/training.demo';
import { computeLivestreamMetrics } from './livestream.metrics';

/**
 * The demo county's livestreaming, told as a story: three bases — the county's base in the
 * e-commerce park (荆河街道), a 村播 base in 洪绪镇 and a potato-country base in 龙阳镇 — with 360
 * hosts from the county's villages, most of them on Taobao Live, some also (or only) on Douyin,
 * Kuaishou or WeChat Channels, and five months of evening streams selling 滕州马铃薯, 红薯粉条, 大枣…
 * The programme is growing: hosts join month by month, a few stop, a few stream now and then, and
 * as of `today` the hosts active on Taobao Live under rule v1 sit a little under the 300 target.
 * About sixty hosts are trainees of the demo's livestream and short-video courses: most linked to
 * their trainee record by the bureau, the rest waiting for the bureau (demo.staff) to confirm the
 * suggestion (a base manager such as demo.live sees only confirmed links).
 * Everything follows from the seed, `today` and the trainees in the database.
 */

export const DEMO_BASES = [
  {
    key: 'county',
    name: '滕州市电商直播基地',
    regionCode: '370481001000', // 荆河街道
    address: '滕州市荆河街道善国北路电商产业园3号楼',
    rooms: 24,
    capacity: 300,
    hosts: 180,
    /** Where its hosts live: null, anywhere in the county. */
    towns: null,
  },
  {
    key: 'hongxu',
    name: '洪绪镇村播基地',
    regionCode: '370481101000',
    address: '滕州市洪绪镇驻地电商服务站二楼',
    rooms: 8,
    capacity: 80,
    hosts: 90,
    towns: ['370481101000', '370481102000', '370481103000'], // 洪绪镇, 南沙河镇, 大坞镇
  },
  {
    key: 'longyang',
    name: '龙阳镇马铃薯直播基地',
    regionCode: '370481115000',
    address: '滕州市龙阳镇马铃薯交易市场东侧',
    rooms: 10,
    capacity: 100,
    hosts: 90,
    towns: ['370481115000', '370481114000', '370481116000'], // 龙阳镇, 界河镇, 东郭镇
  },
] as const;
/** The base manager among the demo users: scoped to the biggest base. */
export const DEMO_LIVE_LOGIN = 'demo.live';

/**
 * Five months of streams: from the first day of the month four months before today's, to yesterday
 * (tonight's streams have not happened yet). A whole first month, so the trend starts on a full window.
 */
export function streamWindow(today: string): { from: string; to: string } {
  const [y, m] = today.split('-').map(Number);
  return { from: new Date(Date.UTC(y, m - 5, 1)).toISOString().slice(0, 10), to: addDays(today, -1) };
}
const TRAINEE_HOSTS = 60;
/** Mobile prefixes no demo trainee has (theirs: 135 138 139 152 158 177 187, duplicates 136), nor the province scale (19x). */
const MOBILE_PREFIXES = ['130', '131', '132', '133', '155', '156', '166', '176', '185', '186', '189'];
const FARM_PRODUCTS = ['滕州马铃薯', '红薯粉条', '大枣', '辣椒酱', '杂粮煎饼', '花生', '核桃', '大蒜', '小米', '土蜂蜜', '石榴', '咸鸭蛋', '香椿芽酱', '花生油', '黄桃罐头'];
const OTHER_PRODUCTS = ['手工布鞋', '家居日用', '女装', '小家电', '儿童玩具'];
const HANDLE_SUFFIXES = ['的农家小院', '直播间', '土特产', '家的小店', '优选', '农场', '好物'];
const SECONDARY: { platform: LivestreamPlatform; share: number; reach: number }[] = [
  { platform: 'douyin', share: 0.3, reach: 1.3 },
  { platform: 'kuaishou', share: 0.1, reach: 0.9 },
  { platform: 'wechat_channels', share: 0.15, reach: 0.5 },
];

/** How a host streams on Taobao Live: active now, stopped, now and then, just started; or not on Taobao at all. */
type Kind = 'active' | 'lapsed' | 'occasional' | 'new' | 'elsewhere';

export interface PlannedStream {
  platform: LivestreamPlatform;
  day: string;
  startedAt: string;
  durationSeconds: number;
  viewers: number;
  peakViewers: number | null;
  newFollowers: number | null;
  orders: number;
  buyers: number;
  gmvFen: number;
  farm: boolean;
  products: string;
  source: StreamSource;
}

export interface PlannedHost {
  base: number;
  kind: Kind;
  name: string;
  mobile: string;
  villageCode: string;
  status: HostStatus;
  joinedOn: string;
  trainee: { id: number; linked: boolean } | null;
  linkedAt: string | null;
  accounts: { platform: LivestreamPlatform; accountId: string; handle: string }[];
  streams: PlannedStream[];
}

export interface DemoLivestreamPlan {
  hosts: PlannedHost[];
  window: { from: string; to: string };
  /** Hosts active on Taobao Live as of `today` under rule v1, by construction. */
  activeTaobao: number;
}

export interface DemoTraineeRow {
  id: number;
  name: string;
  mobile: string;
  village_code: string | null;
  completed_on: string;
}

/** One host's habits: drawn once, so every stream of theirs looks like them. */
interface Habit {
  rate: number;
  startMinute: number;
  minutes: number;
  reach: number;
  conversion: number;
  followRate: number;
  orderFen: number;
  farm: boolean;
  products: string[];
  manual: number;
}

function habit(rng: Random, star: boolean): Habit {
  const farm = rng.chance(0.87);
  const pool = farm ? FARM_PRODUCTS : OTHER_PRODUCTS;
  const products = shuffled(rng, pool).slice(0, rng.int(1, 3));
  return {
    rate: 0,
    startMinute: 18 * 60 + rng.int(0, 42) * 5, // 18:00–21:30
    minutes: rng.int(60, 150),
    reach: star ? rng.int(3_000, 9_000) : 260 * Math.exp(gauss(rng)),
    conversion: 0.006 + rng.next() * 0.035,
    followRate: 0.01 + rng.next() * 0.03,
    orderFen: farm ? rng.int(25, 80) * 100 - 10 : rng.int(40, 200) * 100 - 10,
    farm,
    products: products.includes('滕州马铃薯') || !farm || rng.chance(0.5) ? products : ['滕州马铃薯', ...products.slice(0, 1)],
    manual: rng.chance(0.3) ? 0.6 : 0.05,
  };
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, n));
}

/**
 * One stream of a host on a day. `secondary`: the platform's reach beside the host's main one; such
 * streams go out at noon or late afternoon. `qualify`: never a short one (it must count for the rule).
 */
function stream(rng: Random, h: Habit, platform: LivestreamPlatform, day: string, firstDay: string, opts: { secondary?: number; qualify?: boolean } = {}): PlannedStream {
  const short = !opts.qualify && rng.chance(0.04);
  let minutes = short ? rng.int(6, 29) : Math.round(h.minutes * Math.exp(0.3 * gauss(rng)));
  if (!short && minutes < 30) minutes = 30 + rng.int(0, 20);
  minutes = Math.min(minutes, 239); // and up to 59 seconds: never past four hours
  const start = opts.secondary
    ? rng.pick([12 * 60, 16 * 60]) + rng.int(0, 18) * 5
    : rng.chance(0.06)
      ? 13 * 60 + rng.int(0, 36) * 5
      : clamp(h.startMinute + rng.int(-6, 6) * 5, 17 * 60 + 30, 22 * 60);
  const md = day.slice(5);
  const season = md >= '11-01' && md <= '11-11' ? 1.6 : md >= '10-01' && md <= '10-07' ? 1.25 : day.endsWith('-15') ? 1.3 : 1;
  const growth = 0.7 + 0.6 * Math.min(1, daysBetween(firstDay, day) / 120);
  const viewers = Math.max(1, Math.round(h.reach * (opts.secondary ?? 1) * growth * Math.exp(0.45 * gauss(rng)) * Math.sqrt(minutes / 90) * (short ? 0.3 : 1)));
  const buyers = Math.round(viewers * h.conversion * season * Math.exp(0.4 * gauss(rng)));
  const orders = buyers + Math.round(buyers * rng.next() * 0.25);
  const farm = h.farm ? !rng.chance(0.06) : rng.chance(0.1);
  const products = farm === h.farm ? shuffled(rng, h.products).slice(0, rng.int(1, 2)).join('、') : farm ? '大枣' : rng.pick(OTHER_PRODUCTS);
  const source: StreamSource = rng.chance(h.manual) ? 'manual' : 'import';
  const time = `${String(Math.floor(start / 60)).padStart(2, '0')}:${String(start % 60).padStart(2, '0')}:${String(rng.int(0, 59)).padStart(2, '0')}`;
  return {
    platform,
    day,
    startedAt: `${day}T${time}+08:00`,
    durationSeconds: minutes * 60 + rng.int(0, 59),
    viewers,
    peakViewers: source === 'manual' && rng.chance(0.5) ? null : Math.max(1, Math.round(viewers * (0.06 + 0.12 * rng.next()))),
    newFollowers: source === 'manual' && rng.chance(0.6) ? null : Math.round(viewers * h.followRate * Math.exp(0.3 * gauss(rng))),
    orders,
    buyers,
    gmvFen: Math.round(orders * h.orderFen * (0.85 + 0.3 * rng.next())),
    farm,
    products,
    source,
  };
}

const qualifies = (s: PlannedStream) => s.platform === 'taobao' && s.durationSeconds >= 30 * 60;

/**
 * Who streams where and when. Rule v1 (≥4 streams of ≥30 min in the 30 days ending with the day)
 * is met by construction by exactly the 'active' hosts: each has at least four such Taobao streams
 * in the 28 days before today, every other host at most three in the 32 days before it, so the
 * count holds whichever way the window's edges are read.
 */
export function planDemoLivestream(input: {
  seed: number;
  today: string;
  villages: { code: string; parent_code: string | null }[];
  trainees: DemoTraineeRow[];
  takenMobiles: Set<string>;
}): DemoLivestreamPlan {
  const { today } = input;
  const rng = createRandom((input.seed * 37 + 17) >>> 0);
  const window = streamWindow(today);
  const span = daysBetween(window.from, today);
  const total = DEMO_BASES.reduce((n, b) => n + b.hosts, 0);

  // How many hosts of each kind: the count active on Taobao as of today lands in 276–292.
  const activeTaobao = rng.int(276, 292);
  const inactive = rng.int(40, 50);
  const counts: Record<Kind, number> = {
    active: activeTaobao,
    lapsed: Math.round(inactive * 0.45),
    occasional: Math.round(inactive * 0.3),
    new: 0,
    elsewhere: total - activeTaobao - inactive,
  };
  counts.new = inactive - counts.lapsed - counts.occasional;

  // Trainees of the livestream and short-video courses; a few finished only weeks ago and have just started.
  const late = addDays(today, -24);
  const byVillage = (list: DemoTraineeRow[]) => list.filter((t) => t.village_code);
  const recent = shuffled(rng, byVillage(input.trainees.filter((t) => t.completed_on > late))).slice(0, Math.min(4, counts.new));
  const earlier = shuffled(rng, byVillage(input.trainees.filter((t) => t.completed_on <= late))).slice(0, TRAINEE_HOSTS - recent.length);
  const townOf = new Map(input.villages.map((v) => [v.code, v.parent_code!]));
  const baseOfTown = (town: string) => Math.max(0, DEMO_BASES.findIndex((b) => b.towns?.some((t) => t === town)));

  const kinds: Kind[] = shuffled(
    rng,
    (Object.keys(counts) as Kind[]).flatMap((k) => Array<Kind>(counts[k] - (k === 'new' ? recent.length : 0)).fill(k)),
  );
  const seats = DEMO_BASES.map((b) => b.hosts);
  const people: { base: number; kind: Kind; trainee: DemoTraineeRow | null }[] = [];
  for (const t of [...earlier, ...recent]) {
    const base = baseOfTown(townOf.get(t.village_code!) ?? '');
    seats[base] -= 1;
    people.push({ base, kind: recent.includes(t) ? 'new' : kinds.pop()!, trainee: t });
  }
  seats.forEach((n, base) => {
    for (let i = 0; i < n; i++) people.push({ base, kind: kinds.pop()!, trainee: null });
  });

  const mobiles = new Set(input.takenMobiles);
  const newMobile = () => {
    for (;;) {
      const m = `${rng.pick(MOBILE_PREFIXES)}${String(rng.int(0, 99_999_999)).padStart(8, '0')}`;
      if (!mobiles.has(m)) return mobiles.add(m), m;
    }
  };
  const villagesOf = (towns: readonly string[] | null) => (towns ? input.villages.filter((v) => towns.includes(v.parent_code!)) : input.villages);
  const homeOf = DEMO_BASES.map((b) => ({ near: villagesOf(b.towns ? b.towns.slice(0, 1) : null), around: villagesOf(b.towns) }));
  const stars = new Set(shuffled(rng, people.map((p, i) => (p.kind === 'active' && p.base === 0 ? i : -1)).filter((i) => i >= 0)).slice(0, 3));

  const hosts: PlannedHost[] = people.map((p, index) => {
    const h = habit(rng, stars.has(index));
    const name = p.trainee?.name ?? personName(rng);
    const mobile = p.trainee?.mobile ?? newMobile();
    const villageCode = p.trainee?.village_code ?? rng.pick(rng.chance(0.8) ? homeOf[p.base].near : homeOf[p.base].around).code;
    const trained = p.trainee ? addDays(p.trainee.completed_on, rng.int(3, 30)) : null;
    const before = () => addDays(window.from, -rng.int(10, 500));
    // first and last day on the main platform (null: no stream yet), and how often
    let first: string | null;
    let last = window.to;
    switch (p.kind) {
      case 'active':
        h.rate = stars.has(index) ? 0.9 : 0.3 + rng.next() * 0.55;
        first = trained ?? (rng.chance(0.5) ? before() : addDays(window.from, rng.int(0, span - 22)));
        if (first > addDays(today, -21)) first = addDays(today, -21);
        break;
      case 'lapsed':
        h.rate = 0.25 + rng.next() * 0.45;
        first = trained ?? (rng.chance(0.7) ? before() : addDays(window.from, rng.int(0, 60)));
        last = addDays(first > window.from ? first : window.from, rng.int(20, 80));
        if (last > addDays(today, -35)) last = addDays(today, -35);
        break;
      case 'occasional':
        h.rate = 0.03 + rng.next() * 0.06;
        first = trained ?? (rng.chance(0.6) ? before() : addDays(window.from, rng.int(0, span - 30)));
        break;
      case 'new':
        h.rate = 0.3 + rng.next() * 0.2;
        first = p.trainee ? (trained! < today ? trained : addDays(today, -1)) : rng.chance(0.2) ? null : addDays(today, -rng.int(2, 12));
        break;
      case 'elsewhere':
        h.rate = 0.2 + rng.next() * 0.5;
        first = trained ?? (rng.chance(0.5) ? before() : addDays(window.from, rng.int(0, span - 20)));
        if (rng.chance(0.25)) last = addDays(today, -rng.int(35, 90));
        break;
    }
    const main: LivestreamPlatform = p.kind === 'elsewhere' ? rng.pick(['douyin', 'douyin', 'douyin', 'kuaishou', 'kuaishou', 'wechat_channels'] as const) : 'taobao';
    const secondary = SECONDARY.filter((s) => s.platform !== main && rng.chance(s.share));

    const streams: PlannedStream[] = [];
    if (first) {
      const start = first > window.from ? first : window.from;
      for (let day = start; day <= last; day = addDays(day, 1)) {
        const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
        const boost = (weekday === 0 || weekday === 6 ? 1.15 : 1) * (day.endsWith('-15') ? 1.5 : 1); // the 15th: 村播日
        if (rng.chance(h.rate * boost)) streams.push(stream(rng, h, main, day, first));
        for (const s of secondary) if (rng.chance(0.04 + h.rate * 0.15)) streams.push(stream(rng, h, s.platform, day, first, { secondary: s.reach }));
      }
    }
    // The rule, met or missed by construction (see above).
    const recentTaobao = (fromDay: string) => streams.filter((s) => qualifies(s) && s.day >= fromDay);
    if (p.kind === 'active') {
      const from = addDays(today, -28) > first! ? addDays(today, -28) : first!;
      const free = shuffled(rng, Array.from({ length: daysBetween(from, today) }, (_, k) => addDays(from, k)).filter((d) => !streams.some((s) => s.platform === 'taobao' && s.day === d)));
      while (recentTaobao(addDays(today, -28)).length < 4) streams.push(stream(rng, h, 'taobao', free.pop()!, first!, { qualify: true }));
    } else {
      const extra = recentTaobao(addDays(today, -32)).slice(3);
      for (const s of extra) streams.splice(streams.indexOf(s), 1);
    }
    streams.sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : a.platform < b.platform ? -1 : 1));

    const firstStream = streams[0]?.day ?? today;
    const joinedOn = first && first < window.from ? addDays(first, -rng.int(0, 30)) : addDays(firstStream, -rng.int(0, 14));
    const status: HostStatus = p.kind === 'lapsed' || (p.kind === 'elsewhere' && last < window.to) ? rng.pick(['paused', 'paused', 'left', 'active'] as const) : 'active';
    const linked = !!p.trainee && p.kind !== 'new' && index % 5 < 3;
    const linkDay = addDays(trained && trained > joinedOn ? trained : joinedOn, rng.int(1, 20));
    const handleBase = `${rng.pick(['滕州', '', ''])}${name.slice(0, 1)}${rng.pick(['姐', '哥', '大姐', '小妹', ''])}${rng.pick(HANDLE_SUFFIXES)}`;
    const accounts = [main, ...secondary.map((s) => s.platform)].map((platform, k) => ({
      platform,
      accountId: accountId(platform, index * 4 + k, rng),
      handle: k === 0 ? handleBase : `${name}${rng.pick(['', '的直播间', '（滕州）'])}`,
    }));
    return {
      base: p.base,
      kind: p.kind,
      name,
      mobile,
      villageCode,
      status,
      joinedOn: joinedOn < today ? joinedOn : addDays(today, -1),
      trainee: p.trainee ? { id: p.trainee.id, linked } : null,
      linkedAt: linked ? `${linkDay < today ? linkDay : addDays(today, -1)}T10:${String(rng.int(0, 59)).padStart(2, '0')}:00+08:00` : null,
      accounts,
      streams,
    };
  });
  return { hosts, window, activeTaobao };
}

/** Account ids shaped as each platform shows them; unique by `n`. */
function accountId(platform: LivestreamPlatform, n: number, rng: Random): string {
  const digits = (width: number) => String(rng.int(0, 10 ** width - 1)).padStart(width, '0');
  switch (platform) {
    case 'taobao':
      return `22${String(1_000_000 + n).padStart(7, '0')}${digits(3)}`;
    case 'douyin':
      return `tz${n.toString(36)}${digits(4)}`;
    case 'kuaishou':
      return `KS${String(n).padStart(5, '0')}${digits(3)}`;
    default:
      return `sphtz${n.toString(36)}${digits(3)}`;
  }
}

export interface DemoLivestreamResult {
  /** False when the county's base was already there (nothing was written). */
  created: boolean;
  bases: number;
  hosts: number;
  accounts: number;
  streams: number;
  /** Hosts linked to their trainee record, and hosts whose trainee is only suggested (same mobile). */
  linked: number;
  suggested: number;
  /** Hosts active on Taobao Live as of `today` under rule v1. */
  activeTaobao: number;
}

const CHUNK = 4000;

/**
 * Write the plan in one transaction — bases, hosts, accounts, then the streams a few thousand at a
 * time as one set-based insert each — give `demo.live` the biggest base, and compute the snapshots
 * the nightly job would. Skipped when the county's base exists.
 */
export async function seedDemoLivestream(db: Db, options: { countyCode: string; seed: number; today: string }): Promise<DemoLivestreamResult> {
  const none: DemoLivestreamResult = { created: false, bases: 0, hosts: 0, accounts: 0, streams: 0, linked: 0, suggested: 0, activeTaobao: 0 };
  if (await db.selectFrom('livestream_bases').select('id').where('name', '=', DEMO_BASES[0].name).executeTakeFirst()) {
    await scopeDemoManager(db);
    return none;
  }
  const prefix = options.countyCode.slice(0, 6);
  const villages = await db.selectFrom('regions').select(['code', 'parent_code']).where('level', '=', 'village').where('code', 'like', `${prefix}%`).orderBy('code').execute();
  if (!villages.length) return none;
  const trainees = await sql<DemoTraineeRow>`
    select t.id, t.name, t.mobile, t.village_code, to_char(min(cc.completed_on), 'YYYY-MM-DD') as completed_on
    from course_completions cc
    join courses c on c.id = cc.course_id and c.topic in ('livestream_selling', 'short_video')
    join trainees t on t.id = cc.trainee_id and t.merged_into_id is null
    where cc.completed_on < ${options.today}
      -- not one of a pair waiting to be merged: those are the duplicates page's story
      and not exists (select 1 from trainees d where d.name = t.name and d.village_code = t.village_code and d.id <> t.id and d.merged_into_id is null)
    group by t.id
    order by t.id`.execute(db);
  const taken = await sql<{ mobile: string }>`
    select mobile from trainees union select mobile from users where mobile is not null union select mobile from livestream_hosts`.execute(db);
  const plan = planDemoLivestream({ seed: options.seed, today: options.today, villages, trainees: trainees.rows, takenMobiles: new Set(taken.rows.map((r) => r.mobile)) });
  const linker = await db
    .selectFrom('users')
    .select('id')
    .where((eb) => eb.or([eb('role', '=', 'admin'), eb('login_name', '=', 'demo.staff')]))
    .orderBy(sql`role = 'admin'`, 'desc')
    .orderBy('id')
    .executeTakeFirst();

  const written = await db.transaction().execute(async (trx) => {
    // dated as they happened: a base some weeks before its first host, a host on the day they joined
    const at = (day: string) => `${day}T09:30:00+08:00`;
    const opened = DEMO_BASES.map((_, k) => addDays(plan.hosts.filter((h) => h.base === k).reduce((min, h) => (h.joinedOn < min ? h.joinedOn : min), options.today), -30));
    const bases = await trx
      .insertInto('livestream_bases')
      .values(DEMO_BASES.map((b, k) => ({ name: b.name, address: b.address, region_code: b.regionCode, rooms: b.rooms, capacity: b.capacity, created_at: at(opened[k]), updated_at: at(opened[k]) })))
      .returning('id')
      .execute();
    const hostIds = (
      await trx
        .insertInto('livestream_hosts')
        .values(
          plan.hosts.map((h) => ({
            base_id: bases[h.base].id,
            name: h.name,
            mobile: h.mobile,
            village_code: h.villageCode,
            status: h.status,
            joined_on: h.joinedOn,
            trainee_id: h.trainee?.linked ? h.trainee.id : null,
            trainee_linked_by: h.trainee?.linked ? (linker?.id ?? null) : null,
            trainee_linked_at: h.linkedAt,
            created_at: at(h.joinedOn),
            updated_at: h.linkedAt ?? at(h.joinedOn),
          })),
        )
        .returning('id')
        .execute()
    ).map((r) => r.id);
    const accounts = plan.hosts.flatMap((h, i) => h.accounts.map((a) => ({ host_id: hostIds[i], platform: a.platform, account_id: a.accountId, handle: a.handle, created_at: at(h.joinedOn) })));
    await trx.insertInto('livestream_accounts').values(accounts).execute();

    const rows = plan.hosts.flatMap((h, i) =>
      h.streams.map((s) => ({
        host_id: hostIds[i],
        base_id: bases[h.base].id,
        platform: s.platform,
        started_at: s.startedAt,
        duration_seconds: s.durationSeconds,
        viewers: s.viewers,
        peak_viewers: s.peakViewers,
        new_followers: s.newFollowers,
        orders: s.orders,
        buyers: s.buyers,
        gmv_fen: s.gmvFen,
        farm_products: s.farm,
        main_products: s.products,
        source: s.source,
      })),
    );
    for (let i = 0; i < rows.length; i += CHUNK) {
      await sql`
        insert into livestream_streams (host_id, base_id, platform, started_at, duration_seconds, viewers, peak_viewers,
          new_followers, orders, buyers, gmv_fen, farm_products, main_products, source, created_at, updated_at)
        select host_id, base_id, platform, started_at, duration_seconds, viewers, peak_viewers, new_followers, orders, buyers,
          gmv_fen, farm_products, main_products, source, started_at + make_interval(secs => duration_seconds + 600),
          started_at + make_interval(secs => duration_seconds + 600)
        from json_to_recordset(${JSON.stringify(rows.slice(i, i + CHUNK))}::json) as r(host_id int, base_id int, platform text,
          started_at timestamptz, duration_seconds int, viewers int, peak_viewers int, new_followers int, orders int, buyers int,
          gmv_fen bigint, farm_products boolean, main_products text, source text)`.execute(trx);
    }
    const made = {
      bases: bases.length,
      hosts: hostIds.length,
      accounts: accounts.length,
      streams: rows.length,
      linked: plan.hosts.filter((h) => h.trainee?.linked).length,
      suggested: plan.hosts.filter((h) => h.trainee && !h.trainee.linked).length,
    };
    await recordAudit(trx, SYSTEM_ACTOR, { entity: 'livestream_base', entityId: bases[0].id, action: 'seed_demo', after: { ...made, seed: options.seed, today: options.today } });
    return made;
  });
  await scopeDemoManager(db);
  // What the nightly job would write, so the dashboard and leaderboards show at first start.
  await computeLivestreamMetrics(db, { asOf: options.today });
  return { created: true, ...written, activeTaobao: plan.activeTaobao };
}

/** `demo.live` manages the biggest base: given it once, when the user has no base yet. */
async function scopeDemoManager(db: Db): Promise<void> {
  const user = await db.selectFrom('users').select(['id', 'display_name', 'mobile', 'role']).where('login_name', '=', DEMO_LIVE_LOGIN).executeTakeFirst();
  const base = await db.selectFrom('livestream_bases').select('id').where('name', '=', DEMO_BASES[0].name).executeTakeFirst();
  if (!user || !base || user.role !== 'livestream_manager') return;
  if (await db.selectFrom('user_scopes').select('ref').where('user_id', '=', user.id).executeTakeFirst()) return;
  await updateUser({ db, who: SYSTEM_ACTOR }, { id: user.id, displayName: user.display_name, mobile: user.mobile, role: user.role, scopes: { bases: [String(base.id)] } });
}

/** After training: some hosts are the demo's livestream trainees. */
export const livestreamDemo = demoSeedStep('livestream', (ctx) => seedDemoLivestream(ctx.db, ctx));
