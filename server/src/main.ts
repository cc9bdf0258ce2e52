import { serve } from '@hono/node-server';
import { createApp, VERSION } from './app';
import { ConfigError, loadConfig } from './config';
import { createLogger } from './lib/logger';
import { unknownUserHash } from './modules/auth/password';
import { ensureFirstAdmin, firstAdminNotice } from './modules/auth/users.service';
import { createPlatform } from './platform';

// Boot: config → db → migrate → queue → serve.
let config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
const log = createLogger(config.LOG_LEVEL);
const started = Date.now();
const platform = await createPlatform(config, log);
const { db, queue } = platform.deps;

const admin = await ensureFirstAdmin({ db }, { adminPassword: config.ADMIN_PASSWORD });
if (admin) console.log(firstAdminNotice(admin));
// made now, not on the first login with an unknown name, whose answer would then take longer
await unknownUserHash();

const app = createApp(platform.deps);
const server = serve({ fetch: app.fetch, hostname: config.HOST, port: config.PORT }, (info) => {
  const url = `http://localhost:${info.port}`;
  log.info({ port: info.port, db: platform.dbHandle.driver, queue: queue.kind, version: VERSION, bootMs: Date.now() - started }, 'server listening');
  console.log(
    `\n  村通 Cuntong ${VERSION} 已启动 / is running: ${url}\n` +
      `  数据库 / database: ${platform.dbHandle.driver === 'pg' ? 'PostgreSQL' : `embedded PGlite (${config.DATA_DIR})`}` +
      `   任务 / jobs: ${queue.kind === 'bullmq' ? 'BullMQ (Redis)' : 'in-process'}\n`,
  );
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down');
  server.close();
  await platform.close().catch((err) => log.error({ err }, 'error while closing'));
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
