import { sql } from 'kysely';
import type { Db } from '../../db/create-db';
import { requiredSessionsSql } from './completion';

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
export async function computeTrainingMetrics(db: Db): Promise<TrainingMetricsResult> {
  return db.transaction().execute(async (trx) => {
    await sql`
      create temporary table course_completions_computed on commit drop as
      with courses_ as (
        select c.id, c.region_code, count(cs.id)::int as sessions, max(cs.session_date) as last_day, c.completion_min_sessions
        from courses c join course_sessions cs on cs.course_id = c.id
        where c.status <> 'cancelled'
        group by c.id
      )
      select k.id as course_id, a.trainee_id, k.last_day as completed_on, k.region_code
      from courses_ k
      join course_sessions cs on cs.course_id = k.id
      join attendance a on a.session_id = cs.id
      group by k.id, k.region_code, k.last_day, k.sessions, k.completion_min_sessions, a.trainee_id
      having count(*) >= ${requiredSessionsSql(sql.ref('k.sessions'), sql.ref('k.completion_min_sessions'))}`.execute(trx);
    await sql`
      delete from course_completions cc
      where not exists (select 1 from course_completions_computed n where n.course_id = cc.course_id and n.trainee_id = cc.trainee_id)`.execute(trx);
    await sql`
      insert into course_completions (course_id, trainee_id, completed_on, region_code)
      select course_id, trainee_id, completed_on, region_code from course_completions_computed
      on conflict (course_id, trainee_id) do update set completed_on = excluded.completed_on, region_code = excluded.region_code, computed_at = now()
      where (course_completions.completed_on, course_completions.region_code) is distinct from (excluded.completed_on, excluded.region_code)`.execute(trx);

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
    const counted = await sql<{ n: number }>`select count(*)::int as n from course_completions_computed`.execute(trx);
    return { completions: counted.rows[0].n, metricRows: Number(metrics.numAffectedRows ?? 0) };
  });
}
