import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, trpcHttp, type Harness } from '../support/harness';
import { refusal } from '../support/refusal';
import { buildTwoScopes, type TwoScopes } from '../support/two-scopes';

/** Every string anywhere in a value, for "no personal data" checks. */
const strings = (v: unknown): string[] =>
  typeof v === 'string' ? [v] : Array.isArray(v) ? v.flatMap(strings) : v && typeof v === 'object' ? Object.values(v).flatMap(strings) : [];
const keys = (v: unknown): string[] =>
  Array.isArray(v) ? v.flatMap(keys) : v && typeof v === 'object' ? Object.entries(v).flatMap(([k, x]) => [k, ...keys(x)]) : [];

describe('the big screen through a revocable display link', () => {
  let h: Harness;
  let f: TwoScopes;

  beforeAll(async () => {
    h = await createHarness();
    f = await buildTwoScopes(h);
  });
  afterAll(() => h?.close());

  it('shows county aggregates only — no name, phone or id of a person — and today’s live counts', async () => {
    const { token, id } = await f.admin.display.links.create({ label: '服务中心大厅' });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // only its hash is kept
    const stored = await h.db.selectFrom('display_links').select('token_hash').where('id', '=', id).executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(token);

    const screen = await h.caller(null).display.screen({ token });
    expect(screen.county.code).toBe('370481000000');
    expect(screen.indicators.map((p) => p.indicator).sort()).toEqual(['active_hosts', 'courier_coverage', 'online_sales', 'station_activity', 'taobao_towns', 'taobao_villages', 'training_person_times']);
    expect(screen.towns).toHaveLength(21);
    // the fixture checked three people in today, filed two ledgers and streamed twice
    expect(screen.today).toEqual({ checkIns: 3, ledgerEntries: 2, streams: 2 });
    const text = strings(screen).join('\n');
    for (const personal of ['洪绪学员甲', '南沙河学员乙', '13900001111', '洪绪主播甲', '张庄村服务点', f.stations.ours.code]) expect(text).not.toContain(personal);
    for (const key of keys(screen)) expect(key).not.toMatch(/mobile|phone|idcard|trainee/i);
    expect(await h.db.selectFrom('display_links').select('last_seen_at').where('id', '=', id).executeTakeFirstOrThrow()).not.toMatchObject({ last_seen_at: null });
  });

  it('is refused once revoked, and for a token nobody issued, over HTTP without a session', async () => {
    const { token, id } = await f.admin.display.links.create({ label: '会议室' });
    const ok = await trpcHttp(h.app, 'display.screen', { input: { token } });
    expect(ok.status).toBe(200);
    await f.admin.display.links.revoke({ id });
    const revoked = await trpcHttp(h.app, 'display.screen', { input: { token } });
    expect(revoked.status).toBe(403);
    expect(revoked.body.error!.data.appCode).toBe('DISPLAY_LINK_REVOKED');
    const forged = await trpcHttp(h.app, 'display.screen', { input: { token: 'A'.repeat(43) } });
    expect(forged.body.error!.data.appCode).toBe('DISPLAY_LINK_INVALID');
    expect(await refusal(h.deps, f.admin.display.links.revoke({ id }))).toMatchObject({ appCode: 'DISPLAY_LINK_NOT_ACTIVE' });
    const audit = await h.db.selectFrom('audit_log').select('action').where('entity', '=', 'display_link').where('entity_id', '=', String(id)).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['create', 'revoke']);
    const links = await f.admin.display.links.list();
    expect(links.find((l) => l.id === id)?.revokedAt).not.toBeNull();
  });
});
