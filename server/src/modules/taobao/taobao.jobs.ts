import { z } from 'zod';
import { job } from '../../jobs/job';
import { loadConfig } from '../../config';
import { regionCodeSchema } from '../../lib/schema';
import { evaluateTaobao } from './taobao.evaluation';

export const taobaoJobs = {
  /**
   * 淘宝村/镇 evaluation of every open year (taobao.evaluation.ts): nightly, and after figures,
   * recognitions or the criteria change. Empty payload: the county this deployment serves.
   */
  'taobao.evaluate': job({
    payload: z.object({ regionCode: regionCodeSchema.optional(), asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional() }),
    handler: (payload, { db }) => evaluateTaobao(db, { ...payload, regionCode: payload.regionCode ?? loadConfig().HOME_COUNTY_CODE }),
    schedule: { pattern: '30 3 * * *', tz: 'Asia/Shanghai', payload: {} },
    // an import and the figures typed after it arrive as a burst; one waiting evaluation absorbs them
    dedupeKey: (payload) => `taobao.evaluate:${payload.regionCode ?? 'all'}:${payload.asOf ?? 'today'}`,
  }),
};
