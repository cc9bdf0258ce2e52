import type { z } from 'zod';
import { AppError } from '../lib/app-error';

/**
 * A versioned rule (quiet station, active host, check-in window…): its key in rule_versions and
 * the schema of its parameters, with the defaults its first version was seeded with. A module
 * lists its rules in its manifest (`rules`); every read of a stored version goes through the schema.
 */
export interface RuleDefinition<K extends string = string, S extends z.ZodTypeAny = z.ZodTypeAny> {
  key: K;
  params: S;
}

export function defineRule<const K extends string, S extends z.ZodTypeAny>(def: RuleDefinition<K, S>): RuleDefinition<K, S> {
  return def;
}

/** The parameters of a rule, as read (defaults filled in). */
export type RuleParams<R extends RuleDefinition> = z.output<R['params']>;

/**
 * A stored version's parameters, checked against the rule's schema. A version that does not fit
 * (hand-edited, or written before a change of the schema) is refused with RULE_PARAMS_INVALID, a
 * message the admin sees, never cast and used as if it fitted.
 */
export function parseRuleParams<R extends RuleDefinition>(rule: R, raw: unknown, version: number): RuleParams<R> {
  const parsed = rule.params.safeParse(typeof raw === 'string' ? safeJson(raw) : raw);
  if (parsed.success) return parsed.data as RuleParams<R>;
  const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(params)'}: ${i.message}`).join('; ');
  throw new AppError('RULE_PARAMS_INVALID', 'INTERNAL_SERVER_ERROR', { rule: rule.key, version, detail });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
