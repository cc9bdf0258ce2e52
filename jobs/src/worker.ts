import { ConfigError, loadConfig } from '@cuntong/server/config';
import { createLogger } from '@cuntong/server/lib/logger';
import { createPlatform } from '@cuntong/server/platform';

/**
 * `pnpm worker`: a BullMQ worker process. Start as many as the work needs, on any machine that
 * reaches the same PostgreSQL and Redis; they share the queue and the schedules. The job contracts,
 * handlers and both queue implementations live in server/src/jobs (the server enqueues, and the
 * server never imports this package); this package is the process that consumes.
 */
let config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) (console.error(err.message), process.exit(1));
  throw err;
}
if (!config.REDIS_URL) {
  console.error('pnpm worker 需要 REDIS_URL / needs REDIS_URL. 未设置时任务在服务器进程内运行 / without it, jobs run inside the server (pnpm start).');
  process.exit(1);
}
const log = createLogger(config.LOG_LEVEL).child({ process: 'worker' });
const platform = await createPlatform(config, log, { worker: true });
log.info({ concurrency: config.WORKER_CONCURRENCY, prefix: config.QUEUE_PREFIX }, 'worker running');

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'worker stopping after its current jobs');
    await platform.close();
    process.exit(0);
  });
}
