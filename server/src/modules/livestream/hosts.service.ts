import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Database, HostStatus } from '../../db/types';
import { badRequest, conflict, notFound } from '../../lib/app-error';
import { maskMobile } from '../../lib/list';
import { normaliseMobile } from '../../lib/mobile';
import { isUniqueViolation } from '../../lib/pg-error';
import type { MessageKey, MessageParams } from '../../i18n/messages';
import { recordAudit } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import type { ServiceContext } from '../service-context';
import { cleanName } from '../training/trainee-identity';
import { assertBaseInScope } from './bases.service';
import {
  accountHolder,
  accountsForAudit,
  deleteAccounts,
  hostAccounts,
  hostListPage,
  hostProfileRow,
  insertAccount,
  insertHost,
  lockAccounts,
  lockHost,
  lockTrainee,
  mobileHolder,
  otherHostOfTrainee,
  suggestedTrainee,
  traineeRefById,
  updateAccount,
  updateHostRow,
  type HostRow,
} from './hosts.repository';
import { regionLevel } from './bases.repository';
import { enqueueLivestreamRecompute } from './livestream.jobs';
import type { accountInput, createHostInput, hostListInput, hostListItem, hostProfile, linkTraineeInput, unlinkTraineeInput, updateHostInput } from './livestream.schemas';
import { livestreamScope } from './livestream.scope';
import { recentStreamsOf } from './streams.service';

type Trx = Kysely<Database>;
type ListItem = z.infer<typeof hostListItem>;
type Profile = z.infer<typeof hostProfile>;

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
const seesTrainees = (actor: Actor) => livestreamScope.countyWide(actor);

// ---- list, export, profile -----------------------------------------------------------------------

export async function listHosts(ctx: ServiceContext, input: z.output<typeof hostListInput>) {
  livestreamScope.assertFilter(ctx.actor, input.filter?.baseId);
  const { rows, total } = await hostListPage(ctx.db, livestreamScope.where(ctx.actor, 'h.base_id'), input);
  return { items: rows.map(toListItem), total };
}

export async function getHostProfile(ctx: ServiceContext, id: number): Promise<Profile> {
  const { db, actor } = ctx;
  const row = livestreamScope.host(actor, await hostProfileRow(db, id));
  const [accounts, trainee, suggestion, recentStreams] = await Promise.all([
    hostAccounts(db, id),
    row.trainee_id === null ? Promise.resolve(undefined) : traineeRefById(db, row.trainee_id),
    row.trainee_id === null && seesTrainees(actor) ? suggestedTrainee(db, row) : Promise.resolve(undefined),
    recentStreamsOf(ctx, id, 10),
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
async function assertHostRefs(trx: Trx, ctx: ServiceContext, input: { baseId: number; villageCode: string | null }, villageChanged: boolean) {
  await assertBaseInScope(trx, ctx, input.baseId);
  if (input.villageCode !== null && villageChanged) {
    if ((await regionLevel(trx, input.villageCode)) !== 'village') throw badRequest('LIVESTREAM_HOST_VILLAGE_INVALID', { code: input.villageCode });
  }
}

/**
 * Something a person is registered by once, county-wide (a mobile, a platform account), is already
 * another host's. The actor hears whose only when that host is at one of their bases; a host at
 * another base is never named nor confirmed: the same refusal as for anything that cannot be used
 * here, referring them to the bureau. A clash found only by the unique index (a race) says nothing more.
 */
function heldBy(actor: Actor, holder: { name: string; base_id: number; base_name: string }, taken: MessageKey, unavailable: MessageKey, params: MessageParams = {}) {
  if (livestreamScope.covers(actor, holder.base_id)) return conflict(taken, { ...params, host: holder.name, base: holder.base_name });
  return conflict(unavailable, params);
}

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
    const taken = await accountHolder(trx, hostId, accounts);
    if (taken) throw heldBy(actor, taken, 'LIVESTREAM_ACCOUNT_TAKEN', 'LIVESTREAM_ACCOUNT_UNAVAILABLE', { accountId: taken.account_id });
  }
  const existing = await lockAccounts(trx, hostId);
  const ids = new Set(existing.map((a) => a.id));
  for (const a of accounts) if (a.id !== undefined && !ids.has(a.id)) throw badRequest('LIVESTREAM_ACCOUNT_NOT_FOUND');
  const kept = new Set(accounts.flatMap((a) => (a.id === undefined ? [] : [a.id])));
  const removed = existing.filter((a) => !kept.has(a.id)).map((a) => a.id);
  if (removed.length) await deleteAccounts(trx, removed);
  const onTaken = (accountId: string) => (error: unknown) => {
    if (isUniqueViolation(error, 'livestream_accounts_platform_account_id_key')) throw conflict('LIVESTREAM_ACCOUNT_UNAVAILABLE', { accountId });
    throw error;
  };
  // edits go through a placeholder first, so two accounts may swap ids in one save
  const edited = accounts.filter((a) => a.id !== undefined);
  for (const a of edited) await updateAccount(trx, a.id!, { account_id: `~${a.id}` });
  for (const a of edited) {
    await updateAccount(trx, a.id!, { platform: a.platform, account_id: a.accountId, handle: a.handle }).catch(onTaken(a.accountId));
  }
  for (const a of accounts.filter((x) => x.id === undefined)) {
    await insertAccount(trx, { host_id: hostId, platform: a.platform, account_id: a.accountId, handle: a.handle }).catch(onTaken(a.accountId));
  }
  return accounts.map((a) => ({ platform: a.platform, accountId: a.accountId, handle: a.handle }));
}

/** A clash only the unique index saw (a race with another save): named to nobody (heldBy). */
const mobileTaken = (error: unknown) => {
  if (isUniqueViolation(error, 'livestream_hosts_mobile_key')) throw conflict('LIVESTREAM_HOST_MOBILE_UNAVAILABLE');
  throw error;
};

/** The host row, locked, if it is at one of the actor's bases (livestream.scope.ts). */
async function hostForWrite(trx: Trx, actor: Actor, id: number) {
  return livestreamScope.host(actor, await lockHost(trx, id));
}

export async function createHost(ctx: ServiceContext, input: z.output<typeof createHostInput>): Promise<Profile> {
  const { actor, who } = ctx;
  const name = cleanHostName(input.name);
  const mobile = cleanMobile(input.mobile);
  const id = await ctx.db.transaction().execute(async (trx) => {
    await assertHostRefs(trx, ctx, input, true);
    await assertMobileFree(trx, actor, mobile, null);
    const row = await insertHost(trx, { base_id: input.baseId, name, mobile, village_code: input.villageCode, status: input.status, joined_on: input.joinedOn, created_by: who.id }).catch(
      mobileTaken,
    );
    const accounts = await replaceAccounts(trx, actor, row.id, input.accounts);
    await recordAudit(trx, who, { entity: 'livestream_host', entityId: row.id, action: 'create', after: auditView(row, accounts) });
    return row.id;
  });
  await enqueueLivestreamRecompute(ctx);
  return getHostProfile(ctx, id);
}

/** Edit a host and their accounts in one transaction; moving a host needs both bases in scope. */
export async function updateHost(ctx: ServiceContext, input: z.output<typeof updateHostInput>): Promise<Profile> {
  const { actor, who } = ctx;
  const name = cleanHostName(input.name);
  const mobile = input.mobile === undefined ? undefined : cleanMobile(input.mobile);
  await ctx.db.transaction().execute(async (trx) => {
    const before = await hostForWrite(trx, actor, input.id);
    if (before.version !== input.version) throw conflict('LIVESTREAM_HOST_VERSION_CONFLICT');
    await assertHostRefs(trx, ctx, input, input.villageCode !== before.village_code);
    if (mobile && mobile !== before.mobile) await assertMobileFree(trx, actor, mobile, before.id);
    const beforeAccounts = await accountsForAudit(trx, input.id);
    const after = await updateHostRow(trx, input.id, {
      base_id: input.baseId,
      name,
      ...(mobile ? { mobile } : {}),
      village_code: input.villageCode,
      status: input.status,
      joined_on: input.joinedOn,
      version: before.version + 1,
    }).catch(mobileTaken);
    const accounts = await replaceAccounts(trx, actor, input.id, input.accounts);
    await recordAudit(trx, who, { entity: 'livestream_host', entityId: input.id, action: 'update', before: auditView(before, beforeAccounts), after: auditView(after, accounts) });
  });
  await enqueueLivestreamRecompute(ctx);
  return getHostProfile(ctx, input.id);
}

// ---- trainee link --------------------------------------------------------------------------------

/**
 * Link a host to the trainee they are: the suggested one (same mobile), confirmed by a person, or
 * one picked. The bureau's to do (seesTrainees; the procedure admits only admin and staff). Audited.
 */
export async function linkTrainee(ctx: ServiceContext, input: z.output<typeof linkTraineeInput>): Promise<Profile> {
  const { actor, who } = ctx;
  await ctx.db.transaction().execute(async (trx) => {
    const host = await hostForWrite(trx, actor, input.hostId);
    if (host.trainee_id === input.traineeId) return;
    const trainee = await lockTrainee(trx, input.traineeId);
    if (!trainee || trainee.merged_into_id !== null) throw notFound('LIVESTREAM_TRAINEE_NOT_FOUND');
    if (await otherHostOfTrainee(trx, trainee.id, host.id)) throw conflict('LIVESTREAM_TRAINEE_LINKED_ELSEWHERE', { name: trainee.name });
    const now = new Date();
    const after = await updateHostRow(trx, host.id, { trainee_id: trainee.id, trainee_linked_by: who.id, trainee_linked_at: now, version: host.version + 1, updated_at: now });
    await recordAudit(trx, who, {
      entity: 'livestream_host',
      entityId: host.id,
      action: 'link_trainee',
      before: { traineeId: host.trainee_id },
      after: { traineeId: trainee.id, traineeName: trainee.name, sameMobile: trainee.mobile === host.mobile, version: after.version },
    });
  });
  await enqueueLivestreamRecompute(ctx);
  return getHostProfile(ctx, input.hostId);
}

export async function unlinkTrainee(ctx: ServiceContext, input: z.output<typeof unlinkTraineeInput>): Promise<Profile> {
  const { actor, who } = ctx;
  await ctx.db.transaction().execute(async (trx) => {
    const host = await hostForWrite(trx, actor, input.hostId);
    if (host.trainee_id === null) return;
    await updateHostRow(trx, host.id, { trainee_id: null, trainee_linked_by: null, trainee_linked_at: null, version: host.version + 1 });
    await recordAudit(trx, who, { entity: 'livestream_host', entityId: host.id, action: 'unlink_trainee', before: { traineeId: host.trainee_id }, after: { traineeId: null } });
  });
  await enqueueLivestreamRecompute(ctx);
  return getHostProfile(ctx, input.hostId);
}
