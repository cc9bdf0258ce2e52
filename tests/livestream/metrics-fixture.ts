import type { LivestreamPlatform } from '@cuntong/server/db/types';
import type { Harness } from '../support/harness';

export const HONGXU = '370481101000'; // 洪绪镇
export const NANSHAHE = '370481102000'; // 南沙河镇
export const COUNTY = '370481000000'; // 滕州市

/** Rows straight into the tables (h.db): the metrics read only what is stored, however it got there. */
export async function insertBase(h: Harness, name: string, regionCode = HONGXU): Promise<number> {
  const row = await h.db.insertInto('livestream_bases').values({ name, region_code: regionCode }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

let mobileSeq = 0;
export async function insertHost(h: Harness, baseId: number, name: string, traineeId: number | null = null): Promise<number> {
  const mobile = `139${String(70_000_000 + ++mobileSeq).padStart(8, '0')}`;
  const row = await h.db
    .insertInto('livestream_hosts')
    .values({ base_id: baseId, name, mobile, trainee_id: traineeId })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface StreamRow {
  /** An ISO instant, e.g. '2026-06-10T20:00:00+08:00'. */
  at: string;
  minutes?: number;
  /** Exact seconds (overrides minutes). */
  seconds?: number;
  platform?: LivestreamPlatform;
  gmvFen?: number | null;
  viewers?: number | null;
  buyers?: number | null;
  orders?: number | null;
  baseId?: number;
}

export async function insertStreams(h: Harness, hostId: number, baseId: number, streams: StreamRow[]): Promise<void> {
  if (!streams.length) return;
  await h.db
    .insertInto('livestream_streams')
    .values(
      streams.map((s) => ({
        host_id: hostId,
        base_id: s.baseId ?? baseId,
        platform: s.platform ?? 'taobao',
        started_at: s.at,
        duration_seconds: s.seconds ?? (s.minutes ?? 60) * 60,
        gmv_fen: s.gmvFen === undefined ? null : s.gmvFen,
        viewers: s.viewers === undefined ? null : s.viewers,
        buyers: s.buyers === undefined ? null : s.buyers,
        orders: s.orders === undefined ? null : s.orders,
      })),
    )
    .execute();
}

/** n streams at 20:00 Shanghai time on the given days of a month ('2026-06', [3, 9, 15, 21]). */
export const evenings = (month: string, days: number[], extra: Partial<StreamRow> = {}): StreamRow[] =>
  days.map((d) => ({ at: `${month}-${String(d).padStart(2, '0')}T20:00:00+08:00`, minutes: 30, ...extra }));
