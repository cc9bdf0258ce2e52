/**
 * The route planner against CVRPLIB's best known values, and on a county-sized problem.
 *
 *   pnpm bench:planner                      all 108 instances (A, B, P 1 s; X 10 s; CMT 5 s each)
 *   pnpm bench:planner --set A --seed 7     one set, another seed
 *   pnpm bench:planner --only X-n101-k25    one instance
 *   pnpm bench:planner --out /tmp/sol       also write each best solution as <instance>.sol
 *   pnpm bench:planner --county             ≈500 villages around 117.16° E 35.08° N, 10 vehicles, an 8-hour shift
 *
 * Costs and feasibility come from the independent checker in tests/planner/cvrplib.ts, not from the
 * solver. Times are wall-clock on whatever else the machine is doing: on a shared machine, say so.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { createRandom } from '@cuntong/server/lib/random';
import type { PlannerProblem } from '@cuntong/server/modules/planner/solver/model';
import { solve } from '@cuntong/server/modules/planner/solver/solve';
import { checkSolution, formatSol, readBks, readVrp } from '../planner/cvrplib';
import { solveVrp } from '../planner/cvrplib-solve';

const args = process.argv.slice(2);
const option = (name: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
};
const seed = Number(option('seed') ?? 1);
const outDir = option('out');
const onlySet = option('set');
const only = option('only');

/** Time budget per instance of each set, and whether the fleet is exactly k (A, B, P) or unlimited. */
const RULES: Record<string, { ms: number; exact: boolean }> = {
  A: { ms: 1000, exact: true },
  B: { ms: 1000, exact: true },
  P: { ms: 1000, exact: true },
  X: { ms: 10_000, exact: false },
  CMT: { ms: 5000, exact: false },
};

function runCvrplib(): void {
  if (outDir) mkdirSync(outDir, { recursive: true });
  const rows = readBks().filter((r) => (!onlySet || r.set === onlySet) && (!only || r.instance === only));
  console.log(`planner bench: ${rows.length} instances, seed ${seed}, ${new Date().toISOString()}, load average ${loadavg()[0].toFixed(2)}`);
  // cpu s is the CPU time the solve got: well under the wall time means other work shared the cores.
  console.log('instance          set    cost          bks           gap %    time s   cpu s  routes  feasible');
  const perSet = new Map<string, { gap: number; ms: number; cpuMs: number; name: string; feasible: boolean }[]>();
  for (const row of rows) {
    const rule = RULES[row.set];
    const inst = readVrp(row.set, row.instance, row.rounding === 'nearest_int');
    const fleet = rule.exact ? inst.k : null;
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const solved = solveVrp(inst, fleet, { timeLimitMs: rule.ms, seed });
    const ms = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const check = checkSolution(inst, solved.routes, fleet);
    const feasible = check.errors.length === 0 && solved.unassigned === 0;
    const gap = (100 * (check.cost - row.bks)) / row.bks;
    const list = perSet.get(row.set) ?? [];
    list.push({ gap, ms, cpuMs, name: row.instance, feasible });
    perSet.set(row.set, list);
    const cost = row.rounding === 'nearest_int' ? String(check.cost) : check.cost.toFixed(2);
    console.log(
      `${row.instance.padEnd(17)} ${row.set.padEnd(4)} ${cost.padStart(10)} ${String(row.bks).padStart(12)} ${gap.toFixed(2).padStart(9)} ${(ms / 1000).toFixed(2).padStart(8)} ${(cpuMs / 1000).toFixed(2).padStart(7)} ${String(check.routes).padStart(7)}  ${feasible ? 'yes' : `NO: ${check.errors.slice(0, 3).join('; ')}`}`,
    );
    if (outDir) writeFileSync(path.join(outDir, `${row.instance}.sol`), formatSol(solved.routes, check.cost));
  }
  console.log(`\nload average at the end ${loadavg()[0].toFixed(2)}`);
  console.log('set   n    mean gap %  max gap % (instance)          mean time s  mean cpu s  infeasible');
  // An infeasible answer has no gap worth the name (a missing customer makes it look cheap):
  // the means and the worst are over feasible answers, and the infeasible ones are counted apart.
  for (const [set, all] of perSet) {
    const list = all.filter((r) => r.feasible);
    const mean = list.reduce((s, r) => s + r.gap, 0) / list.length;
    const worst = list.reduce((a, b) => (b.gap > a.gap ? b : a), { gap: -Infinity, name: '-' });
    const meanMs = all.reduce((s, r) => s + r.ms, 0) / all.length;
    const meanCpu = all.reduce((s, r) => s + r.cpuMs, 0) / all.length;
    const infeasible = all.length - list.length;
    console.log(
      `${set.padEnd(5)} ${String(all.length).padStart(3)} ${mean.toFixed(2).padStart(10)} ${worst.gap.toFixed(2).padStart(10)} (${worst.name})`.padEnd(52) +
        `${(meanMs / 1000).toFixed(2).padStart(10)} ${(meanCpu / 1000).toFixed(2).padStart(11)} ${String(infeasible).padStart(11)}`,
    );
  }
}

/**
 * A county like the demo's (Linyi's counties lie around 117.16° E 35.08° N): villages scattered
 * over about 50 × 45 km, thicker near the town centres, a few without coordinates.
 */
function countyProblem(countySeed: number): PlannerProblem {
  const random = createRandom(countySeed);
  const depot = { x: 117.16, y: 35.08 };
  const towns = Array.from({ length: 12 }, () => ({ x: depot.x + (random.next() - 0.5) * 0.5, y: depot.y + (random.next() - 0.5) * 0.4 }));
  const stops: PlannerProblem['stops'] = [];
  for (let i = 0; i < 500; i++) {
    const town = random.pick(towns);
    const spread = random.chance(0.3) ? 0.12 : 0.05;
    const point = i % 167 === 166 ? null : { x: town.x + (random.next() - 0.5) * spread, y: town.y + (random.next() - 0.5) * spread };
    stops.push({ id: `v${i + 1}`, point, demand: random.int(1, 25), demandKg: random.int(2, 60), serviceTime: random.int(2, 5) });
  }
  return {
    geometry: { kind: 'geo', roadFactor: 1.35 },
    depot: { point: depot },
    stops,
    vehicles: [
      { id: 'van', capacity: 700, capacityKg: 1500, count: 8, speed: 35 },
      { id: 'truck', capacity: 1200, capacityKg: 3000, count: 2, speed: 30 },
    ],
    durationLimit: 8 * 60,
  };
}

function runCounty(): void {
  const problem = countyProblem(seed);
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  let firstMs = 0;
  const solution = solve(problem, {
    timeLimitMs: 9000,
    seed,
    onProgress: (_cost, ms) => {
      if (firstMs === 0) firstMs = ms;
    },
  });
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const usage = process.resourceUsage();
  const reasons = new Map<string, number>();
  for (const u of solution.unassigned) reasons.set(u.reason, (reasons.get(u.reason) ?? 0) + 1);
  console.log(`county (seed ${seed}): ${problem.stops.length} villages, ${problem.vehicles.reduce((s, v) => s + (v.count ?? 0), 0)} vehicles, shift 480 min`);
  console.log(`  ${solution.routes.length} routes, ${solution.cost.toFixed(1)} km, longest route ${Math.max(...solution.routes.map((r) => r.duration)).toFixed(0)} min`);
  console.log(`  unassigned: ${[...reasons].map(([r, c]) => `${r} ${c}`).join(', ') || 'none'}`);
  console.log(
    `  first solution ${(firstMs / 1000).toFixed(2)} s, answered in ${(ms / 1000).toFixed(2)} s (CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s, load average ${loadavg()[0].toFixed(2)}), ${solution.iterations} iterations`,
  );
  console.log(`  peak memory (max RSS) ${(usage.maxRSS / 1024).toFixed(0)} MB, heap used ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MB`);
}

if (args.includes('--county')) runCounty();
else runCvrplib();
