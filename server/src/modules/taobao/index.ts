import { loadConfig } from '../../config';
import { defineModule } from '../module';
import * as m0019 from './migrations/2026-12-05-0019-taobao';
import { taobaoDemo } from './taobao.demo';
import { evaluateTaobao } from './taobao.evaluation';
import { taobaoJobs } from './taobao.jobs';
import { taobaoMessages } from './taobao.messages';
import { taobaoRouter } from './taobao.router';
import { taobaoRules } from './taobao.rules';

/** 淘宝村/淘宝镇培育: figures, criteria, evaluation with gaps and projection, the cultivation pipeline. */
export const taobaoModule = defineModule({
  name: 'taobao',
  router: taobaoRouter,
  jobs: taobaoJobs,
  messages: taobaoMessages,
  rules: taobaoRules,
  migrations: { '2026-12-05-0019-taobao': m0019 },
  seed: taobaoDemo,
  // the evidence columns read training outcomes, host month stats and station month stats
  snapshots: { run: (db, asOf) => evaluateTaobao(db, { asOf, regionCode: loadConfig().HOME_COUNTY_CODE }), after: ['training', 'livestream', 'stations'] },
});
