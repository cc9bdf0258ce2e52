import { z } from 'zod';
import { defineRule } from '../../rules/define';

/**
 * 活跃主播: active on a platform on day D with at least minStreams streams of at least minMinutes
 * each, started in the windowDays days ending with D (livestream.metrics.ts).
 */
export const activeHostRule = defineRule({
  key: 'livestream.active_host',
  params: z.object({
    windowDays: z.number().int().min(1).max(366).default(30),
    minStreams: z.number().int().min(1).max(1000).default(4),
    minMinutes: z.number().int().min(1).max(24 * 60).default(30),
  }),
});

export const livestreamRules = [activeHostRule];
