import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import type { Database, LivestreamPlatform } from '../../db/types';
import type { AuditWho } from '../audit/audit.service';
import { ACTIVE_HOST_RULE, type ActiveHostRule } from './livestream.metrics';

/**
 * The SQL of the livestream figures: the snapshots written by livestream.recompute
 * (livestream_active_stats, host_month_stats) and the active-host rule's versions. Every read takes
 * the actor's scope as a condition on a base-id column (metrics.service.ts builds it).
 */

type Db = Kysely<Database>;

/** The active-host snapshot rows where `scope` holds (on `a.base_id`), of some months (and one base, one platform), summed over bases per month and platform. */
export function activeTotalRows(db: Db, scope: Expression<SqlBool>, from: string, to: string, only: { baseId?: number; platform?: LivestreamPlatform | 'all' }) {
  return db
    .selectFrom('livestream_active_stats as a')
    .select((eb) => [
      'a.month',
      'a.platform',
      eb.fn.max('a.as_of').as('as_of'),
      eb.fn.max('a.rule_version').as('rule_version'),
      eb.fn.max('a.computed_at').as('computed_at'),
      eb.fn.sum<number>('a.active_hosts').as('active_hosts'),
      eb.fn.sum<number>('a.streaming_hosts').as('streaming_hosts'),
      eb.fn.sum<number>('a.streams').as('streams'),
      eb.fn.sum<number>('a.duration_seconds').as('duration_seconds'),
      eb.fn.sum<number>('a.gmv_fen').as('gmv_fen'),
    ])
    .where('a.month', '>=', from)
    .where('a.month', '<=', to)
    .where(scope)
    .$if(only.baseId !== undefined, (q) => q.where('a.base_id', '=', only.baseId!))
    .$if(only.platform !== undefined, (q) => q.where('a.platform', '=', only.platform!))
    .groupBy(['a.month', 'a.platform'])
    .orderBy('a.month')
    .orderBy('a.platform')
    .execute();
}

/** Every base where `scope` holds (on `b.id`), with its snapshot of `month` (first day) summed: Taobao and all-platform active hosts, streams, hours, GMV. */
export function activeByBaseRows(db: Db, scope: Expression<SqlBool>, month: string) {
  return db
    .selectFrom('livestream_bases as b')
    .innerJoin('regions as r', 'r.code', 'b.region_code')
    .leftJoin('livestream_active_stats as a', (join) => join.onRef('a.base_id', '=', 'b.id').on('a.month', '=', month))
    .select((eb) => [
      'b.id',
      'b.name',
      'r.name as region_name',
      eb.fn.max('a.as_of').as('as_of'),
      sql<number>`coalesce(sum(a.active_hosts) filter (where a.platform = 'taobao'), 0)`.as('active_taobao'),
      sql<number>`coalesce(sum(a.active_hosts) filter (where a.platform = 'all'), 0)`.as('active_all'),
      sql<number>`coalesce(sum(a.streaming_hosts) filter (where a.platform = 'all'), 0)`.as('streaming_hosts'),
      sql<number>`coalesce(sum(a.streams) filter (where a.platform = 'all'), 0)`.as('streams'),
      sql<number>`coalesce(sum(a.duration_seconds) filter (where a.platform = 'all'), 0)`.as('duration_seconds'),
      sql<number>`coalesce(sum(a.gmv_fen) filter (where a.platform = 'all'), 0)`.as('gmv_fen'),
    ])
    .where(scope)
    .groupBy(['b.id', 'b.name', 'r.name'])
    .orderBy(sql`coalesce(sum(a.active_hosts) filter (where a.platform = 'taobao'), 0)`, 'desc')
    .orderBy('b.name')
    .execute();
}

const LEADERBOARD_ORDER = {
  gmv: sql`sum(h.gmv_fen) desc, sum(h.duration_seconds) desc`,
  hours: sql`sum(h.duration_seconds) desc, sum(h.gmv_fen) desc`,
  streams: sql`sum(h.streams) desc, sum(h.duration_seconds) desc`,
  // a host who did not stream has no rate: last
  gmvPerHour: sql`case when sum(h.duration_seconds) > 0 then sum(h.gmv_fen)::numeric / sum(h.duration_seconds) end desc nulls last, sum(h.gmv_fen) desc`,
} as const;

export interface LeaderboardQuery {
  /** The actor's bases, on `h.base_id` (host_month_stats). */
  scope: Expression<SqlBool>;
  month: string; // 'YYYY-MM'
  by: keyof typeof LEADERBOARD_ORDER;
  baseId?: number;
  platform?: LivestreamPlatform;
  page: number;
  pageSize: number;
}

/** A page of the hosts who streamed in a month, ranked, with the count of all of them on every row. */
export async function leaderboardRows(db: Db, q: LeaderboardQuery) {
  const baseFilter = q.baseId !== undefined ? sql`and h.base_id = ${q.baseId}` : sql``;
  const platformFilter = q.platform ? sql`and h.platform = ${q.platform}` : sql``;
  const offset = (q.page - 1) * q.pageSize;
  const result = await sql<{
    rank: number;
    host_id: number;
    host_name: string;
    base_id: number;
    base_name: string;
    streams: number;
    duration_seconds: number;
    gmv_fen: number;
    viewers: number;
    buyers: number;
    active: boolean;
    total: number;
  }>`
    with ranked as (
      select h.host_id, h.base_id, sum(h.streams)::int as streams, sum(h.duration_seconds)::bigint as duration_seconds,
        sum(h.gmv_fen)::bigint as gmv_fen, sum(h.viewers)::bigint as viewers, sum(h.buyers)::bigint as buyers,
        bool_or(h.active_at_month_end) as active,
        row_number() over (order by ${LEADERBOARD_ORDER[q.by]}, h.host_id) as rank,
        count(*) over () as total
      from host_month_stats h
      where h.month = ${`${q.month}-01`}::date and h.streams > 0 and ${q.scope} ${baseFilter} ${platformFilter}
      group by h.host_id, h.base_id
    )
    select k.*, ho.name as host_name, b.name as base_name
    from ranked k join livestream_hosts ho on ho.id = k.host_id join livestream_bases b on b.id = k.base_id
    order by k.rank
    limit ${q.pageSize} offset ${offset}`.execute(db);
  return result.rows;
}

/** The host's id, name and base (scope is the caller's). */
export function hostNameRow(db: Db, hostId: number) {
  return db.selectFrom('livestream_hosts').select(['id', 'name', 'base_id']).where('id', '=', hostId).executeTakeFirst();
}

/** The host's monthly snapshots, by month and platform. */
export function hostMonthRows(db: Db, hostId: number) {
  return db
    .selectFrom('host_month_stats')
    .select(['month', 'platform', 'streams', 'duration_seconds', 'gmv_fen', 'viewers', 'buyers', 'active_at_month_end', 'rule_version'])
    .where('host_id', '=', hostId)
    .orderBy('month')
    .orderBy('platform')
    .execute();
}

/** The active-host rule's versions, newest first, with who made them. */
export function ruleVersionRows(db: Db) {
  return db
    .selectFrom('rule_versions as v')
    .leftJoin('users as u', 'u.id', 'v.created_by')
    .select(['v.version', 'v.params', 'v.effective_from', 'v.created_at', 'u.display_name'])
    .where('v.rule_key', '=', ACTIVE_HOST_RULE)
    .orderBy('v.version', 'desc')
    .execute();
}

/** One writer of the active-host rule's versions at a time (for the rest of the transaction). */
export async function lockRuleVersions(trx: Db): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`rule_versions:${ACTIVE_HOST_RULE}`}))`.execute(trx);
}

export function insertRuleVersion(trx: Db, who: AuditWho, version: number, params: ActiveHostRule, effectiveFrom: string) {
  return trx
    .insertInto('rule_versions')
    .values({ rule_key: ACTIVE_HOST_RULE, version, params: JSON.stringify(params), effective_from: effectiveFrom, created_by: who.id })
    .returningAll()
    .executeTakeFirstOrThrow();
}
