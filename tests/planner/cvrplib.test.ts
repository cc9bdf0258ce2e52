import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSolution, CVRPLIB_DIR, parseSol, readBks, readVrp } from './cvrplib';
import { solveVrp } from './cvrplib-solve';

const bks = readBks();

/** One instance per set, a short budget, and a gap bound loose enough for a busy two-core machine. */
const CASES = [
  { set: 'A', name: 'A-n32-k5', ms: 400, maxGap: 3 },
  { set: 'B', name: 'B-n31-k5', ms: 400, maxGap: 3 },
  { set: 'P', name: 'P-n16-k8', ms: 400, maxGap: 3 },
  // 15 vehicles filled to 99 %: feasible only through the overload fallback.
  { set: 'P', name: 'P-n55-k15', ms: 800, maxGap: 3 },
  { set: 'X', name: 'X-n101-k25', ms: 2500, maxGap: 6 },
  { set: 'CMT', name: 'CMT6', ms: 1500, maxGap: 5 },
];

describe('CVRPLIB checker and solver', () => {
  it('the checker scores the published best solutions at their best known values', () => {
    // B-n50-k8's and B-n57-k7's .sol files are known to be off (see the data README): not used here.
    for (const { set, name } of [...CASES, { set: 'CMT', name: 'CMT10' }]) {
      const row = bks.find((r) => r.instance === name)!;
      const inst = readVrp(set, name, row.rounding === 'nearest_int');
      const routes = parseSol(readFileSync(path.join(CVRPLIB_DIR, set, `${name}.sol`), 'utf8'));
      const check = checkSolution(inst, routes);
      expect(check.errors, name).toEqual([]);
      expect(check.cost, name).toBeCloseTo(row.bks, row.rounding === 'nearest_int' ? 6 : 1);
    }
  });

  it('the checker refuses a missing customer, a duplicate and an overloaded or overlong route', () => {
    const inst = readVrp('CMT', 'CMT6', false);
    const routes = parseSol(readFileSync(path.join(CVRPLIB_DIR, 'CMT', 'CMT6.sol'), 'utf8'));
    const merged = [[...routes[0], ...routes[1]], ...routes.slice(2)];
    const errors = checkSolution(inst, merged).errors.join('\n');
    expect(errors).toMatch(/load \d+ > capacity 160|duration/);
    const dropped = checkSolution(inst, [routes[0].slice(1), ...routes.slice(1), [routes[1][0]]]).errors.join('\n');
    expect(dropped).toMatch(/customer \d+ not visited/);
    expect(dropped).toMatch(/visited twice/);
    expect(checkSolution(inst, routes, 5).errors.join('\n')).toMatch(/6 routes, not 5/);
  });

  for (const c of CASES) {
    it(`solves ${c.name} within ${c.maxGap} % of its best known value in ${c.ms} ms`, () => {
      const row = bks.find((r) => r.instance === c.name)!;
      const inst = readVrp(c.set, c.name, row.rounding === 'nearest_int');
      const fleet = c.set === 'X' || c.set === 'CMT' ? null : inst.k;
      const solved = solveVrp(inst, fleet, { timeLimitMs: c.ms, seed: 1 });
      const check = checkSolution(inst, solved.routes, fleet);
      expect(check.errors).toEqual([]);
      expect(solved.unassigned).toBe(0);
      expect(check.cost).toBeCloseTo(solved.solverCost, 6);
      expect((100 * (check.cost - row.bks)) / row.bks).toBeLessThanOrEqual(c.maxGap);
      expect(check.cost).toBeGreaterThanOrEqual(row.bks - 0.01);
    });
  }
});
