import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { translate } from './i18n/messages';
import { passwordProblem } from './modules/auth/password-policy';

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
  /** Connections for writes (logins, check-ins, ledger, every mutation) and session lookups. */
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /**
   * Reads (lists, exports, dashboards: every query procedure) have a pool of their own, so short
   * writes never wait behind long reads: its size, how long one statement may run, and how many
   * reads may wait for a connection before the next is refused at once (429).
   */
  DB_READ_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(4),
  DB_READ_TIMEOUT_MS: z.coerce.number().int().min(1).max(3_600_000).default(15_000),
  DB_READ_QUEUE: z.coerce.number().int().min(0).max(10_000).default(32),
  /** Prepare statements that repeat on each connection (see create-db.ts); off behind a pooler that cannot keep them. */
  DB_PREPARED_STATEMENTS: boolFlag.transform((v) => v ?? true),
  /**
   * Per-process limits on /trpc calls (each server enforces its own): calls in flight and calls per
   * minute, per session and per client address. 0 per minute: no rate limit.
   */
  LIMIT_SESSION_IN_FLIGHT: z.coerce.number().int().min(1).max(10_000).default(12),
  LIMIT_SESSION_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(600),
  LIMIT_ADDRESS_IN_FLIGHT: z.coerce.number().int().min(1).max(10_000).default(48),
  LIMIT_ADDRESS_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(6000),
  /** Seconds a server reuses a resolved session before asking the database again (0: never). */
  SESSION_CACHE_SECONDS: z.coerce.number().int().min(0).max(60).default(5),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Password for the first admin, used only when the database has no users. */
  ADMIN_PASSWORD: optionalString.pipe(
    z
      .string()
      .superRefine((password, ctx) => {
        const problem = passwordProblem(password, 'admin');
        if (problem) ctx.addIssue({ code: 'custom', message: `${translate('zh-CN', problem.code, problem.params)} / ${translate('en', problem.code, problem.params)}` });
      })
      .optional(),
  ),
  /** Extra origins allowed to send mutations (comma separated), e.g. https://cuntong.example.gov.cn */
  PUBLIC_ORIGIN: optionalString,
  /**
   * Behind reverse proxies: how many (true = 1, false = 0). The client address is then the one the
   * outermost of them appended to X-Forwarded-For, and the protocol comes from X-Forwarded-Proto.
   */
  TRUST_PROXY: z
    .string()
    .trim()
    .toLowerCase()
    .optional()
    .transform((v) => (v === undefined || ['', 'false', 'no'].includes(v) ? 0 : ['true', 'yes'].includes(v) ? 1 : /^\d{1,2}$/.test(v) ? Number(v) : NaN))
    .refine((n) => n >= 0 && n <= 10, 'must be true, false or the number of proxies in front (0–10)'),
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
