import { sql, type Kysely } from 'kysely';
import type { Db } from '../../db/create-db';
import type { Database } from '../../db/types';
import { OUTCOME_KINDS } from '../../db/types';
import { shanghaiToday } from '../../lib/dates';
import { ruleAt, type RuleAt } from '../rules/rules.service';
import { requiredSessionsSql } from './completion';

export const CONVERSION_RULE = 'training.conversion';
export interface ConversionRule {
  /** An outcome counts when it falls within this many days after completing a course. */
  windowDays: number;
}

export interface TrainingMetricsResult {
  completions: number;
  metricRows: number;
}

/**
 * Training snapshots, in one transaction (a second run gives the same rows):
 * - course_completions: each trainee who attended at least the required sessions of a course that
 *   is not cancelled, completed on the day of the course's last session;
 * - metric_values `training.person_times` (人次) per town and county, by year ('2026') and by month
 *   of completion ('2026-11'): one person-time is one trainee completing one course, counted in the
 *   year of the course's last session.
 */
export async function computeTrainingMetrics(db: Db, options: { asOf?: string } = {}): Promise<TrainingMetricsResult> {
  const rule = await ruleAt<ConversionRule>(db, CONVERSION_RULE, options.asOf ?? shanghaiToday());
  return db.transaction().execute(async (trx) => {
    await sql`
      create temporary table course_completions_computed on commit drop as
      with courses_ as (
        select c.id, c.region_code, count(cs.id)::int as sessions, min(cs.session_date) as first_day, max(cs.session_date) as last_day, c.completion_min_sessions
        from courses c join course_sessions cs on cs.course_id = c.id
        where c.status <> 'cancelled'
        group by c.id
      )
      select k.id as course_id, a.trainee_id, k.first_day as started_on, k.last_day as completed_on, k.region_code
      from courses_ k
      join course_sessions cs on cs.course_id = k.id
      join attendance a on a.session_id = cs.id
      group by k.id, k.region_code, k.first_day, k.last_day, k.sessions, k.completion_min_sessions, a.trainee_id
      having count(*) >= ${requiredSessionsSql(sql.ref('k.sessions'), sql.ref('k.completion_min_sessions'))}`.execute(trx);
    await sql`
      delete from course_completions cc
      where not exists (select 1 from course_completions_computed n where n.course_id = cc.course_id and n.trainee_id = cc.trainee_id)`.execute(trx);
    await sql`
      insert into course_completions (course_id, trainee_id, started_on, completed_on, region_code)
      select course_id, trainee_id, started_on, completed_on, region_code from course_completions_computed
      on conflict (course_id, trainee_id) do update
        set started_on = excluded.started_on, completed_on = excluded.completed_on, region_code = excluded.region_code, computed_at = now()
      where (course_completions.started_on, course_completions.completed_on, course_completions.region_code)
        is distinct from (excluded.started_on, excluded.completed_on, excluded.region_code)`.execute(trx);

    await sql`delete from metric_values where metric_key = 'training.person_times'`.execute(trx);
    const metrics = await sql`
      with completions as (
        select cc.completed_on, r.level, cc.region_code,
          case when r.level = 'town' then cc.region_code end as town_code,
          substr(cc.region_code, 1, 6) || '000000' as county_code
        from course_completions cc join regions r on r.code = cc.region_code
      ),
      periods as (
        select town_code, county_code, to_char(completed_on, 'YYYY') as period from completions
        union all
        select town_code, county_code, to_char(completed_on, 'YYYY-MM') from completions
      ),
      rows as (
        select town_code as region_code, period, count(*) as value from periods where town_code is not null group by town_code, period
        union all
        select county_code, period, count(*) from periods group by county_code, period
      )
      insert into metric_values (metric_key, region_code, period, value, rule_version, computed_at)
      select 'training.person_times', rows.region_code, rows.period, rows.value, 0, now()
      from rows join regions r on r.code = rows.region_code`.execute(trx);
    const conversion = await writeConversion(trx, rule);
    const counted = await sql<{ n: number }>`select count(*)::int as n from course_completions_computed`.execute(trx);
    return { completions: counted.rows[0].n, metricRows: Number(metrics.numAffectedRows ?? 0) + conversion };
  });
}

/**
 * 培训转化率, by town and county and year: of the distinct trainees who completed a course in the
 * year (their first completion that year counts, in that course's region), those with at least one
 * outcome dated from the course's first session to `windowDays` after its last, overall and per
 * outcome kind. Written as counts and the rate, with the rule version used.
 */
async function writeConversion(trx: Kysely<Database>, rule: RuleAt<ConversionRule>): Promise<number> {
  await sql`delete from metric_values where metric_key in ('training.completed_trainees', 'training.converted_trainees', 'training.conversion')
    or metric_key like 'training.converted.%'`.execute(trx);
  const result = await sql`
    with firsts as (
      select distinct on (cc.trainee_id, date_part('year', cc.completed_on))
        cc.trainee_id, cc.started_on, cc.completed_on, cc.region_code, to_char(cc.completed_on, 'YYYY') as period
      from course_completions cc
      order by cc.trainee_id, date_part('year', cc.completed_on), cc.completed_on, cc.course_id
    ),
    judged as (
      select f.*, r.level,
        array(select distinct o.kind from training_outcomes o
              where o.trainee_id = f.trainee_id and o.occurred_on between f.started_on and f.completed_on + ${rule.params.windowDays}::int) as kinds
      from firsts f join regions r on r.code = f.region_code
    ),
    regions_ as (
      select j.*, case when j.level = 'town' then j.region_code end as town_code, substr(j.region_code, 1, 6) || '000000' as county_code from judged j
    ),
    by_region as (
      select town_code as region_code, period, kinds from regions_ where town_code is not null
      union all
      select county_code, period, kinds from regions_
    ),
    totals as (
      select region_code, period, count(*) as completed, count(*) filter (where cardinality(kinds) > 0) as converted
      from by_region group by region_code, period
    ),
    per_kind as (
      select b.region_code, b.period, 'training.converted.' || k.kind as key, count(*) filter (where k.kind = any(b.kinds))::numeric as value
      from by_region b cross join unnest(${sql.val([...OUTCOME_KINDS])}::text[]) as k(kind)
      group by b.region_code, b.period, k.kind
    ),
    rows as (
      select 'training.completed_trainees' as key, region_code, period, completed::numeric as value from totals
      union all
      select 'training.converted_trainees', region_code, period, converted::numeric from totals
      union all
      select 'training.conversion', region_code, period, round(converted::numeric / completed, 4) from totals
      union all
      select key, region_code, period, value from per_kind
    )
    insert into metric_values (metric_key, region_code, period, value, rule_version, computed_at)
    select rows.key, rows.region_code, rows.period, rows.value, ${rule.version}, now() from rows join regions r on r.code = rows.region_code`.execute(trx);
  return Number(result.numAffectedRows ?? 0);
}
