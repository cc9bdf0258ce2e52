import type { Db } from '../../db/create-db';
import type { Actor } from '../auth/actor';
import { actorScopeIds, isUnscoped, regionScope } from '../auth/scope';
import { INDICATOR_KEYS, INDICATORS, type IndicatorKey } from './indicators';

/**
 * Whose targets and progress a user sees, composed of the scope module: admin and staff the county,
 * every town and every base; a training coordinator the county's towns (and the county itself when
 * it is theirs) in their regions; a station operator the towns of their stations, on the station
 * indicators; a base manager their bases' active hosts. Nobody sees a town or base outside it.
 */
export interface TargetView {
  regionCodes: string[];
  /** null: every base. */
  baseIds: number[] | null;
  indicators: IndicatorKey[];
}

const STATION_INDICATORS = INDICATOR_KEYS.filter((k) => INDICATORS[k].metricKey.startsWith('stations.'));

export async function targetView(db: Db, actor: Actor, countyCode: string): Promise<TargetView> {
  const towns = await countyTowns(db, countyCode);
  if (isUnscoped(actor)) return { regionCodes: [countyCode, ...towns.map((t) => t.code)], baseIds: null, indicators: [...INDICATOR_KEYS] };
  switch (actor.role) {
    case 'training_coordinator':
      return {
        regionCodes: [countyCode, ...towns.map((t) => t.code)].filter((code) => regionScope.covers(actor, code)),
        baseIds: [],
        indicators: [...INDICATOR_KEYS],
      };
    case 'station_operator': {
      const ids = actorScopeIds(actor, 'station') ?? [];
      const rows = ids.length ? await db.selectFrom('stations').select('region_code').where('id', 'in', ids).execute() : [];
      const mine = new Set(rows.map((r) => `${r.region_code.slice(0, 9)}000`));
      return { regionCodes: towns.map((t) => t.code).filter((code) => mine.has(code)), baseIds: [], indicators: STATION_INDICATORS };
    }
    case 'livestream_manager':
      return { regionCodes: [], baseIds: actorScopeIds(actor, 'base') ?? [], indicators: ['active_hosts'] };
    default:
      return { regionCodes: [], baseIds: [], indicators: [] };
  }
}

/** The county's towns and subdistricts (乡镇、街道), in code order. */
export function countyTowns(db: Db, countyCode: string) {
  return db.selectFrom('regions').select(['code', 'name']).where('parent_code', '=', countyCode).where('level', '=', 'town').orderBy('code').execute();
}
