import type { Db } from '../../db/create-db';
import { enqueueBestEffort } from '../../jobs/enqueue';
import { badRequest, conflict, notFound } from '../../lib/app-error';
import { offsetOf } from '../../lib/list';
import { recordAudit, type AuditWho } from '../audit/audit.service';
import { regionPrefix } from '../auth/scope';
import type { ServiceContext, ServiceDeps } from '../service-context';
import { townPrefixOf, villageKindOf } from './regions.codes';
import { importRegions, type RegionImportResult } from './regions.import';
import { childrenOf, findRegion, insertVillage, pathOf, regionHolding, searchQuery, toRegionNode, type RegionNode, type RegionSearchFilter } from './regions.repository';

export async function getRegion(db: Db, code: string) {
  const region = await findRegion(db, code);
  if (!region) throw notFound('REGION_NOT_FOUND', { code });
  const [path, rollup] = await Promise.all([
    pathOf(db, code),
    db.selectFrom('region_rollups').selectAll().where('region_code', '=', code).executeTakeFirst(),
  ]);
  return {
    ...region,
    path,
    rollup: rollup
      ? {
          townCount: rollup.town_count,
          villageCount: rollup.village_count,
          administrativeVillageCount: rollup.administrative_village_count,
          computedAt: new Date(rollup.computed_at).toISOString(),
        }
      : null,
  };
}

export async function regionNames(db: Db, codes: string[]): Promise<{ code: string; name: string }[]> {
  if (codes.length === 0) return [];
  const rows = await db.selectFrom('regions').select(['code', 'name']).where('code', 'in', codes).execute();
  const byCode = new Map(rows.map((r) => [r.code, r.name]));
  return codes.filter((c) => byCode.has(c)).map((code) => ({ code, name: byCode.get(code)! }));
}

export function listChildren(db: Db, parentCode: string | null): Promise<RegionNode[]> {
  return childrenOf(db, parentCode);
}

export async function searchRegions(
  db: Db,
  input: { page: number; pageSize: number; filter: RegionSearchFilter },
): Promise<{ items: (RegionNode & { parentName: string | null; grandparentName: string | null })[]; total: number }> {
  const underPrefix = input.filter.underCode ? regionPrefix(input.filter.underCode) : null;
  const base = searchQuery(db, input.filter, underPrefix);
  const [rows, count] = await Promise.all([
    base
      .select(['r.code', 'r.name', 'r.level', 'r.parent_code', 'r.township_kind', 'r.village_kind', 'p.name as parent_name', 'g.name as grandparent_name'])
      .orderBy('r.code')
      .limit(input.pageSize)
      .offset(offsetOf(input))
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    total: Number(count.n),
    items: rows.map((r) => ({ ...toRegionNode(r), parentName: r.parent_name, grandparentName: r.grandparent_name })),
  };
}

/** The county a region belongs to, as the 12-digit code the rollup job takes. */
const countyOf = (code: string) => `${code.slice(0, 6)}000000`;

/**
 * Add a village under a town. Its code is the town's 9-digit prefix plus 3 digits (001–999); the
 * database keeps the code unique, and the error names the village that already holds it.
 */
export async function addVillage(ctx: ServiceContext, input: { townCode: string; code: string; name: string }): Promise<RegionNode> {
  const { db, who } = ctx;
  const town = await findRegion(db, input.townCode);
  if (!town) throw notFound('REGION_NOT_FOUND', { code: input.townCode });
  if (town.level !== 'town') throw badRequest('REGION_PARENT_NOT_TOWN', { code: input.townCode });
  const townPrefix = townPrefixOf(town.code);
  if (!new RegExp(`^${townPrefix}\\d{3}$`).test(input.code) || input.code.endsWith('000')) {
    throw badRequest('REGION_VILLAGE_CODE_INVALID', { townPrefix, code: input.code });
  }
  const village = await db.transaction().execute(async (trx) => {
    const taken = await regionHolding(trx, input.code);
    if (taken) throw conflict('REGION_CODE_TAKEN', { code: taken.code, name: taken.name });
    const row = await insertVillage(trx, { code: input.code, name: input.name.trim(), townCode: town.code, villageKind: villageKindOf(input.code) });
    await recordAudit(trx, who, { entity: 'region', entityId: row.code, action: 'create', after: row });
    return row;
  });
  await enqueueRollup(ctx, countyOf(village.code));
  return { code: village.code, name: village.name, level: 'village', parentCode: town.code, townshipKind: null, villageKind: village.village_kind, childCount: 0 };
}

/** Import the national division codes; the audit log records the import when it changed anything. */
export async function importRegionsAudited(db: Db, who: AuditWho): Promise<RegionImportResult> {
  const result = await importRegions(db);
  if (result.inserted + result.updated > 0) {
    await db.transaction().execute((trx) =>
      recordAudit(trx, who, {
        entity: 'region',
        entityId: null,
        action: 'import',
        after: { inserted: result.inserted, updated: result.updated, read: result.read },
      }),
    );
  }
  return result;
}

/** Import, then refresh the denominators in the background. */
export async function runRegionImport(deps: ServiceDeps, who: AuditWho): Promise<RegionImportResult> {
  const result = await importRegionsAudited(deps.db, who);
  await enqueueRollup(deps);
  return result;
}

/** A write has committed; the rollup follows in the background. Failing to enqueue must not undo the write. */
function enqueueRollup(deps: Pick<ServiceDeps, 'queue' | 'log'>, countyCode?: string) {
  return enqueueBestEffort(deps, 'regions.rollup', countyCode ? { countyCode } : {});
}
