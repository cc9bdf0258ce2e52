import { sql, type Kysely } from 'kysely';
import { OUTCOME_KINDS, type Database } from '../../db/types';
import { regionPrefix } from '../auth/scope';
import type { Actor } from '../auth/actor';
import { courseScope, inRegion, traineeOwned } from './training.scope';

type Executor = Kysely<Database>;

/** Counties with any training figure of the year: person-times, a target or conversion stats. */
export async function countiesWithTrainingFigures(db: Executor, year: number): Promise<string[]> {
  const rows = await db
    .selectFrom('regions as r')
    .select('r.code')
    .where('r.level', '=', 'county')
    .where((eb) =>
      eb.or([
        eb.exists(eb.selectFrom('metric_values as m').select('m.region_code').whereRef('m.region_code', '=', 'r.code').where('m.metric_key', '=', 'training.person_times').where('m.period', '=', String(year))),
        eb.exists(eb.selectFrom('targets as t').select('t.region_code').whereRef('t.region_code', '=', 'r.code').where('t.year', '=', year).where('t.metric_key', '=', 'training_person_times')),
        eb.exists(eb.selectFrom('training_conversion_stats as s').select('s.region_code').whereRef('s.region_code', '=', 'r.code').where('s.year', '=', year)),
      ]),
    )
    .orderBy('r.code')
    .execute();
  return rows.map((r) => r.code);
}

/** The regions `tops`, and each town under a county among them, in code order. */
export function regionsAndTheirTowns(db: Executor, tops: string[]) {
  return db
    .selectFrom('regions')
    .select(['code', 'name', 'level'])
    .where((eb) =>
      eb.or([
        eb('code', 'in', tops),
        ...tops.filter((c) => regionPrefix(c).length === 6).map((c) => eb.and([eb('level', '=', 'town'), inRegion('code', c)])),
      ]),
    )
    .orderBy('code')
    .execute();
}

/** The person-times snapshots of these regions in the year: the year's figure and each month's. */
export function personTimesOfYear(db: Executor, codes: string[], year: number) {
  return db
    .selectFrom('metric_values')
    .select(['region_code', 'period', 'value', 'computed_at'])
    .where('metric_key', '=', 'training.person_times')
    .where('region_code', 'in', codes)
    .where('period', 'like', `${year}%`)
    .execute();
}

export function personTimesTargets(db: Executor, codes: string[], year: number) {
  return db
    .selectFrom('targets')
    .select(['region_code', 'value'])
    .where('year', '=', year)
    .where('metric_key', '=', 'training_person_times')
    .where('region_code', 'in', codes)
    .execute();
}

/** The conversion snapshot summed over these regions, one row per cut and key. */
export function conversionStatsByCut(db: Executor, codes: string[], year: number) {
  return db
    .selectFrom('training_conversion_stats')
    .select((eb) => [
      'cut',
      'cut_key',
      eb.fn.max('cut_label').as('label'),
      eb.fn.sum<number>('completed').as('completed'),
      eb.fn.sum<number>('converted').as('converted'),
      ...OUTCOME_KINDS.map((k) => eb.fn.sum<number>(k).as(k)),
      eb.fn.max('rule_version').as('rule_version'),
      eb.fn.max('computed_at').as('computed_at'),
    ])
    .where('region_code', 'in', codes)
    .where('year', '=', year)
    .groupBy(['cut', 'cut_key'])
    .execute();
}

/** The funnel snapshot summed over these regions. */
export function funnelTotals(db: Executor, codes: string[], year: number) {
  return db
    .selectFrom('training_funnel_stats')
    .select((eb) => [
      eb.fn.sum<number>('registered').as('registered'),
      eb.fn.sum<number>('attended').as('attended'),
      eb.fn.sum<number>('completed').as('completed'),
      eb.fn.sum<number>('converted').as('converted'),
      eb.fn.sum<number>('first_sale').as('first_sale'),
    ])
    .where('region_code', 'in', codes)
    .where('year', '=', year)
    .executeTakeFirst();
}

/**
 * Each trainee's latest completion (in the period, when given), joined to its course as `c` and
 * its trainee as `t`, under `region` when given, and kept when it is in the actor's scope `by`:
 * - 'home': the trainee is the actor's own (training.scope.ts) — the follow-up list, since calling
 *   a trainee and recording what they did is their home coordinator's work, wherever they trained;
 * - 'course': the course is one of the actor's — the spot check of what their courses reported
 *   (a trainee from elsewhere shows there by name and masked mobile only, without their village).
 */
export function latestCompletions(db: Executor, actor: Actor, by: 'home' | 'course', region: string | undefined, period?: { from: string; to: string }) {
  return db
    .with('latest', (qb) =>
      qb
        .selectFrom('course_completions as cc')
        .distinctOn('cc.trainee_id')
        .select(['cc.trainee_id', 'cc.course_id', 'cc.started_on', 'cc.completed_on', 'cc.region_code'])
        .$if(!!period, (q) => q.where('cc.completed_on', '>=', period!.from).where('cc.completed_on', '<=', period!.to))
        .orderBy('cc.trainee_id')
        .orderBy('cc.completed_on', 'desc')
        .orderBy('cc.course_id', 'desc'),
    )
    .selectFrom('latest as l')
    .innerJoin('courses as c', 'c.id', 'l.course_id')
    .innerJoin('trainees as t', 't.id', 'l.trainee_id')
    .innerJoin('regions as cr', 'cr.code', 'l.region_code')
    .leftJoin('regions as v', 'v.code', 't.village_code')
    .where(by === 'home' ? traineeOwned(actor) : courseScope.where(actor, 'c.region_code'))
    .$if(!!region, (q) => q.where(inRegion('l.region_code', region!)));
}

/**
 * 回访 candidates: the actor's own trainees (by home) whose latest completion fell in
 * (`after`, `upTo`] and who have no outcome recorded since that course began.
 */
export function dueForFollowUp(db: Executor, actor: Actor, region: string | undefined, completed: { after: string; upTo: string }) {
  return latestCompletions(db, actor, 'home', region)
    .where('l.completed_on', '<=', completed.upTo)
    .where('l.completed_on', '>', completed.after)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('training_outcomes as o').select('o.id').whereRef('o.trainee_id', '=', 'l.trainee_id').whereRef('o.occurred_on', '>=', 'l.started_on'))));
}

/** Trainees in a reproducible random order: md5(seed || ':' || id), which any PostgreSQL (and PGlite) computes alike. */
export const sampleOrder = (seed: string) => sql`md5(${seed} || ':' || t.id::text)`;
