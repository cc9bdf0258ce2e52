import { sql } from 'kysely';
import type { Db } from '../../db/create-db';
import { badRequest, notFound } from '../../lib/app-error';
import { shanghaiToday } from '../../lib/dates';
import { SYSTEM_ACTOR } from '../auth/actor';
import { recordAudit, type AuditWho } from '../audit/audit.service';
import type { JobState } from '../../jobs/queue';
import type { ServiceDeps, WriteContext } from '../service-context';
import { buildReportData, type ReportData } from './report-data';
import { reportWorkbook } from './report-workbook';

/**
 * 月度通报 and closing a month. A report is built from the snapshots and stored whole (its data and
 * its workbook) as a version: an open month's draft is version 0, rebuilt on demand; closing a month
 * stores version 1, 2… and freezes it — later data changes move the snapshots, not the stored
 * report. Recomputing a closed month (admin) brings the snapshots up to date and stores the next
 * version beside the old; reopening is an audited admin act. Every change is audited.
 */
type ReportContext = WriteContext & { regionCode: string };

export interface MonthView {
  period: string;
  status: 'open' | 'closed';
  version: number;
  closedAt: string | null;
  versions: { version: number; builtAt: string; builtBy: string | null }[];
}

/** The last 12 months (the current one first) and any older month with a report, with their versions. */
export async function listMonths(db: Db): Promise<MonthView[]> {
  const today = shanghaiToday();
  const recent: string[] = [];
  for (let i = 0; i < 12; i++) {
    const d = new Date(Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)) - 1 - i, 1));
    recent.push(d.toISOString().slice(0, 7));
  }
  const [months, versions] = await Promise.all([
    db.selectFrom('report_months').selectAll().execute(),
    db.selectFrom('report_versions as v').leftJoin('users as u', 'u.id', 'v.built_by').select(['v.period', 'v.version', 'v.built_at', 'u.login_name']).orderBy('v.version', 'desc').execute(),
  ]);
  const periods = [...new Set([...recent, ...months.map((m) => m.period)])].sort().reverse();
  return periods.map((period) => {
    const m = months.find((x) => x.period === period);
    return {
      period,
      status: (m?.status ?? 'open') as 'open' | 'closed',
      version: m?.version ?? 0,
      closedAt: m?.closed_at ? new Date(m.closed_at).toISOString() : null,
      versions: versions.filter((v) => v.period === period).map((v) => ({ version: v.version, builtAt: new Date(v.built_at).toISOString(), builtBy: v.login_name })),
    };
  });
}

/** A month that has ended (a report is closed only once its month is over). */
function assertOver(period: string) {
  if (period >= shanghaiToday().slice(0, 7)) throw badRequest('REPORT_MONTH_NOT_OVER', { period });
}

async function monthRow(db: Db, period: string) {
  await db.insertInto('report_months').values({ period }).onConflict((oc) => oc.column('period').doNothing()).execute();
  return db.selectFrom('report_months').selectAll().where('period', '=', period).forUpdate().executeTakeFirstOrThrow();
}

/** Build from the snapshots and store as `version` (replacing an open month's draft). */
async function store(trx: Db, who: AuditWho, regionCode: string, period: string, version: number): Promise<ReportData> {
  const data = await buildReportData(trx, { period, regionCode });
  const builtAt = data.builtAt;
  const workbook = await reportWorkbook(data, { version, builtAt });
  await trx
    .insertInto('report_versions')
    .values({ period, version, built_by: who.id, data: JSON.stringify(data), workbook })
    .onConflict((oc) => oc.columns(['period', 'version']).doUpdateSet({ built_at: sql`now()`, built_by: who.id, data: JSON.stringify(data), workbook }))
    .execute();
  return data;
}

/** An open month's draft, rebuilt from today's snapshots (a closed month is recomputed instead). */
export async function buildDraft(ctx: ReportContext, period: string): Promise<{ period: string; version: number }> {
  return ctx.db.transaction().execute(async (trx) => {
    const month = await monthRow(trx, period);
    if (month.status === 'closed') throw badRequest('REPORT_MONTH_CLOSED', { period });
    await store(trx, ctx.who, ctx.regionCode, period, 0);
    await recordAudit(trx, ctx.who, { entity: 'report', entityId: period, action: 'build_draft', before: null, after: { version: 0 } });
    return { period, version: 0 };
  });
}

/** Close an ended month: its report as of today's snapshots becomes the next version, frozen. Closing a closed month is a no-op. */
export async function closeMonth(ctx: ReportContext, period: string): Promise<{ period: string; version: number; closed: boolean }> {
  assertOver(period);
  return ctx.db.transaction().execute(async (trx) => {
    const month = await monthRow(trx, period);
    if (month.status === 'closed') return { period, version: month.version, closed: false };
    const version = await nextVersion(trx, period);
    await store(trx, ctx.who, ctx.regionCode, period, version);
    await trx.updateTable('report_months').set({ status: 'closed', version, closed_at: sql`now()`, closed_by: ctx.who.id }).where('period', '=', period).execute();
    await recordAudit(trx, ctx.who, { entity: 'report', entityId: period, action: 'close', before: { status: 'open' }, after: { status: 'closed', version } });
    return { period, version, closed: true };
  });
}

async function nextVersion(trx: Db, period: string): Promise<number> {
  const row = await trx.selectFrom('report_versions').select((eb) => eb.fn.max('version').as('v')).where('period', '=', period).executeTakeFirst();
  return Number(row?.v ?? 0) + 1;
}

/**
 * A closed month recomputed on purpose: the snapshots are brought up to date (every module's), then
 * the report is stored as the next version beside the old one, which stays downloadable.
 */
export async function recomputeClosedMonth(ctx: ReportContext, period: string, recompute: (db: Db) => Promise<unknown>): Promise<{ period: string; version: number }> {
  await assertClosed(ctx.db, period);
  await recompute(ctx.db);
  return ctx.db.transaction().execute(async (trx) => {
    const row = await monthRow(trx, period);
    const version = await nextVersion(trx, period);
    await store(trx, ctx.who, ctx.regionCode, period, version);
    await trx.updateTable('report_months').set({ version }).where('period', '=', period).execute();
    await recordAudit(trx, ctx.who, { entity: 'report', entityId: period, action: 'recompute', before: { version: row.version }, after: { version } });
    return { period, version };
  });
}

/** A month the bureau has closed (a recompute or a reopen is only for those). */
export async function assertClosed(db: Db, period: string): Promise<void> {
  const month = await db.selectFrom('report_months').select('status').where('period', '=', period).executeTakeFirst();
  if (month?.status !== 'closed') throw badRequest('REPORT_MONTH_NOT_CLOSED', { period });
}

/** Queue the recompute of a closed month (it runs every module's snapshots: minutes at scale); its progress is read with reportJob. */
export async function startRecompute(ctx: ReportContext & Pick<ServiceDeps, 'queue'>, period: string): Promise<{ jobId: string }> {
  await assertClosed(ctx.db, period);
  const job = await ctx.queue.enqueue('reports.recompute', { period, regionCode: ctx.regionCode, by: ctx.who });
  return { jobId: job.id };
}

/** A report job's state and progress (null for any other job: the bureau reads only its own kind). */
export async function reportJob(queue: ServiceDeps['queue'], id: string): Promise<JobState | null> {
  const state = await queue.job(id);
  return state && state.name.startsWith('reports.') ? state : null;
}

/** Reopen a closed month (admin), audited with the reason; its versions stay. */
export async function reopenMonth(ctx: WriteContext, period: string, reason: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const month = await trx.selectFrom('report_months').selectAll().where('period', '=', period).forUpdate().executeTakeFirst();
    if (month?.status !== 'closed') throw badRequest('REPORT_MONTH_NOT_CLOSED', { period });
    await trx.updateTable('report_months').set({ status: 'open', reopened_at: sql`now()`, reopened_by: ctx.who.id }).where('period', '=', period).execute();
    await recordAudit(trx, ctx.who, { entity: 'report', entityId: period, action: 'reopen', before: { status: 'closed', version: month.version }, after: { status: 'open', reason } });
  });
}

export interface ReportView {
  period: string;
  version: number;
  /** closed: the issued version; draft: an open month's draft; live: not stored, built now. */
  kind: 'closed' | 'draft' | 'live';
  status: 'open' | 'closed';
  builtAt: string;
  data: ReportData;
}

/** A stored version (the month's current one when none is asked), or for an open month with none yet, built live. */
export async function getReport(ctx: Pick<ReportContext, 'db' | 'regionCode'>, period: string, version?: number): Promise<ReportView> {
  const month = await ctx.db.selectFrom('report_months').selectAll().where('period', '=', period).executeTakeFirst();
  const status = (month?.status ?? 'open') as 'open' | 'closed';
  const wanted = version ?? (status === 'closed' ? month!.version : 0);
  const stored = await ctx.db.selectFrom('report_versions').select(['version', 'built_at', 'data']).where('period', '=', period).where('version', '=', wanted).executeTakeFirst();
  if (stored) {
    const data = (typeof stored.data === 'string' ? JSON.parse(stored.data) : stored.data) as ReportData;
    return { period, version: stored.version, kind: stored.version === 0 ? 'draft' : 'closed', status, builtAt: new Date(stored.built_at).toISOString(), data };
  }
  if (version !== undefined && version > 0) throw notFound('REPORT_VERSION_NOT_FOUND', { period, version });
  const data = await buildReportData(ctx.db, { period, regionCode: ctx.regionCode });
  return { period, version: 0, kind: 'live', status, builtAt: data.builtAt, data };
}

/** A stored version's workbook. */
export async function downloadReport(db: Db, period: string, version: number): Promise<{ filename: string; contentBase64: string }> {
  const row = await db.selectFrom('report_versions').select('workbook').where('period', '=', period).where('version', '=', version).executeTakeFirst();
  if (!row) throw notFound('REPORT_VERSION_NOT_FOUND', { period, version });
  return { filename: `monthly-report-${period}${version > 0 ? `-v${version}` : '-draft'}.xlsx`, contentBase64: Buffer.from(row.workbook).toString('base64') };
}

/** The month before today's (Asia/Shanghai). */
export function previousMonth(today = shanghaiToday()): string {
  const d = new Date(Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)) - 2, 1));
  return d.toISOString().slice(0, 7);
}

/** The scheduled run after a month ends: bring the snapshots up to date, then close last month (nothing when closed already). */
export async function closeLastMonth(db: Db, regionCode: string, recompute: (db: Db) => Promise<unknown>, today = shanghaiToday()) {
  const period = previousMonth(today);
  const month = await db.selectFrom('report_months').select('status').where('period', '=', period).executeTakeFirst();
  if (month?.status === 'closed') return { period, closed: false };
  await recompute(db);
  return closeMonth({ db, who: SYSTEM_ACTOR, regionCode }, period);
}
