import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../db/create-db';
import { AppError, badRequest } from '../../lib/app-error';
import { shanghaiInstant, addDays, shanghaiToday } from '../../lib/dates';
import { recordAudit } from '../audit/audit.service';
import type { WriteContext } from '../service-context';
import type { IndicatorKey } from '../targets/indicators';
import { regionProgress, type IndicatorProgress, type PaceStatus } from '../targets/progress';
import { countyTowns } from '../targets/targets.scope';

/**
 * 数据大屏: the programme on the service centre's wall, through a read-only link an admin makes and
 * revokes. The screen shows county aggregates only — the indicators against their targets, today's
 * check-ins and ledger entries as counts, the year's months, the towns' figures — never a person.
 */
const hash = (token: string) => crypto.createHash('sha256').update(token).digest('hex');
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export interface DisplayLinkView {
  id: number;
  label: string;
  createdAt: string;
  createdBy: string | null;
  revokedAt: string | null;
  lastSeenAt: string | null;
}

export async function listLinks(db: Db): Promise<DisplayLinkView[]> {
  const rows = await db
    .selectFrom('display_links as d')
    .leftJoin('users as u', 'u.id', 'd.created_by')
    .select(['d.id', 'd.label', 'd.created_at', 'u.login_name', 'd.revoked_at', 'd.last_seen_at'])
    .orderBy('d.id', 'desc')
    .execute();
  const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);
  return rows.map((r) => ({ id: r.id, label: r.label, createdAt: iso(r.created_at)!, createdBy: r.login_name, revokedAt: iso(r.revoked_at), lastSeenAt: iso(r.last_seen_at) }));
}

/** A new link: its token is returned this once (only its hash is kept), audited. */
export async function createLink(ctx: WriteContext, label: string): Promise<{ id: number; token: string }> {
  const token = crypto.randomBytes(32).toString('base64url');
  return ctx.db.transaction().execute(async (trx) => {
    const row = await trx.insertInto('display_links').values({ label, token_hash: hash(token), created_by: ctx.who.id }).returning('id').executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.who, { entity: 'display_link', entityId: String(row.id), action: 'create', before: null, after: { label } });
    return { id: row.id, token };
  });
}

export async function revokeLink(ctx: WriteContext, id: number): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const row = await trx.updateTable('display_links').set({ revoked_at: sql`now()`, revoked_by: ctx.who.id }).where('id', '=', id).where('revoked_at', 'is', null).returning(['id', 'label']).executeTakeFirst();
    if (!row) throw badRequest('DISPLAY_LINK_NOT_ACTIVE', { id });
    await recordAudit(trx, ctx.who, { entity: 'display_link', entityId: String(id), action: 'revoke', before: { label: row.label }, after: null });
  });
}

export interface ScreenData {
  county: { code: string; name: string };
  year: number;
  asOf: string;
  generatedAt: string;
  indicators: IndicatorProgress[];
  today: { checkIns: number; ledgerEntries: number; streams: number };
  towns: { regionCode: string; regionName: string; cells: Partial<Record<IndicatorKey, { actual: number; target: number | null; paceRatio: number | null; status: PaceStatus }>> }[];
}

/** How long a built screen serves every display of the county: a leaked link costs one build per this long. */
export const SCREEN_CACHE_MS = 30_000;
const cache = new Map<string, { at: number; data: Promise<ScreenData> }>();

/** The screen for a link: refused when the token is unknown or revoked, else the county's aggregates (cached). */
export async function screenFor(db: Db, countyCode: string, token: string): Promise<ScreenData> {
  if (!TOKEN.test(token)) throw new AppError('DISPLAY_LINK_INVALID', 'FORBIDDEN');
  const link = await db.selectFrom('display_links').select(['id', 'revoked_at', 'last_seen_at']).where('token_hash', '=', hash(token)).executeTakeFirst();
  if (!link) throw new AppError('DISPLAY_LINK_INVALID', 'FORBIDDEN');
  if (link.revoked_at) throw new AppError('DISPLAY_LINK_REVOKED', 'FORBIDDEN');
  if (!link.last_seen_at || Date.now() - new Date(link.last_seen_at).getTime() > 60_000) {
    await db.updateTable('display_links').set({ last_seen_at: sql`now()` }).where('id', '=', link.id).execute();
  }
  const hit = cache.get(countyCode);
  if (hit && Date.now() - hit.at < SCREEN_CACHE_MS) return hit.data;
  const data = buildScreen(db, countyCode);
  cache.set(countyCode, { at: Date.now(), data });
  data.catch(() => cache.delete(countyCode));
  return data;
}

async function buildScreen(db: Db, countyCode: string): Promise<ScreenData> {
  const today = shanghaiToday();
  const year = Number(today.slice(0, 4));
  const prefix = `${countyCode.slice(0, 6)}%`;
  const [county, towns] = await Promise.all([
    db.selectFrom('regions').select(['code', 'name']).where('code', '=', countyCode).executeTakeFirstOrThrow(),
    countyTowns(db, countyCode),
  ]);
  const from = shanghaiInstant(today, '00:00');
  const to = shanghaiInstant(addDays(today, 1), '00:00');
  const [progress, counts] = await Promise.all([
    regionProgress(db, { year, regionCodes: [countyCode, ...towns.map((t) => t.code)], asOf: today }),
    sql<{ check_ins: number; ledger: number; streams: number }>`
      select
        (select count(*)::int from attendance a join course_sessions cs on cs.id = a.session_id join courses c on c.id = cs.course_id
          where cs.session_date = ${today} and c.region_code like ${prefix}) as check_ins,
        (select count(*)::int from ledger_entries le join stations s on s.id = le.station_id
          where le.entry_date = ${today} and s.region_code like ${prefix}) as ledger,
        (select count(*)::int from livestream_streams st join livestream_bases b on b.id = st.base_id
          where st.started_at >= ${from} and st.started_at < ${to} and b.region_code like ${prefix}) as streams`.execute(db),
  ]);
  const cells = new Map<string, ScreenData['towns'][number]['cells']>();
  for (const p of progress) {
    if (p.regionCode === countyCode) continue;
    const row = cells.get(p.regionCode) ?? {};
    row[p.indicator] = { actual: p.actual, target: p.target, paceRatio: p.paceRatio, status: p.status };
    cells.set(p.regionCode, row);
  }
  const c = counts.rows[0];
  return {
    county,
    year,
    asOf: today,
    generatedAt: new Date().toISOString(),
    indicators: progress.filter((p) => p.regionCode === countyCode),
    today: { checkIns: c.check_ins, ledgerEntries: c.ledger, streams: c.streams },
    towns: towns.map((t) => ({ regionCode: t.code, regionName: t.name, cells: cells.get(t.code) ?? {} })),
  };
}

