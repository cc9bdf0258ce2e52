import { sql, type Kysely } from 'kysely';
import type { Db } from '../../db/create-db';
import type { Database } from '../../db/types';
import { OUTCOME_KINDS } from '../../db/types';
import { shanghaiToday } from '../../lib/dates';
import { ruleAt, type RuleAt } from '../../rules/rules.service';
import { conversionRule } from './training.rules';
import { requiredSessionsSql } from './completion';

export const CONVERSION_RULE = conversionRule.key;
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
 *   year of the course's last session;
 * - the conversion rate by town and county (metric_values), by cut (training_conversion_stats) and
 *   the funnel (training_funnel_stats).
 */
export async function computeTrainingMetrics(db: Db, options: { asOf?: string } = {}): Promise<TrainingMetricsResult> {
  const rule = await ruleAt(db, conversionRule, options.asOf ?? shanghaiToday());
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
    const cuts = await writeConversionStats(trx, rule);
    const funnel = await writeFunnelStats(trx, rule);
    const counted = await sql<{ n: number }>`select count(*)::int as n from course_completions_computed`.execute(trx);
    return { completions: counted.rows[0].n, metricRows: Number(metrics.numAffectedRows ?? 0) + conversion + cuts + funnel };
  });
}

/**
 * 培训转化率, by town and county and year: of the distinct trainees who completed a course in the
 * year (counted in the region of their first completion that year), those with at least one
 * outcome dated from a completed course's first session to `windowDays` after its last, overall and
 * per outcome kind. Written as counts and the rate, with the rule version used.
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
        -- converted when an outcome falls in the window of any course they completed that year
        array(select distinct o.kind from course_completions c2 join training_outcomes o on o.trainee_id = c2.trainee_id
              where c2.trainee_id = f.trainee_id and to_char(c2.completed_on, 'YYYY') = f.period
                and o.occurred_on between c2.started_on and c2.completed_on + ${rule.params.windowDays}::int) as kinds
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

/** The town (for a course or village under a town) and the county of a region code, as SQL. */
const townOf = (code: string, level: string) => sql.raw(`case when ${level} in ('town', 'village') then substr(${code}, 1, 9) || '000' end`);
const countyOf = (code: string) => sql.raw(`substr(${code}, 1, 6) || '000000'`);

/**
 * training_conversion_stats: 培训转化率 by cut, for each town (its own courses only) and each county
 * (all its courses) and year of completion. A trainee counts once per cut value: completed when they
 * completed a course of that value in the year, converted when an outcome falls in the window of one
 * of those completions (from the course's first session to `windowDays` after its last — the same
 * window as `training.conversion`). A course with two trainers counts for both.
 */
async function writeConversionStats(trx: Kysely<Database>, rule: RuleAt<ConversionRule>): Promise<number> {
  await sql`delete from training_conversion_stats`.execute(trx);
  const kindFlags = sql.join(OUTCOME_KINDS.map((k) => sql`bool_or(${k} = any(kinds)) as ${sql.ref(k)}`));
  const kindCounts = sql.join(OUTCOME_KINDS.map((k) => sql`count(*) filter (where ${sql.ref(k)})::int`));
  const kindColumns = sql.join(OUTCOME_KINDS.map((k) => sql.ref(k)));
  const result = await sql`
    with comp as (
      select cc.trainee_id, cc.course_id, cc.completed_on, date_part('year', cc.completed_on)::int as year,
        -- course titles repeat (one a week of 网店运营实务班): the label says where and when
        c.title || ' · ' || r.name || ' · ' || to_char(cc.completed_on, 'YYYY-MM-DD') as title, c.topic, c.trainers,
        ${townOf('cc.region_code', 'r.level')} as town_code, ${countyOf('cc.region_code')} as county_code,
        array(select distinct o.kind from training_outcomes o
              where o.trainee_id = cc.trainee_id and o.occurred_on between cc.started_on and cc.completed_on + ${rule.params.windowDays}::int) as kinds
      from course_completions cc join courses c on c.id = cc.course_id join regions r on r.code = cc.region_code
    ),
    scoped as (
      select town_code as scope, comp.* from comp where town_code is not null
      union all
      select county_code as scope, comp.* from comp
    ),
    cuts as (
      select scope, year, 'total' as cut, 'all' as cut_key, '' as cut_label, trainee_id, kinds from scoped
      union all
      select scope, year, 'cohort_month', to_char(completed_on, 'YYYY-MM'), to_char(completed_on, 'YYYY-MM'), trainee_id, kinds from scoped
      union all
      select scope, year, 'course', course_id::text, title, trainee_id, kinds from scoped
      union all
      select scope, year, 'topic', topic, topic, trainee_id, kinds from scoped
      union all
      select scope, year, 'trainer', left(btrim(t.name), 100), btrim(t.name), trainee_id, kinds
      from scoped cross join lateral unnest(scoped.trainers) as t(name) where btrim(t.name) <> ''
      union all
      select scope, year, 'town', coalesce(town_code, county_code), '', trainee_id, kinds from scoped
    ),
    per_trainee as (
      select scope, year, cut, cut_key, max(cut_label) as cut_label, trainee_id, bool_or(cardinality(kinds) > 0) as converted, ${kindFlags}
      from cuts group by scope, year, cut, cut_key, trainee_id
    )
    insert into training_conversion_stats (region_code, year, cut, cut_key, cut_label, completed, converted, ${kindColumns}, rule_version, computed_at)
    select p.scope, p.year, p.cut, p.cut_key, case when p.cut = 'town' then coalesce(max(tr.name), p.cut_key) else max(p.cut_label) end,
      count(*)::int, count(*) filter (where p.converted)::int, ${kindCounts}, ${rule.version}, now()
    from per_trainee p
    join regions r on r.code = p.scope
    left join regions tr on p.cut = 'town' and tr.code = p.cut_key
    group by p.scope, p.year, p.cut, p.cut_key`.execute(trx);
  return Number(result.numAffectedRows ?? 0);
}

/**
 * training_funnel_stats, per town and county and year. Each trainee is counted at the furthest stage
 * they reached in the year, so every stage is a subset of the one before:
 * registered (registered in the year, living there; or reached a later stage there) → attended (≥ 1
 * session of a course there) → completed → any outcome in the window → first sale in the window.
 * Cancelled courses count for nothing, as in person-times.
 */
async function writeFunnelStats(trx: Kysely<Database>, rule: RuleAt<ConversionRule>): Promise<number> {
  await sql`delete from training_funnel_stats`.execute(trx);
  const result = await sql`
    with courses_ as (
      select c.id, ${townOf('c.region_code', 'r.level')} as town_code, ${countyOf('c.region_code')} as county_code
      from courses c join regions r on r.code = c.region_code where c.status <> 'cancelled'
    ),
    stages as (
      select t.id as trainee_id, date_part('year', t.created_at at time zone 'Asia/Shanghai')::int as year,
        ${townOf('t.village_code', 'r.level')} as town_code, ${countyOf('t.village_code')} as county_code, 1 as stage
      from trainees t join regions r on r.code = t.village_code
      union all
      select distinct a.trainee_id, date_part('year', cs.session_date)::int, k.town_code, k.county_code, 2
      from attendance a join course_sessions cs on cs.id = a.session_id join courses_ k on k.id = cs.course_id
      union all
      select cc.trainee_id, date_part('year', cc.completed_on)::int, ${townOf('cc.region_code', 'r.level')}, ${countyOf('cc.region_code')},
        case
          when exists (select 1 from training_outcomes o where o.trainee_id = cc.trainee_id and o.kind = 'first_sale'
                       and o.occurred_on between cc.started_on and cc.completed_on + ${rule.params.windowDays}::int) then 5
          when exists (select 1 from training_outcomes o where o.trainee_id = cc.trainee_id
                       and o.occurred_on between cc.started_on and cc.completed_on + ${rule.params.windowDays}::int) then 4
          else 3
        end
      from course_completions cc join regions r on r.code = cc.region_code
    ),
    scoped as (
      select town_code as scope, year, trainee_id, stage from stages where town_code is not null
      union all
      select county_code, year, trainee_id, stage from stages
    ),
    furthest as (select scope, year, trainee_id, max(stage) as stage from scoped group by scope, year, trainee_id)
    insert into training_funnel_stats (region_code, year, registered, attended, completed, converted, first_sale, rule_version, computed_at)
    select f.scope, f.year, count(*)::int, count(*) filter (where stage >= 2)::int, count(*) filter (where stage >= 3)::int,
      count(*) filter (where stage >= 4)::int, count(*) filter (where stage >= 5)::int, ${rule.version}, now()
    from furthest f join regions r on r.code = f.scope
    group by f.scope, f.year`.execute(trx);
  return Number(result.numAffectedRows ?? 0);
}
