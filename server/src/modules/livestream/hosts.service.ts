import { sql, type Kysely } from 'kysely';
import type { z } from 'zod';
import type { Db } from '../../db/create-db';
import type { Database, HostStatus, LivestreamPlatform } from '../../db/types';
import { badRequest, conflict, notFound } from '../../lib/app-error';
import type { JobQueue } from '../../jobs/queue';
import { likePattern, maskMobile, offsetOf } from '../../lib/list';
import type { Logger } from '../../lib/logger';
import { shanghaiToday } from '../../lib/dates';
import { normaliseMobile } from '../../lib/mobile';
import type { MessageKey, MessageParams } from '../../i18n/messages';
import { recordAudit, type AuditWho } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { isUnscoped } from '../auth/scope';
import { cleanName } from '../training/trainee-identity';
import { isUniqueViolation } from '../training/training.service';
import { enqueueLivestreamRecompute } from './livestream.jobs';
import type { accountInput, createHostInput, hostListInput, hostListItem, hostProfile, linkTraineeInput, unlinkTraineeInput, updateHostInput } from './livestream.schemas';
import { actorCoversBase, assertBaseFilter, inActorBases, rowInActorBases } from './livestream.scope';
import { recentStreamsOf } from './streams.service';

type Trx = Kysely<Database>;
type ListItem = z.infer<typeof hostListItem>;
type Profile = z.infer<typeof hostProfile>;

export interface HostDeps {
  db: Db;
  queue: JobQueue;
  log: Logger;
}

// ---- query pieces --------------------------------------------------------------------------------

/** This month's snapshot (host_month_stats, month = its first day): who is active now. */
const thisMonth = () => `${shanghaiToday().slice(0, 7)}-01`;

/** The host's latest stream: one probe of livestream_streams_host_started_idx. */
const lastStreamAt = sql<Date | string | null>`(select max(s.started_at) from livestream_streams s where s.host_id = h.id)`;

/** Hosts with their base, village, platforms, where they are active now, and last stream. */
function hostRows(db: Kysely<Database>) {
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
type HostRow = Awaited<ReturnType<ReturnType<typeof hostRows>['executeTakeFirstOrThrow']>>;

function toListItem(row: HostRow): ListItem {
  return {
    id: row.id,
    name: row.name,
    mobile: maskMobile(row.mobile)!,
    baseId: row.base_id,
    baseName: row.base_name,
    villageCode: row.village_code,
    villageName: row.village_name ?? null,
    status: row.status,
    joinedOn: row.joined_on,
    platforms: row.platforms ?? [],
    activeOn: row.active_on ?? [],
    traineeId: row.trainee_id,
    trained: row.trainee_id !== null,
    lastStreamAt: row.last_stream_at ? new Date(row.last_stream_at).toISOString() : null,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/** The list's filter on `h`: `q` digits are the mobile's last digits, anything else part of the name. */
function listFilter(filter: NonNullable<z.output<typeof hostListInput>['filter']>) {
  return (eb: any) => {
    const conditions = [];
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
          .$if(filter.platform !== undefined, (qb: any) => qb.where('hm.platform', '=', filter.platform)),
      );
      conditions.push(filter.active ? activeNow : eb.not(activeNow));
    }
    return eb.and(conditions);
  };
}

/** The host row, locked, if it is at one of the actor's bases (livestream.scope.ts: rowInActorBases). */
export async function hostForWrite(trx: Trx, actor: Actor, id: number) {
  const row = await trx.selectFrom('livestream_hosts').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  return rowInActorBases(actor, row, (h) => h.base_id, 'LIVESTREAM_HOST_NOT_FOUND');
}

/** The actor may read the full mobile: an admin, or the manager of the host's base. */
function mobileVisibleTo(actor: Actor): boolean {
  return actor.role === 'admin' || actor.role === 'livestream_manager';
}

/** What the audit log keeps of a host: the mobile masked. */
function auditView(row: { name: string; mobile: string; base_id: number; village_code: string | null; status: HostStatus; joined_on: string | null; trainee_id: number | null; version: number }, accounts?: unknown) {
  return {
    name: row.name,
    mobile: maskMobile(row.mobile),
    baseId: row.base_id,
    villageCode: row.village_code,
    status: row.status,
    joinedOn: row.joined_on,
    traineeId: row.trainee_id,
    version: row.version,
    ...(accounts ? { accounts } : {}),
  };
}

const traineeRef = (db: Kysely<Database>) =>
  db.selectFrom('trainees as t').leftJoin('regions as v', 'v.code', 't.village_code').select(['t.id', 't.name', 't.mobile', 'v.name as village_name']);

const toTraineeRef = (row: { id: number; name: string; mobile: string; village_name: string | null }) => ({
  id: row.id,
  name: row.name,
  mobile: maskMobile(row.mobile)!,
  villageName: row.village_name ?? null,
});

/**
 * Who may see a trainee's name and village through a host, and link or unlink them: the bureau
 * (admin, staff), who see every trainee. A base manager sees no trainee records: only the trainee a
 * host is linked to, once the bureau has confirmed it — never a suggestion, which would tell them the
 * name and village of whoever registered that mobile for training.
 */
const seesTrainees = (actor: Actor) => isUnscoped(actor);

/**
 * The trainee a host probably is: the one registered under the same (normalised) mobile — where that
 * record was merged, the trainee it was merged into — unless another host is linked to them already.
 */
export async function suggestedTrainee(db: Kysely<Database>, host: { id: number; mobile: string }) {
  return traineeRef(db)
    .where('t.merged_into_id', 'is', null)
    .where((eb) =>
      eb('t.id', 'in', eb.selectFrom('trainees as m').select(sql<number>`coalesce(m.merged_into_id, m.id)`.as('id')).where('m.mobile', '=', host.mobile)),
    )
    .where((eb) => eb.not(eb.exists(eb.selectFrom('livestream_hosts as o').select(sql`1`.as('one')).whereRef('o.trainee_id', '=', 't.id').where('o.id', '<>', host.id))))
    .orderBy('t.id')
    .executeTakeFirst();
}

// ---- list, export, profile -----------------------------------------------------------------------

export async function listHosts(db: Db, actor: Actor, input: z.output<typeof hostListInput>) {
  const filter = input.filter ?? {};
  assertBaseFilter(actor, filter.baseId);
  const hosts = db.selectFrom('livestream_hosts as h').where(inActorBases(actor, 'h.base_id')).where(listFilter(filter));
  const total = await hosts.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const sort = input.sort ?? { key: 'createdAt' as const, order: 'desc' as const };
  const column = { name: sql`h.name`, joinedOn: sql`h.joined_on`, createdAt: sql`h.created_at`, lastStream: lastStreamAt } as const;
  const order = sql`${column[sort.key]} ${sql.raw(sort.order === 'asc' ? 'asc' : 'desc')} nulls last, h.id desc`;
  // The page is chosen from the hosts alone; only its rows get their base, village, platforms and
  // activity (sorting them all by last stream once made a list cost a quarter of a second).
  const page = hosts.select('h.id').orderBy(order).limit(input.pageSize).offset(offsetOf(input));
  const rows = await hostRows(db).where('h.id', 'in', page).orderBy(order).execute();
  return { items: rows.map(toListItem), total: Number(total.n) };
}

export async function getHostProfile(db: Db, actor: Actor, id: number): Promise<Profile> {
  const found = await hostRows(db)
    .leftJoin('users as lu', 'lu.id', 'h.trainee_linked_by')
    .select(['h.version', 'h.trainee_linked_at', 'lu.display_name as linked_by'])
    .where('h.id', '=', id)
    .executeTakeFirst();
  const row = rowInActorBases(actor, found, (h) => h.base_id, 'LIVESTREAM_HOST_NOT_FOUND');
  const [accounts, trainee, suggestion, recentStreams] = await Promise.all([
    db.selectFrom('livestream_accounts').select(['id', 'platform', 'account_id', 'handle']).where('host_id', '=', id).orderBy('platform').orderBy('id').execute(),
    row.trainee_id === null ? Promise.resolve(undefined) : traineeRef(db).where('t.id', '=', row.trainee_id).executeTakeFirst(),
    row.trainee_id === null && seesTrainees(actor) ? suggestedTrainee(db, row) : Promise.resolve(undefined),
    recentStreamsOf(db, actor, id, 10),
  ]);
  const visible = mobileVisibleTo(actor);
  return {
    host: {
      ...toListItem(row),
      mobile: visible ? row.mobile : maskMobile(row.mobile)!,
      mobileVisible: visible,
      version: row.version,
      traineeLinkedAt: row.trainee_linked_at ? new Date(row.trainee_linked_at).toISOString() : null,
      traineeLinkedBy: row.linked_by ?? null,
    },
    accounts: accounts.map((a) => ({ id: a.id, platform: a.platform, accountId: a.account_id, handle: a.handle })),
    trainee: trainee ? toTraineeRef(trainee) : null,
    suggestion: suggestion ? toTraineeRef(suggestion) : null,
    recentStreams,
  };
}

// ---- create and edit -----------------------------------------------------------------------------

function cleanHostName(raw: string): string {
  const name = cleanName(raw);
  if (!name || name.length > 50) throw badRequest('LIVESTREAM_HOST_NAME_INVALID');
  return name;
}

function cleanMobile(raw: string): string {
  const mobile = normaliseMobile(raw);
  if (!mobile) throw badRequest('LIVESTREAM_HOST_MOBILE_INVALID', { value: raw });
  return mobile;
}

/** The base exists and is the actor's; the village (if any) is a village. */
async function assertHostRefs(trx: Trx, actor: Actor, input: { baseId: number; villageCode: string | null }, villageChanged: boolean) {
  const base = await trx.selectFrom('livestream_bases').select('id').where('id', '=', input.baseId).executeTakeFirst();
  rowInActorBases(actor, base, (b) => b.id, 'LIVESTREAM_BASE_NOT_FOUND');
  if (input.villageCode !== null && villageChanged) {
    const village = await trx.selectFrom('regions').select('level').where('code', '=', input.villageCode).executeTakeFirst();
    if (village?.level !== 'village') throw badRequest('LIVESTREAM_HOST_VILLAGE_INVALID', { code: input.villageCode });
  }
}

/**
 * Something a person is registered by once, county-wide (a mobile, a platform account), is already
 * another host's. The actor hears whose only when that host is at one of their bases; a host at
 * another base is never named nor confirmed: the same refusal as for anything that cannot be used
 * here, referring them to the bureau. A clash found only by the unique index (a race) says nothing more.
 */
function heldBy(actor: Actor, holder: { name: string; base_id: number; base_name: string }, taken: MessageKey, unavailable: MessageKey, params: MessageParams = {}) {
  if (actorCoversBase(actor, holder.base_id)) return conflict(taken, { ...params, host: holder.name, base: holder.base_name });
  return conflict(unavailable, params);
}

/** The host holding this mobile, other than `exceptId`, with their base. */
const mobileHolder = (trx: Trx, mobile: string, exceptId: number | null) =>
  trx
    .selectFrom('livestream_hosts as h')
    .innerJoin('livestream_bases as b', 'b.id', 'h.base_id')
    .select(['h.name', 'h.base_id', 'b.name as base_name'])
    .where('h.mobile', '=', mobile)
    .$if(exceptId !== null, (q) => q.where('h.id', '<>', exceptId!))
    .executeTakeFirst();

async function assertMobileFree(trx: Trx, actor: Actor, mobile: string, exceptId: number | null) {
  const holder = await mobileHolder(trx, mobile, exceptId);
  if (holder) throw heldBy(actor, holder, 'LIVESTREAM_HOST_MOBILE_TAKEN', 'LIVESTREAM_HOST_MOBILE_UNAVAILABLE');
}

/**
 * Make the host's accounts the given list: accounts with an id are this host's and are edited,
 * accounts without are added, this host's accounts not listed are removed. An account (platform +
 * account id) that belongs to another host is refused (heldBy: by name only within the actor's bases).
 */
async function replaceAccounts(trx: Trx, actor: Actor, hostId: number, accounts: z.output<typeof accountInput>[]) {
  const seen = new Set<string>();
  for (const a of accounts) {
    const key = `${a.platform}:${a.accountId}`;
    if (seen.has(key)) throw badRequest('LIVESTREAM_ACCOUNT_REPEATED', { accountId: a.accountId });
    seen.add(key);
  }
  if (accounts.length) {
    const taken = await trx
      .selectFrom('livestream_accounts as a')
      .innerJoin('livestream_hosts as h', 'h.id', 'a.host_id')
      .innerJoin('livestream_bases as b', 'b.id', 'h.base_id')
      .select(['a.account_id', 'h.name', 'h.base_id', 'b.name as base_name'])
      .where('a.host_id', '<>', hostId)
      .where((eb) => eb.or(accounts.map((a) => eb.and([eb('a.platform', '=', a.platform), eb('a.account_id', '=', a.accountId)]))))
      .executeTakeFirst();
    if (taken) throw heldBy(actor, taken, 'LIVESTREAM_ACCOUNT_TAKEN', 'LIVESTREAM_ACCOUNT_UNAVAILABLE', { accountId: taken.account_id });
  }
  const existing = await trx.selectFrom('livestream_accounts').select(['id', 'platform', 'account_id', 'handle']).where('host_id', '=', hostId).forUpdate().execute();
  const ids = new Set(existing.map((a) => a.id));
  for (const a of accounts) if (a.id !== undefined && !ids.has(a.id)) throw badRequest('LIVESTREAM_ACCOUNT_NOT_FOUND');
  const kept = new Set(accounts.flatMap((a) => (a.id === undefined ? [] : [a.id])));
  const removed = existing.filter((a) => !kept.has(a.id)).map((a) => a.id);
  if (removed.length) await trx.deleteFrom('livestream_accounts').where('id', 'in', removed).execute();
  const onTaken = (accountId: string) => (error: unknown) => {
    if (isUniqueViolation(error, 'livestream_accounts_platform_account_id_key')) throw conflict('LIVESTREAM_ACCOUNT_UNAVAILABLE', { accountId });
    throw error;
  };
  // edits go through a placeholder first, so two accounts may swap ids in one save
  const edited = accounts.filter((a) => a.id !== undefined);
  for (const a of edited) await trx.updateTable('livestream_accounts').set({ account_id: `~${a.id}` }).where('id', '=', a.id!).execute();
  for (const a of edited) {
    await trx.updateTable('livestream_accounts').set({ platform: a.platform, account_id: a.accountId, handle: a.handle }).where('id', '=', a.id!).execute().catch(onTaken(a.accountId));
  }
  for (const a of accounts.filter((x) => x.id === undefined)) {
    await trx.insertInto('livestream_accounts').values({ host_id: hostId, platform: a.platform, account_id: a.accountId, handle: a.handle }).execute().catch(onTaken(a.accountId));
  }
  return accounts.map((a) => ({ platform: a.platform, accountId: a.accountId, handle: a.handle }));
}

/** A clash only the unique index saw (a race with another save): named to nobody (heldBy). */
const mobileTaken = (error: unknown) => {
  if (isUniqueViolation(error, 'livestream_hosts_mobile_key')) throw conflict('LIVESTREAM_HOST_MOBILE_UNAVAILABLE');
  throw error;
};

export async function createHost(deps: HostDeps, actor: Actor, who: AuditWho, input: z.output<typeof createHostInput>): Promise<Profile> {
  const name = cleanHostName(input.name);
  const mobile = cleanMobile(input.mobile);
  const id = await deps.db.transaction().execute(async (trx) => {
    await assertHostRefs(trx, actor, input, true);
    await assertMobileFree(trx, actor, mobile, null);
    const row = await trx
      .insertInto('livestream_hosts')
      .values({ base_id: input.baseId, name, mobile, village_code: input.villageCode, status: input.status, joined_on: input.joinedOn, created_by: who.id })
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch(mobileTaken);
    const accounts = await replaceAccounts(trx, actor, row.id, input.accounts);
    await recordAudit(trx, who, { entity: 'livestream_host', entityId: row.id, action: 'create', after: auditView(row, accounts) });
    return row.id;
  });
  await enqueueLivestreamRecompute(deps);
  return getHostProfile(deps.db, actor, id);
}

/** Edit a host and their accounts in one transaction; moving a host needs both bases in scope. */
export async function updateHost(deps: HostDeps, actor: Actor, who: AuditWho, input: z.output<typeof updateHostInput>): Promise<Profile> {
  const name = cleanHostName(input.name);
  const mobile = input.mobile === undefined ? undefined : cleanMobile(input.mobile);
  await deps.db.transaction().execute(async (trx) => {
    const before = await hostForWrite(trx, actor, input.id);
    if (before.version !== input.version) throw conflict('LIVESTREAM_HOST_VERSION_CONFLICT');
    await assertHostRefs(trx, actor, input, input.villageCode !== before.village_code);
    if (mobile && mobile !== before.mobile) await assertMobileFree(trx, actor, mobile, before.id);
    const beforeAccounts = await trx.selectFrom('livestream_accounts').select(['platform', 'account_id as accountId', 'handle']).where('host_id', '=', input.id).orderBy('id').execute();
    const after = await trx
      .updateTable('livestream_hosts')
      .set({
        base_id: input.baseId,
        name,
        ...(mobile ? { mobile } : {}),
        village_code: input.villageCode,
        status: input.status,
        joined_on: input.joinedOn,
        version: before.version + 1,
        updated_at: new Date(),
      })
      .where('id', '=', input.id)
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch(mobileTaken);
    const accounts = await replaceAccounts(trx, actor, input.id, input.accounts);
    await recordAudit(trx, who, { entity: 'livestream_host', entityId: input.id, action: 'update', before: auditView(before, beforeAccounts), after: auditView(after, accounts) });
  });
  await enqueueLivestreamRecompute(deps);
  return getHostProfile(deps.db, actor, input.id);
}

// ---- trainee link --------------------------------------------------------------------------------

/**
 * Link a host to the trainee they are: the suggested one (same mobile), confirmed by a person, or
 * one picked. The bureau's to do (seesTrainees; the procedure admits only admin and staff). Audited.
 */
export async function linkTrainee(deps: HostDeps, actor: Actor, who: AuditWho, input: z.output<typeof linkTraineeInput>): Promise<Profile> {
  await deps.db.transaction().execute(async (trx) => {
    const host = await hostForWrite(trx, actor, input.hostId);
    if (host.trainee_id === input.traineeId) return;
    const trainee = await trx.selectFrom('trainees').select(['id', 'name', 'mobile', 'merged_into_id']).where('id', '=', input.traineeId).forUpdate().executeTakeFirst();
    if (!trainee || trainee.merged_into_id !== null) throw notFound('LIVESTREAM_TRAINEE_NOT_FOUND');
    const other = await trx.selectFrom('livestream_hosts').select('id').where('trainee_id', '=', trainee.id).where('id', '<>', host.id).executeTakeFirst();
    if (other) throw conflict('LIVESTREAM_TRAINEE_LINKED_ELSEWHERE', { name: trainee.name });
    const now = new Date();
    const after = await trx
      .updateTable('livestream_hosts')
      .set({ trainee_id: trainee.id, trainee_linked_by: who.id, trainee_linked_at: now, version: host.version + 1, updated_at: now })
      .where('id', '=', host.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, who, {
      entity: 'livestream_host',
      entityId: host.id,
      action: 'link_trainee',
      before: { traineeId: host.trainee_id },
      after: { traineeId: trainee.id, traineeName: trainee.name, sameMobile: trainee.mobile === host.mobile, version: after.version },
    });
  });
  await enqueueLivestreamRecompute(deps);
  return getHostProfile(deps.db, actor, input.hostId);
}

export async function unlinkTrainee(deps: HostDeps, actor: Actor, who: AuditWho, input: z.output<typeof unlinkTraineeInput>): Promise<Profile> {
  await deps.db.transaction().execute(async (trx) => {
    const host = await hostForWrite(trx, actor, input.hostId);
    if (host.trainee_id === null) return;
    await trx
      .updateTable('livestream_hosts')
      .set({ trainee_id: null, trainee_linked_by: null, trainee_linked_at: null, version: host.version + 1, updated_at: new Date() })
      .where('id', '=', host.id)
      .execute();
    await recordAudit(trx, who, { entity: 'livestream_host', entityId: host.id, action: 'unlink_trainee', before: { traineeId: host.trainee_id }, after: { traineeId: null } });
  });
  await enqueueLivestreamRecompute(deps);
  return getHostProfile(deps.db, actor, input.hostId);
}
