import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Migration } from 'kysely/migration';
import { allMigrations } from '@cuntong/server/db/migrate';
import { migrations as sharedMigrations } from '@cuntong/server/db/migrations/index';
import { LANGS, messageCatalog, translate, type MessageKey } from '@cuntong/server/i18n/messages';
import type { JobName, JobPayload } from '@cuntong/server/jobs/contracts';
import { jobDefinitions } from '@cuntong/server/jobs/handlers';
import { buildRegistry, jobNames, parsePayload, type JobDefinition } from '@cuntong/server/jobs/registry';
import { AppError } from '@cuntong/server/lib/app-error';
import { modules } from '@cuntong/server/modules/index';
import { registeredRules } from '@cuntong/server/rules/registry';
import { appRouter } from '@cuntong/server/router';

describe('the module list (modules/index.ts)', () => {
  it('mounts each module’s router at its name, in list order', () => {
    expect(Object.keys(appRouter._def.record)).toEqual(modules.map((m) => m.name));
    const paths = Object.keys(appRouter._def.procedures);
    for (const mod of modules) {
      const own = Object.keys(mod.router._def.procedures).map((path) => `${mod.name}.${path}`);
      expect(own.length).toBeGreaterThan(0);
      expect(paths).toEqual(expect.arrayContaining(own));
    }
    expect(paths.length).toBe(modules.reduce((n, m) => n + Object.keys(m.router._def.procedures).length, 0));
  });

  it('registers every job a module declares, with its handler and payload contract', () => {
    const registry = buildRegistry(jobDefinitions);
    for (const mod of modules) {
      for (const [name, spec] of Object.entries(mod.jobs)) {
        expect(name.startsWith(`${mod.name}.`)).toBe(true);
        expect(registry.get(name as JobName)?.handler).toBe(spec.handler);
        expect(registry.get(name as JobName)?.schedule).toEqual(spec.schedule);
      }
    }
    expect(jobNames()).toEqual(modules.flatMap((m) => Object.keys(m.jobs)));
    // the payload is parsed with the module's schema
    expect(() => parsePayload('regions.rollup', { countyCode: 'nope' })).toThrow(AppError);
    expect(parsePayload('regions.rollup', { countyCode: '370481000000' })).toEqual({ countyCode: '370481000000' });
  });

  it('refuses a declared job whose handler is missing', () => {
    const withoutHandler = jobDefinitions.map((d) => (d.name === 'training.recompute' ? ({ ...d, handler: undefined } as unknown as JobDefinition) : d));
    expect(() => buildRegistry(withoutHandler)).toThrow(/no handler for "training.recompute"/);
  });

  it('collects every module’s messages, in every language, with the shared ones', () => {
    const catalog = messageCatalog();
    for (const mod of modules) {
      expect(Object.keys(mod.messages.en).sort()).toEqual(Object.keys(mod.messages['zh-CN']).sort());
      for (const lang of LANGS) {
        for (const [key, text] of Object.entries(mod.messages[lang])) expect(catalog[lang][key]).toBe(text);
      }
    }
    expect(Object.keys(catalog.en).sort()).toEqual(Object.keys(catalog['zh-CN']).sort());
    // a module's key and a shared one, both translated
    expect(translate('en', 'STATION_NOT_FOUND')).toBe('No such station.');
    expect(translate('zh-CN', 'INTERNAL')).toMatch(/服务器出错了/);
  });

  it('registers every module’s rules, each key once, with defaults for every parameter', () => {
    const rules = registeredRules();
    expect([...rules.keys()].sort()).toEqual(['courier.coverage', 'livestream.active_host', 'notifications.thresholds', 'station.activity', 'station.quiet', 'taobao.criteria', 'training.conversion', 'training.qr_check_in']);
    for (const mod of modules) for (const rule of mod.rules) expect(rules.get(rule.key)).toBe(rule);
    // the defaults are the first versions the migrations seeded
    expect(rules.get('station.quiet')!.params.parse({})).toEqual({ days: 30 });
    expect(rules.get('station.activity')!.params.parse({})).toEqual({ windowDays: 30, minDays: 20 });
    expect(rules.get('training.conversion')!.params.parse({})).toEqual({ windowDays: 180 });
    expect(rules.get('training.qr_check_in')!.params.parse({})).toEqual({ tokenSeconds: 30, acceptSeconds: 300, beforeMinutes: 30, afterMinutes: 30 });
    expect(rules.get('livestream.active_host')!.params.parse({})).toEqual({ windowDays: 30, minStreams: 4, minMinutes: 30 });
    expect(rules.get('courier.coverage')!.params.parse({})).toEqual({ minDaysPerWeek: 5, onTimeMinutes: 15 });
  });

  it('runs a module’s own migrations with db/migrations, by name, and refuses a name twice', () => {
    const own: Migration = { up: async () => {} };
    const merged = allMigrations([{ name: 'fiction', migrations: { '2026-12-31-0099-fiction': own } }]);
    expect(Object.keys(merged)).toEqual([...Object.keys(sharedMigrations), '2026-12-31-0099-fiction']);
    expect(merged['2026-12-31-0099-fiction']).toBe(own);
    expect(() => allMigrations([{ name: 'fiction', migrations: { '2026-11-28-0001-foundation': own } }])).toThrow(/2026-11-28-0001-foundation \(module fiction\) is declared twice/);
    // (the migrator runs them by name; the list keeps module order)
    expect(Object.keys(allMigrations()).sort()).toEqual([...Object.keys(sharedMigrations), '2026-12-05-0015-job-runs', '2026-12-05-0016-monthly-reports', '2026-12-05-0017-display-links', '2026-12-05-0018-notifications', '2026-12-05-0019-taobao', '2026-12-05-0020-courier', '2026-12-05-0021-planner']);
  });

  it('keeps job names, payloads and message keys precise types', () => {
    expectTypeOf<JobName>().toEqualTypeOf<'auth.housekeeping' | 'regions.rollup' | 'stations.recompute' | 'training.recompute' | 'livestream.recompute' | 'notifications.evaluate' | 'taobao.evaluate' | 'courier.recompute' | 'planner.plan' | 'operations.recompute' | 'reports.monthly' | 'reports.recompute'>();
    expectTypeOf<JobPayload<'regions.rollup'>>().toEqualTypeOf<{ countyCode?: string | undefined }>();
    expectTypeOf<'STATION_NOT_FOUND'>().toMatchTypeOf<MessageKey>();
    expectTypeOf<'INTERNAL'>().toMatchTypeOf<MessageKey>();
    expectTypeOf<'NOT_A_MESSAGE'>().not.toMatchTypeOf<MessageKey>();
    // @ts-expect-error an unknown key does not typecheck
    translate('en', 'NOT_A_MESSAGE');
  });

  it('lists the demo seed steps in the order their data builds on (seeds/src/demo.ts runs them so)', () => {
    expect(modules.filter((m) => m.seed).map((m) => m.name)).toEqual(['regions', 'stations', 'auth', 'training', 'livestream', 'targets', 'taobao', 'courier', 'operations']);
  });
});
