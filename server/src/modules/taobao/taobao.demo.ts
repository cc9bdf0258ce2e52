import { sql } from 'kysely';
import { createRandom } from '../../lib/random';
import { recordAudit } from '../audit/audit.service';
import { SYSTEM_ACTOR } from '../auth/actor';
import { demoSeedStep } from '../module';

/**
 * The demo county's Taobao-village work: three years of monthly figures for every village (most far
 * from the line), with a handful near it in 洪绪镇 — one a few active shops short, one a little short
 * on sales, one qualifying this year — the urban–rural class of every village, 大坞镇 on the
 * sales-and-shops path by its own yearly figures, and 荆河街道, which would qualify by its figures but,
 * a 街道, may not. The near ones are in the pipeline with a few dated actions. Nothing is evaluated
 * here: the demo's last step runs every module's snapshots (operations.demo.ts).
 */

/** Months ('YYYY-MM') from `count` months before `today`'s month up to the month before it. */
function monthsBefore(today: string, count: number): string[] {
  const end = Number(today.slice(0, 4)) * 12 + Number(today.slice(5, 7)) - 1; // this month, 0-based
  return Array.from({ length: count }, (_, i) => {
    const m = end - count + i;
    return `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
  });
}

/** A near-line village's shape: monthly sales (yuan) now and its change a month, shops now and their change a month, households. */
interface Shape {
  salesYuan: number;
  salesStep: number;
  shops: number;
  shopsStep: number;
  households: number;
}

/** The near-line villages: sales grow toward the line in the last months, shops by a few a month. */
const NEAR: Record<'shopsShort' | 'salesShort' | 'qualifying', Shape> = {
  // ¥1.5 M a month, well over the line on sales, 93 shops of the 100 (1,500 households: 10 % is 150), one more a month
  shopsShort: { salesYuan: 1_500_000, salesStep: 10_000, shops: 93, shopsStep: 2, households: 1500 },
  // ¥0.95 M a month: the year falls a little short of ¥10 M; 130 shops
  salesShort: { salesYuan: 950_000, salesStep: 4_000, shops: 130, shopsStep: 0, households: 1200 },
  // ¥2.6 M a month lately, ¥0.2 M less each month back: short last year, over the line within this year's window; 108 shops
  qualifying: { salesYuan: 2_600_000, salesStep: 200_000, shops: 108, shopsStep: 1, households: 900 },
};

export const taobaoDemo = demoSeedStep('taobao', async ({ db, seed, today, countyCode }) => {
  const county = countyCode.slice(0, 6);
  const done = await db.selectFrom('taobao_figures').select('region_code').where('region_code', 'like', `${county}%`).limit(1).executeTakeFirst();
  if (done) return { figures: 0 };
  const rng = createRandom(seed + 13);
  const villages = await db
    .selectFrom('regions as v')
    .innerJoin('regions as t', 't.code', 'v.parent_code')
    .select(['v.code', 'v.name', 'v.village_kind', 't.code as town_code', 't.township_kind'])
    .where('v.level', '=', 'village')
    .where('v.code', 'like', `${county}%`)
    .orderBy('v.code')
    .execute();
  const months = monthsBefore(today, 36);
  const asOf = today;
  const figures: { region_code: string; period: string; sales_fen: number | null; active_shops: number | null; households: number | null; source: 'imported'; as_of: string }[] = [];
  const classes = new Map<string, '111' | '121' | '210' | '220'>();

  const hongxu = villages.filter((v) => v.town_code === `${county}101000` && v.village_kind === 'villagers_committee');
  const near = new Map<string, Shape>([
    [hongxu[0]!.code, NEAR.shopsShort],
    [hongxu[1]!.code, NEAR.salesShort],
    [hongxu[2]!.code, NEAR.qualifying],
  ]);
  for (const v of villages) {
    // the class: 村委会 are 220 villages, a 居委会 in a 镇 a 121 town centre (one is a 210 township centre), in a 街道 111
    const klass = v.village_kind === 'villagers_committee' ? '220' : v.township_kind === 'subdistrict' ? '111' : v.code.endsWith('001') && v.town_code.endsWith('103000') ? '210' : '121';
    classes.set(v.code, klass);
    if (v.village_kind !== 'villagers_committee' && v.township_kind !== 'subdistrict') continue;
    const shape = near.get(v.code) ?? {
      salesYuan: rng.int(20, 400) * 1000,
      salesStep: rng.int(-2, 4) * 500,
      shops: rng.int(2, 45),
      shopsStep: rng.chance(0.3) ? 1 : 0,
      households: rng.int(250, 1600),
    };
    for (const [i, period] of months.entries()) {
      const back = months.length - 1 - i; // months before the latest
      const noise = 1 + (rng.next() - 0.5) * 0.1;
      const sales = Math.max(0, Math.round((shape.salesYuan - shape.salesStep * back) * noise));
      const shops = Math.max(0, Math.round(shape.shops - shape.shopsStep * back * 0.5));
      figures.push({ region_code: v.code, period, sales_fen: sales * 100, active_shops: shops, households: shape.households, source: 'imported', as_of: asOf });
    }
  }
  // towns with their own yearly figures for the last closed window: 大坞镇 over ¥30 M and 300 shops; 荆河街道 too, but a 街道
  const lastYear = Number(today.slice(0, 4)) + (Number(today.slice(5, 7)) >= 7 ? 0 : -1);
  figures.push({ region_code: `${county}103000`, period: String(lastYear), sales_fen: 3_480_000_000, active_shops: 326, households: null, source: 'imported', as_of: asOf });
  figures.push({ region_code: `${county}001000`, period: String(lastYear), sales_fen: 4_500_000_000, active_shops: 455, households: null, source: 'imported', as_of: asOf });

  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < figures.length; i += 2000) await trx.insertInto('taobao_figures').values(figures.slice(i, i + 2000)).execute();
    for (const klass of ['111', '121', '210', '220'] as const) {
      const codes = [...classes].filter(([, c]) => c === klass).map(([code]) => code);
      if (codes.length) await trx.updateTable('regions').set({ urban_rural_class: klass }).where('code', 'in', codes).where('urban_rural_class', 'is', null).execute();
    }
    const [a, b, c] = hongxu;
    await trx
      .insertInto('taobao_candidates')
      .values([
        { region_code: a!.code, level: 'village', stage: 'cultivating', notes: '差几家活跃网店：组织网店开设培训' },
        { region_code: b!.code, level: 'village', stage: 'cultivating', notes: '销售额略差：引入直播带货' },
        { region_code: c!.code, level: 'village', stage: 'applied', notes: '本年度已达标，准备申报材料' },
        { region_code: `${county}103000`, level: 'town', stage: 'watching', notes: '' },
      ])
      .onConflict((oc) => oc.column('region_code').doNothing())
      .execute();
    await trx
      .insertInto('taobao_actions')
      .values([
        { region_code: a!.code, acted_on: sql<string>`${today}::date - 40`, kind: 'training', note: '网店开设培训一期，32人参加' },
        { region_code: a!.code, acted_on: sql<string>`${today}::date - 12`, kind: 'visit', note: '走访未开店农户' },
        { region_code: b!.code, acted_on: sql<string>`${today}::date - 25`, kind: 'host_recruited', note: '招募本村主播2名' },
        { region_code: c!.code, acted_on: sql<string>`${today}::date - 5`, kind: 'station_upgraded', note: '村级服务点增设直播间' },
      ])
      .execute();
    await recordAudit(trx, SYSTEM_ACTOR, { entity: 'taobao_figure', entityId: countyCode, action: 'seed', after: { figures: figures.length, seed } });
  });
  return { figures: figures.length };
});
