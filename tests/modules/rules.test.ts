import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translate } from '@cuntong/server/i18n/messages';
import { AppError } from '@cuntong/server/lib/app-error';
import { quietRule } from '@cuntong/server/modules/stations/stations.rules';
import { activeHostRule } from '@cuntong/server/modules/livestream/livestream.rules';
import { ruleAt } from '@cuntong/server/rules/rules.service';
import { createHarness, type Harness } from '../support/harness';
import { refusal } from '../support/refusal';

describe('rule parameters are read through the rule’s schema', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  it('reads a stored version typed, filling in defaults for parameters it does not store', async () => {
    expect(await ruleAt(h.db, quietRule, '2026-11-15')).toEqual({ version: 1, params: { days: 30 }, effectiveFrom: '2000-01-01' });
    await h.db.insertInto('rule_versions').values({ rule_key: 'station.quiet', version: 2, params: JSON.stringify({}), effective_from: '2026-10-01' }).execute();
    expect((await ruleAt(h.db, quietRule, '2026-11-15')).params).toEqual({ days: 30 });
  });

  it('refuses a stored version that does not fit the schema, with a message naming the rule, the version and the parameter', async () => {
    await h.db.insertInto('rule_versions').values({ rule_key: 'station.quiet', version: 3, params: JSON.stringify({ days: 'soon' }), effective_from: '2026-11-01' }).execute();
    const err = await ruleAt(h.db, quietRule, '2026-11-15').then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    const app = err as AppError;
    expect(app.code).toBe('RULE_PARAMS_INVALID');
    expect(app.params).toMatchObject({ rule: 'station.quiet', version: 3 });
    expect(String(app.params.detail)).toMatch(/^days: /);
    expect(translate('en', app.code, app.params)).toMatch(/^Version 3 of rule station\.quiet has invalid parameters \(days: .+\): an administrator must correct the rule first\.$/);
    // a day before the bad version still reads the good one
    expect((await ruleAt(h.db, quietRule, '2026-10-15')).version).toBe(2);
  });

  it('shows the admin the invalid version instead of a cast value on the rule page', async () => {
    await h.db
      .insertInto('rule_versions')
      .values({ rule_key: activeHostRule.key, version: 2, params: JSON.stringify({ windowDays: 30, minStreams: -1, minMinutes: 30 }), effective_from: '2026-01-01' })
      .execute();
    const admin = await h.user('admin');
    const refused = await refusal(h.deps, h.caller(admin.actor).livestream.metrics.rule.list(), 'en');
    expect(refused.appCode).toBe('RULE_PARAMS_INVALID');
    expect(refused.params).toMatchObject({ rule: 'livestream.active_host', version: 2 });
    expect(refused.message).toMatch(/minStreams/);
  });
});
