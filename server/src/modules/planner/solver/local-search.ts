import type { Instance } from './model';
import type { Routes } from './routes';

/**
 * Granular local search (Toth & Vigo's granular neighbourhoods, as HGS-CVRP uses them): for each
 * stop u and each of its nearest stops v, try relocate (u after v, u before v), swap (u, v),
 * 2-opt* (exchange the tails after u and after v across two routes) and 2-opt (reverse the path
 * from u's successor to v within a route). Moves keep every route within capacity and shift; the
 * first improving move is applied, until a whole pass finds none.
 *
 * Pinned sequences are left to ruin-and-recreate (which keeps their order): a move never moves a
 * sequence member, and tail moves skip routes holding one.
 */
export class LocalSearch {
  private readonly order: Int32Array;
  private readonly buffer: Int32Array;
  private readonly buffer2: Int32Array;
  private readonly granular: number;
  private readonly symmetric: boolean;
  /** SWAP*'s three cheapest insertion places of each stop in the other route: cost and position. */
  private readonly topCost: Float64Array;
  private readonly topPos: Int32Array;
  private readonly pairSeen: Int32Array;
  private pairStamp = 0;

  constructor(
    private readonly inst: Instance,
    private readonly next: () => number,
    /** Every limited vehicle must keep a route (benchmarks with exactly k vehicles): never empty one. */
    private readonly keepRoutes = false,
    granular = 40,
  ) {
    this.order = Int32Array.from({ length: inst.n - 1 }, (_, i) => i + 1);
    this.buffer = new Int32Array(inst.n);
    this.buffer2 = new Int32Array(inst.n);
    this.granular = Math.min(granular, inst.n - 2);
    this.symmetric = isSymmetric(inst);
    this.topCost = new Float64Array(inst.n * 3);
    this.topPos = new Int32Array(inst.n * 3);
    this.pairSeen = new Int32Array(inst.slotKind.length);
  }

  /** Improves the solution in place; returns whether anything changed. */
  run(s: Routes): boolean {
    const { order, inst } = this;
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    let changedAny = false;
    let improved = true;
    let passes = 0;
    while (improved && passes++ < 50) {
      improved = false;
      for (let i = 0; i < order.length; i++) {
        const u = order[i];
        if (s.routeOf[u] < 0) continue;
        const near = inst.neighbours[u];
        for (let k = 0; k < this.granular; k++) {
          const v = near[k];
          if (s.routeOf[v] < 0 || s.routeOf[u] < 0) continue;
          if (this.relocate(s, u, v) || this.swap(s, u, v) || this.twoOptStar(s, u, v) || this.twoOpt(s, u, v)) {
            improved = true;
            changedAny = true;
          }
        }
      }
      if (!improved && this.swapStarPass(s)) {
        improved = true;
        changedAny = true;
      }
    }
    return changedAny;
  }

  /** SWAP* between each route and the routes holding its stops' nearest neighbours. */
  private swapStarPass(s: Routes): boolean {
    const { inst } = this;
    const near = Math.min(10, this.granular);
    let improved = false;
    for (let ra = 0; ra < s.slots; ra++) {
      if (s.len[ra] === 0) continue;
      this.pairStamp++;
      for (let p = 0; p < s.len[ra]; p++) {
        const u = s.nodes[ra * s.stride + p];
        for (let k = 0; k < near; k++) {
          const rb = s.routeOf[inst.neighbours[u][k]];
          if (rb <= ra || this.pairSeen[rb] === this.pairStamp) continue;
          this.pairSeen[rb] = this.pairStamp;
          if (this.swapStar(s, ra, rb)) improved = true;
        }
        if (s.len[ra] === 0 || p >= s.len[ra]) break;
      }
    }
    return improved;
  }

  /** The three cheapest places to insert each stop of route `from` into route `to`. */
  private topInsertions(s: Routes, from: number, to: number): void {
    const { inst, topCost, topPos } = this;
    const n = inst.n;
    const D = inst.dist;
    const len = s.len[to];
    const base = to * s.stride;
    for (let i = 0; i < s.len[from]; i++) {
      const u = s.nodes[from * s.stride + i];
      const t = u * 3;
      topCost[t] = topCost[t + 1] = topCost[t + 2] = Infinity;
      topPos[t] = topPos[t + 1] = topPos[t + 2] = -1;
      let prev = 0;
      for (let p = 0; p <= len; p++) {
        const next = p === len ? 0 : s.nodes[base + p];
        const cost = D[prev * n + u] + D[u * n + next] - D[prev * n + next];
        if (cost < topCost[t + 2]) {
          let at = 2;
          while (at > 0 && cost < topCost[t + at - 1]) {
            topCost[t + at] = topCost[t + at - 1];
            topPos[t + at] = topPos[t + at - 1];
            at--;
          }
          topCost[t + at] = cost;
          topPos[t + at] = p;
        }
        prev = next;
      }
    }
  }

  /**
   * SWAP* (Vidal 2022): exchange u of route A with v of route B, each going to its best place in
   * the other route rather than to the other's place. Places come from the three cheapest
   * insertions computed beforehand (one of which is not next to the stop leaving), or the leaving
   * stop's own place.
   */
  private swapStar(s: Routes, ra: number, rb: number): boolean {
    const { inst, topCost, topPos } = this;
    if (s.sequenced[ra] > 0 || s.sequenced[rb] > 0) return false;
    this.topInsertions(s, ra, rb);
    this.topInsertions(s, rb, ra);
    const n = inst.n;
    const D = inst.dist;
    const ka = inst.kinds[inst.slotKind[ra]];
    const kb = inst.kinds[inst.slotKind[rb]];
    let bestDelta = -1e-9;
    let bestU = -1;
    let bestV = -1;
    let bestPu = 0;
    let bestPv = 0;
    const baseA = ra * s.stride;
    const baseB = rb * s.stride;
    for (let i = 0; i < s.len[ra]; i++) {
      const u = s.nodes[baseA + i];
      if (!this.fitsKind(u, rb)) continue;
      const ua = i === 0 ? 0 : s.nodes[baseA + i - 1];
      const ub = i === s.len[ra] - 1 ? 0 : s.nodes[baseA + i + 1];
      const removeU = D[ua * n + u] + D[u * n + ub] - D[ua * n + ub];
      for (let j = 0; j < s.len[rb]; j++) {
        const v = s.nodes[baseB + j];
        if (!this.fitsKind(v, ra)) continue;
        const dDem = inst.demand[v] - inst.demand[u];
        if (s.load[ra] + dDem > ka.capacity + 1e-9 || s.load[rb] - dDem > kb.capacity + 1e-9) continue;
        if (inst.hasKg) {
          const dKg = inst.demandKg[v] - inst.demandKg[u];
          if (s.loadKg[ra] + dKg > ka.capacityKg + 1e-9 || s.loadKg[rb] - dKg > kb.capacityKg + 1e-9) continue;
        }
        const va = j === 0 ? 0 : s.nodes[baseB + j - 1];
        const vb = j === s.len[rb] - 1 ? 0 : s.nodes[baseB + j + 1];
        const removeV = D[va * n + v] + D[v * n + vb] - D[va * n + vb];
        // u into B without v: v's own place, or the best listed place not next to v.
        let insU = D[va * n + u] + D[u * n + vb] - D[va * n + vb];
        let posU = -1;
        for (let t = 0; t < 3; t++) {
          const p = topPos[u * 3 + t];
          if (p < 0 || p === j || p === j + 1) continue;
          if (topCost[u * 3 + t] < insU) {
            insU = topCost[u * 3 + t];
            posU = p;
          }
          break;
        }
        let insV = D[ua * n + v] + D[v * n + ub] - D[ua * n + ub];
        let posV = -1;
        for (let t = 0; t < 3; t++) {
          const p = topPos[v * 3 + t];
          if (p < 0 || p === i || p === i + 1) continue;
          if (topCost[v * 3 + t] < insV) {
            insV = topCost[v * 3 + t];
            posV = p;
          }
          break;
        }
        const delta = insU + insV - removeU - removeV;
        if (delta >= bestDelta) continue;
        if (inst.hasDuration && !this.swapStarDurationOk(s, ra, i, v, posV, rb, j, u, posU)) continue;
        bestDelta = delta;
        bestU = u;
        bestV = v;
        bestPu = posU;
        bestPv = posV;
      }
    }
    if (bestU < 0) return false;
    this.rebuild(s, ra, s.posOf[bestU], bestV, bestPv, this.buffer);
    this.rebuild(s, rb, s.posOf[bestV], bestU, bestPu, this.buffer2);
    s.setRoute(ra, this.buffer, s.len[ra]);
    s.setRoute(rb, this.buffer2, s.len[rb]);
    return true;
  }

  /** Route r with the stop at position `out` replaced by `inn`, placed before position `at` (-1: in out's place). */
  private rebuild(s: Routes, r: number, out: number, inn: number, at: number, into: Int32Array): void {
    const base = r * s.stride;
    let w = 0;
    for (let q = 0; q <= s.len[r]; q++) {
      if (q === at) into[w++] = inn;
      if (q === s.len[r]) break;
      if (q === out) {
        if (at < 0) into[w++] = inn;
      } else into[w++] = s.nodes[base + q];
    }
  }

  /** Durations of both routes after a SWAP*, from the travel-time changes at the four places. */
  private swapStarDurationOk(s: Routes, ra: number, i: number, v: number, posV: number, rb: number, j: number, u: number, posU: number): boolean {
    const { inst } = this;
    const n = inst.n;
    const T = inst.time;
    const at = (r: number, p: number) => (p < 0 || p >= s.len[r] ? 0 : s.nodes[r * s.stride + p]);
    const change = (r: number, out: number, outPos: number, inn: number, inPos: number) => {
      const a = at(r, outPos - 1);
      const b = at(r, outPos + 1);
      let dt = -(T[a * n + out] + T[out * n + b] - T[a * n + b]);
      if (inPos < 0) dt += T[a * n + inn] + T[inn * n + b] - T[a * n + b];
      else {
        const x = at(r, inPos - 1);
        const y = at(r, inPos);
        dt += T[x * n + inn] + T[inn * n + y] - T[x * n + y];
      }
      return dt;
    };
    const ds = inst.service[v] - inst.service[u];
    return this.durationOk(s, ra, change(ra, u, i, v, posV), ds) && this.durationOk(s, rb, change(rb, v, j, u, posU), -ds);
  }

  private nodeAt(s: Routes, r: number, p: number): number {
    return p < 0 || p >= s.len[r] ? 0 : s.nodes[r * s.stride + p];
  }

  private fitsKind(v: number, r: number): boolean {
    const pin = this.inst.pinKind[v];
    return pin < 0 || pin === this.inst.slotKind[r];
  }

  /** Duration check for route r after its travel changes by dt and service by ds. */
  private durationOk(s: Routes, r: number, dt: number, ds: number): boolean {
    const kind = this.inst.kinds[this.inst.slotKind[r]];
    return (s.travel[r] + dt) * kind.timeFactor + s.service[r] + ds <= kind.durationLimit + 1e-9;
  }

  /** Moves u after v, or before v. */
  private relocate(s: Routes, u: number, v: number): boolean {
    const { inst } = this;
    if (inst.seqOf[u] >= 0) return false;
    const n = inst.n;
    const D = inst.dist;
    const T = inst.time;
    const ru = s.routeOf[u];
    const rv = s.routeOf[v];
    const pu = s.posOf[u];
    const a = this.nodeAt(s, ru, pu - 1);
    const b = this.nodeAt(s, ru, pu + 1);
    const removeGain = D[a * n + u] + D[u * n + b] - D[a * n + b];
    const removeTime = T[a * n + u] + T[u * n + b] - T[a * n + b];
    if (ru !== rv) {
      if (this.keepRoutes && s.len[ru] === 1) return false;
      if (!this.fitsKind(u, rv)) return false;
      const kind = inst.kinds[inst.slotKind[rv]];
      if (s.load[rv] + inst.demand[u] > kind.capacity + 1e-9) return false;
      if (inst.hasKg && s.loadKg[rv] + inst.demandKg[u] > kind.capacityKg + 1e-9) return false;
    }
    const pv = s.posOf[v];
    for (let side = 0; side < 2; side++) {
      // side 0: between v and its successor; side 1: between v's predecessor and v.
      const x = side === 0 ? v : this.nodeAt(s, rv, pv - 1);
      const y = side === 0 ? this.nodeAt(s, rv, pv + 1) : v;
      if (x === u || y === u) continue;
      const addCost = D[x * n + u] + D[u * n + y] - D[x * n + y];
      if (addCost - removeGain > -1e-9) continue;
      const addTime = T[x * n + u] + T[u * n + y] - T[x * n + y];
      if (inst.hasDuration) {
        if (ru === rv) {
          if (!this.durationOk(s, ru, addTime - removeTime, 0)) continue;
        } else if (!this.durationOk(s, rv, addTime, inst.service[u])) continue;
      }
      const target = side === 0 ? pv + 1 : pv;
      this.moveNode(s, u, rv, target);
      return true;
    }
    return false;
  }

  /** Takes u out of its route and puts it at position p of route r (p counted before removal). */
  private moveNode(s: Routes, u: number, r: number, p: number): void {
    const ru = s.routeOf[u];
    const pu = s.posOf[u];
    const buf = this.buffer;
    if (ru === r) {
      const base = r * s.stride;
      let w = 0;
      for (let q = 0; q <= s.len[r]; q++) {
        if (q === p) buf[w++] = u;
        if (q < s.len[r] && q !== pu) buf[w++] = s.nodes[base + q];
      }
      s.setRoute(r, buf, w);
      return;
    }
    const baseU = ru * s.stride;
    let w = 0;
    for (let q = 0; q < s.len[ru]; q++) if (q !== pu) buf[w++] = s.nodes[baseU + q];
    s.setRoute(ru, buf, w);
    s.insert(u, r, p);
  }

  private swap(s: Routes, u: number, v: number): boolean {
    const { inst } = this;
    if (inst.seqOf[u] >= 0 || inst.seqOf[v] >= 0) return false;
    const ru = s.routeOf[u];
    const rv = s.routeOf[v];
    const pu = s.posOf[u];
    const pv = s.posOf[v];
    if (ru === rv && Math.abs(pu - pv) <= 1) return false;
    const n = inst.n;
    const D = inst.dist;
    const T = inst.time;
    const a = this.nodeAt(s, ru, pu - 1);
    const b = this.nodeAt(s, ru, pu + 1);
    const c = this.nodeAt(s, rv, pv - 1);
    const d = this.nodeAt(s, rv, pv + 1);
    const delta =
      D[a * n + v] + D[v * n + b] - D[a * n + u] - D[u * n + b] + D[c * n + u] + D[u * n + d] - D[c * n + v] - D[v * n + d];
    if (delta > -1e-9) return false;
    const dtU = T[a * n + v] + T[v * n + b] - T[a * n + u] - T[u * n + b];
    const dtV = T[c * n + u] + T[u * n + d] - T[c * n + v] - T[v * n + d];
    if (ru !== rv) {
      if (!this.fitsKind(u, rv) || !this.fitsKind(v, ru)) return false;
      const ku = inst.kinds[inst.slotKind[ru]];
      const kv = inst.kinds[inst.slotKind[rv]];
      const dDem = inst.demand[v] - inst.demand[u];
      if (s.load[ru] + dDem > ku.capacity + 1e-9 || s.load[rv] - dDem > kv.capacity + 1e-9) return false;
      if (inst.hasKg) {
        const dKg = inst.demandKg[v] - inst.demandKg[u];
        if (s.loadKg[ru] + dKg > ku.capacityKg + 1e-9 || s.loadKg[rv] - dKg > kv.capacityKg + 1e-9) return false;
      }
      if (inst.hasDuration) {
        const ds = inst.service[v] - inst.service[u];
        if (!this.durationOk(s, ru, dtU, ds) || !this.durationOk(s, rv, dtV, -ds)) return false;
      }
      s.save(ru);
      s.save(rv);
      s.nodes[ru * s.stride + pu] = v;
      s.nodes[rv * s.stride + pv] = u;
      const before = s.dist[ru] + s.dist[rv];
      s.recompute(ru);
      s.recompute(rv);
      s.totalDist += s.dist[ru] + s.dist[rv] - before;
      return true;
    }
    if (inst.hasDuration && !this.durationOk(s, ru, dtU + dtV, 0)) return false;
    s.save(ru);
    s.nodes[ru * s.stride + pu] = v;
    s.nodes[ru * s.stride + pv] = u;
    const before = s.dist[ru];
    s.recompute(ru);
    s.totalDist += s.dist[ru] - before;
    return true;
  }

  /**
   * Inter-route tail exchange: route A = ...u | x..., route B = ...v | y... becomes ...u y... and
   * ...v x... (with u's and v's neighbours on either side, both variants are reached over the pass).
   */
  private twoOptStar(s: Routes, u: number, v: number): boolean {
    const { inst } = this;
    const ra = s.routeOf[u];
    const rb = s.routeOf[v];
    if (ra === rb || s.sequenced[ra] > 0 || s.sequenced[rb] > 0) return false;
    if (inst.slotKind[ra] !== inst.slotKind[rb] && (s.pinned[ra] > 0 || s.pinned[rb] > 0)) return false;
    const n = inst.n;
    const D = inst.dist;
    const pu = s.posOf[u];
    const pv = s.posOf[v];
    const x = this.nodeAt(s, ra, pu + 1);
    const y = this.nodeAt(s, rb, pv + 1);
    const delta = D[u * n + y] + D[v * n + x] - D[u * n + x] - D[v * n + y];
    if (delta > -1e-9) return false;
    // Loads and times of heads and tails, summed on the fly (routes are short; this runs only on candidates).
    const baseA = ra * s.stride;
    const baseB = rb * s.stride;
    let headLoadA = 0;
    let headKgA = 0;
    let headServA = 0;
    let headTravelA = 0;
    let prev = 0;
    for (let p = 0; p <= pu; p++) {
      const w = s.nodes[baseA + p];
      headLoadA += inst.demand[w];
      headKgA += inst.demandKg[w];
      headServA += inst.service[w];
      headTravelA += inst.time[prev * n + w];
      prev = w;
    }
    let headLoadB = 0;
    let headKgB = 0;
    let headServB = 0;
    let headTravelB = 0;
    prev = 0;
    for (let p = 0; p <= pv; p++) {
      const w = s.nodes[baseB + p];
      headLoadB += inst.demand[w];
      headKgB += inst.demandKg[w];
      headServB += inst.service[w];
      headTravelB += inst.time[prev * n + w];
      prev = w;
    }
    const ka = inst.kinds[inst.slotKind[ra]];
    const kb = inst.kinds[inst.slotKind[rb]];
    const newLoadA = headLoadA + (s.load[rb] - headLoadB);
    const newLoadB = headLoadB + (s.load[ra] - headLoadA);
    if (newLoadA > ka.capacity + 1e-9 || newLoadB > kb.capacity + 1e-9) return false;
    if (inst.hasKg) {
      if (headKgA + s.loadKg[rb] - headKgB > ka.capacityKg + 1e-9 || headKgB + s.loadKg[ra] - headKgA > kb.capacityKg + 1e-9) return false;
    }
    if (inst.hasDuration) {
      const T = inst.time;
      const tailTravelA = s.travel[ra] - headTravelA - T[u * n + x];
      const tailTravelB = s.travel[rb] - headTravelB - T[v * n + y];
      const durA = (headTravelA + T[u * n + y] + tailTravelB) * ka.timeFactor + headServA + (s.service[rb] - headServB);
      const durB = (headTravelB + T[v * n + x] + tailTravelA) * kb.timeFactor + headServB + (s.service[ra] - headServA);
      if (durA > ka.durationLimit + 1e-9 || durB > kb.durationLimit + 1e-9) return false;
    }
    const bufA = this.buffer;
    const bufB = this.buffer2;
    let wa = 0;
    let wb = 0;
    for (let p = 0; p <= pu; p++) bufA[wa++] = s.nodes[baseA + p];
    for (let p = pv + 1; p < s.len[rb]; p++) bufA[wa++] = s.nodes[baseB + p];
    for (let p = 0; p <= pv; p++) bufB[wb++] = s.nodes[baseB + p];
    for (let p = pu + 1; p < s.len[ra]; p++) bufB[wb++] = s.nodes[baseA + p];
    s.setRoute(ra, bufA, wa);
    s.setRoute(rb, bufB, wb);
    return true;
  }

  /** Intra-route 2-opt: u ... v in one route, reverse the path between u's successor and v. */
  private twoOpt(s: Routes, u: number, v: number): boolean {
    const { inst } = this;
    if (!this.symmetric) return false;
    const r = s.routeOf[u];
    if (r !== s.routeOf[v] || s.sequenced[r] > 0) return false;
    let pu = s.posOf[u];
    let pv = s.posOf[v];
    if (pu > pv) {
      const t = pu;
      pu = pv;
      pv = t;
    }
    if (pv - pu < 2) return false;
    const a = this.nodeAt(s, r, pu);
    const b = this.nodeAt(s, r, pu + 1);
    const c = this.nodeAt(s, r, pv);
    const d = this.nodeAt(s, r, pv + 1);
    const n = inst.n;
    const D = inst.dist;
    const delta = D[a * n + c] + D[b * n + d] - D[a * n + b] - D[c * n + d];
    if (delta > -1e-9) return false;
    if (inst.hasDuration) {
      const T = inst.time;
      if (!this.durationOk(s, r, T[a * n + c] + T[b * n + d] - T[a * n + b] - T[c * n + d], 0)) return false;
    }
    s.save(r);
    const base = r * s.stride;
    for (let i = pu + 1, j = pv; i < j; i++, j--) {
      const t = s.nodes[base + i];
      s.nodes[base + i] = s.nodes[base + j];
      s.nodes[base + j] = t;
    }
    const before = s.dist[r];
    s.recompute(r);
    s.totalDist += s.dist[r] - before;
    return true;
  }
}

function isSymmetric(inst: Instance): boolean {
  const { n, dist, time } = inst;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (dist[i * n + j] !== dist[j * n + i] || time[i * n + j] !== time[j * n + i]) return false;
    }
  }
  return true;
}
