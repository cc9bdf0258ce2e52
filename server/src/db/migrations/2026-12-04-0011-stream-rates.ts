import { sql, type Kysely } from 'kysely';

// Frozen once landed: never edit after that. Add a new, later-dated migration instead.

const RATES = ['conversion_rate', 'click_rate', 'click_conversion_rate', 'interaction_rate', 'follow_rate'] as const;

export async function up(db: Kysely<any>): Promise<void> {
  // The rates of a platform's session export, as fractions (0.0068 for '0.68%'): 观看-成交率 (viewers
  // who bought), 商品曝光-点击率 (product click-through), 商品点击-成交率 (clicks that bought), 互动率 and
  // 转粉率 / 观看-关注率. Null when the file had no such column or the session was typed in.
  for (const column of RATES) {
    await sql`alter table livestream_streams add column ${sql.ref(column)} double precision check (${sql.ref(column)} between 0 and 1)`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const column of RATES) await sql`alter table livestream_streams drop column if exists ${sql.ref(column)}`.execute(db);
}
