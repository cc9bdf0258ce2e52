import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '@cuntong/server/config';
import { createDb } from '@cuntong/server/db/create-db';
import { migrateToLatest } from '@cuntong/server/db/migrate';
import { ensureFirstAdmin, firstAdminNotice } from '@cuntong/server/modules/auth/users.service';
import { shanghaiToday } from '@cuntong/server/lib/dates';
import { DEFAULT_SEED, DEMO_COUNTY_CODE, DEMO_PASSWORD, DEMO_USERS, seedDemo } from './demo';
import { seedScale } from './scale';
import { DEMO_OPERATORS } from '@cuntong/server/modules/stations/stations.demo';

// pnpm seed [--scale demo|county|province] [--seed N] [--if-empty] [--county 370481] [--province 37]
const SCALES = ['demo', 'county', 'province'] as const;
const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: 'demo' },
    seed: { type: 'string', default: String(DEFAULT_SEED) },
    'if-empty': { type: 'boolean', default: false },
    county: { type: 'string', default: DEMO_COUNTY_CODE.slice(0, 6) },
    province: { type: 'string', default: '37' },
  },
});
const scale = values.scale as (typeof SCALES)[number];
if (!SCALES.includes(scale)) {
  console.error(`未知规模 / unknown scale "${values.scale}": use ${SCALES.join(', ')}`);
  process.exit(2);
}
const prefix = scale === 'county' ? values.county!.slice(0, 6) : values.province!.slice(0, 2);
if (scale !== 'demo' && !new RegExp(`^\\d{${scale === 'county' ? 6 : 2}}$`).test(prefix)) {
  console.error(`--${scale} 须为区划代码 / --${scale} must be a division code, got "${values[scale]}"`);
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
if (scale === 'province' && !config.DATABASE_URL) {
  // ≈2,000,000 ledger rows and ≈3,000,000 streams: a benchmark for the real database, not for the embedded one.
  console.error('省级规模数据只在 PostgreSQL 上生成：请设置 DATABASE_URL / the province scale runs on PostgreSQL only: set DATABASE_URL.');
  process.exit(2);
}
const handle = await createDb({ databaseUrl: config.DATABASE_URL, dataDir: path.join(config.DATA_DIR, 'pglite') });
try {
  await migrateToLatest(handle.db);
  // The first admin comes before any demo user, so "first start with no users" holds either way.
  const admin = await ensureFirstAdmin(handle, { adminPassword: config.ADMIN_PASSWORD });
  if (admin) console.log(firstAdminNotice(admin));
  const empty = !(await handle.db.selectFrom('regions').select('code').limit(1).executeTakeFirst());
  if (scale !== 'demo') {
    console.log(`  正在生成${scale === 'county' ? '县级' : '省级'}规模数据 / generating ${scale} scale data under ${prefix}…`);
    const made = await seedScale(handle.db, { prefix, seed, today: shanghaiToday() });
    console.log(
      `  完成 / done in ${(made.ms / 1000).toFixed(1)} s: ${made.villages} villages, ${made.stations} stations, ` +
        `${made.ledgerEntries} ledger entries, ${made.livestream.bases} livestream bases, ${made.livestream.hosts} hosts, ` +
        `${made.livestream.streams} streams added (what was there is kept).\n`,
    );
  } else if (values['if-empty'] && (!config.SEED_DEMO || !empty)) {
    if (!empty) console.log('  数据库已有数据，跳过演示数据 / database already has data; demo seed skipped.');
  } else {
    const started = Date.now();
    const summary = await seedDemo(handle.db, { seed });
    console.log(
      `  演示县 滕州市 已就绪 / demo county ready (${Date.now() - started} ms): ` +
        `${summary.regionsInserted} regions, ${summary.villages} villages, ${summary.stations} stations, ` +
        `${summary.ledgerEntries} ledger entries, ${summary.training.courses} courses, ${summary.training.trainees} trainees, ` +
        `${summary.training.personTimes} person-times this year, ${summary.livestream.bases} livestream bases, ` +
        `${summary.livestream.hosts} hosts (${summary.livestream.activeTaobao} active on Taobao Live), ${summary.livestream.streams} streams, ` +
        `users: ${summary.users.join(', ') || 'existing'}`,
    );
  }
  if (scale === 'demo') printDemoLogins(!!config.ADMIN_PASSWORD);
} finally {
  await handle.close();
}

function printDemoLogins(adminPasswordSet: boolean) {
  console.log(`\n  演示账号 / demo logins (password "${DEMO_PASSWORD}"):`);
  for (const u of [...DEMO_USERS, ...DEMO_OPERATORS]) console.log(`    ${u.loginName.padEnd(14)} ${u.role.padEnd(22)} ${u.displayName}`);
  console.log(`    ${'admin'.padEnd(14)} ${'admin'.padEnd(22)} ${adminPasswordSet ? 'ADMIN_PASSWORD' : '首次启动时打印的密码 / the password printed at first start'}\n`);
}
