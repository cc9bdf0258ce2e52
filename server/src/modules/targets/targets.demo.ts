import { SYSTEM_ACTOR } from '../auth/actor';
import { demoSeedStep } from '../module';
import { INDICATORS, INDICATOR_KEYS } from './indicators';
import { splitTotal } from './split';
import { findBaseTargetValue } from './targets.repository';
import { previewSplit, setTownTargets, targetValue, upsertBaseTarget, upsertTarget } from './targets.service';

/**
 * The demo county's targets for the year: the work plan's county figures, shared out to the towns
 * in proportion to their villages (the station-activity share is every town's); the 300 active
 * hosts shared out to the livestream bases by their size, and a town with bases given the sum of
 * its bases' (a town without a base has no host target). A target already set is kept.
 */
export const targetsDemo = demoSeedStep('targets', async ({ db, year, countyCode }) => {
  const ctx = { db, who: SYSTEM_ACTOR, countyCode };
  for (const metricKey of INDICATOR_KEYS) {
    if ((await targetValue(db, year, countyCode, metricKey)) === null) {
      await upsertTarget(ctx, { year, regionCode: countyCode, metricKey, value: INDICATORS[metricKey].default });
    }
    // indicators also set per base (active hosts) are shared out by the bases, below
    const levels: readonly string[] = INDICATORS[metricKey].levels;
    if (!levels.includes('town') || levels.includes('base')) continue;
    const split = await previewSplit(ctx, { year, metricKey, basis: 'villages' });
    const unset = split.towns.filter((t) => t.current === null);
    if (unset.length) await setTownTargets(ctx, { year, metricKey, towns: unset.map((t) => ({ regionCode: t.regionCode, value: t.proposed })) });
  }
  const bases = await db.selectFrom('livestream_bases').select(['id', 'capacity', 'region_code']).where('region_code', 'like', `${countyCode.slice(0, 6)}%`).orderBy('id').execute();
  const shares = splitTotal(INDICATORS.active_hosts.default, bases.map((b) => b.capacity ?? 1), 'count');
  const byTown = new Map<string, number>();
  for (const [i, base] of bases.entries()) {
    if ((await findBaseTargetValue(db, { year, baseId: base.id, metricKey: 'active_hosts' })) === null) {
      await upsertBaseTarget(ctx, { year, baseId: base.id, metricKey: 'active_hosts', value: shares[i] });
    }
    const town = `${base.region_code.slice(0, 9)}000`;
    byTown.set(town, (byTown.get(town) ?? 0) + shares[i]);
  }
  const unset = [...byTown].filter(([code]) => code !== countyCode);
  if (unset.length && (await targetValue(db, year, unset[0][0], 'active_hosts')) === null) {
    await setTownTargets(ctx, { year, metricKey: 'active_hosts', towns: unset.map(([regionCode, value]) => ({ regionCode, value })) });
  }
});
