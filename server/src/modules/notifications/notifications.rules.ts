import { z } from 'zod';
import { defineRule, type RuleParams } from '../../rules/define';

/**
 * 提醒阈值: when an item goes on someone's to-do list — a town more than `townBehindPercent` % behind
 * pace on an indicator, a station quiet for `quietDays` days or more, a station not filed today once
 * it is past `notFiledAfter` (Asia/Shanghai), a host losing active status within `hostDropDays` days.
 * Follow-up calls due and probable duplicate trainees are listed whenever there are any.
 */
export const thresholdsRule = defineRule({
  key: 'notifications.thresholds',
  params: z.object({
    townBehindPercent: z.number().int().min(1).max(100).default(10),
    quietDays: z.number().int().min(1).max(365).default(14),
    notFiledAfter: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/).default('17:00'),
    hostDropDays: z.number().int().min(1).max(60).default(7),
  }),
});
export type Thresholds = RuleParams<typeof thresholdsRule>;

export const notificationsRules = [thresholdsRule];
