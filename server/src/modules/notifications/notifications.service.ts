import { sql } from 'kysely';
import type { Db } from '../../db/create-db';
import { shanghaiToday } from '../../lib/dates';
import { createRuleVersion, listRuleVersions, ruleAt } from '../../rules/rules.service';
import type { Actor } from '../auth/actor';
import { scopesOf } from '../auth/auth.repository';
import { isUnscoped } from '../auth/scope';
import { hostsAboutToDrop } from '../cockpit/cockpit.repository';
import { activeHostRule } from '../livestream/livestream.rules';
import type { ServiceContext, ServiceDeps } from '../service-context';
import { stationReadable } from '../stations/stations.scope';
import { scopedProgress } from '../targets/targets.service';
import { listFollowUps } from '../training/conversion.service';
import { findDuplicates } from '../training/trainees.service';
import { thresholdsRule, type Thresholds } from './notifications.rules';

/**
 * 待办与提醒. One evaluation of the threshold rules for one user, in that user's scope, gives their
 * to-do list (shown live on the home page); the scheduled job stores each item once a day per user
 * as a notification (the bell's unread count). Nobody is told of anything outside their scope:
 * the items come from the same scoped reads the user's own pages use.
 */
export type TodoKind = 'town_behind' | 'base_behind' | 'station_quiet' | 'not_filed' | 'follow_up' | 'duplicates' | 'host_dropping';
export interface TodoItem {
  kind: TodoKind;
  /** What the item is about, stable from day to day (a town and indicator, a station, a host). */
  subjectKey: string;
  params: Record<string, string | number>;
  link: string;
}

type TodoContext = ServiceContext & { countyCode: string };

/** The time of day in Asia/Shanghai ('HH:MM'). */
const shanghaiTime = (now: Date) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false }).format(now);

/** The to-do items of the caller under the thresholds in force today. */
export async function todoFor(ctx: TodoContext, now = new Date()): Promise<{ items: TodoItem[]; ruleVersion: number }> {
  const today = shanghaiToday(now);
  const rule = await ruleAt(ctx.db, thresholdsRule, today);
  const t = rule.params;
  const { actor } = ctx;
  const items: TodoItem[] = [];

  // towns (and bases) behind pace, in the user's own view of the targets
  const progress = await scopedProgress(ctx, { year: Number(today.slice(0, 4)) });
  const floor = 1 - t.townBehindPercent / 100;
  for (const p of progress.regions) {
    if (p.level !== 'town' || p.paceRatio === null || p.paceRatio >= floor) continue;
    items.push({ kind: 'town_behind', subjectKey: `${p.regionCode}:${p.indicator}`, params: { town: p.regionName, indicator: p.indicator, ratio: Math.round(p.paceRatio * 100) }, link: `/cockpit/towns/${p.regionCode}` });
  }
  for (const b of progress.bases) {
    if (b.paceRatio === null || b.paceRatio >= floor) continue;
    items.push({ kind: 'base_behind', subjectKey: `${b.baseId}`, params: { base: b.baseName, ratio: Math.round(b.paceRatio * 100) }, link: '/livestream/dashboard' });
  }

  // stations: quiet for long, or (an operator's, late in the day) not filed today
  const quiet = await ctx.db
    .selectFrom('stations as s')
    .innerJoin('station_activity as a', 'a.station_id', 's.id')
    .select(['s.id', 's.code', 's.name', 'a.quiet_days'])
    .where('s.status', '=', 'active')
    .where('a.quiet_days', '>=', t.quietDays)
    .where(stationReadable(actor, { id: 's.id', regionCode: 's.region_code' }))
    .orderBy('a.quiet_days', 'desc')
    .limit(50)
    .execute();
  for (const s of quiet) items.push({ kind: 'station_quiet', subjectKey: String(s.id), params: { station: s.name, code: s.code, days: s.quiet_days ?? 0 }, link: `/stations/${s.id}` });
  if (actor.role === 'station_operator' && shanghaiTime(now) >= t.notFiledAfter) {
    const notFiled = await ctx.db
      .selectFrom('stations as s')
      .select(['s.id', 's.code', 's.name'])
      .where('s.status', '=', 'active')
      .where(stationReadable(actor, { id: 's.id', regionCode: 's.region_code' }))
      .where((eb) => eb.not(eb.exists(eb.selectFrom('ledger_entries as le').select('le.station_id').whereRef('le.station_id', '=', 's.id').where('le.entry_date', '=', today))))
      .orderBy('s.code')
      .execute();
    for (const s of notFiled) items.push({ kind: 'not_filed', subjectKey: String(s.id), params: { station: s.name, code: s.code }, link: `/ledger?station=${s.id}` });
  }

  // training: follow-up calls due, probable duplicates waiting to be merged
  if (actor.role === 'training_coordinator') {
    let due = 0;
    for (const stage of [30, 90, 180] as const) due += (await listFollowUps(ctx, { page: 1, pageSize: 1, filter: { stage } }, today)).total;
    if (due > 0) items.push({ kind: 'follow_up', subjectKey: 'all', params: { count: due }, link: '/training/follow-up' });
  }
  if (isUnscoped(actor) || actor.role === 'training_coordinator') {
    const { groups, truncated } = await findDuplicates(ctx, {});
    if (groups.length) items.push({ kind: 'duplicates', subjectKey: 'all', params: { count: groups.length, more: truncated ? 1 : 0 }, link: '/training/trainees/duplicates' });
  }

  // livestream: hosts about to lose active status (the base manager's)
  if (actor.role === 'livestream_manager') {
    const host = await ruleAt(ctx.db, activeHostRule, today);
    for (const h of await hostsAboutToDrop(ctx.db, actor, { today, ...host.params, horizonDays: t.hostDropDays })) {
      items.push({ kind: 'host_dropping', subjectKey: String(h.hostId), params: { host: h.name, base: h.baseName, day: h.dropsOn }, link: `/livestream/hosts/${h.hostId}` });
    }
  }
  return { items, ruleVersion: rule.version };
}

/**
 * The scheduled evaluation: every enabled user's to-do items stored as notifications, once a day
 * per subject (evaluating again adds nothing). Returns how many users and new notifications.
 */
export async function evaluateAll(deps: ServiceDeps & { countyCode: string }, now = new Date()): Promise<{ users: number; added: number }> {
  const users = await deps.db.selectFrom('users').select(['id', 'login_name', 'display_name', 'role']).where('disabled_at', 'is', null).orderBy('id').execute();
  const scopes = await scopesOf(deps.db, users.map((u) => u.id));
  const today = shanghaiToday(now);
  let added = 0;
  for (const u of users) {
    const actor: Actor = { id: u.id, loginName: u.login_name, displayName: u.display_name, role: u.role, scopes: scopes.get(u.id) ?? { regions: [], stations: [], bases: [] } };
    const ctx: TodoContext = { ...deps, actor, lang: 'zh-CN', who: { id: u.id, loginName: u.login_name, ip: null } };
    const { items, ruleVersion } = await todoFor(ctx, now);
    if (!items.length) continue;
    const result = await deps.db
      .insertInto('notifications')
      .values(items.map((i) => ({ user_id: u.id, kind: i.kind, subject_key: i.subjectKey, day: today, params: JSON.stringify(i.params), link: i.link, rule_version: ruleVersion })))
      .onConflict((oc) => oc.columns(['user_id', 'kind', 'subject_key', 'day']).doNothing())
      .executeTakeFirst();
    added += Number(result.numInsertedOrUpdatedRows ?? 0);
  }
  return { users: users.length, added };
}

export interface NotificationView {
  id: number;
  kind: string;
  params: Record<string, string | number>;
  link: string | null;
  day: string;
  createdAt: string;
  read: boolean;
}

/** The caller's own notifications, unread first, newest first. */
export async function listNotifications(ctx: Pick<ServiceContext, 'db' | 'actor'>, input: { page: number; pageSize: number }) {
  const base = ctx.db.selectFrom('notifications').where('user_id', '=', ctx.actor.id);
  const [rows, counts] = await Promise.all([
    base
      .select(['id', 'kind', 'params', 'link', 'day', 'created_at', 'read_at'])
      .orderBy(sql`read_at is not null`)
      .orderBy('id', 'desc')
      .limit(input.pageSize)
      .offset((input.page - 1) * input.pageSize)
      .execute(),
    base.select((eb) => [eb.fn.countAll<number>().as('total'), eb.fn.count<number>('id').filterWhere('read_at', 'is', null).as('unread')]).executeTakeFirstOrThrow(),
  ]);
  const items: NotificationView[] = rows.map((r) => ({
    id: Number(r.id),
    kind: r.kind,
    params: (typeof r.params === 'string' ? JSON.parse(r.params) : r.params) as Record<string, string | number>,
    link: r.link,
    day: r.day,
    createdAt: new Date(r.created_at).toISOString(),
    read: r.read_at !== null,
  }));
  return { items, total: Number(counts.total), unread: Number(counts.unread) };
}

export async function unreadCount(ctx: Pick<ServiceContext, 'db' | 'actor'>): Promise<number> {
  const row = await ctx.db.selectFrom('notifications').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', ctx.actor.id).where('read_at', 'is', null).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Mark the caller's own notifications read; an id of someone else's changes nothing. */
export async function markRead(ctx: Pick<ServiceContext, 'db' | 'actor'>, ids: number[] | 'all'): Promise<number> {
  const result = await ctx.db
    .updateTable('notifications')
    .set({ read_at: sql`now()` })
    .where('user_id', '=', ctx.actor.id)
    .where('read_at', 'is', null)
    .$if(ids !== 'all', (q) => q.where('id', 'in', (ids as number[]).length ? (ids as number[]) : [0]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows ?? 0);
}

// ---- the thresholds rule, admin-editable ---------------------------------------------------------------

export const listThresholdVersions = (db: Db, today = shanghaiToday()) => listRuleVersions(db, thresholdsRule, today);

/** A new version of the thresholds from a date (admin), audited; versions still to come from that date on are withdrawn. */
export const createThresholdVersion = (ctx: Pick<ServiceContext, 'db' | 'who'>, input: { params: Thresholds; effectiveFrom: string }, today = shanghaiToday()) =>
  createRuleVersion(ctx, thresholdsRule, { ...input, today, tooEarly: 'NOTIFICATION_RULE_TOO_EARLY' });
