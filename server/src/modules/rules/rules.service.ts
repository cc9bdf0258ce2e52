import type { Kysely } from 'kysely';
import type { Database } from '../../db/types';

/**
 * Rules with thresholds (quiet station, active host, Taobao criteria) are versioned data: a new
 * version takes effect from a date, and every computed value records the version it used, so a
 * past period can be recomputed as it stood.
 */
export interface RuleAt<P> {
  version: number;
  params: P;
  effectiveFrom: string;
}

export async function ruleAt<P>(db: Kysely<Database>, ruleKey: string, day: string): Promise<RuleAt<P>> {
  const row = await db
    .selectFrom('rule_versions')
    .select(['version', 'params', 'effective_from'])
    .where('rule_key', '=', ruleKey)
    .where('effective_from', '<=', day)
    .orderBy('effective_from', 'desc')
    .orderBy('version', 'desc')
    .executeTakeFirst();
  if (!row) throw new Error(`no version of rule ${ruleKey} in force on ${day}`);
  return { version: row.version, params: row.params as P, effectiveFrom: row.effective_from };
}

export interface QuietRule {
  /** Days without a non-zero ledger entry after which an active station counts as quiet. */
  days: number;
}
export const QUIET_RULE = 'station.quiet';
