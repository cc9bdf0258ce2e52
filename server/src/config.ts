import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** The repository root: the data folder and the built client are found from here, whatever the cwd. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const boolFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : ['true', '1', 'yes'].includes(v)));

const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Unset: embedded PGlite in DATA_DIR. Set: real PostgreSQL through pg. */
  DATABASE_URL: optionalString.pipe(
    z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://').optional(),
  ),
  /** Unset: jobs run in-process. Set: BullMQ on this Redis. */
  REDIS_URL: optionalString.pipe(z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional()),
  DATA_DIR: z.string().default(path.join(repoRoot, 'data')),
  /** The county this deployment serves (12 digits); the demo county by default. */
  HOME_COUNTY_CODE: z.string().regex(/^\d{6}000000$/, 'must be a 12-digit county code like 370481000000').default('370481000000'),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Password for the first admin, used only when the database has no users. */
  ADMIN_PASSWORD: optionalString.pipe(z.string().min(8, 'must be at least 8 characters').optional()),
  /** Extra origins allowed to send mutations (comma separated), e.g. https://cuntong.example.gov.cn */
  PUBLIC_ORIGIN: optionalString,
  /** Behind a reverse proxy: take the client address and protocol from X-Forwarded-For / -Proto. */
  TRUST_PROXY: boolFlag.transform((v) => v ?? false),
  SESSION_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(24 * 14),
  /** Seed the demo county on an empty database (default: yes). */
  SEED_DEMO: boolFlag.transform((v) => v ?? true),
  /** With REDIS_URL: also run a BullMQ worker inside the server process (default: yes). */
  RUN_WORKER: boolFlag.transform((v) => v ?? true),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  /** Prefix of the BullMQ keys in Redis, so several deployments (or test runs) can share one Redis. */
  QUEUE_PREFIX: z.string().regex(/^[a-zA-Z0-9:_-]+$/).default('cuntong'),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

/** Parse the environment once. A bad value stops the start with a message that names the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`配置错误 / invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
