import type { Instance } from './model';

/**
 * A solution as flat arrays: route r's stops are nodes[r*stride .. r*stride+len[r]-1], the depot
 * implied at both ends. Each route keeps its load, distance, travel time and service time, so an
 * insertion is checked in O(1). Routes changed during one ruin-and-recreate step are saved first
 * and can be put back (`rollback`) when the step is refused, which is far cheaper than copying the
 * whole solution every iteration.
 */
export class Routes {
  readonly slots: number;
  readonly stride: number;
  readonly nodes: Int32Array;
  readonly len: Int32Array;
  readonly load: Float64Array;
  readonly loadKg: Float64Array;
  readonly dist: Float64Array;
  readonly travel: Float64Array;
  readonly service: Float64Array;
  /** Pinned stops and sequence members on each route, so moves can skip the checks when none. */
  readonly pinned: Int32Array;
  readonly sequenced: Int32Array;
  readonly routeOf: Int32Array;
  readonly posOf: Int32Array;
  /** Stops on no route. */
  readonly absent: Int32Array;
  absentCount = 0;
  totalDist = 0;

  private readonly saved: Uint8Array;
  private readonly savedList: Int32Array;
  private savedCount = 0;
  private readonly bakNodes: Int32Array;
  private readonly bakLen: Int32Array;
  private readonly bakScalars: Float64Array;
  private readonly bakAbsent: Int32Array;
  private bakAbsentCount = 0;
  private bakTotal = 0;

  constructor(readonly inst: Instance) {
    const slots = inst.slotKind.length;
    const stride = Math.max(1, inst.n - 1);
    this.slots = slots;
    this.stride = stride;
    this.nodes = new Int32Array(slots * stride);
    this.len = new Int32Array(slots);
    this.load = new Float64Array(slots);
    this.loadKg = new Float64Array(slots);
    this.dist = new Float64Array(slots);
    this.travel = new Float64Array(slots);
    this.service = new Float64Array(slots);
    this.pinned = new Int32Array(slots);
    this.sequenced = new Int32Array(slots);
    this.routeOf = new Int32Array(inst.n).fill(-1);
    this.posOf = new Int32Array(inst.n);
    this.absent = new Int32Array(inst.n);
    this.saved = new Uint8Array(slots);
    this.savedList = new Int32Array(slots);
    this.bakNodes = new Int32Array(slots * stride);
    this.bakLen = new Int32Array(slots);
    this.bakScalars = new Float64Array(slots * 5);
    this.bakAbsent = new Int32Array(inst.n);
  }

  /** Route duration: travel at the vehicle's speed plus service. */
  duration(r: number): number {
    const kind = this.inst.kinds[this.inst.slotKind[r]];
    return this.travel[r] * kind.timeFactor + this.service[r];
  }

  /** Starts a step: what changes from here on can be rolled back. */
  begin(): void {
    for (let i = 0; i < this.savedCount; i++) this.saved[this.savedList[i]] = 0;
    this.savedCount = 0;
    this.bakAbsent.set(this.absent.subarray(0, this.absentCount));
    this.bakAbsentCount = this.absentCount;
    this.bakTotal = this.totalDist;
  }

  save(r: number): void {
    if (this.saved[r]) return;
    this.saved[r] = 1;
    this.savedList[this.savedCount++] = r;
    const base = r * this.stride;
    this.bakNodes.set(this.nodes.subarray(base, base + this.len[r]), base);
    this.bakLen[r] = this.len[r];
    const s = r * 5;
    this.bakScalars[s] = this.load[r];
    this.bakScalars[s + 1] = this.loadKg[r];
    this.bakScalars[s + 2] = this.dist[r];
    this.bakScalars[s + 3] = this.travel[r];
    this.bakScalars[s + 4] = this.service[r];
  }

  rollback(): void {
    const { nodes, routeOf, stride } = this;
    for (let i = 0; i < this.savedCount; i++) {
      const r = this.savedList[i];
      const base = r * stride;
      for (let p = 0; p < this.len[r]; p++) routeOf[nodes[base + p]] = -1;
    }
    for (let i = 0; i < this.absentCount; i++) routeOf[this.absent[i]] = -1;
    for (let i = 0; i < this.savedCount; i++) {
      const r = this.savedList[i];
      const base = r * stride;
      this.len[r] = this.bakLen[r];
      nodes.set(this.bakNodes.subarray(base, base + this.bakLen[r]), base);
      this.recompute(r);
      this.saved[r] = 0;
    }
    this.savedCount = 0;
    this.absent.set(this.bakAbsent.subarray(0, this.bakAbsentCount));
    this.absentCount = this.bakAbsentCount;
    for (let i = 0; i < this.absentCount; i++) routeOf[this.absent[i]] = -1;
    this.totalDist = this.bakTotal;
  }

  /** Recomputes a route's totals and its stops' places from its node list. */
  recompute(r: number): void {
    const { inst, nodes, stride } = this;
    const n = inst.n;
    const dist = inst.dist;
    const time = inst.time;
    const base = r * stride;
    const len = this.len[r];
    let load = 0;
    let kg = 0;
    let d = 0;
    let t = 0;
    let s = 0;
    let pins = 0;
    let seqs = 0;
    let prev = 0;
    for (let p = 0; p < len; p++) {
      const v = nodes[base + p];
      this.routeOf[v] = r;
      this.posOf[v] = p;
      load += inst.demand[v];
      kg += inst.demandKg[v];
      s += inst.service[v];
      d += dist[prev * n + v];
      t += time[prev * n + v];
      if (inst.pinKind[v] >= 0) pins++;
      if (inst.seqOf[v] >= 0) seqs++;
      prev = v;
    }
    if (len > 0) {
      d += dist[prev * n];
      t += time[prev * n];
    }
    this.load[r] = load;
    this.loadKg[r] = kg;
    this.dist[r] = d;
    this.travel[r] = t;
    this.service[r] = s;
    this.pinned[r] = pins;
    this.sequenced[r] = seqs;
  }

  /** Recomputes every route and the total (after building or copying). */
  recomputeAll(): void {
    let total = 0;
    for (let r = 0; r < this.slots; r++) {
      this.recompute(r);
      total += this.dist[r];
    }
    this.totalDist = total;
  }

  /** Inserts node v in route r before position p (p = len appends). */
  insert(v: number, r: number, p: number): void {
    this.save(r);
    const { inst, nodes } = this;
    const n = inst.n;
    const base = r * this.stride;
    const len = this.len[r];
    const prev = p === 0 ? 0 : nodes[base + p - 1];
    const next = p === len ? 0 : nodes[base + p];
    const dd = inst.dist[prev * n + v] + inst.dist[v * n + next] - inst.dist[prev * n + next];
    const dt = inst.time[prev * n + v] + inst.time[v * n + next] - inst.time[prev * n + next];
    for (let q = len; q > p; q--) {
      const w = nodes[base + q - 1];
      nodes[base + q] = w;
      this.posOf[w] = q;
    }
    nodes[base + p] = v;
    this.posOf[v] = p;
    this.routeOf[v] = r;
    this.len[r] = len + 1;
    this.load[r] += inst.demand[v];
    this.loadKg[r] += inst.demandKg[v];
    this.dist[r] += dd;
    this.travel[r] += dt;
    this.service[r] += inst.service[v];
    if (inst.pinKind[v] >= 0) this.pinned[r]++;
    if (inst.seqOf[v] >= 0) this.sequenced[r]++;
    this.totalDist += dd;
  }

  /** Takes the marked stops (routeOf = -2 on entry) out of route r. */
  compact(r: number): void {
    this.save(r);
    const { nodes, routeOf } = this;
    const base = r * this.stride;
    const len = this.len[r];
    let w = 0;
    for (let p = 0; p < len; p++) {
      const v = nodes[base + p];
      if (routeOf[v] !== -2) nodes[base + w++] = v;
      else {
        routeOf[v] = -1;
        this.absent[this.absentCount++] = v;
      }
    }
    this.len[r] = w;
    const before = this.dist[r];
    this.recompute(r);
    this.totalDist += this.dist[r] - before;
  }

  /** Replaces route r's stops (used by moves that rebuild routes). */
  setRoute(r: number, stops: ArrayLike<number>, count: number): void {
    this.save(r);
    const base = r * this.stride;
    for (let p = 0; p < count; p++) this.nodes[base + p] = stops[p];
    this.len[r] = count;
    const before = this.dist[r];
    this.recompute(r);
    this.totalDist += this.dist[r] - before;
  }

  removeAbsent(v: number): void {
    for (let i = 0; i < this.absentCount; i++) {
      if (this.absent[i] === v) {
        this.absent[i] = this.absent[--this.absentCount];
        return;
      }
    }
  }

  copyFrom(other: Routes): void {
    this.len.set(other.len);
    for (let r = 0; r < this.slots; r++) {
      const base = r * this.stride;
      this.nodes.set(other.nodes.subarray(base, base + other.len[r]), base);
    }
    this.load.set(other.load);
    this.loadKg.set(other.loadKg);
    this.dist.set(other.dist);
    this.travel.set(other.travel);
    this.service.set(other.service);
    this.pinned.set(other.pinned);
    this.sequenced.set(other.sequenced);
    this.routeOf.set(other.routeOf);
    this.posOf.set(other.posOf);
    this.absent.set(other.absent.subarray(0, other.absentCount));
    this.absentCount = other.absentCount;
    this.totalDist = other.totalDist;
    for (let i = 0; i < this.savedCount; i++) this.saved[this.savedList[i]] = 0;
    this.savedCount = 0;
  }

  /** Non-empty routes. */
  usedRoutes(): number {
    let used = 0;
    for (let r = 0; r < this.slots; r++) if (this.len[r] > 0) used++;
    return used;
  }
}
