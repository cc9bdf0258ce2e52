import { sql, type Kysely } from 'kysely';

// Frozen once landed: never edit after that. Add a new, later-dated migration instead.

export async function up(db: Kysely<any>): Promise<void> {
  // Snapshot (training.recompute): 培训转化率 by cut. One row per scope (a town, or the whole county
  // as one scope), year, cut and cut value: distinct trainees who completed a course of that cut
  // value in the year, and of them those with an outcome in the window (overall and per kind).
  // A town's rows count only that town's courses, so a coordinator reads their towns' rows and
  // nothing of any other town.
  await sql`
    create table training_conversion_stats (
      region_code text not null references regions (code),
      year integer not null check (year between 2000 and 2100),
      cut text not null check (cut in ('total', 'cohort_month', 'course', 'topic', 'trainer', 'town')),
      cut_key text not null check (length(cut_key) between 1 and 100),
      cut_label text not null,
      completed integer not null check (completed >= 0),
      converted integer not null check (converted between 0 and completed),
      shop_opened integer not null default 0 check (shop_opened >= 0),
      first_sale integer not null default 0 check (first_sale >= 0),
      livestream_started integer not null default 0 check (livestream_started >= 0),
      employed integer not null default 0 check (employed >= 0),
      business_started integer not null default 0 check (business_started >= 0),
      rule_version integer not null,
      computed_at timestamptz not null default now(),
      primary key (region_code, year, cut, cut_key)
    )`.execute(db);
  await sql`create index training_conversion_stats_year_idx on training_conversion_stats (year, cut)`.execute(db);

  // Snapshot: the funnel per scope and year, registered → attended → completed → any outcome in the
  // window → first sale in the window. Each stage is a subset of the one before.
  await sql`
    create table training_funnel_stats (
      region_code text not null references regions (code),
      year integer not null check (year between 2000 and 2100),
      registered integer not null check (registered >= 0),
      attended integer not null check (attended between 0 and registered),
      completed integer not null check (completed between 0 and attended),
      converted integer not null check (converted between 0 and completed),
      first_sale integer not null check (first_sale between 0 and converted),
      rule_version integer not null,
      computed_at timestamptz not null default now(),
      primary key (region_code, year)
    )`.execute(db);

  // The follow-up list and the spot check read completions by day within a region.
  await sql`create index course_completions_region_day_idx on course_completions (region_code text_pattern_ops, completed_on)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists course_completions_region_day_idx`.execute(db);
  await sql`drop table if exists training_funnel_stats`.execute(db);
  await sql`drop table if exists training_conversion_stats`.execute(db);
}
