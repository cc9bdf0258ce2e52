import { z } from 'zod';
import { defineRule, type RuleParams } from '../../rules/define';

/**
 * 快递进村: a village counts as served when its village point is on a route running at least
 * `minDaysPerWeek` days a week (the work plan's "every administrative village served"); a stop is on
 * time when the vehicle arrives no later than `onTimeMinutes` after its planned time.
 */
export const coverageRule = defineRule({
  key: 'courier.coverage',
  params: z.object({
    minDaysPerWeek: z.number().int().min(1).max(7).default(5),
    onTimeMinutes: z.number().int().min(0).max(240).default(15),
  }),
});
export type CoverageParams = RuleParams<typeof coverageRule>;

export const courierRules = [coverageRule];
