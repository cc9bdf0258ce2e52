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

/**
 * 站点活跃: a station reports (counts towards the station-activity indicator) when it has ledger
 * entries on at least `minDays` of the `windowDays` days ending with the day judged.
 */
export const activityRule = defineRule({
  key: 'station.activity',
  params: z.object({
    windowDays: z.number().int().min(1).max(366).default(30),
    minDays: z.number().int().min(1).max(366).default(20),
  }),
});
export type ActivityRule = RuleParams<typeof activityRule>;

export const stationsRules = [quietRule, activityRule];
