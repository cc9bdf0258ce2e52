import { sql } from 'kysely';
import type { z } from 'zod';
import { shanghaiInstant } from '../../lib/dates';
import { badRequest, conflict, notFound } from '../../lib/app-error';
import { onceByClientKey } from '../../lib/client-key';
import { offsetOf } from '../../lib/list';
import { isUniqueViolation } from '../../lib/pg-error';
import { recordAudit } from '../audit/audit.service';
import type { ServiceContext } from '../service-context';
import { lockHost } from './hosts.repository';
import { enqueueLivestreamRecompute, firstMonthOf } from './livestream.jobs';
import type { createStreamInput, createStreamOutput, deleteStreamInput, streamFields, streamListInput, streamView, updateStreamInput } from './livestream.schemas';
import { livestreamScope } from './livestream.scope';
import { EARLIEST_STREAM_DAY, shanghaiMinute, startOutOfRange } from './stream-values';
import {
  countStreams,
  deleteStreamRow,
  insertStreamOnce,
  lockStream,
  matchingStreams,
  recentStreamRows,
  STREAM_SORT,
  streamById,
  streamIdAt,
  updateStreamRow,
  withStreamColumns,
  type StreamRow,
} from './streams.repository';

type StreamView = z.infer<typeof streamView>;

const num = (v: number | string | null) => (v === null ? null : Number(v));

function toView(row: StreamRow): StreamView {
  return {
    id: Number(row.id),
    hostId: row.host_id,
    hostName: row.host_name,
    baseId: row.base_id,
    baseName: row.base_name,
    platform: row.platform,
    startedAt: new Date(row.started_at).toISOString(),
    durationSeconds: row.duration_seconds,
    viewers: row.viewers,
    peakViewers: row.peak_viewers,
    newFollowers: row.new_followers,
    orders: row.orders,
    buyers: row.buyers,
    gmvFen: num(row.gmv_fen),
    farmProducts: row.farm_products,
    mainProducts: row.main_products,
    conversionRate: row.conversion_rate,
    clickRate: row.click_rate,
    clickConversionRate: row.click_conversion_rate,
    interactionRate: row.interaction_rate,
    followRate: row.follow_rate,
    source: row.source,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/** The latest streams of a host that the actor may see (a host's streams at another base stay there). */
export async function recentStreamsOf(ctx: ServiceContext, hostId: number, limit: number): Promise<StreamView[]> {
  const rows = await recentStreamRows(ctx.db, livestreamScope.where(ctx.actor, 's.base_id'), hostId, limit);
  return rows.map(toView);
}

export async function listStreams(ctx: ServiceContext, input: z.output<typeof streamListInput>) {
  const f = input.filter ?? {};
  livestreamScope.assertFilter(ctx.actor, f.baseId);
  const matching = matchingStreams(ctx.db, livestreamScope.where(ctx.actor, 's.base_id'), f);
  const total = await countStreams(matching);
  const sort = input.sort ?? { key: 'startedAt' as const, order: 'desc' as const };
  const rows = await withStreamColumns(matching)
    .orderBy(sql`${STREAM_SORT[sort.key]} ${sql.raw(sort.order === 'asc' ? 'asc' : 'desc')} nulls last`)
    .orderBy('s.id', 'desc')
    .limit(input.pageSize)
    .offset(offsetOf(input))
    .execute();
  return { items: rows.map(toView), total };
}

/** A stream as its export rows show it: minutes and yuan, as people read them. */
export function toExportRow(stream: StreamView) {
  return { ...stream, durationMinutes: Math.round(stream.durationSeconds / 60), gmvYuan: stream.gmvFen === null ? null : stream.gmvFen / 100 };
}

/** A stream just written (scope checked by the write). */
async function getStream(ctx: ServiceContext, id: number): Promise<StreamView> {
  const row = await streamById(ctx.db, id);
  if (!row) throw notFound('LIVESTREAM_STREAM_NOT_FOUND');
  return toView(row);
}

/** One stream, if it is at one of the actor's bases (livestream.scope.ts). */
export async function getStreamFor(ctx: ServiceContext, id: number): Promise<StreamView> {
  return toView(livestreamScope.stream(ctx.actor, await streamById(ctx.db, id)));
}

/**
 * The start of a typed stream, in Beijing time: refused when it is later than now (beyond a phone
 * clock's slack: a stream is entered after it happened) or before any platform streamed. The
 * import applies the same rule row by row (stream-values.ts: startOutOfRange).
 */
function startOf(input: z.output<typeof streamFields>): Date {
  const start = shanghaiInstant(input.startDate, input.startTime);
  const out = startOutOfRange(start);
  if (out === 'future') throw badRequest('LIVESTREAM_STREAM_IN_FUTURE', { start: `${input.startDate} ${input.startTime}`, now: shanghaiMinute(Date.now()) });
  if (out === 'too_early') throw badRequest('LIVESTREAM_STREAM_TOO_EARLY', { start: `${input.startDate} ${input.startTime}`, earliest: EARLIEST_STREAM_DAY });
  return start;
}

function streamColumns(input: z.output<typeof streamFields>) {
  return {
    host_id: input.hostId,
    platform: input.platform,
    started_at: startOf(input),
    duration_seconds: input.durationMinutes * 60,
    viewers: input.viewers,
    peak_viewers: input.peakViewers,
    new_followers: input.newFollowers,
    orders: input.orders,
    buyers: input.buyers,
    gmv_fen: input.gmvFen,
    farm_products: input.farmProducts,
    main_products: input.mainProducts,
  };
}

/**
 * Manual entry of one stream. The same host, platform and start sent again (a double tap, a retry
 * after a dropped signal) writes nothing and answers `exists` with the row already there. The
 * stream belongs to the host's base at the time. A new row is audited with it; a repeat, which
 * writes nothing, is not.
 */
export async function createStream(ctx: ServiceContext, input: z.output<typeof createStreamInput>): Promise<z.infer<typeof createStreamOutput>> {
  const { actor, who } = ctx;
  const columns = streamColumns(input);
  // A replay of the outbox's key answers what the first send did, and enqueues nothing again.
  const { value: result, replay } = await ctx.db.transaction().execute((trx) =>
    onceByClientKey(trx, actor, 'livestream.streams.create', input.clientKey, async () => {
      const host = livestreamScope.host(actor, await lockHost(trx, input.hostId));
      const inserted = await insertStreamOnce(trx, { ...columns, base_id: host.base_id, source: 'manual', recorded_by: who.id });
      if (inserted) {
        await recordAudit(trx, who, { entity: 'livestream_stream', entityId: Number(inserted.id), action: 'create', after: inserted });
        return { status: 'created' as const, id: Number(inserted.id) };
      }
      const existing = await streamIdAt(trx, input.hostId, input.platform, columns.started_at);
      return { status: 'exists' as const, id: Number(existing.id) };
    }),
  );
  if (result.status === 'created' && !replay) await enqueueLivestreamRecompute(ctx, firstMonthOf(columns.started_at));
  return { status: result.status, stream: await getStream(ctx, result.id) };
}

const duplicate = (error: unknown) => {
  if (isUniqueViolation(error, 'livestream_streams_host_id_platform_started_at_key')) throw conflict('LIVESTREAM_STREAM_EXISTS');
  throw error;
};

export async function updateStream(ctx: ServiceContext, input: z.output<typeof updateStreamInput>): Promise<StreamView> {
  const { actor, who } = ctx;
  const columns = streamColumns(input);
  const moved = await ctx.db.transaction().execute(async (trx) => {
    const before = livestreamScope.stream(actor, await lockStream(trx, input.id));
    // another host: checked like a new entry, and the stream goes to that host's base
    const baseId = input.hostId === before.host_id ? before.base_id : livestreamScope.host(actor, await lockHost(trx, input.hostId)).base_id;
    const after = await updateStreamRow(trx, input.id, { ...columns, base_id: baseId }).catch(duplicate);
    await recordAudit(trx, who, { entity: 'livestream_stream', entityId: input.id, action: 'update', before, after });
    return firstMonthOf(before.started_at, after.started_at);
  });
  await enqueueLivestreamRecompute(ctx, moved);
  return getStream(ctx, input.id);
}

export async function deleteStream(ctx: ServiceContext, input: z.output<typeof deleteStreamInput>): Promise<{ id: number }> {
  const { actor, who } = ctx;
  const since = await ctx.db.transaction().execute(async (trx) => {
    const before = livestreamScope.stream(actor, await lockStream(trx, input.id));
    await deleteStreamRow(trx, input.id);
    await recordAudit(trx, who, { entity: 'livestream_stream', entityId: input.id, action: 'delete', before });
    return firstMonthOf(before.started_at);
  });
  await enqueueLivestreamRecompute(ctx, since);
  return { id: input.id };
}
