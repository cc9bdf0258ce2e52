import { router } from '../../trpc/trpc';

/** 培训转化: progress against the year's target, conversion and its funnel, follow-up and spot-check lists. */
export const conversionRouter = router({});
