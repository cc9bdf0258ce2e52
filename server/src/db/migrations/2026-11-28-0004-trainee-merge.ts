import { sql, type Kysely } from 'kysely';

// Frozen once landed: never edit after that. Add a new, later-dated migration instead.

export async function up(db: Kysely<any>): Promise<void> {
  // A trainee merged into another (the same person registered twice under two mobiles) stays as a
  // record pointing to the one kept, so that its mobile still finds that person. Its attendance and
  // outcomes move to the one kept; a merged trainee is never itself merged into, nor merged again.
  await sql`
    alter table trainees
      add column merged_into_id integer references trainees (id),
      add column merged_at timestamptz,
      add column merged_by integer references users (id),
      add constraint trainees_merged_not_self check (merged_into_id <> id),
      add constraint trainees_merged_at_check check ((merged_into_id is null) = (merged_at is null))`.execute(db);
  await sql`create index trainees_merged_into_idx on trainees (merged_into_id) where merged_into_id is not null`.execute(db);
  // possible duplicates are looked for by village and name
  await sql`create index trainees_village_name_idx on trainees (village_code, name) where merged_into_id is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists trainees_village_name_idx`.execute(db);
  await sql`drop index if exists trainees_merged_into_idx`.execute(db);
  await sql`
    alter table trainees
      drop constraint if exists trainees_merged_at_check,
      drop constraint if exists trainees_merged_not_self,
      drop column if exists merged_by,
      drop column if exists merged_at,
      drop column if exists merged_into_id`.execute(db);
}
