import { sql, type Kysely } from 'kysely';

// Frozen: never edit after it has landed. Add a new, later-dated migration instead.

export async function up(db: Kysely<any>): Promise<void> {
  // Keys the server derives things from (the ID-card hash, QR check-in tokens). They live in the
  // database so that every server and worker of one installation uses the same ones.
  await sql`
    create table app_secrets (
      name text primary key check (name ~ '^[a-z][a-z0-9_.]{1,63}$'),
      value bytea not null check (length(value) >= 32),
      created_at timestamptz not null default now()
    )`.execute(db);

  // 培训班. The completion rule is "attended at least K sessions"; K null means the default:
  // every session for a course of one or two sessions, else 80 % of them rounded up.
  await sql`
    create table courses (
      id integer generated always as identity primary key,
      title text not null check (length(title) between 1 and 100),
      topic text not null check (topic in ('shop_operation', 'livestream_selling', 'short_video', 'product_photos', 'farm_produce', 'logistics', 'other')),
      organiser text check (length(organiser) <= 100),
      trainers text[] not null default '{}' check (cardinality(trainers) <= 20),
      region_code text not null references regions (code),
      station_id integer references stations (id),
      venue text check (length(venue) <= 200),
      capacity integer check (capacity between 1 and 10000),
      planned_start date,
      planned_end date,
      status text not null default 'planned' check (status in ('planned', 'running', 'finished', 'cancelled')),
      completion_min_sessions integer check (completion_min_sessions between 1 and 100),
      version integer not null default 1,
      created_by integer references users (id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (planned_end is null or planned_start is null or planned_end >= planned_start)
    )`.execute(db);
  await sql`create index courses_region_idx on courses (region_code text_pattern_ops)`.execute(db);

  // 课次: one class of a course, on one day.
  await sql`
    create table course_sessions (
      id integer generated always as identity primary key,
      course_id integer not null references courses (id) on delete cascade,
      session_date date not null,
      starts_at time not null,
      ends_at time not null,
      venue text check (length(venue) <= 200),
      created_at timestamptz not null default now(),
      check (ends_at > starts_at)
    )`.execute(db);
  await sql`create index course_sessions_course_idx on course_sessions (course_id, session_date)`.execute(db);
  await sql`create index course_sessions_date_idx on course_sessions (session_date)`.execute(db);

  // 学员: one person across all courses, known by the mobile number. Of an ID-card number only a
  // keyed hash and the last four characters are kept, with what the number says (birth date, gender).
  await sql`
    create table trainees (
      id integer generated always as identity primary key,
      name text not null check (length(name) between 1 and 50),
      -- pinyin initials of the name (张小红 → zxh), so check-in finds people by what is quick to type
      name_initials text not null default '' check (name_initials ~ '^[a-z0-9]*$'),
      mobile text not null unique check (mobile ~ '^1[3-9][0-9]{9}$'),
      id_card_hash text unique check (id_card_hash ~ '^[0-9a-f]{64}$'),
      id_card_last4 text check (id_card_last4 ~ '^[0-9]{3}[0-9X]$'),
      birth_date date,
      gender text check (gender in ('male', 'female')),
      village_code text references regions (code),
      tags text[] not null default '{}',
      version integer not null default 1,
      created_by integer references users (id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check ((id_card_hash is null) = (id_card_last4 is null))
    )`.execute(db);
  await sql`create index trainees_village_idx on trainees (village_code text_pattern_ops)`.execute(db);
  await sql`create index trainees_name_idx on trainees (name text_pattern_ops)`.execute(db);
  await sql`create index trainees_initials_idx on trainees (name_initials text_pattern_ops)`.execute(db);

  // 签到: one row per trainee and session, whatever the way it came in.
  await sql`
    create table attendance (
      session_id integer not null references course_sessions (id) on delete cascade,
      trainee_id integer not null references trainees (id),
      method text not null check (method in ('search', 'qr', 'import', 'bulk')),
      recorded_by integer references users (id),
      checked_in_at timestamptz not null default now(),
      primary key (session_id, trainee_id)
    )`.execute(db);
  await sql`create index attendance_trainee_idx on attendance (trainee_id)`.execute(db);

  // 转化成果: what a trainee did after training, dated, with its evidence and who recorded it.
  await sql`
    create table training_outcomes (
      id integer generated always as identity primary key,
      trainee_id integer not null references trainees (id),
      kind text not null check (kind in ('shop_opened', 'first_sale', 'livestream_started', 'employed', 'business_started')),
      occurred_on date not null,
      platform text check (length(platform) <= 50),
      shop_url text check (length(shop_url) <= 500),
      amount_fen bigint check (amount_fen between 0 and 100000000000),
      evidence text check (length(evidence) <= 500),
      recorded_by integer references users (id),
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index training_outcomes_trainee_idx on training_outcomes (trainee_id, occurred_on)`.execute(db);

  // Snapshot (training.recompute): who completed which course under its rule, and when — the day
  // of the course's last session, whose year the person-time counts in.
  await sql`
    create table course_completions (
      course_id integer not null references courses (id) on delete cascade,
      trainee_id integer not null references trainees (id) on delete cascade,
      started_on date not null,
      completed_on date not null,
      region_code text not null references regions (code),
      computed_at timestamptz not null default now(),
      primary key (course_id, trainee_id)
    )`.execute(db);
  await sql`create index course_completions_day_idx on course_completions (completed_on)`.execute(db);

  // QR self check-in: the screen shows a new token every tokenSeconds; a scanned token is taken for
  // acceptSeconds (time to type a name and mobile on a phone), from
  // beforeMinutes before a session starts to afterMinutes after it ends. Conversion counts an
  // outcome recorded within windowDays of completing a course.
  await sql`
    insert into rule_versions (rule_key, version, params, effective_from) values
      ('training.qr_check_in', 1, '{"tokenSeconds": 30, "acceptSeconds": 300, "beforeMinutes": 30, "afterMinutes": 30}', '2000-01-01'),
      ('training.conversion', 1, '{"windowDays": 180}', '2000-01-01')`.execute(db);

  // Every QR check-in attempt, to limit them per address and per mobile (rows older than a day go).
  await sql`
    create table qr_check_in_attempts (
      id bigint generated always as identity primary key,
      ip text not null,
      mobile text,
      at timestamptz not null default now()
    )`.execute(db);
  await sql`create index qr_check_in_attempts_ip_idx on qr_check_in_attempts (ip, at)`.execute(db);
  await sql`create index qr_check_in_attempts_mobile_idx on qr_check_in_attempts (mobile, at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['qr_check_in_attempts', 'course_completions', 'training_outcomes', 'attendance', 'trainees', 'course_sessions', 'courses', 'app_secrets']) {
    await sql`drop table if exists ${sql.table(table)} cascade`.execute(db);
  }
  await sql`delete from rule_versions where rule_key in ('training.qr_check_in', 'training.conversion')`.execute(db);
}
