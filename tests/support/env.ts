/** Which real services this run has. Suites that need one and lack it are skipped, saying why. */
export const DATABASE_URL = process.env.DATABASE_URL || undefined;
export const REDIS_URL = process.env.REDIS_URL || undefined;
export const hasPostgres = DATABASE_URL !== undefined;
export const hasRedis = REDIS_URL !== undefined;
export const NO_REDIS_REASON = 'needs REDIS_URL (BullMQ on a real Redis); set it to run';
export const NO_POSTGRES_REASON = 'needs DATABASE_URL (a real PostgreSQL); set it to run';
