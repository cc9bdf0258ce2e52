import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '@cuntong/server/config';
import { createDb } from '@cuntong/server/db/create-db';
import { migrateToLatest } from '@cuntong/server/db/migrate';
import { ensureFirstAdmin } from '@cuntong/server/modules/auth/users.service';
import { DEFAULT_SEED, DEMO_PASSWORD, DEMO_USERS, seedDemo } from './demo';

// pnpm seed [--scale demo] [--seed N] [--if-empty]
const SCALES = ['demo', 'county', 'province'] as const;
const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: 'demo' },
    seed: { type: 'string', default: String(DEFAULT_SEED) },
    'if-empty': { type: 'boolean', default: false },
  },
});
const scale = values.scale as (typeof SCALES)[number];
if (!SCALES.includes(scale)) {
  console.error(`未知规模 / unknown scale "${values.scale}": use ${SCALES.join(', ')}`);
  process.exit(2);
}
if (scale !== 'demo') {
  // The benchmark scales arrive with the domains that have something to scale (stations, training, livestream).
  console.error(`规模 "${scale}" 尚未实现 / scale "${scale}" is not implemented yet; only "demo" is.`);
  process.exit(2);
}
const seed = Number(values.seed);
if (!Number.isInteger(seed)) {
  console.error(`--seed 必须是整数 / --seed must be an integer, got "${values.seed}"`);
  process.exit(2);
}

let config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) (console.error(err.message), process.exit(1));
  throw err;
}
const handle = await createDb({ databaseUrl: config.DATABASE_URL, dataDir: path.join(config.DATA_DIR, 'pglite') });
try {
  await migrateToLatest(handle.db);
  // The first admin comes before any demo user, so "first start with no users" holds either way.
  const admin = await ensureFirstAdmin(handle.db, config.ADMIN_PASSWORD);
  if (admin?.generated) {
    console.log(`\n  首个管理员已创建 / first admin created: login "admin", password "${admin.password}"\n  此密码只显示这一次 / shown only this once.`);
  }
  const empty = !(await handle.db.selectFrom('regions').select('code').limit(1).executeTakeFirst());
  if (values['if-empty'] && (!config.SEED_DEMO || !empty)) {
    if (!empty) console.log('  数据库已有数据，跳过演示数据 / database already has data; demo seed skipped.');
  } else {
    const started = Date.now();
    const summary = await seedDemo(handle.db, { seed });
    console.log(
      `  演示县 滕州市 已就绪 / demo county ready (${Date.now() - started} ms): ` +
        `${summary.regionsInserted} regions, ${summary.villages} villages, users: ${summary.users.join(', ') || 'existing'}`,
    );
  }
  console.log(`\n  演示账号 / demo logins (password "${DEMO_PASSWORD}"):`);
  for (const u of DEMO_USERS) console.log(`    ${u.loginName.padEnd(14)} ${u.role.padEnd(22)} ${u.displayName}`);
  console.log(`    ${'admin'.padEnd(14)} ${'admin'.padEnd(22)} ${config.ADMIN_PASSWORD ? 'ADMIN_PASSWORD' : '首次启动时打印的密码 / the password printed at first start'}\n`);
} finally {
  await handle.close();
}
