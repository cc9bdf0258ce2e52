import { z } from 'zod';
import type { MissedReason } from '../../db/enums';
import { shanghaiToday } from '../../lib/dates';
import { idSchema } from '../../lib/schema';
import { normaliseText, parseClock, parseCount, parseDay, parseYuanToFen } from '../../lib/sheet';
import { sheetColumns } from '../../imports/sheet-mapping';
import { commitMode, defineImport, importRequest, noExtras, previewQuery, type ImportRow, type ImportTools } from '../../imports/sheet-import';
import type { RunInput } from './courier.schemas';
import { enqueueRecompute, hubById, judgeRun, routeVersionAt, writeRun } from './courier.service';

/**
 * The hub's daily sheet (共配中心日报), on the shared import pipeline: one row per route, day, stop and
 * carrier — parcels delivered and collected — with the run's own figures (departure, return, km,
 * cost, subsidy) on any of its rows. The rows of one route and day make one run, judged exactly as a
 * run entered on a phone is (courier.service.ts `judgeRun`); a run is written whole or not at all: a
 * problem on one of its rows holds back all of them, so skip-and-report never leaves half a run. A
 * run equal to the one stored is `already`, so importing the same sheet twice changes nothing.
 */
const FIELDS = ['date', 'route', 'stop', 'carrier', 'delivered', 'collected', 'arrivedAt', 'missedReason', 'departedAt', 'returnedAt', 'km', 'costYuan', 'subsidyYuan', 'note'] as const;
type Field = (typeof FIELDS)[number];
const SYNONYMS: Record<Field, string[]> = {
  date: ['日期', '运行日期', '出车日期', '配送日期', 'date'],
  route: ['线路', '线路名称', '路线', '车线', 'route'],
  stop: ['村点', '服务点', '村级服务点', '站点', '站点编码', '停靠点', '村', 'stop'],
  carrier: ['快递公司', '快递', '公司', '品牌', 'carrier'],
  delivered: ['派件', '派件数', '送达', '送件数', '下行件数', 'delivered'],
  collected: ['揽件', '揽件数', '收件数', '上行件数', 'collected'],
  arrivedAt: ['到达时间', '到站时间', '到达', 'arrivedat'],
  missedReason: ['未到原因', '未送达原因', '漏送原因', '缺站原因', 'missedreason'],
  departedAt: ['出发时间', '发车时间', '出车时间', 'departedat'],
  returnedAt: ['返回时间', '回场时间', '收车时间', 'returnedat'],
  km: ['里程', '公里', '里程(公里)', '行驶里程', 'km'],
  costYuan: ['成本', '运输成本', '费用', '成本(元)', 'cost'],
  subsidyYuan: ['补贴', '补贴(元)', '财政补贴', 'subsidy'],
  note: ['备注', '说明', 'note'],
};
const fold = (h: string) => normaliseText(h).replace(/\s/g, '').replace(/（/g, '(').replace(/）/g, ')').toLowerCase();
const columns = sheetColumns(SYNONYMS, { fold });

/** What people write for a missed stop's reason. */
const REASON_WORDS: Record<MissedReason, string[]> = {
  road: ['道路', '路况', '修路', '道路不通', '封路', 'road'],
  weather: ['天气', '雨雪', '大雨', '大雪', '恶劣天气', 'weather'],
  vehicle: ['车辆', '车辆故障', '故障', '坏车', 'vehicle'],
  closed: ['关门', '停业', '站点关闭', '无人', 'closed'],
  no_parcels: ['无件', '无包裹', '没有件', 'noparcels', 'no_parcels'],
  other: ['其他', '其它', 'other'],
};
const reasonOf = new Map(Object.entries(REASON_WORDS).flatMap(([reason, words]) => words.map((w) => [fold(w), reason as MissedReason])));

/** The run-level figures, which may stand on any row of the run (and must agree where they repeat). */
const RUN_FIELDS = ['departedAt', 'returnedAt', 'km', 'costFen', 'subsidyFen', 'note'] as const;
type RunFields = { departedAt: string | null; returnedAt: string | null; km: number | null; costFen: number | null; subsidyFen: number | null; note: string | null };
const SHEET_FIELD: Record<(typeof RUN_FIELDS)[number], Field> = { departedAt: 'departedAt', returnedAt: 'returnedAt', km: 'km', costFen: 'costYuan', subsidyFen: 'subsidyYuan', note: 'note' };

/** One run of the sheet: its rows, and once judged what is written. */
interface SheetRun {
  key: string;
  routeId: number;
  date: string;
  rows: ImportRow<Field, RowData>[];
  input?: Omit<RunInput, 'clientKey'>;
  version?: NonNullable<Awaited<ReturnType<typeof routeVersionAt>>>;
}

interface RowData {
  date: string | null;
  routeName: string | null;
  stopName: string | null;
  carrierName: string | null;
  routeId: number | null;
  stationId: number | null;
  carrierId: number | null;
  delivered: number;
  collected: number;
  arrivedAt: string | null;
  missedReason: MissedReason | null;
  run: RunFields;
  sheetRun: SheetRun | null;
}

const request = { ...importRequest(FIELDS), hubId: idSchema };

export const runsImport = defineImport({
  name: 'courier.runs',
  fields: FIELDS,
  request: { preview: z.object({ ...request, ...previewQuery }), commit: z.object({ ...request, ...commitMode('all_or_nothing') }) },
  columns: () => columns,
  label: (field) => SYNONYMS[field][0]!,
  required: () => ['date', 'route', 'stop'],
  async prepare(ctx, input) {
    // the hub is asked for by id: one outside the actor's scope is refused as one that does not exist;
    // routes are looked up in that hub only, so a sheet cannot name another hub's routes
    const hub = await hubById(ctx, input.hubId);
    const routes = await ctx.db.selectFrom('courier_routes').select(['id', 'name', 'hub_id']).where('hub_id', '=', hub.id).execute();
    const stops = routes.length
      ? await ctx.db
          .selectFrom('courier_route_stops as st')
          .innerJoin('stations as s', 's.id', 'st.station_id')
          .innerJoin('regions as v', 'v.code', 's.region_code')
          .select(['st.route_id', 's.id', 's.code', 's.name', 'v.name as village_name'])
          .distinct()
          .where('st.route_id', 'in', routes.map((r) => r.id))
          .execute()
      : [];
    // a stop by its code, its name or its village's name, among the stops the hub's routes have had
    const stationOf = new Map<string, Set<number>>();
    for (const s of stops) {
      for (const word of [s.code, s.name, s.village_name]) {
        const key = `${s.route_id}|${fold(word)}`;
        stationOf.set(key, (stationOf.get(key) ?? new Set()).add(s.id));
      }
    }
    const carriers = await ctx.db.selectFrom('courier_carriers').select(['id', 'code', 'name']).execute();
    const carrierOf = new Map(carriers.flatMap((c) => [[fold(c.name), c.id] as const, [fold(c.code), c.id] as const, ...c.name.split('/').map((part) => [fold(part), c.id] as const)]));
    return { hub, routeOf: new Map(routes.map((r) => [fold(r.name), r])), stationOf, carrierOf };
  },
  async analyse(tools, { hub, routeOf, stationOf, carrierOf }, sheet) {
    const { cell, ctx } = tools;
    const today = shanghaiToday();
    const rows: ImportRow<Field, RowData>[] = [];
    const runs = new Map<string, SheetRun>();
    const text = (value: unknown) => (value === null || value === undefined ? '' : normaliseText(String(value)).trim());
    const invalid = (r: ImportRow<Field, RowData>, field: Field, value: unknown) => tools.problem(r, field, 'IMPORT_CELL_INVALID', { column: SYNONYMS[field][0]!, value: text(value) });

    for (const [i, line] of sheet.rows.entries()) {
      await tools.progress.advance(i + 1);
      const r = tools.row<RowData>(line, {
        date: null,
        routeName: text(cell(line, 'route')) || null,
        stopName: text(cell(line, 'stop')) || null,
        carrierName: text(cell(line, 'carrier')) || null,
        routeId: null,
        stationId: null,
        carrierId: null,
        delivered: 0,
        collected: 0,
        arrivedAt: null,
        missedReason: null,
        run: { departedAt: null, returnedAt: null, km: null, costFen: null, subsidyFen: null, note: null },
        sheetRun: null,
      });
      const d = r.data;
      d.date = parseDay(cell(line, 'date'));
      if (!d.date) invalid(r, 'date', cell(line, 'date'));
      const route = d.routeName ? routeOf.get(fold(d.routeName)) : undefined;
      if (!route) tools.problem(r, 'route', 'COURIER_IMPORT_ROUTE_UNKNOWN', { value: d.routeName ?? '', hub: hub.name });
      else {
        d.routeId = route.id;
        const found = d.stopName ? stationOf.get(`${route.id}|${fold(d.stopName)}`) : undefined;
        if (!found) tools.problem(r, 'stop', 'COURIER_IMPORT_STOP_UNKNOWN', { value: d.stopName ?? '', route: route.name });
        else if (found.size > 1) tools.problem(r, 'stop', 'COURIER_IMPORT_STOP_AMBIGUOUS', { value: d.stopName ?? '' });
        else d.stationId = [...found][0]!;
      }
      if (d.carrierName) {
        d.carrierId = carrierOf.get(fold(d.carrierName)) ?? null;
        if (d.carrierId === null) tools.problem(r, 'carrier', 'COURIER_IMPORT_CARRIER_UNKNOWN', { value: d.carrierName });
      }
      for (const field of ['delivered', 'collected'] as const) {
        const n = parseCount(cell(line, field));
        if (n === 'invalid' || n > 100_000) invalid(r, field, cell(line, field));
        else d[field] = n;
      }
      if ((d.delivered || d.collected) && d.carrierId === null && !d.carrierName) tools.problem(r, 'carrier', 'COURIER_IMPORT_CARRIER_MISSING');
      const reason = text(cell(line, 'missedReason'));
      if (reason) {
        d.missedReason = reasonOf.get(fold(reason)) ?? null;
        if (!d.missedReason) tools.problem(r, 'missedReason', 'COURIER_IMPORT_REASON_UNKNOWN', { value: reason, reasons: Object.values(REASON_WORDS).map((w) => w[0]).join('、') });
      }
      for (const field of ['arrivedAt', 'departedAt', 'returnedAt'] as const) {
        const raw = cell(line, field);
        if (text(raw) === '') continue;
        const clock = parseClock(raw);
        if (!clock) invalid(r, field, raw);
        else if (field === 'arrivedAt') d.arrivedAt = clock;
        else d.run[field] = clock;
      }
      const km = text(cell(line, 'km')).replace(/(公里|km)$/i, '');
      if (km) {
        const value = Number(km);
        if (!/^\d+(\.\d)?$/.test(km) || value > 5000) invalid(r, 'km', km);
        else d.run.km = value;
      }
      for (const [field, key] of [['costYuan', 'costFen'], ['subsidyYuan', 'subsidyFen']] as const) {
        if (text(cell(line, field)) === '') continue;
        const fen = parseYuanToFen(cell(line, field));
        if (fen === 'invalid' || fen > 100_000_000) invalid(r, field, cell(line, field));
        else d.run[key] = fen;
      }
      const note = text(cell(line, 'note'));
      if (note) d.run.note = note.slice(0, 300);
      rows.push(r);
      if (d.date && d.routeId !== null) {
        const key = `${d.routeId}|${d.date}`;
        const run = runs.get(key) ?? { key, routeId: d.routeId, date: d.date, rows: [] };
        runs.set(key, run);
        run.rows.push(r);
        d.sheetRun = run;
      }
    }

    // each run as a whole: its rows merged into one run, judged as the phone's run is, compared with the stored one
    for (const run of runs.values()) {
      const merged = mergeRun(run, tools);
      if (!merged) continue;
      const route = { id: run.routeId, hub_id: hub.id };
      const judged = await judgeRun(ctx.db, route, { runDate: run.date, stops: merged.stops }, today);
      if ('problem' in judged) {
        const { key, params, stationId, carrierId } = judged.problem;
        const at = (r: ImportRow<Field, RowData>) => (stationId === undefined || r.data.stationId === stationId) && (carrierId === undefined || r.data.carrierId === carrierId);
        const concerned = run.rows.some(at) ? run.rows.filter(at) : run.rows;
        for (const r of concerned) tools.problem(r, null, key, params);
        holdBack(run, tools);
        continue;
      }
      run.input = merged;
      run.version = judged.version;
      const stored = await storedRun(ctx.db, run.routeId, run.date);
      if (stored && sameRun(stored, judged.version.version, merged)) for (const r of run.rows) tools.skip(r, 'already', 'COURIER_IMPORT_ALREADY');
      else if (stored) tools.note(run.rows[0]!, null, stored.source === 'entered' ? 'COURIER_IMPORT_REPLACES_ENTERED' : 'COURIER_IMPORT_REPLACES');
    }
    return { rows };
  },
  view: {
    shape: {
      date: z.string().nullable(),
      route: z.string().nullable(),
      stop: z.string().nullable(),
      carrier: z.string().nullable(),
      delivered: z.number(),
      collected: z.number(),
      missedReason: z.string().nullable(),
    },
    of: ({ data }) => ({ date: data.date, route: data.routeName, stop: data.stopName, carrier: data.carrierName, delivered: data.delivered, collected: data.collected, missedReason: data.missedReason }),
  },
  totals: {
    shape: { runs: z.number() },
    of: (rows) => ({ runs: new Set(rows.filter((r) => r.status === 'ok').map((r) => r.data.sheetRun?.key)).size }),
  },
  preview: noExtras,
  write: {
    shape: { runs: z.number(), replaced: z.number() },
    async run(trx, tools, _context, rows) {
      const runs = [...new Set(rows.map((r) => r.data.sheetRun!))];
      let replaced = 0;
      for (const [i, run] of runs.entries()) {
        await tools.progress.advance(i + 1);
        const written = await writeRun(trx, tools.ctx.who, run.version!, run.input!, 'imported');
        if (written.replaced) replaced++;
      }
      return { runs: runs.length, replaced };
    },
  },
  after: async (ctx, _context, _rows, { runs }) => {
    if (runs) await enqueueRecompute(ctx);
  },
  rejects: { filenameStem: 'courier-runs-rejects' },
});

/** A run's rows with a problem hold back the rest: a run is written whole or not at all. */
function holdBack(run: SheetRun, tools: ImportTools<Field>) {
  const bad = run.rows.filter((r) => r.status === 'problem').map((r) => r.row.rowNumber);
  for (const r of run.rows) if (r.status !== 'problem') tools.problem(r, null, 'COURIER_IMPORT_RUN_HELD_BACK', { rows: bad.join('、') });
}

/** The rows of one route and day as one run: stops in sheet order, a carrier's parcels per stop, the run's figures agreeing. */
function mergeRun(run: SheetRun, tools: ImportTools<Field>): Omit<RunInput, 'clientKey'> | null {
  if (run.rows.some((r) => r.status === 'problem')) {
    holdBack(run, tools);
    return null;
  }
  const figures: RunFields = { departedAt: null, returnedAt: null, km: null, costFen: null, subsidyFen: null, note: null };
  const stops = new Map<number, RunInput['stops'][number]>();
  const seen = new Map<string, number>();
  for (const r of run.rows) {
    const d = r.data;
    for (const field of RUN_FIELDS) {
      const value = d.run[field];
      if (value === null) continue;
      if (figures[field] !== null && figures[field] !== value) tools.problem(r, SHEET_FIELD[field], 'COURIER_IMPORT_RUN_FIGURE_DIFFERS', { field: SYNONYMS[SHEET_FIELD[field]][0]! });
      else (figures as Record<string, unknown>)[field] = value;
    }
    const stop = stops.get(d.stationId!) ?? { stationId: d.stationId!, arrivedAt: null, missed: false, missedReason: null, parcels: [] };
    stops.set(d.stationId!, stop);
    if (d.arrivedAt) {
      if (stop.arrivedAt && stop.arrivedAt !== d.arrivedAt) tools.problem(r, 'arrivedAt', 'COURIER_IMPORT_RUN_FIGURE_DIFFERS', { field: SYNONYMS.arrivedAt[0]! });
      stop.arrivedAt = d.arrivedAt;
    }
    if (d.missedReason) {
      if (stop.missedReason && stop.missedReason !== d.missedReason) tools.problem(r, 'missedReason', 'COURIER_IMPORT_RUN_FIGURE_DIFFERS', { field: SYNONYMS.missedReason[0]! });
      stop.missed = true;
      stop.missedReason = d.missedReason;
    }
    if (d.carrierId !== null) {
      const key = `${d.stationId}|${d.carrierId}`;
      const earlier = seen.get(key);
      const same = stop.parcels.find((p) => p.carrierId === d.carrierId);
      if (earlier !== undefined && same && same.delivered === d.delivered && same.collected === d.collected) tools.skip(r, 'duplicate', 'COURIER_IMPORT_DUPLICATE_ROW', { row: earlier });
      else if (earlier !== undefined) tools.problem(r, 'carrier', 'COURIER_IMPORT_CARRIER_TWICE', { row: earlier });
      else {
        seen.set(key, r.row.rowNumber);
        stop.parcels.push({ carrierId: d.carrierId, delivered: d.delivered, collected: d.collected });
      }
    }
  }
  if (run.rows.some((r) => r.status === 'problem')) {
    holdBack(run, tools);
    return null;
  }
  return {
    routeId: run.routeId,
    runDate: run.date,
    departedAt: figures.departedAt,
    returnedAt: figures.returnedAt,
    km: figures.km,
    costFen: figures.costFen ?? 0,
    subsidyFen: figures.subsidyFen ?? 0,
    note: figures.note,
    stops: [...stops.values()],
  };
}

/** The run stored for a route and day, in the shape `sameRun` compares. */
async function storedRun(db: Parameters<typeof routeVersionAt>[0], routeId: number, date: string) {
  const run = await db.selectFrom('courier_runs').selectAll().where('route_id', '=', routeId).where('run_date', '=', date).executeTakeFirst();
  if (!run) return null;
  const stops = await db.selectFrom('courier_run_stops').select(['station_id', 'arrived_at', 'missed', 'missed_reason']).where('run_id', '=', run.id).execute();
  const parcels = await db.selectFrom('courier_run_parcels').select(['station_id', 'carrier_id', 'delivered', 'collected']).where('run_id', '=', run.id).execute();
  return { ...run, stops, parcels };
}

/** The stored run says what the sheet says: same version, figures, stops and parcels (order aside). */
function sameRun(stored: NonNullable<Awaited<ReturnType<typeof storedRun>>>, version: number, run: Omit<RunInput, 'clientKey'>): boolean {
  const canon = (items: string[]) => items.sort().join(';');
  return (
    stored.route_version === version &&
    stored.departed_at === run.departedAt &&
    stored.returned_at === run.returnedAt &&
    (stored.km === null ? null : Number(stored.km)) === run.km &&
    stored.cost_fen === run.costFen &&
    stored.subsidy_fen === run.subsidyFen &&
    stored.note === run.note &&
    canon(stored.stops.map((s) => `${s.station_id}|${s.arrived_at}|${s.missed}|${s.missed_reason}`)) ===
      canon(run.stops.map((s) => `${s.stationId}|${s.missed ? null : s.arrivedAt}|${s.missed}|${s.missedReason}`)) &&
    canon(stored.parcels.map((p) => `${p.station_id}|${p.carrier_id}|${p.delivered}|${p.collected}`)) ===
      canon(run.stops.flatMap((s) => s.parcels.filter((p) => p.delivered || p.collected).map((p) => `${s.stationId}|${p.carrierId}|${p.delivered}|${p.collected}`)))
  );
}
