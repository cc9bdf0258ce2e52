import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    testTimeout: 30_000,
    // Browser suites share one app and two cores: a page may take seconds to settle, not one.
    expect: { poll: { timeout: 10_000 } },
    hookTimeout: 120_000,
    pool: 'forks',
    // Each file gets its own database cloned from a migrated template; two cores, two workers.
    maxWorkers: 2,
  },
});
