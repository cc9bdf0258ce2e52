import { z } from 'zod';
import { defineRule, type RuleParams } from '../../rules/define';

/** 沉寂站点: an active station with no non-zero ledger entry for this many days. */
export const quietRule = defineRule({
  key: 'station.quiet',
  params: z.object({
    /** Days without a non-zero ledger entry after which an active station counts as quiet. */
    days: z.number().int().min(1).max(3650).default(30),
  }),
});
export const QUIET_RULE = quietRule.key;
export type QuietRule = RuleParams<typeof quietRule>;

export const stationsRules = [quietRule];
