import { createRandom } from '../../../lib/random';
import { LocalSearch } from './local-search';
import type { Instance } from './model';
import { Routes } from './routes';

export interface SearchOptions {
  timeLimitMs: number;
  seed: number;
  signal?: AbortSignal;
  stopFlag?: Int32Array;
  onProgress?: (bestCost: number, elapsedMs: number) => void;
  /** Every counted vehicle must run a route (CVRPLIB's "exactly k vehicles"). */
  useAllVehicles?: boolean;
  /** Stop after this many ruin-and-recreate steps (tests that must not depend on the clock). */
  maxIterations?: number;
}

export interface SearchResult {
  best: Routes;
  iterations: number;
  elapsedMs: number;
}

// SISR's parameters (Christiaens & Vanden Berghe 2020, Table 6): average removed stops, longest
// string, the chance a string keeps a middle part (split), the chance of stopping the split
// part's growth, and the blink rate of the greedy insertion.
const AVG_REMOVED = 10;
const MAX_STRING = 10;
const SPLIT_RATE = 0.5;
const SPLIT_DEPTH = 0.01;
const BLINK_RATE = 0.01;
/**
 * Annealing start temperature, as a fraction of the average edge of the first solution: hot for
 * up to 100 stops, cooler from 250 (measured on CVRPLIB: small instances with a second's budget
 * escape bad route assignments better when hot; large ones need the time at low temperatures).
 * The end temperature is a twentieth of the start.
 */
function startTemperature(stops: number): number {
  const size = Math.min(1, Math.max(0, (stops - 100) / 150));
  return 2 * Math.pow(0.25, size);
}

/**
 * Slack induction by string removals with simulated annealing: each step removes a few strings of
 * consecutive stops from routes near a random seed stop, then reinserts them greedily (with
 * blinks) in one of four orders; the step is kept under a threshold that cools with the clock.
 * Every new best solution is polished by the granular local search. Stops that fit nowhere (the
 * fleet is full) stay absent at a penalty larger than any detour, so the search always prefers to
 * serve them.
 */
export function search(inst: Instance, options: SearchOptions): SearchResult {
  const started = performance.now();
  const random = createRandom(options.seed);
  const next = random.next;
  const n = inst.n;
  const D = inst.dist;
  const T = inst.time;
  const slots = inst.slotKind.length;
  const useAll = options.useAllVehicles === true;

  let maxRoundTrip = 0;
  for (let v = 1; v < n; v++) maxRoundTrip = Math.max(maxRoundTrip, D[v] + D[v * n]);
  const absentPenalty = 4 * maxRoundTrip + 1;
  // Unused vehicles under useAllVehicles cost as much as an absent stop: the search fills them first.
  const emptyPenalty = absentPenalty;

  const sequenceMembers: number[][] = Array.from({ length: inst.sequenceCount }, () => []);
  for (let v = 1; v < n; v++) if (inst.seqOf[v] >= 0) sequenceMembers[inst.seqOf[v]].push(v);

  const cur = new Routes(inst);
  const best = new Routes(inst);
  const ls = new LocalSearch(inst, next, useAll);

  // With a counted fleet, a tight packing (P-n55-k15 fills 99 % of its 15 vehicles) can leave a
  // stop with no place that fits. Rather than leave it out, the recreate may then overload a route
  // at a price per parcel over, as HGS-CVRP penalises capacity: the search walks back to
  // feasibility by degrees instead of having to find a full packing in one step. The price adapts
  // so that only a small share of accepted solutions are overloaded; only feasible ones are kept
  // as the best.
  const softCapacity = inst.kinds.every((k) => k.limited);
  const firstPrice = absentPenalty / Math.max(1, Math.max(...inst.kinds.map((k) => k.capacity)));
  let overloadPrice = firstPrice;
  /** Off while constructing, so the first solution (the first best) is feasible. */
  let allowOverload = false;
  const overload = (s: Routes) => {
    if (!softCapacity) return 0;
    let excess = 0;
    for (let r = 0; r < slots; r++) {
      const kind = inst.kinds[inst.slotKind[r]];
      if (s.load[r] > kind.capacity) excess += s.load[r] - kind.capacity;
      if (s.loadKg[r] > kind.capacityKg) excess += ((s.loadKg[r] - kind.capacityKg) * kind.capacity) / kind.capacityKg;
    }
    return excess;
  };
  /** Distance plus the prices of absent stops and unused vehicles (not of overload, see `overload`). */
  const objective = (s: Routes) => {
    let cost = s.totalDist + absentPenalty * s.absentCount;
    if (useAll) {
      for (let r = 0; r < slots; r++) if (s.len[r] === 0 && inst.kinds[inst.slotKind[r]].limited) cost += emptyPenalty;
    }
    return cost;
  };

  const pending = new Int32Array(n);
  const sortKey = new Float64Array(n);
  const emptySeen = new Int32Array(inst.kinds.length);
  let stamp = 0;

  /** Reinserts every absent stop at its cheapest feasible place, in one of SISR's orders. */
  const recreate = (s: Routes) => {
    const count = s.absentCount;
    pending.set(s.absent.subarray(0, count));
    s.absentCount = 0;
    const pick = next() * 11;
    for (let i = 0; i < count; i++) {
      const v = pending[i];
      sortKey[v] = pick < 4 ? next() : pick < 8 ? -inst.demand[v] : pick < 10 ? -D[v] : D[v];
    }
    const list = Array.from(pending.subarray(0, count)).sort((a, b) => sortKey[a] - sortKey[b]);
    for (const c of list) {
      stamp++;
      let bestCost = Infinity;
      let bestR = -1;
      let bestP = 0;
      let onlyRoute = -1;
      let lo = 0;
      let hi = 0;
      const seq = inst.seqOf[c];
      if (seq >= 0) {
        // A sequence member joins its placed mates' route, between its predecessor and successor.
        for (const m of sequenceMembers[seq]) if (m !== c && s.routeOf[m] >= 0) onlyRoute = s.routeOf[m];
        if (onlyRoute >= 0) {
          const base = onlyRoute * s.stride;
          lo = 0;
          hi = s.len[onlyRoute];
          for (let p = 0; p < s.len[onlyRoute]; p++) {
            const w = s.nodes[base + p];
            if (inst.seqOf[w] !== seq) continue;
            if (inst.seqPos[w] < inst.seqPos[c]) lo = p + 1;
            else if (hi === s.len[onlyRoute]) hi = p;
          }
        }
      }
      const demand = inst.demand[c];
      const kg = inst.demandKg[c];
      const serv = inst.service[c];
      const pin = inst.pinKind[c];
      const rowC = c * n;
      const first = onlyRoute >= 0 ? onlyRoute : 0;
      const last = onlyRoute >= 0 ? onlyRoute + 1 : slots;
      for (let r = first; r < last; r++) {
        const k = inst.slotKind[r];
        if (pin >= 0 && pin !== k) continue;
        const len = s.len[r];
        if (len === 0) {
          if (emptySeen[k] === stamp) continue;
          emptySeen[k] = stamp;
        }
        const kind = inst.kinds[k];
        if (s.load[r] + demand > kind.capacity + 1e-9) continue;
        if (kg > 0 && s.loadKg[r] + kg > kind.capacityKg + 1e-9) continue;
        const base = r * s.stride;
        const pFrom = onlyRoute >= 0 ? lo : 0;
        const pTo = onlyRoute >= 0 ? hi : len;
        const bonus = len === 0 && useAll && kind.limited ? -emptyPenalty : 0;
        const limit = kind.durationLimit;
        const checkTime = limit !== Infinity;
        const travel = s.travel[r];
        const fixedDur = s.service[r] + serv;
        const factor = kind.timeFactor;
        let prev = pFrom === 0 ? 0 : s.nodes[base + pFrom - 1];
        for (let p = pFrom; p <= pTo; p++) {
          const nxt = p === len ? 0 : s.nodes[base + p];
          const cost = D[prev * n + c] + D[rowC + nxt] - D[prev * n + nxt] + bonus;
          if (cost < bestCost) {
            const blink = next() < BLINK_RATE;
            const fits = !checkTime || (travel + T[prev * n + c] + T[rowC + nxt] - T[prev * n + nxt]) * factor + fixedDur <= limit + 1e-9;
            if (!blink && fits) {
              bestCost = cost;
              bestR = r;
              bestP = p;
            }
          }
          prev = nxt;
        }
      }
      if (bestR < 0 && allowOverload) {
        // No place fits: the cheapest place counting the overload's price (the shift stays a hard limit).
        for (let r = first; r < last; r++) {
          const k = inst.slotKind[r];
          if (pin >= 0 && pin !== k) continue;
          const kind = inst.kinds[k];
          const len = s.len[r];
          const overBefore = Math.max(0, s.load[r] - kind.capacity) + Math.max(0, s.loadKg[r] - kind.capacityKg) * (kind.capacity / kind.capacityKg);
          const overAfter =
            Math.max(0, s.load[r] + demand - kind.capacity) + Math.max(0, s.loadKg[r] + kg - kind.capacityKg) * (kind.capacity / kind.capacityKg);
          const price = overloadPrice * (overAfter - overBefore);
          const base = r * s.stride;
          const pFrom = onlyRoute >= 0 ? lo : 0;
          const pTo = onlyRoute >= 0 ? hi : len;
          let prev = pFrom === 0 ? 0 : s.nodes[base + pFrom - 1];
          for (let p = pFrom; p <= pTo; p++) {
            const nxt = p === len ? 0 : s.nodes[base + p];
            const cost = D[prev * n + c] + D[rowC + nxt] - D[prev * n + nxt] + price;
            if (cost < bestCost) {
              const fits =
                kind.durationLimit === Infinity ||
                (s.travel[r] + T[prev * n + c] + T[rowC + nxt] - T[prev * n + nxt]) * kind.timeFactor + s.service[r] + serv <= kind.durationLimit + 1e-9;
              if (fits) {
                bestCost = cost;
                bestR = r;
                bestP = p;
              }
            }
            prev = nxt;
          }
        }
      }
      if (bestR < 0) s.absent[s.absentCount++] = c;
      else s.insert(c, bestR, bestP);
    }
  };

  const removeString = (s: Routes, r: number, c: number, lsMax: number) => {
    const len = s.len[r];
    const base = r * s.stride;
    const lMax = Math.min(len, lsMax);
    const l = 1 + Math.floor(next() * lMax);
    const pos = s.posOf[c];
    if (l === len || next() >= SPLIT_RATE) {
      // A string of l consecutive stops containing c.
      const start = Math.max(0, pos - l + 1) + Math.floor(next() * (Math.min(pos, len - l) - Math.max(0, pos - l + 1) + 1));
      for (let p = start; p < start + l; p++) s.routeOf[s.nodes[base + p]] = -2;
      return;
    }
    // Split string: a string of l + m stops containing c, of which m consecutive ones stay.
    let m = 1;
    while (l + m < len && next() >= SPLIT_DEPTH) m++;
    const span = l + m;
    const start = Math.max(0, pos - span + 1) + Math.floor(next() * (Math.min(pos, len - span) - Math.max(0, pos - span + 1) + 1));
    const keepFrom = start + Math.floor(next() * (l + 1));
    for (let p = start; p < start + span; p++) {
      if (p >= keepFrom && p < keepFrom + m) continue;
      s.routeOf[s.nodes[base + p]] = -2;
    }
  };

  const ruined = new Int32Array(slots);
  let ruinStamp = 0;
  const ruin = (s: Routes) => {
    let used = 0;
    let served = 0;
    for (let r = 0; r < slots; r++) {
      if (s.len[r] > 0) {
        used++;
        served += s.len[r];
      }
    }
    if (used === 0) return;
    const lsMax = Math.min(MAX_STRING, served / used);
    const ksMax = (4 * AVG_REMOVED) / (1 + lsMax) - 1;
    const ks = Math.floor(next() * ksMax) + 1;
    let seed = 1 + Math.floor(next() * (n - 1));
    if (s.routeOf[seed] < 0 && served > 0) {
      while (s.routeOf[seed] < 0) seed = 1 + Math.floor(next() * (n - 1));
    }
    ruinStamp++;
    const touched: number[] = [];
    const near = inst.neighbours[seed];
    for (let i = -1; i < near.length && touched.length < ks; i++) {
      const c = i < 0 ? seed : near[i];
      const r = s.routeOf[c];
      if (r < 0 || ruined[r] === ruinStamp) continue;
      ruined[r] = ruinStamp;
      touched.push(r);
      removeString(s, r, c, lsMax);
    }
    for (const r of touched) s.compact(r);
  };

  const deadline = started + options.timeLimitMs;
  const maxIterations = options.maxIterations ?? Infinity;
  const signal = options.signal;
  const stopFlag = options.stopFlag;
  const elapsed = () => performance.now() - started;
  let lastReport = -Infinity;
  /** Reports the best plan's distance (the penalties are the search's business, not the user's). */
  const report = (cost: number, force = false) => {
    if (!options.onProgress) return;
    const ms = elapsed();
    if (!force && ms - lastReport < 50) return;
    lastReport = ms;
    options.onProgress(cost, ms);
  };

  // Construction: greedy cheapest insertion of every stop, then local search.
  for (let v = 1; v < n; v++) cur.absent[cur.absentCount++] = v;
  cur.begin();
  recreate(cur);
  ls.run(cur);
  cur.begin();
  let curCost = objective(cur);
  best.copyFrom(cur);
  let bestCost = curCost;
  report(best.totalDist, true);
  allowOverload = softCapacity;
  let overloadedSteps = 0;

  // Temperatures scale with the typical edge, so one schedule suits grids of 100 and of 1000 (SISR's
  // 100 → 1 on the X set is about 0.5 → 0.005 of an edge; our budgets are far shorter, and ending warmer did better).
  const edges = Math.max(1, n - 1 + cur.usedRoutes());
  const avgEdge = Math.max(1e-9, cur.totalDist / edges);
  const t0 = startTemperature(n - 1) * avgEdge;
  const tf = t0 / 20;

  let iterations = 0;
  while (iterations < maxIterations && n > 1) {
    const now = performance.now();
    if (now >= deadline || signal?.aborted || (stopFlag !== undefined && Atomics.load(stopFlag, 0) !== 0)) break;
    iterations++;
    const fraction = (now - started) / options.timeLimitMs;
    const temperature = t0 * Math.pow(tf / t0, Math.min(1, fraction));
    cur.begin();
    ruin(cur);
    recreate(cur);
    const over = overload(cur);
    const cost = objective(cur) + overloadPrice * over;
    if (cost < curCost - temperature * Math.log(next())) {
      curCost = cost;
      if (over > 0) overloadedSteps++;
      else if (cost < bestCost - 1e-9) {
        ls.run(cur);
        cur.recomputeAll();
        curCost = objective(cur);
        best.copyFrom(cur);
        bestCost = curCost;
        report(best.totalDist);
      }
    } else {
      cur.rollback();
      if (overload(cur) > 0) overloadedSteps++;
    }
    if (softCapacity && iterations % 100 === 0) {
      // Aim at a few overloaded steps in each hundred: more, and overload grows dearer; none, cheaper.
      if (overloadedSteps > 20) overloadPrice *= 1.3;
      else if (overloadedSteps < 5) overloadPrice = Math.max(firstPrice / 100, overloadPrice * 0.85);
      overloadedSteps = 0;
      curCost = objective(cur) + overloadPrice * overload(cur);
    }
  }
  best.recomputeAll();
  report(best.totalDist, true);
  return { best, iterations, elapsedMs: elapsed() };
}
