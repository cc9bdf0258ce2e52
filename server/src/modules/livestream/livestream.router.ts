import { router } from '../../trpc/trpc';
import { basesRouter } from './bases.router';
import { hostsRouter } from './hosts.router';
import { livestreamMetricsRouter } from './metrics.router';
import { streamImportRouter } from './stream-import.router';
import { streamsRouter } from './streams.router';

/** 直播基地与主播: one router per capability, so they can grow apart. */
export const livestreamRouter = router({
  bases: basesRouter,
  hosts: hostsRouter,
  streams: streamsRouter,
  import: streamImportRouter,
  metrics: livestreamMetricsRouter,
});
