import { sql } from 'kysely';
import type { z } from 'zod';
import type { Db } from '../../db/create-db';
import { toXlsx, yuanCell } from '../../lib/excel';
import { regionPrefix } from '../auth/scope';
import { parseRuleParams } from '../../rules/rules.service';
import { QUIET_RULE, quietRule } from './stations.rules';
import { RANKING_METRICS, type quietExportInput, type RankingMetric, type rankingExportInput } from './stations.schemas';

/**
 * Quiet stations (僵尸站点 candidates) by town, from the activity snapshot, with the phones to call:
 * the station's own and its operators'. For bureau staff only (the procedure says so).
 */
export async function listQuietStations(db: Db, filter: { townCode?: string }) {
  const rows = await db
    .selectFrom('station_activity as a')
    .innerJoin('stations as s', 's.id', 'a.station_id')
    .innerJoin('regions as r', 'r.code', 's.region_code')
    .leftJoin('regions as town', (join) => join.on(sql<boolean>`town.code = case s.tier when 'village_point' then r.parent_code else s.region_code end`))
    .select([
      's.id',
      's.code',
      's.name',
      's.tier',
      's.phone',
      'r.name as region_name',
      'town.code as town_code',
      'town.name as town_name',
      'a.last_entry_date',
      'a.last_active_date',
      'a.quiet_days',
      'a.as_of',
      'a.rule_version',
    ])
    .where('a.quiet', '=', true)
    .$if(!!filter.townCode, (q) => q.where('s.region_code', 'like', `${regionPrefix(filter.townCode!)}%`))
    .orderBy('town.code')
    .orderBy('a.quiet_days', 'desc')
    .execute();
  const ids = rows.map((r) => String(r.id));
  const operators = ids.length
    ? await db
        .selectFrom('user_scopes as us')
        .innerJoin('users as u', 'u.id', 'us.user_id')
        .select(['us.ref', 'u.display_name', 'u.mobile'])
        .where('us.kind', '=', 'station')
        .where('us.ref', 'in', ids)
        .where('u.disabled_at', 'is', null)
        .execute()
    : [];
  const versions = [...new Set(rows.map((r) => r.rule_version))];
  const rules = versions.length
    ? await db.selectFrom('rule_versions').select(['version', 'params']).where('rule_key', '=', QUIET_RULE).where('version', 'in', versions).execute()
    : [];
  const daysOf = new Map(rules.map((r) => [r.version, parseRuleParams(quietRule, r.params, r.version).days]));
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    name: r.name,
    tier: r.tier,
    regionName: r.region_name,
    townCode: r.town_code,
    townName: r.town_name,
    stationPhone: r.phone,
    operators: operators.filter((o) => o.ref === String(r.id)).map((o) => ({ displayName: o.display_name, mobile: o.mobile })),
    lastEntryDate: r.last_entry_date,
    lastActiveDate: r.last_active_date,
    quietDays: r.quiet_days,
    asOf: r.as_of,
    ruleVersion: r.rule_version,
    ruleDays: daysOf.get(r.rule_version) ?? null,
  }));
}

/** The quiet list as a sheet: one cell holds the operators with their mobiles. */
export async function exportQuietStations(db: Db, input: z.output<typeof quietExportInput>) {
  const rows = (await listQuietStations(db, input.list)).map((r) => ({
    ...r,
    operators: r.operators.map((o) => [o.displayName, o.mobile].filter(Boolean).join(' ')).join('、'),
  }));
  return toXlsx(rows, input.columns, { sheetName: input.sheetName, filenameStem: 'quiet-stations' });
}

export { RANKING_METRICS, type RankingMetric };

/**
 * The towns of a county for one month, side by side: 上行/下行 amounts, parcels, income, active
 * village points, coverage and quiet stations, from the snapshots. Sorted by the chosen figure.
 */
export async function townRanking(db: Db, input: { countyCode: string; period: string; by: RankingMetric }) {
  const towns = await db
    .selectFrom('regions')
    .select(['code', 'name'])
    .where('parent_code', '=', input.countyCode)
    .where('level', '=', 'town')
    .orderBy('code')
    .execute();
  const values = await db
    .selectFrom('metric_values')
    .select(['metric_key', 'region_code', 'period', 'value'])
    .where('metric_key', 'like', 'stations.%')
    .where('region_code', 'in', [input.countyCode, ...towns.map((t) => t.code)])
    .where((eb) => eb.or([eb('period', '=', input.period), eb('metric_key', 'in', ['stations.village_points_active', 'stations.coverage', 'stations.quiet', 'stations.villages_covered', 'stations.administrative_villages'])]))
    .execute();
  // snapshot metrics (coverage…) exist for the month they were computed in: take the latest
  const latest = new Map<string, { period: string; value: number }>();
  for (const v of values) {
    const key = `${v.region_code}|${v.metric_key}`;
    const isMonthly = (RANKING_METRICS as readonly string[]).includes(v.metric_key);
    if (isMonthly && v.period !== input.period) continue;
    const seen = latest.get(key);
    if (!seen || v.period > seen.period) latest.set(key, { period: v.period, value: Number(v.value) });
  }
  const figure = (code: string, key: string) => latest.get(`${code}|${key}`)?.value ?? 0;
  const row = (code: string, name: string) => ({
    regionCode: code,
    name,
    salesAmountFen: figure(code, 'stations.sales_amount_fen'),
    purchaseAmountFen: figure(code, 'stations.purchase_amount_fen'),
    parcels: figure(code, 'stations.parcels'),
    incomeFen: figure(code, 'stations.income_fen'),
    activePoints: figure(code, 'stations.village_points_active'),
    villagesCovered: figure(code, 'stations.villages_covered'),
    administrativeVillages: figure(code, 'stations.administrative_villages'),
    coverage: figure(code, 'stations.coverage'),
    quiet: figure(code, 'stations.quiet'),
  });
  const byKey = {
    'stations.sales_amount_fen': 'salesAmountFen',
    'stations.purchase_amount_fen': 'purchaseAmountFen',
    'stations.parcels': 'parcels',
    'stations.income_fen': 'incomeFen',
  } as const;
  const rows = towns.map((t) => row(t.code, t.name)).sort((a, b) => b[byKey[input.by]] - a[byKey[input.by]]);
  const county = await db.selectFrom('regions').select('name').where('code', '=', input.countyCode).executeTakeFirst();
  return { period: input.period, towns: rows.map((r, i) => ({ ...r, rank: i + 1 })), county: row(input.countyCode, county?.name ?? input.countyCode) };
}

/** The ranking as a sheet: amounts in yuan, coverage in per cent, the county total as the last row. */
export async function exportTownRanking(db: Db, input: z.output<typeof rankingExportInput> & { list: { countyCode: string } }) {
  const ranking = await townRanking(db, input.list);
  const rows = [...ranking.towns, { ...ranking.county, rank: null }].map((r) => ({
    ...r,
    salesAmountYuan: yuanCell(r.salesAmountFen),
    purchaseAmountYuan: yuanCell(r.purchaseAmountFen),
    incomeYuan: yuanCell(r.incomeFen),
    coveragePercent: Math.round(r.coverage * 10_000) / 100,
  }));
  return toXlsx(rows, input.columns, { sheetName: input.sheetName, filenameStem: `town-ranking-${ranking.period}` });
}
