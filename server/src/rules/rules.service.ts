import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/types';
import type { MessageKey } from '../i18n/messages';
import { badRequest } from '../lib/app-error';
import { addDays } from '../lib/dates';
import { recordAudit, type AuditWho } from '../modules/audit/audit.service';
import { parseRuleParams, type RuleDefinition, type RuleParams } from './define';

export { defineRule, parseRuleParams, type RuleDefinition, type RuleParams } from './define';

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

/** The version of `rule` in force on `day`, its parameters read through the rule's schema (parseRuleParams). */
export async function ruleAt<R extends RuleDefinition>(db: Kysely<Database>, rule: R, day: string): Promise<RuleAt<RuleParams<R>>> {
  const ruleKey = rule.key;
  const row = await db
    .selectFrom('rule_versions')
    .select(['version', 'params', 'effective_from'])
    .where('rule_key', '=', ruleKey)
    .where('effective_from', '<=', day)
    .orderBy('effective_from', 'desc')
    .orderBy('version', 'desc')
    .executeTakeFirst();
  if (!row) throw new Error(`no version of rule ${ruleKey} in force on ${day}`);
  return { version: row.version, params: parseRuleParams(rule, row.params, row.version), effectiveFrom: row.effective_from };
}

/** How far ahead a new version may take effect. Further is a slip (2999-12-31) that would hold back every later version. */
export const RULE_MAX_DAYS_AHEAD = 365;

/**
 * Make room for a new version of a rule taking effect on `effectiveFrom`, inside the caller's
 * transaction (which holds the rule's lock): refuse a date before the version in force today
 * (history is restated only forward; `tooEarly` is the rule's own message) or more than a year
 * ahead; withdraw, audited, the versions not yet in force that would take effect on or after it,
 * since the newer decision holds from its date on. That is also how an admin replaces a version
 * still to come, or undoes a mistaken date. Returns the new version's number (never one used before).
 */
export async function makeRoomForRuleVersion(
  trx: Kysely<Database>,
  who: AuditWho,
  rule: { key: string; effectiveFrom: string; today: string; tooEarly: MessageKey },
): Promise<{ version: number; withdrawn: number[] }> {
  const latest = addDays(rule.today, RULE_MAX_DAYS_AHEAD);
  if (rule.effectiveFrom > latest) throw badRequest('RULE_EFFECTIVE_TOO_FAR', { date: rule.effectiveFrom, latest });
  const versions = await trx
    .selectFrom('rule_versions')
    .selectAll()
    .where('rule_key', '=', rule.key)
    .execute();
  const inForceFrom = versions.map((v) => v.effective_from).filter((d) => d <= rule.today).sort().at(-1);
  if (inForceFrom && rule.effectiveFrom < inForceFrom) throw badRequest(rule.tooEarly, { date: rule.effectiveFrom, current: inForceFrom });
  const withdrawn = versions.filter((v) => v.effective_from > rule.today && v.effective_from >= rule.effectiveFrom);
  for (const v of withdrawn) {
    await trx.deleteFrom('rule_versions').where('rule_key', '=', rule.key).where('version', '=', v.version).execute();
    await recordAudit(trx, who, { entity: 'rule_version', entityId: `${rule.key}:${v.version}`, action: 'withdraw', before: v });
  }
  return { version: Math.max(0, ...versions.map((v) => v.version)) + 1, withdrawn: withdrawn.map((v) => v.version).sort((x, y) => x - y) };
}

/** Every version of a rule, newest first, with the one in force on `today` marked (an admin's rule page). */
export async function listRuleVersions<R extends RuleDefinition>(db: Kysely<Database>, rule: R, today: string) {
  const rows = await db.selectFrom('rule_versions').selectAll().where('rule_key', '=', rule.key).orderBy('version', 'desc').execute();
  const inForce = await ruleAt(db, rule, today).catch(() => null);
  return rows.map((r) => ({
    version: r.version,
    effectiveFrom: r.effective_from,
    inForce: inForce?.version === r.version,
    params: parseRuleParams(rule, r.params, r.version),
    createdAt: new Date(r.created_at).toISOString(),
  }));
}

/**
 * A new version of a rule from a date (admin), audited, under the rule's lock; versions still to come
 * from that date on are withdrawn (makeRoomForRuleVersion). The parameters go through the rule's schema.
 */
export async function createRuleVersion<R extends RuleDefinition>(
  ctx: { db: Kysely<Database>; who: AuditWho },
  rule: R,
  input: { params: RuleParams<R>; effectiveFrom: string; today: string; tooEarly: MessageKey },
): Promise<{ version: number; withdrawn: number[] }> {
  return ctx.db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${`rule_versions:${rule.key}`}))`.execute(trx);
    const room = await makeRoomForRuleVersion(trx, ctx.who, { key: rule.key, effectiveFrom: input.effectiveFrom, today: input.today, tooEarly: input.tooEarly });
    const params: unknown = rule.params.parse(input.params);
    const row = await trx
      .insertInto('rule_versions')
      .values({ rule_key: rule.key, version: room.version, params: JSON.stringify(params), effective_from: input.effectiveFrom, created_by: ctx.who.id })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.who, { entity: 'rule_version', entityId: `${rule.key}:${room.version}`, action: 'create', after: row });
    return room;
  });
}
