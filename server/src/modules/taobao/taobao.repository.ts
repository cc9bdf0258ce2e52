import { sql, type SqlBool, type RawBuilder } from 'kysely';
import type { z } from 'zod';
import type { Db } from '../../db/create-db';
import type { Actor } from '../auth/actor';
import { likePattern, offsetOf } from '../../lib/list';
import { taobaoScope } from './taobao.scope';
import { windowMonths } from './taobao.evaluation';
import type { candidateFilter, candidateListInput, EvaluationView } from './taobao.schemas';

type Filter = z.output<typeof candidateFilter>;

/** The evaluation rows with names, stage and recognition, as `EvaluationView` reads them (alias e). */
function evaluationRows(db: Db) {
  return db
    .selectFrom('taobao_evaluations as e')
    .innerJoin('regions as r', 'r.code', 'e.region_code')
    .innerJoin('regions as t', 't.code', 'e.town_code')
    .leftJoin('taobao_candidates as c', 'c.region_code', 'e.region_code')
    .select([
      'e.region_code',
      'r.name',
      'e.level',
      'e.town_code',
      't.name as town_name',
      'e.year',
      'e.rule_version',
      'e.qualifies',
      'e.eligible',
      'e.sales_fen',
      'e.sales_source',
      'e.active_shops',
      'e.households',
      'e.villages_qualifying',
      'e.sales_gap_fen',
      'e.shops_gap',
      'e.share_gap_points',
      'e.villages_gap',
      'e.path',
      'e.closeness',
      'e.last_month',
      'e.projection',
      'e.projected_month',
      'e.evidence_shops_opened',
      'e.evidence_live_gmv_fen',
      'e.evidence_station_sales_fen',
      'c.stage',
      sql<boolean>`exists (select 1 from taobao_recognitions rec where rec.region_code = e.region_code and rec.year = e.year)`.as('recognised'),
    ]);
}

type EvaluationRow = Awaited<ReturnType<ReturnType<typeof evaluationRows>['execute']>>[number];

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function toEvaluationView(r: EvaluationRow): EvaluationView {
  return {
    code: r.region_code,
    name: r.name,
    level: r.level,
    townCode: r.town_code,
    townName: r.town_name,
    year: r.year,
    ruleVersion: r.rule_version,
    qualifies: r.qualifies,
    eligible: r.eligible,
    recognised: Boolean(r.recognised),
    salesFen: num(r.sales_fen),
    salesSource: r.sales_source,
    activeShops: r.active_shops,
    households: r.households,
    villagesQualifying: r.villages_qualifying,
    salesGapFen: num(r.sales_gap_fen),
    shopsGap: r.shops_gap,
    shareGapPoints: num(r.share_gap_points),
    villagesGap: r.villages_gap,
    path: r.path,
    closeness: Number(r.closeness),
    lastMonth: r.last_month,
    projection: r.projection,
    projectedMonth: r.projected_month,
    evidence: { shopsOpened: r.evidence_shops_opened, liveGmvFen: Number(r.evidence_live_gmv_fen), stationSalesFen: Number(r.evidence_station_sales_fen) },
    stage: r.stage,
  };
}

function filtered(db: Db, actor: Actor, filter: Filter) {
  let q = evaluationRows(db)
    .where('e.year', '=', filter.year)
    .where('e.level', '=', filter.level)
    .where(taobaoScope.where(actor, 'e.region_code'));
  if (filter.townCode) q = q.where('e.town_code', '=', filter.townCode);
  if (filter.stage === 'none') q = q.where('c.stage', 'is', null);
  else if (filter.stage) q = q.where('c.stage', '=', filter.stage);
  if (filter.status === 'qualifies') q = q.where('e.qualifies', '=', true);
  if (filter.status === 'not_yet') q = q.where('e.qualifies', '=', false).where('e.eligible', '=', true);
  if (filter.search) q = q.where((eb) => eb.or([eb('r.name', 'like', likePattern(filter.search!)), eb('e.region_code', 'like', `${filter.search!.replace(/\D/g, '')}%`)]));
  return q;
}

/** Candidates sorted by closeness (eligible first, then how near the line), a page at a time, with each one's monthly trend. */
export async function listCandidates(db: Db, actor: Actor, input: z.output<typeof candidateListInput>) {
  const { filter } = input;
  const order = input.sort?.order ?? 'desc';
  const sortColumn: Record<string, RawBuilder<unknown>> = {
    closeness: sql`e.closeness`,
    sales: sql`e.sales_fen`,
    shops: sql`e.active_shops`,
    code: sql`e.region_code`,
  };
  const by = sortColumn[input.sort?.key ?? 'closeness']!;
  const [rows, total] = await Promise.all([
    filtered(db, actor, filter)
      .orderBy(sql`e.eligible`, 'desc')
      .orderBy(sql`${by} ${sql.raw(order)} nulls last`)
      .orderBy('e.region_code')
      .limit(input.pageSize)
      .offset(offsetOf(input))
      .execute(),
    filtered(db, actor, filter).clearSelect().select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  const trends = await monthlySales(db, rows.map((r) => r.region_code), filter.year);
  return { items: rows.map((r) => ({ ...toEvaluationView(r), trend: trends.get(r.region_code) ?? emptyTrend() })), total: total.n };
}

const emptyTrend = () => Array.from({ length: 12 }, (): number | null => null);

/** Each place's monthly sales over the year's window (twelve values, null where none). */
export async function monthlySales(db: Db, codes: string[], year: number): Promise<Map<string, (number | null)[]>> {
  const out = new Map<string, (number | null)[]>();
  if (!codes.length) return out;
  const { from, to } = windowMonths(year);
  const rows = await db
    .selectFrom('taobao_figures')
    .select(['region_code', 'period', 'sales_fen'])
    .where('region_code', 'in', codes)
    .where(sql<SqlBool>`length(period) = 7`)
    .where('period', '>=', from)
    .where('period', '<=', to)
    .execute();
  const first = Number(from.slice(0, 4)) * 12 + Number(from.slice(5, 7));
  for (const r of rows) {
    const trend = out.get(r.region_code) ?? emptyTrend();
    trend[Number(r.period.slice(0, 4)) * 12 + Number(r.period.slice(5, 7)) - first] = r.sales_fen === null ? null : Number(r.sales_fen);
    out.set(r.region_code, trend);
  }
  return out;
}

/** One place's evaluations, every year, newest first. */
export async function evaluationsOf(db: Db, code: string): Promise<EvaluationView[]> {
  return (await evaluationRows(db).where('e.region_code', '=', code).orderBy('e.year', 'desc').execute()).map(toEvaluationView);
}

/** A town's villages in one year, closest first. */
export async function villagesOfTown(db: Db, townCode: string, year: number): Promise<EvaluationView[]> {
  const rows = await evaluationRows(db)
    .where('e.year', '=', year)
    .where('e.level', '=', 'village')
    .where('e.town_code', '=', townCode)
    .orderBy('e.eligible', 'desc')
    .orderBy('e.closeness', 'desc')
    .orderBy('e.region_code')
    .execute();
  return rows.map(toEvaluationView);
}

/** The years evaluated in the scope's regions, and which are closed. */
export async function evaluatedYears(db: Db) {
  const { rows } = await sql<{ year: number; closed: boolean }>`
    select y.year, exists (select 1 from taobao_years c where c.year = y.year) as closed
    from (select distinct year from taobao_evaluations) y order by y.year desc`.execute(db);
  return rows.map((r) => ({ year: Number(r.year), closed: r.closed }));
}

/** The pipeline: every candidate in the scope with its latest evaluation for `year`. */
export async function boardCards(db: Db, actor: Actor, year: number) {
  return db
    .selectFrom('taobao_candidates as c')
    .innerJoin('regions as r', 'r.code', 'c.region_code')
    .leftJoin('regions as t', (j) => j.on(sql<SqlBool>`t.code = case when c.level = 'town' then c.region_code else r.parent_code end`))
    .leftJoin('taobao_evaluations as e', (j) => j.onRef('e.region_code', '=', 'c.region_code').on('e.year', '=', year))
    .leftJoin('users as u', 'u.id', 'c.owner_id')
    .select([
      'c.region_code as code',
      'r.name',
      'c.level',
      't.name as town_name',
      'c.stage',
      'c.recognised_year',
      'u.display_name as owner_name',
      'e.qualifies',
      'e.closeness',
      'e.projection',
      'e.projected_month',
      'c.version',
      sql<string | null>`(select max(a.acted_on)::text from taobao_actions a where a.region_code = c.region_code)`.as('last_action'),
    ])
    .where(taobaoScope.where(actor, 'c.region_code'))
    .orderBy('c.stage')
    .orderBy('e.closeness', 'desc')
    .orderBy('c.region_code')
    .execute();
}
