import path from 'node:path';
import type { Config } from './config';
import { createDb, type DbHandle } from './db/create-db';
import { migrateToLatest } from './db/migrate';
import { createBullmqQueue, startBullmqWorker, type BullmqWorkerHandle } from './jobs/bullmq-queue';
import { jobDefinitions } from './jobs/handlers';
import { createInlineQueue } from './jobs/inline-queue';
import type { JobQueue } from './jobs/queue';
import { buildRegistry } from './jobs/registry';
import type { Logger } from './lib/logger';
import type { AppDeps } from './trpc/context';

export interface Platform {
  deps: AppDeps;
  dbHandle: DbHandle;
  close(): Promise<void>;
}

/**
 * Boot order: database → migrations → job registry → queue (BullMQ with REDIS_URL, else in-process)
 * → optionally a worker. Used by the server, the worker process, the seed command and tests.
 */
export async function createPlatform(
  config: Config,
  log: Logger,
  options: { worker?: boolean; runSchedules?: boolean } = {},
): Promise<Platform> {
  const registry = buildRegistry(jobDefinitions);
  const dbHandle = await createDb({
    databaseUrl: config.DATABASE_URL,
    dataDir: path.join(config.DATA_DIR, 'pglite'),
    poolSize: config.DB_POOL_SIZE,
    readPool: { size: config.DB_READ_POOL_SIZE, statementTimeoutMs: config.DB_READ_TIMEOUT_MS, maxWaiting: config.DB_READ_QUEUE },
    prepareStatements: config.DB_PREPARED_STATEMENTS,
  });
  const applied = await migrateToLatest(dbHandle.db);
  if (applied.length) log.info({ applied }, 'migrations applied');

  const { db } = dbHandle;
  let queue: JobQueue;
  let worker: BullmqWorkerHandle | null = null;
  if (config.REDIS_URL) {
    const bull = { redisUrl: config.REDIS_URL, prefix: config.QUEUE_PREFIX, registry, log };
    queue = createBullmqQueue(bull);
    if (options.worker ?? config.RUN_WORKER) {
      worker = await startBullmqWorker({ ...bull, db, queue, concurrency: config.WORKER_CONCURRENCY });
    }
  } else {
    queue = createInlineQueue({ db, log, registry, runSchedules: options.runSchedules ?? true });
  }
  return {
    deps: { db, readDb: dbHandle.readDb, queue, config, log },
    dbHandle,
    async close() {
      await worker?.close();
      await queue.close();
      await dbHandle.close();
    },
  };
}
