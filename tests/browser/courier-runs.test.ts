import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '@cuntong/seeds/demo';
import { formatCount } from '../../client/src/utils/format';
import { shanghaiToday } from '../../client/src/utils/shanghai-time';
import { DATABASE_URL } from '../support/env';
import { ADMIN_PASSWORD, exported, hasChromium, hasHorizontalScroll, login, newContext, NO_CHROMIUM_REASON, openPage, PHONE, pickOption, SCREENSHOTS, useAppDb, useBrowserApp } from '../support/browser';

/** The operator of 洪绪镇's town station, so the staff of 洪绪镇快递共配站 (courier.demo.ts). */
const HUB_STAFF = 'zhan.hongxu';
const DESK = { width: 1366, height: 768 };

const { query } = useAppDb();

/** What waits in the page's outbox (IndexedDB), read as the page sees it. */
function outboxEntries(page: Page): Promise<{ key: string; kind: string; payload: Record<string, unknown>; state: string }[]> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('cuntong-outbox');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction('entries').objectStore('entries').getAll();
          all.onsuccess = () => resolve(all.result);
          all.onerror = () => reject(all.error);
        };
      }),
  );
}

/** Press a stepper's + button n times. */
async function plus(stepper: ReturnType<Page['getByTestId']>, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await stepper.locator('.el-input-number__increase').click();
}

describe.runIf(hasChromium && !!DATABASE_URL)(`the courier run log, coverage and costs in Chromium${hasChromium ? '' : ` (skipped: ${NO_CHROMIUM_REASON})`}`, () => {
  const app = useBrowserApp();
  it('at 360 px the hub staff enter today’s run with no signal: it waits in the outbox, arrives once when back online, and is corrected', async () => {
    const context = await newContext(app.browser, app.url, PHONE);
    const page = await openPage(context, 'courier-runs-phone');
    await login(page, HUB_STAFF, DEMO_PASSWORD);
    await page.goto('/courier/runs');
    const form = page.getByTestId('run-form');

    // their one hub: no hub to pick; a route of it, today by default
    await expect.poll(() => form.getAttribute('data-loaded')).toBe('yes');
    expect(await page.getByTestId('run-hub').count()).toBe(0);
    // one of their routes with a few stops and no run today (the demo's runs end yesterday; the last such route, away from other suites' first picks)
    const today = shanghaiToday();
    const [route] = await query<{ id: number; name: string }>(
      `select rt.id, rt.name from courier_routes rt join courier_hubs h on h.id = rt.hub_id
        where h.name = '洪绪镇快递共配站' and rt.active and not exists (select 1 from courier_runs r where r.route_id = rt.id and r.run_date = $1)
          and (select count(*) from courier_route_stops st where st.route_id = rt.id
                and st.version = (select max(v.version) from courier_route_versions v where v.route_id = rt.id and v.effective_from <= $1)) >= 3
        order by rt.id desc limit 1`,
      [today],
    );
    await pickOption(page, 'run-route', route.name);
    expect(await form.getAttribute('data-day')).toBe(today);
    await expect.poll(() => form.getAttribute('data-route-id')).toBe(String(route.id));
    await expect.poll(() => form.getAttribute('data-loaded')).toBe('yes');

    // the route's stops in order, as the version in force today has them
    const planned = await query<{ station_id: number }>(
      `select st.station_id from courier_route_stops st where st.route_id = $1
         and st.version = (select max(version) from courier_route_versions v where v.route_id = $1 and v.effective_from <= $2) order by st.seq`,
      [route.id, today],
    );
    const stops = page.getByTestId('run-stop');
    await expect.poll(() => stops.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-station-id'))))).toEqual(planned.map((s) => s.station_id));
    expect(planned.length).toBeGreaterThan(2);
    expect(await page.getByTestId('run-status').textContent()).toContain('新登记');
    expect(await query('select 1 from courier_runs where route_id = $1 and run_date = $2', [route.id, today])).toEqual([]);
    expect(await hasHorizontalScroll(page)).toBe(false);

    // on the road, no signal: the first stop reached now with parcels of two carriers, the second missed for the weather
    await context.setOffline(true);
    await page.getByTestId('run-departed').fill('07:20');
    const first = stops.nth(0);
    await first.getByTestId('run-stop-now').click();
    expect(await first.getByTestId('run-stop-arrived').inputValue()).toMatch(/^\d{2}:\d{2}$/);
    await plus(first.getByTestId('run-delivered').nth(0), 3);
    await plus(first.getByTestId('run-collected').nth(0), 1);
    await plus(first.getByTestId('run-delivered').nth(1), 2);
    const carriers = await first.getByTestId('run-delivered').evaluateAll((els) => els.slice(0, 2).map((e) => Number(e.getAttribute('data-carrier-id'))));
    await stops.nth(1).getByText('未到达', { exact: true }).click();
    await pickOption(page, 'run-stop-reason', '天气原因');
    await page.getByTestId('run-returned').fill('11:40');
    await page.getByTestId('run-km').fill('86.4');
    await page.getByTestId('run-cost').fill('215.5');
    await page.getByTestId('run-subsidy').fill('64.65');
    await page.getByTestId('run-note').fill('离线登记');
    expect(await page.getByTestId('run-totals').textContent()).toContain('派件 5 · 揽件 1 · 未到 1 站');
    await page.getByTestId('run-save').click();

    // kept on the phone, in the page's list and the header's badge; nothing on the server yet
    await expect.poll(() => page.getByTestId('run-pending').textContent()).toContain('待上传 1 条');
    await expect.poll(() => page.getByTestId('header-pending').textContent()).toContain('待上传 1 条');
    const waiting = await outboxEntries(page);
    expect(waiting.map((e) => [e.kind, e.state, e.payload.routeId, e.payload.runDate])).toEqual([['courier.runs.save', 'waiting', route.id, today]]);
    expect(await query('select 1 from courier_runs where route_id = $1 and run_date = $2', [route.id, today])).toEqual([]);
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'courier-runs-phone-offline.png'), fullPage: true });

    // back online: sent by itself, once; the form now shows the run as entered
    await context.setOffline(false);
    await expect.poll(() => page.getByTestId('run-pending').count(), { timeout: 30_000 }).toBe(0);
    await expect.poll(() => page.getByTestId('header-pending').count()).toBe(0);
    const runs = () => query<{ id: number; km: number; cost_fen: number; subsidy_fen: number; departed_at: string; returned_at: string; note: string; source: string }>(
      'select id, km, cost_fen, subsidy_fen, departed_at, returned_at, note, source from courier_runs where route_id = $1 and run_date = $2',
      [route.id, today],
    );
    await expect.poll(async () => (await runs()).length).toBe(1);
    const [run] = await runs();
    expect(run).toMatchObject({ km: '86.4', cost_fen: 21550, subsidy_fen: 6465, departed_at: '07:20', returned_at: '11:40', note: '离线登记', source: 'entered' });
    const stored = await query<{ station_id: number; missed: boolean; missed_reason: string | null }>('select station_id, missed, missed_reason from courier_run_stops where run_id = $1', [run.id]);
    expect(stored).toHaveLength(planned.length);
    expect(stored.filter((s) => s.missed)).toEqual([{ station_id: planned[1].station_id, missed: true, missed_reason: 'weather' }]);
    const parcels = await query<{ station_id: number; carrier_id: number; delivered: number; collected: number }>(
      'select station_id, carrier_id, delivered, collected from courier_run_parcels where run_id = $1 order by carrier_id',
      [run.id],
    );
    expect(parcels).toEqual(
      [
        { station_id: planned[0].station_id, carrier_id: carriers[0], delivered: 3, collected: 1 },
        { station_id: planned[0].station_id, carrier_id: carriers[1], delivered: 2, collected: 0 },
      ].sort((a, b) => a.carrier_id - b.carrier_id),
    );
    expect(await query('select 1 from client_keys where key = $1', [waiting[0].key])).toHaveLength(1);
    await expect.poll(() => page.getByTestId('run-status').textContent()).toContain('已登记');

    // the same key sent again (a phone that never heard the answer): the server's replay, nothing written twice
    const replay = await page.evaluate(async (entry) => {
      const res = await fetch('/trpc/courier.runs.save', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...entry.payload, clientKey: entry.key }) });
      return (await res.json()).result?.data;
    }, waiting[0]);
    expect(replay).toEqual({ id: run.id, replay: true });
    expect((await runs()).map((r) => r.id)).toEqual([run.id]);
    const audits = await query(`select 1 from audit_log where entity = 'courier_run' and actor_login = $1 and after->>'route_id' = $2 and after->>'run_date' = $3`, [
      HUB_STAFF,
      String(route.id),
      today,
    ]);
    expect(audits).toHaveLength(1);

    // the month's runs list it; corrected online, the same route and day hold one run with the new figure
    await expect.poll(() => page.locator('[data-testid="runs-table"] .el-table__body tr', { hasText: route.name }).first().textContent()).toContain(today);
    await page.getByTestId('run-km').fill('90');
    await page.getByTestId('run-save').click();
    await expect.poll(() => page.locator('.el-message--success').first().textContent()).toContain('已保存');
    await expect.poll(async () => (await runs()).map((r) => r.km)).toEqual(['90.0']);
    expect(await hasHorizontalScroll(page)).toBe(false);

    // a carrier that left the hub between loading and saving (the request names one not at 洪绪's hub):
    // the server's refusal is shown in the user's language, nothing is queued, the stored run stays
    const [outsider] = await query<{ id: number; name: string }>(
      `select c.id, c.name from courier_carriers c where not exists (select 1 from courier_hub_carriers hc join courier_hubs h on h.id = hc.hub_id
         where hc.carrier_id = c.id and h.name = '洪绪镇快递共配站') order by c.id limit 1`,
      [],
    );
    await page.route('**/trpc/courier.runs.save**', async (request) => {
      const batch = JSON.parse(request.request().postData()!);
      batch['0'].stops[0].parcels[0].carrierId = outsider.id;
      await request.continue({ postData: JSON.stringify(batch) });
    });
    await page.getByTestId('run-km').fill('91');
    await page.getByTestId('run-save').click();
    await expect.poll(() => page.getByTestId('run-error').textContent()).toContain(`“${outsider.name}”未加入本共配中心`);
    await page.getByTestId('lang-en').click();
    await expect.poll(() => page.getByTestId('run-save').textContent()).toContain('Save the correction');
    await page.getByTestId('run-save').click();
    await expect.poll(() => page.getByTestId('run-error').textContent()).toContain(`"${outsider.name}" does not take part at this hub`);
    await page.unroute('**/trpc/courier.runs.save**');
    expect(await page.getByTestId('run-pending').count()).toBe(0);
    expect((await runs()).map((r) => r.km)).toEqual(['90.0']);
    await page.getByTestId('lang-zh-CN').click();
    await expect.poll(() => page.getByTestId('run-save').textContent()).toContain('保存更正');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'courier-runs-phone.png'), fullPage: true });
    await context.close();
  }, 120_000);

  it('at 1366 px the admin sees coverage by town with the villages not served, and costs per parcel; both export to Excel', async () => {
    const context = await newContext(app.browser, app.url, DESK);
    const page = await openPage(context, 'courier-coverage-desk');
    await login(page, 'admin', ADMIN_PASSWORD);

    // 覆盖率: the snapshot's figure for this month, under 100 % (villages with no village point, a few points
    // on no route, two routes four days a week); served of all administrative villages beside it
    await page.goto('/courier/coverage');
    await page.locator('[data-testid="coverage-chart"] canvas').first().waitFor();
    const month = shanghaiToday().slice(0, 7);
    const figures = await query<{ metric_key: string; value: string }>(
      `select metric_key, value from metric_values where region_code = '370481000000' and period = $1 and metric_key in ('courier.coverage', 'courier.villages_served')`,
      [month],
    );
    const figure = (key: string) => Number(figures.find((f) => f.metric_key === key)!.value);
    const [{ villages }] = await query<{ villages: number }>(`select administrative_village_count as villages from region_rollups where region_code = '370481000000'`, []);
    expect(figure('courier.coverage')).toBeGreaterThan(0.5);
    expect(figure('courier.coverage')).toBeLessThan(1);
    await expect.poll(() => page.getByTestId('coverage-rate').textContent()).toBe(`${(Math.round(figure('courier.coverage') * 1000) / 10).toFixed(1)}%`);
    expect(await page.getByTestId('coverage-served').textContent()).toBe(`${formatCount(figure('courier.villages_served'))} / ${formatCount(villages)}`);
    expect(await page.getByTestId('coverage-rule').textContent()).toContain('每周至少 5 天');
    await expect.poll(() => page.locator('[data-testid="coverage-towns"] .el-table__body tr').count()).toBeGreaterThan(10);
    const unservedRows = page.locator('[data-testid="coverage-unserved-table"] .el-table__body tr');
    await expect.poll(() => unservedRows.count()).toBeGreaterThan(0);
    const reasons = await page.getByTestId('coverage-unserved-reason').evaluateAll((els) => els.map((e) => e.getAttribute('data-reason')));
    expect(new Set(reasons).size).toBeGreaterThan(0);
    expect(reasons.every((r) => ['no_point', 'no_route', 'too_few_days'].includes(r!))).toBe(true);
    expect(await page.getByTestId('coverage-unserved').textContent()).toContain(`未覆盖的行政村（${reasons.length} 个）`);
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'courier-coverage-1366.png'), fullPage: true });

    const unserved = await exported(page);
    expect(unserved.filename).toMatch(/^courier-unserved-\d{4}-\d{2}.*\.xlsx$/);
    expect(unserved.rows[0]).toEqual(['镇街', '村代码', '行政村', '村级服务点', '原因']);
    expect(unserved.rows.length).toBe(reasons.length + 1);
    expect(unserved.rows.slice(1).every((row) => ['没有村级服务点', '服务点不在线路上', '每周送达天数不足'].includes(String(row[4])))).toBe(true);

    // 成本与时效: cost and subsidy per parcel month by month, the month's parcels a day by carrier, the table
    await page.goto('/courier/costs');
    await page.locator('[data-testid="costs-chart"] canvas').first().waitFor();
    await page.locator('[data-testid="costs-parcels-chart"] canvas').first().waitFor();
    await expect.poll(() => page.getByTestId('costs-cost-per-parcel').textContent()).toMatch(/^\d+\.\d{2}$/);
    expect(await page.getByTestId('costs-on-time').textContent()).toMatch(/^\d+(\.\d)?%$/);
    // the demo misses a few stops a month, each with its reason
    expect(await page.getByTestId('costs-missed-reasons').textContent()).toMatch(/未到站原因：.*(道路不通|天气原因|车辆故障|服务点关门) \d+/);
    await expect.poll(() => page.locator('[data-testid="costs-table"] .el-table__body tr').count()).toBeGreaterThan(3);
    expect(await page.locator('[data-testid="costs-table"] .el-table__body tr').first().textContent()).toContain('全部快递公司');
    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'courier-costs-1366.png'), fullPage: true });

    const costs = await exported(page);
    expect(costs.filename).toMatch(/^courier-costs.*\.xlsx$/);
    expect(costs.rows[0]).toContain('每件成本（元）');
    // three hubs, a few months, every carrier's line and the hubs' totals
    expect(costs.rows.length).toBeGreaterThan(3 * 3);
    expect(costs.rows.some((row) => row[2] === '全部快递公司')).toBe(true);
    await context.close();
  }, 90_000);
});
