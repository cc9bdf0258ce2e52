import { sql, type Expression, type Insertable, type Kysely, type SqlBool, type Updateable } from 'kysely';
import type { z } from 'zod';
import type { Database, LivestreamPlatform } from '../../db/types';
import { shanghaiToday } from '../../lib/dates';
import { likePattern, offsetOf } from '../../lib/list';
import type { hostListInput } from './livestream.schemas';

/** The SQL of hosts, their platform accounts and trainee links; hosts.service.ts keeps the rules, scope and transactions. */

type Db = Kysely<Database>;
type HostListInput = z.output<typeof hostListInput>;
type HostFilter = NonNullable<HostListInput['filter']>;

// ---- query pieces --------------------------------------------------------------------------------

/** This month's snapshot (host_month_stats, month = its first day): who is active now. */
const thisMonth = () => `${shanghaiToday().slice(0, 7)}-01`;

/** The host's latest stream: one probe of livestream_streams_host_started_idx. */
const lastStreamAt = sql<Date | string | null>`(select max(s.started_at) from livestream_streams s where s.host_id = h.id)`;

/** Hosts with their base, village, platforms, where they are active now, and last stream. */
export function hostRows(db: Db) {
  return db
    .selectFrom('livestream_hosts as h')
    .innerJoin('livestream_bases as b', 'b.id', 'h.base_id')
    .leftJoin('regions as v', 'v.code', 'h.village_code')
    .select([
      'h.id',
      'h.name',
      'h.mobile',
      'h.base_id',
      'b.name as base_name',
      'h.village_code',
      'v.name as village_name',
      'h.status',
      'h.joined_on',
      'h.trainee_id',
      'h.created_at',
      sql<LivestreamPlatform[] | null>`(select array_agg(distinct a.platform order by a.platform) from livestream_accounts a where a.host_id = h.id)`.as('platforms'),
      sql<LivestreamPlatform[] | null>`(select array_agg(hm.platform order by hm.platform) from host_month_stats hm where hm.host_id = h.id and hm.month = ${thisMonth()} and hm.active_at_month_end)`.as('active_on'),
      lastStreamAt.as('last_stream_at'),
    ]);
}
export type HostRow = Awaited<ReturnType<ReturnType<typeof hostRows>['executeTakeFirstOrThrow']>>;

/** One host with the profile's columns: the list's, the version and who linked the trainee (scope is the caller's). */
export function hostProfileRow(db: Db, id: number) {
  return hostRows(db)
    .leftJoin('users as lu', 'lu.id', 'h.trainee_linked_by')
    .select(['h.version', 'h.trainee_linked_at', 'lu.display_name as linked_by'])
    .where('h.id', '=', id)
    .executeTakeFirst();
}

/**
 * The hosts of the list: `scope` (on `h.base_id`) and the filter, where `q` digits are the mobile's
 * last digits, anything else part of the name.
 */
function matchingHosts(db: Db, scope: Expression<SqlBool>, filter: HostFilter) {
  return db
    .selectFrom('livestream_hosts as h')
    .where(scope)
    .where((eb) => {
      const conditions: Expression<SqlBool>[] = [];
      const q = (filter.q ?? '').replace(/\s+/g, '');
      if (q) conditions.push(/^\d+$/.test(q) ? eb('h.mobile', 'like', `%${q}`) : eb('h.name', 'ilike', likePattern(q)));
      if (filter.baseId !== undefined) conditions.push(eb('h.base_id', '=', filter.baseId));
      if (filter.status) conditions.push(eb('h.status', '=', filter.status));
      if (filter.platform) {
        conditions.push(eb.exists(eb.selectFrom('livestream_accounts as a').select(sql`1`.as('one')).whereRef('a.host_id', '=', 'h.id').where('a.platform', '=', filter.platform)));
      }
      if (filter.trained !== undefined) conditions.push(eb('h.trainee_id', filter.trained ? 'is not' : 'is', null));
      if (filter.active !== undefined) {
        const activeNow = eb.exists(
          eb
            .selectFrom('host_month_stats as hm')
            .select(sql`1`.as('one'))
            .whereRef('hm.host_id', '=', 'h.id')
            .where('hm.month', '=', thisMonth())
            .where('hm.active_at_month_end', '=', true)
            .$if(filter.platform !== undefined, (qb) => qb.where('hm.platform', '=', filter.platform!)),
        );
        conditions.push(filter.active ? activeNow : eb.not(activeNow));
      }
      return eb.and(conditions);
    });
}

/**
 * A page of the list and the count. The page is chosen from the hosts alone; only its rows get their
 * base, village, platforms and activity (sorting them all by last stream once made a list cost a
 * quarter of a second).
 */
export async function hostListPage(db: Db, scope: Expression<SqlBool>, input: HostListInput) {
  const hosts = matchingHosts(db, scope, input.filter ?? {});
  const total = await hosts.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const sort = input.sort ?? { key: 'createdAt' as const, order: 'desc' as const };
  const column = { name: sql`h.name`, joinedOn: sql`h.joined_on`, createdAt: sql`h.created_at`, lastStream: lastStreamAt } as const;
  const order = sql`${column[sort.key]} ${sql.raw(sort.order === 'asc' ? 'asc' : 'desc')} nulls last, h.id desc`;
  const page = hosts.select('h.id').orderBy(order).limit(input.pageSize).offset(offsetOf(input));
  const rows = await hostRows(db).where('h.id', 'in', page).orderBy(order).execute();
  return { rows, total: Number(total.n) };
}

/** The host row, locked for an update. */
export function lockHost(trx: Db, id: number) {
  return trx.selectFrom('livestream_hosts').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export function insertHost(trx: Db, values: Insertable<Database['livestream_hosts']>) {
  return trx.insertInto('livestream_hosts').values(values).returningAll().executeTakeFirstOrThrow();
}

export function updateHostRow(trx: Db, id: number, values: Updateable<Database['livestream_hosts']>) {
  return trx
    .updateTable('livestream_hosts')
    .set({ updated_at: new Date(), ...values })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The host holding this mobile, other than `exceptId`, with their base. */
export function mobileHolder(trx: Db, mobile: string, exceptId: number | null) {
  return trx
    .selectFrom('livestream_hosts as h')
    .innerJoin('livestream_bases as b', 'b.id', 'h.base_id')
    .select(['h.name', 'h.base_id', 'b.name as base_name'])
    .where('h.mobile', '=', mobile)
    .$if(exceptId !== null, (q) => q.where('h.id', '<>', exceptId!))
    .executeTakeFirst();
}

// ---- platform accounts ---------------------------------------------------------------------------

/** A host's accounts, for the profile. */
export function hostAccounts(db: Db, hostId: number) {
  return db.selectFrom('livestream_accounts').select(['id', 'platform', 'account_id', 'handle']).where('host_id', '=', hostId).orderBy('platform').orderBy('id').execute();
}

/** A host's accounts as the audit log keeps them. */
export function accountsForAudit(trx: Db, hostId: number) {
  return trx.selectFrom('livestream_accounts').select(['platform', 'account_id as accountId', 'handle']).where('host_id', '=', hostId).orderBy('id').execute();
}

/** One of these accounts (platform + account id) held by a host other than `hostId`, with that host and base. */
export function accountHolder(trx: Db, hostId: number, accounts: { platform: LivestreamPlatform; accountId: string }[]) {
  return trx
    .selectFrom('livestream_accounts as a')
    .innerJoin('livestream_hosts as h', 'h.id', 'a.host_id')
    .innerJoin('livestream_bases as b', 'b.id', 'h.base_id')
    .select(['a.account_id', 'h.name', 'h.base_id', 'b.name as base_name'])
    .where('a.host_id', '<>', hostId)
    .where((eb) => eb.or(accounts.map((a) => eb.and([eb('a.platform', '=', a.platform), eb('a.account_id', '=', a.accountId)]))))
    .executeTakeFirst();
}

/** A host's accounts, locked while they are replaced. */
export function lockAccounts(trx: Db, hostId: number) {
  return trx.selectFrom('livestream_accounts').select(['id', 'platform', 'account_id', 'handle']).where('host_id', '=', hostId).forUpdate().execute();
}

export async function deleteAccounts(trx: Db, ids: number[]): Promise<void> {
  await trx.deleteFrom('livestream_accounts').where('id', 'in', ids).execute();
}

export async function updateAccount(trx: Db, id: number, values: Updateable<Database['livestream_accounts']>): Promise<void> {
  await trx.updateTable('livestream_accounts').set(values).where('id', '=', id).execute();
}

export async function insertAccount(trx: Db, values: Insertable<Database['livestream_accounts']>): Promise<void> {
  await trx.insertInto('livestream_accounts').values(values).execute();
}

// ---- trainees ------------------------------------------------------------------------------------

/** Trainees (`t`) as a host's profile names them: name, mobile, village. */
const traineeRef = (db: Db) =>
  db.selectFrom('trainees as t').leftJoin('regions as v', 'v.code', 't.village_code').select(['t.id', 't.name', 't.mobile', 'v.name as village_name']);

export function traineeRefById(db: Db, id: number) {
  return traineeRef(db).where('t.id', '=', id).executeTakeFirst();
}

/**
 * The trainee a host probably is: the one registered under the same (normalised) mobile — where that
 * record was merged, the trainee it was merged into — unless another host is linked to them already.
 */
export async function suggestedTrainee(db: Db, host: { id: number; mobile: string }) {
  return traineeRef(db)
    .where('t.merged_into_id', 'is', null)
    .where((eb) =>
      eb('t.id', 'in', eb.selectFrom('trainees as m').select(sql<number>`coalesce(m.merged_into_id, m.id)`.as('id')).where('m.mobile', '=', host.mobile)),
    )
    .where((eb) => eb.not(eb.exists(eb.selectFrom('livestream_hosts as o').select(sql`1`.as('one')).whereRef('o.trainee_id', '=', 't.id').where('o.id', '<>', host.id))))
    .orderBy('t.id')
    .executeTakeFirst();
}

/** The trainee row, locked while a host is linked to it. */
export function lockTrainee(trx: Db, id: number) {
  return trx.selectFrom('trainees').select(['id', 'name', 'mobile', 'merged_into_id']).where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Another host (than `exceptHostId`) linked to the trainee. */
export function otherHostOfTrainee(trx: Db, traineeId: number, exceptHostId: number) {
  return trx.selectFrom('livestream_hosts').select('id').where('trainee_id', '=', traineeId).where('id', '<>', exceptHostId).executeTakeFirst();
}
