import { sql, type Kysely } from 'kysely';

// Frozen once landed: never edit after that. Add a new, later-dated migration instead.

export async function up(db: Kysely<any>): Promise<void> {
  // 提醒: what the threshold rules found for one user, once a day per subject (evaluating again the
  // same day adds nothing); read or not.
  await sql`
    create table notifications (
      id bigint generated always as identity primary key,
      user_id integer not null references users (id) on delete cascade,
      kind text not null,
      subject_key text not null,
      day date not null,
      params jsonb not null default '{}',
      link text,
      rule_version integer not null,
      created_at timestamptz not null default now(),
      read_at timestamptz,
      unique (user_id, kind, subject_key, day)
    )`.execute(db);
  await sql`create index notifications_unread_idx on notifications (user_id, read_at, id desc)`.execute(db);
  // The thresholds, versioned like every rule: admin-editable from a date.
  await sql`
    insert into rule_versions (rule_key, version, params, effective_from)
    values ('notifications.thresholds', 1, '{"townBehindPercent": 10, "quietDays": 14, "notFiledAfter": "17:00", "hostDropDays": 7}', '2000-01-01')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from rule_versions where rule_key = 'notifications.thresholds'`.execute(db);
  await sql`drop table if exists notifications`.execute(db);
}
