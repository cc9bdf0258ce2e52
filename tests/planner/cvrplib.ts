import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * CVRPLIB instances and an independent checker. Nothing here comes from the solver: the checker
 * recomputes every route's distance, load and duration from the .vrp file itself, so a gap it
 * reports does not trust the solver's own bookkeeping.
 */

export const CVRPLIB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../data/cvrplib');

export interface VrpInstance {
  name: string;
  set: string;
  /** Nodes including the depot (DIMENSION); node 0 here is the file's node 1, the depot. */
  dimension: number;
  capacity: number;
  x: number[];
  y: number[];
  demand: number[];
  /** Route duration limit (CMT's DISTANCE) and service time per customer, when the file has them. */
  durationLimit: number | null;
  serviceTime: number;
  /** nint EUC_2D (A, B, P, X) or real distances (CMT). */
  round: boolean;
  /** Vehicles in the name (`-k5`), which A, B and P use as the exact fleet size. */
  k: number | null;
}

export interface BksRow {
  set: string;
  instance: string;
  bks: number;
  rounding: 'nearest_int' | 'none';
}

export function readBks(): BksRow[] {
  const lines = readFileSync(path.join(CVRPLIB_DIR, 'bks.csv'), 'utf8').trim().split('\n');
  const header = lines[0].split(',');
  const col = (name: string) => header.indexOf(name);
  return lines.slice(1).map((line) => {
    const cells = line.split(',');
    return {
      set: cells[col('set')],
      instance: cells[col('instance')],
      bks: Number(cells[col('bks')]),
      rounding: cells[col('rounding')] as BksRow['rounding'],
    };
  });
}

export function readVrp(set: string, name: string, round: boolean): VrpInstance {
  const text = readFileSync(path.join(CVRPLIB_DIR, set, `${name}.vrp`), 'utf8');
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const field = (key: string) => {
    const line = lines.find((l) => l.startsWith(key));
    return line === undefined ? null : line.slice(line.indexOf(':') + 1).trim();
  };
  const dimension = Number(field('DIMENSION'));
  const capacity = Number(field('CAPACITY'));
  const distance = field('DISTANCE');
  const service = field('SERVICE_TIME');
  const section = (title: string) => {
    const at = lines.findIndex((l) => l.startsWith(title));
    if (at < 0) throw new Error(`${name}: no ${title}`);
    return lines.slice(at + 1, at + 1 + dimension).map((l) => l.split(/\s+/).map(Number));
  };
  const coords = section('NODE_COORD_SECTION');
  const demands = section('DEMAND_SECTION');
  coords.forEach((c, i) => {
    if (c[0] !== i + 1) throw new Error(`${name}: node ${i + 1} out of order`);
  });
  const depotAt = lines.findIndex((l) => l.startsWith('DEPOT_SECTION'));
  if (Number(lines[depotAt + 1]) !== 1) throw new Error(`${name}: the depot is not node 1`);
  const k = /-k(\d+)/.exec(name);
  return {
    name,
    set,
    dimension,
    capacity,
    x: coords.map((c) => c[1]),
    y: coords.map((c) => c[2]),
    demand: demands.map((d) => d[1]),
    durationLimit: distance === null ? null : Number(distance),
    serviceTime: service === null ? 0 : Number(service),
    round,
    k: k ? Number(k[1]) : null,
  };
}

export function arcLength(inst: VrpInstance, a: number, b: number): number {
  const e = Math.sqrt((inst.x[a] - inst.x[b]) ** 2 + (inst.y[a] - inst.y[b]) ** 2);
  return inst.round ? Math.floor(e + 0.5) : e;
}

export interface CheckResult {
  cost: number;
  routes: number;
  /** Empty when feasible. */
  errors: string[];
}

/**
 * Checks routes given as lists of customer numbers in CVRPLIB's .sol numbering (customer i is
 * node i+1 of the .vrp, i.e. node i here): every customer exactly once, capacity, duration
 * (travel + service per customer, as HGS-CVRP and the CMT literature count it) and, when
 * `exactRoutes` is given, the number of routes.
 */
export function checkSolution(inst: VrpInstance, routes: number[][], exactRoutes: number | null = null): CheckResult {
  const errors: string[] = [];
  const seen = new Uint8Array(inst.dimension);
  let cost = 0;
  let used = 0;
  routes.forEach((route, r) => {
    if (route.length === 0) return;
    used++;
    let load = 0;
    let length = 0;
    let prev = 0;
    for (const c of route) {
      if (!Number.isInteger(c) || c < 1 || c >= inst.dimension) {
        errors.push(`route ${r + 1}: no customer ${c}`);
        continue;
      }
      if (seen[c]) errors.push(`customer ${c} visited twice`);
      seen[c] = 1;
      load += inst.demand[c];
      length += arcLength(inst, prev, c);
      prev = c;
    }
    length += arcLength(inst, prev, 0);
    cost += length;
    if (load > inst.capacity) errors.push(`route ${r + 1}: load ${load} > capacity ${inst.capacity}`);
    if (inst.durationLimit !== null) {
      const duration = length + inst.serviceTime * route.length;
      if (duration > inst.durationLimit + 1e-6) errors.push(`route ${r + 1}: duration ${duration.toFixed(3)} > ${inst.durationLimit}`);
    }
  });
  for (let c = 1; c < inst.dimension; c++) if (!seen[c]) errors.push(`customer ${c} not visited`);
  if (exactRoutes !== null && used !== exactRoutes) errors.push(`${used} routes, not ${exactRoutes}`);
  return { cost, routes: used, errors };
}

/** A solution in CVRPLIB's .sol format. */
export function formatSol(routes: number[][], cost: number): string {
  const lines = routes.filter((r) => r.length > 0).map((r, i) => `Route #${i + 1}: ${r.join(' ')}`);
  const shown = Number.isInteger(cost) ? String(cost) : cost.toFixed(6);
  return `${lines.join('\n')}\nCost ${shown}\n`;
}

/** Routes of a .sol file (customer numbers as written). */
export function parseSol(text: string): number[][] {
  return text
    .split(/\r?\n/)
    .filter((l) => l.startsWith('Route'))
    .map((l) => l.slice(l.indexOf(':') + 1).trim().split(/\s+/).filter(Boolean).map(Number));
}
