import { sql, type Kysely } from 'kysely';
import type { Database, RegionLevel, Region, VillageKind } from '../../db/types';
import { likePattern } from '../../lib/list';

type Executor = Kysely<Database>;

export interface RegionNode {
  code: string;
  name: string;
  level: RegionLevel;
  parentCode: string | null;
  townshipKind: Region['township_kind'];
  villageKind: Region['village_kind'];
  childCount: number;
}

/** Shared select: the region plus how many regions sit directly beneath it. */
function withChildCount(db: Executor) {
  return db
    .selectFrom('regions as r')
    .select([
      'r.code',
      'r.name',
      'r.level',
      'r.parent_code',
      'r.township_kind',
      'r.village_kind',
      (eb) => eb.selectFrom('regions as c').select((e) => e.fn.countAll<number>().as('n')).whereRef('c.parent_code', '=', 'r.code').as('child_count'),
    ]);
}

type Row = { code: string; name: string; level: RegionLevel; parent_code: string | null; township_kind: Region['township_kind']; village_kind: Region['village_kind']; child_count?: number | null };

/** A region row as the API shows it; a row without its count of children shows 0. */
export const toRegionNode = (r: Row): RegionNode => ({
  code: r.code,
  name: r.name,
  level: r.level,
  parentCode: r.parent_code,
  townshipKind: r.township_kind,
  villageKind: r.village_kind,
  childCount: Number(r.child_count ?? 0),
});

export async function childrenOf(db: Executor, parentCode: string | null): Promise<RegionNode[]> {
  const rows = await withChildCount(db)
    .where('r.parent_code', parentCode === null ? 'is' : '=', parentCode)
    .orderBy('r.code')
    .execute();
  return rows.map(toRegionNode);
}

export async function findRegion(db: Executor, code: string): Promise<RegionNode | undefined> {
  const row = await withChildCount(db).where('r.code', '=', code).executeTakeFirst();
  return row && toRegionNode(row);
}

/** The region and its ancestors, province first. */
export async function pathOf(db: Executor, code: string): Promise<{ code: string; name: string; level: RegionLevel }[]> {
  const rows = await sql<{ code: string; name: string; level: RegionLevel; depth: number }>`
    with recursive up as (
      select code, name, level, parent_code, 0 as depth from regions where code = ${code}
      union all
      select r.code, r.name, r.level, r.parent_code, up.depth + 1 from regions r join up on r.code = up.parent_code
    )
    select code, name, level, depth from up order by depth desc`.execute(db);
  return rows.rows.map(({ code, name, level }) => ({ code, name, level }));
}

export interface RegionSearchFilter {
  q: string;
  level?: RegionLevel;
  /** Only regions beneath this one (a code prefix). */
  underCode?: string;
}

/** By name (contains) or, when the text is digits, by code prefix. Parent names come along to tell 张庄村 from 张庄村. */
export function searchQuery(db: Executor, filter: RegionSearchFilter, underPrefix: string | null) {
  const q = filter.q.trim();
  return db
    .selectFrom('regions as r')
    .leftJoin('regions as p', 'p.code', 'r.parent_code')
    .leftJoin('regions as g', 'g.code', 'p.parent_code')
    .$if(/^\d+$/.test(q), (qb) => qb.where('r.code', 'like', `${q}%`))
    .$if(!/^\d+$/.test(q) && q !== '', (qb) => qb.where('r.name', 'ilike', likePattern(q)))
    .$if(!!filter.level, (qb) => qb.where('r.level', '=', filter.level!))
    .$if(underPrefix !== null, (qb) => qb.where('r.code', 'like', `${underPrefix}%`));
}

/** The region that already holds a code, if any: its code and name. */
export function regionHolding(db: Executor, code: string) {
  return db.selectFrom('regions').select(['code', 'name']).where('code', '=', code).executeTakeFirst();
}

/** Add a village under its town. */
export function insertVillage(db: Executor, village: { code: string; name: string; townCode: string; villageKind: VillageKind | null }) {
  return db
    .insertInto('regions')
    .values({ code: village.code, name: village.name, level: 'village', parent_code: village.townCode, township_kind: null, village_kind: village.villageKind })
    .returning(['code', 'name', 'level', 'parent_code', 'village_kind'])
    .executeTakeFirstOrThrow();
}
