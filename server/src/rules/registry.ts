import { modules } from '../modules/index';
import type { RuleDefinition } from './define';

/** Every rule the modules declare (modules/index.ts), by key; a key declared twice is refused. */
export function registeredRules(): ReadonlyMap<string, RuleDefinition> {
  const rules = new Map<string, RuleDefinition>();
  for (const mod of modules) {
    for (const rule of mod.rules) {
      if (rules.has(rule.key)) throw new Error(`rules: ${rule.key} is declared twice`);
      rules.set(rule.key, rule);
    }
  }
  return rules;
}
