import { sql } from 'kysely';
import type { z } from 'zod';
import type { Db } from '../../db/create-db';
import { enqueueBestEffort } from '../../jobs/enqueue';
import type { TaobaoLevel } from '../../db/enums';
import { badRequest, conflict } from '../../lib/app-error';
import { shanghaiToday } from '../../lib/dates';
import { exportList } from '../../lib/excel';
import { createRuleVersion, listRuleVersions } from '../../rules/rules.service';
import { recordAudit } from '../audit/audit.service';
import { isUnscoped } from '../auth/scope';
import type { ServiceContext } from '../service-context';
import { windowYearOf } from './taobao.evaluation';
import { boardCards, evaluatedYears, evaluationsOf, listCandidates, villagesOfTown } from './taobao.repository';
import { criteriaRule, yearOfPeriod, type Criteria } from './taobao.rules';
import type { actionInput, candidateExportInput, candidateInput, candidateListInput, figureInput } from './taobao.schemas';
import { placeRow } from './taobao.scope';

type Ctx = Pick<ServiceContext, 'db' | 'actor' | 'queue' | 'log' | 'who'>;
const fenOf = (yuan: number | null) => (yuan === null ? null : Math.round(yuan * 100));
const yuanOf = (fen: number | null) => (fen === null ? null : fen / 100);

/** After figures, recognitions, criteria or a reopened year: one debounced evaluation of the county's open years. */
export const enqueueEvaluation = (ctx: Pick<ServiceContext, 'queue' | 'log'>): Promise<void> => enqueueBestEffort(ctx, 'taobao.evaluate', {});

/** A village or town by code, in the actor's scope (else the same refusal as a code that does not exist). */
export async function placeByCode(ctx: Pick<Ctx, 'db' | 'actor'>, code: string) {
  const row = await ctx.db
    .selectFrom('regions as r')
    .leftJoin('regions as t', 't.code', 'r.parent_code')
    .select(['r.code', 'r.name', 'r.level', 'r.parent_code', 't.name as parent_name', 'r.urban_rural_class', 'r.village_kind', 'r.township_kind'])
    .where('r.code', '=', code)
    .where('r.level', 'in', ['village', 'town'])
    .executeTakeFirst();
  return placeRow(ctx.actor, row);
}

export const candidates = (ctx: Pick<Ctx, 'db' | 'actor'>, input: z.output<typeof candidateListInput>) => listCandidates(ctx.db, ctx.actor, input);

export function exportCandidates(ctx: Pick<Ctx, 'db' | 'actor'>, input: z.output<typeof candidateExportInput>) {
  return exportList(
    { ...input, list: { filter: input.list, sort: undefined } },
    `taobao-candidates-${input.list.year}`,
    (page) => listCandidates(ctx.db, ctx.actor, page),
    (r) => ({
      ...r,
      qualifies: r.qualifies ? 'yes' : 'no',
      salesYuan: yuanOf(r.salesFen),
      salesGapYuan: yuanOf(r.salesGapFen),
      shopsOpened: r.evidence.shopsOpened,
      liveGmvYuan: yuanOf(r.evidence.liveGmvFen),
      stationSalesYuan: yuanOf(r.evidence.stationSalesFen),
    }),
  );
}

/** A village or town whole: its evaluations, figures, cultivation, actions and recognitions; a town also its villages. */
export async function getPlace(ctx: Pick<Ctx, 'db' | 'actor'>, code: string, year: number) {
  const place = await placeByCode(ctx, code);
  const level: TaobaoLevel = place.level === 'town' ? 'town' : 'village';
  const [evaluations, figures, candidate, actions, recognitions, villages] = await Promise.all([
    evaluationsOf(ctx.db, code),
    ctx.db.selectFrom('taobao_figures').selectAll().where('region_code', '=', code).orderBy('period', 'desc').execute(),
    ctx.db
      .selectFrom('taobao_candidates as c')
      .leftJoin('users as u', 'u.id', 'c.owner_id')
      .select(['c.stage', 'c.recognised_year', 'c.owner_id', 'u.display_name', 'c.notes', 'c.version'])
      .where('c.region_code', '=', code)
      .executeTakeFirst(),
    ctx.db
      .selectFrom('taobao_actions as a')
      .leftJoin('users as u', 'u.id', 'a.created_by')
      .select(['a.id', 'a.acted_on', 'a.kind', 'a.note', 'u.display_name'])
      .where('a.region_code', '=', code)
      .orderBy('a.acted_on', 'desc')
      .orderBy('a.id', 'desc')
      .execute(),
    ctx.db.selectFrom('taobao_recognitions').select(['year', 'level']).where('region_code', '=', code).orderBy('year', 'desc').execute(),
    level === 'town' ? villagesOfTown(ctx.db, code, year) : Promise.resolve([]),
  ]);
  return {
    place: {
      code: place.code,
      name: place.name,
      level,
      townCode: level === 'town' ? place.code : place.parent_code!,
      townName: level === 'town' ? place.name : (place.parent_name ?? ''),
      urbanRuralClass: place.urban_rural_class,
      villageKind: place.village_kind,
      townshipKind: place.township_kind,
      evaluations,
      figures: figures.map((f) => ({
        period: f.period,
        salesFen: f.sales_fen === null ? null : Number(f.sales_fen),
        activeShops: f.active_shops,
        households: f.households,
        source: f.source,
        asOf: f.as_of,
      })),
      candidate: candidate
        ? { stage: candidate.stage, recognisedYear: candidate.recognised_year, ownerId: candidate.owner_id, ownerName: candidate.display_name, notes: candidate.notes, version: candidate.version }
        : null,
      actions: actions.map((a) => ({ id: a.id, actedOn: a.acted_on, kind: a.kind, note: a.note, createdBy: a.display_name })),
      recognitions,
    },
    villages,
  };
}

/** The years with evaluations, closed or not, and the year open today (the page's default). */
export async function years(db: Db, today = shanghaiToday()) {
  return { current: windowYearOf(today), years: await evaluatedYears(db) };
}

export async function board(ctx: Pick<Ctx, 'db' | 'actor'>, year: number) {
  return (await boardCards(ctx.db, ctx.actor, year)).map((c) => ({
    code: c.code,
    name: c.name,
    level: c.level,
    townName: c.town_name ?? '',
    stage: c.stage,
    recognisedYear: c.recognised_year,
    ownerName: c.owner_name,
    qualifies: c.qualifies,
    closeness: c.closeness === null ? null : Number(c.closeness),
    projection: c.projection,
    projectedMonth: c.projected_month,
    lastAction: c.last_action,
    version: c.version,
  }));
}

/**
 * Put a place in the pipeline or move it along (audited). A place not yet a candidate is added;
 * one already there is changed only from the version the user read (else TAOBAO_CANDIDATE_VERSION_CONFLICT).
 */
export async function setCandidate(ctx: Ctx, input: z.output<typeof candidateInput>): Promise<{ version: number }> {
  const place = await placeByCode(ctx, input.code);
  if (input.stage === 'recognised' && !input.recognisedYear) throw badRequest('TAOBAO_RECOGNISED_YEAR_REQUIRED');
  if (input.ownerId && !(await ctx.db.selectFrom('users').select('id').where('id', '=', input.ownerId).where('disabled_at', 'is', null).executeTakeFirst())) {
    throw badRequest('TAOBAO_OWNER_UNKNOWN', { id: input.ownerId });
  }
  return ctx.db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('taobao_candidates').selectAll().where('region_code', '=', input.code).forUpdate().executeTakeFirst();
    if (before && input.version !== before.version) throw conflict('TAOBAO_CANDIDATE_VERSION_CONFLICT');
    const values = {
      level: place.level === 'town' ? ('town' as const) : ('village' as const),
      stage: input.stage,
      recognised_year: input.stage === 'recognised' ? input.recognisedYear : null,
      owner_id: input.ownerId === undefined ? (before?.owner_id ?? null) : input.ownerId,
      notes: input.notes ?? before?.notes ?? '',
    };
    const after = before
      ? await trx
          .updateTable('taobao_candidates')
          .set({ ...values, version: before.version + 1, updated_at: sql`now()` })
          .where('region_code', '=', input.code)
          .returningAll()
          .executeTakeFirstOrThrow()
      : await trx
          .insertInto('taobao_candidates')
          .values({ region_code: input.code, ...values })
          .onConflict((oc) => oc.column('region_code').doNothing())
          .returningAll()
          .executeTakeFirst();
    if (!after) throw conflict('TAOBAO_CANDIDATE_VERSION_CONFLICT'); // added by someone else meanwhile
    await recordAudit(trx, ctx.who, { entity: 'taobao_candidate', entityId: input.code, action: before ? 'update' : 'create', before, after });
    return { version: after.version };
  });
}

/** A dated action on a candidate (training held, host recruited, station upgraded…); a place not yet a candidate becomes one, watched. */
export async function addAction(ctx: Ctx, input: z.output<typeof actionInput>): Promise<{ id: number }> {
  const place = await placeByCode(ctx, input.code);
  return ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('taobao_candidates')
      .values({ region_code: input.code, level: place.level === 'town' ? 'town' : 'village', stage: 'watching' })
      .onConflict((oc) => oc.column('region_code').doNothing())
      .execute();
    const row = await trx
      .insertInto('taobao_actions')
      .values({ region_code: input.code, acted_on: input.actedOn, kind: input.kind, note: input.note, created_by: ctx.who.id })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.who, { entity: 'taobao_action', entityId: String(row.id), action: 'create', after: row });
    return { id: row.id };
  });
}

/** The closed-year check every write of figures makes: a closed year's figures stay as its answer read them. */
async function assertYearOpen(db: Db, period: string): Promise<void> {
  const year = yearOfPeriod(period);
  if (await db.selectFrom('taobao_years').select('year').where('year', '=', year).executeTakeFirst()) throw badRequest('TAOBAO_YEAR_CLOSED', { year });
}

/** Official figures typed for a village or town and a period (audited), replacing what was there; the evaluation follows. */
export async function upsertFigure(ctx: Ctx, input: z.output<typeof figureInput>): Promise<{ ok: true }> {
  await placeByCode(ctx, input.code);
  if (input.salesYuan === null && input.activeShops === null && input.households === null) throw badRequest('TAOBAO_FIGURE_EMPTY');
  await assertYearOpen(ctx.db, input.period);
  await ctx.db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('taobao_figures').selectAll().where('region_code', '=', input.code).where('period', '=', input.period).executeTakeFirst();
    const values = { sales_fen: fenOf(input.salesYuan), active_shops: input.activeShops, households: input.households, source: 'entered' as const, as_of: shanghaiToday(), updated_by: ctx.who.id };
    const after = await trx
      .insertInto('taobao_figures')
      .values({ region_code: input.code, period: input.period, ...values })
      .onConflict((oc) => oc.columns(['region_code', 'period']).doUpdateSet({ ...values, updated_at: sql`now()` }))
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.who, { entity: 'taobao_figure', entityId: `${input.code}:${input.period}`, action: before ? 'update' : 'create', before, after });
  });
  await enqueueEvaluation(ctx);
  return { ok: true };
}

/** Close a year (admin): its evaluation is kept as it stands, later figures change nothing. Only once its window is over. */
export async function closeYear(ctx: Ctx, year: number, today = shanghaiToday()): Promise<{ ok: true }> {
  if (today <= `${year}-06-30`) throw badRequest('TAOBAO_YEAR_NOT_OVER', { year });
  await ctx.db.transaction().execute(async (trx) => {
    const row = await trx.insertInto('taobao_years').values({ year, closed_by: ctx.who.id }).onConflict((oc) => oc.column('year').doNothing()).returningAll().executeTakeFirst();
    if (row) await recordAudit(trx, ctx.who, { entity: 'taobao_year', entityId: String(year), action: 'close', after: row });
  });
  return { ok: true };
}

/** Reopen a closed year (admin), audited; the next evaluation recomputes it. */
export async function reopenYear(ctx: Ctx, year: number): Promise<{ ok: true }> {
  await ctx.db.transaction().execute(async (trx) => {
    const row = await trx.deleteFrom('taobao_years').where('year', '=', year).returningAll().executeTakeFirst();
    if (!row) throw badRequest('TAOBAO_YEAR_NOT_CLOSED', { year });
    await recordAudit(trx, ctx.who, { entity: 'taobao_year', entityId: String(year), action: 'reopen', before: row });
  });
  await enqueueEvaluation(ctx);
  return { ok: true };
}

export const listCriteria = (db: Db, today = shanghaiToday()) => listRuleVersions(db, criteriaRule, today);

/** A new version of the criteria from a date (admin); the evaluation follows. */
export async function createCriteria(ctx: Ctx, input: { params: Criteria; effectiveFrom: string }, today = shanghaiToday()) {
  const result = await createRuleVersion(ctx, criteriaRule, { ...input, today, tooEarly: 'TAOBAO_RULE_TOO_EARLY' });
  await enqueueEvaluation(ctx);
  return { version: result.version };
}

/** Published-list rows no code was found for, for a person to resolve (the bureau's, or a coordinator's within their county). */
export async function listUnmatched(ctx: Pick<Ctx, 'db' | 'actor'>) {
  if (!isUnscoped(ctx.actor)) return [];
  const rows = await ctx.db.selectFrom('taobao_unmatched').selectAll().where('resolved_code', 'is', null).orderBy('year', 'desc').orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, year: r.year, level: r.level, province: r.province, city: r.city, county: r.county, town: r.town, village: r.village }));
}

/** A person matched an unmatched row to a place: it is recorded as recognised that year (audited). */
export async function resolveUnmatched(ctx: Ctx, input: { id: number; code: string }): Promise<{ ok: true }> {
  const place = await placeByCode(ctx, input.code);
  await ctx.db.transaction().execute(async (trx) => {
    const row = await trx.updateTable('taobao_unmatched').set({ resolved_code: input.code }).where('id', '=', input.id).where('resolved_code', 'is', null).returningAll().executeTakeFirst();
    if (!row) throw badRequest('TAOBAO_UNMATCHED_NOT_FOUND');
    if ((place.level === 'town' ? 'town' : 'village') !== row.level) throw badRequest('TAOBAO_PLACE_NOT_VILLAGE_OR_TOWN', { code: input.code });
    await trx.insertInto('taobao_recognitions').values({ region_code: input.code, year: row.year, level: row.level }).onConflict((oc) => oc.columns(['region_code', 'year']).doNothing()).execute();
    await recordAudit(trx, ctx.who, { entity: 'taobao_recognition', entityId: `${input.code}:${row.year}`, action: 'resolve', before: row, after: { code: input.code } });
  });
  await enqueueEvaluation(ctx);
  return { ok: true };
}

