import type { Db } from '../db/create-db';
import { modules } from './index';
import type { SnapshotStep } from './module';

/**
 * Every module's snapshot step (its manifest's `snapshots`), in module order except that a step
 * runs after the modules it names in `after`. One list for "recompute now", the demo's last seed
 * step and the recompute of a closed month.
 */
export function snapshotSteps(): { module: string; step: SnapshotStep }[] {
  const declared = modules.filter((m) => m.snapshots).map((m) => ({ module: m.name as string, step: m.snapshots! }));
  const done = new Set<string>();
  const ordered: typeof declared = [];
  const pending = [...declared];
  while (pending.length) {
    const i = pending.findIndex((d) => (d.step.after ?? []).every((name) => done.has(name) || !declared.some((x) => x.module === name)));
    if (i < 0) throw new Error(`snapshots: a cycle in "after" among ${pending.map((d) => d.module).join(', ')}`);
    const [next] = pending.splice(i, 1);
    ordered.push(next);
    done.add(next.module);
  }
  return ordered;
}

/** Bring every snapshot up to date as of `asOf` (default today), reporting progress (0–100) after each module's step. */
export async function recomputeAll(
  db: Db,
  options: { asOf?: string; progress?: (percent: number, module: string) => Promise<void> } = {},
): Promise<{ modules: string[]; ms: Record<string, number> }> {
  const steps = snapshotSteps();
  const ms: Record<string, number> = {};
  for (const [i, { module, step }] of steps.entries()) {
    const t0 = performance.now();
    await step.run(db, options.asOf);
    ms[module] = Math.round(performance.now() - t0);
    await options.progress?.(Math.round(((i + 1) / steps.length) * 100), module);
  }
  return { modules: steps.map((s) => s.module), ms };
}
