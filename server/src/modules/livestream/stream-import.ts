import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import type { Database, LivestreamPlatform } from '../../db/types';
import { normaliseText, type SheetRow } from '../../lib/sheet';
import type { ColumnMapping, SheetColumns } from '../../imports/sheet-mapping';
import { idSchema, yearSchema } from '../../lib/schema';
import { LIVESTREAM_PLATFORMS } from '../../db/types';
import { commitMode, defineImport, importRequest, noExtras, previewQuery, type ImportRow } from '../../imports/sheet-import';
import type { Lang } from '../../i18n/messages';
import { recordAudit } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import type { ServiceContext } from '../service-context';
import { readExportSheet } from './export-file';
import { livestreamScope } from './livestream.scope';
import { streamFigures } from './livestream.schemas';
import { enqueueLivestreamRecompute, firstMonthOf } from './livestream.jobs';
import { STREAM_FIELD_LABELS, STREAM_KNOWN_OTHER_COLUMNS, STREAM_PLAIN_SYNONYMS, STREAM_PRESET_SYNONYMS, type StreamSynonyms } from './stream-presets';
import {
  STREAM_FIELDS,
  STREAM_IMPORT_PRESETS,
  STREAM_RATE_FIELDS,
  type StreamField,
  type StreamRateField,
  type StreamImportPreset,
  type streamImportHostsInput,
  type streamImportHostsOutput,
} from './stream-import.schemas';
import {
  cellText,
  durationUnitOf,
  EARLIEST_STREAM_DAY,
  INVALID,
  isMissing,
  isRangeText,
  moneyUnitOf,
  parseCount,
  parseDurationSeconds,
  parseMoneyFen,
  parseRate,
  parseStreamTime,
  startOutOfRange,
} from './stream-values';

/**
 * 直播数据导入: a platform's session export (抖音罗盘 直播间列表, 生意参谋 直播, 视频号 历史直播, or
 * any sheet the user maps) into livestream_streams. Columns are matched by their normalised names
 * (never by position) with a preset of each platform's names, or as the user mapped them last
 * time; the header is found below any title rows; total rows and product child rows are skipped.
 * A row's host is the owner of its account id (livestream_accounts), else the host chosen for the
 * whole file. On the shared pipeline (imports/sheet-import.ts): every row is checked and the preview
 * shows each one's problems; the commit writes all rows or none, or the good rows with the rejected
 * ones handed back as Excel. A stream is unique by (host, platform, start), so importing the same
 * file again adds nothing.
 */

const CHUNK = 5_000;
/** The column's check: 48 hours. */
const MAX_DURATION_SECONDS = 172_800;

/** A user's own sheet: every export's names, and plain ones. */
const CUSTOM_SYNONYMS: StreamSynonyms = (() => {
  const out: Record<string, string[]> = {};
  for (const synonyms of [...Object.values(STREAM_PRESET_SYNONYMS), STREAM_PLAIN_SYNONYMS]) {
    for (const [field, words] of Object.entries(synonyms)) out[field] = [...new Set([...(out[field] ?? []), ...words])];
  }
  return out as StreamSynonyms;
})();

/** Every name a field is known by: its labels and every alias of every preset. */
const knownNames = (field: StreamField): readonly string[] => [STREAM_FIELD_LABELS[field]['zh-CN'], STREAM_FIELD_LABELS[field].en, ...(CUSTOM_SYNONYMS[field] ?? [])];

/** Headers compared folded: half-width, no spaces, lower case; a (人数)/(次数)/(分钟) suffix is kept. */
const fold = (header: string) => normaliseText(header).toLowerCase();

function columnsOf(preset: StreamImportPreset): SheetColumns<StreamField> {
  const synonyms = preset === 'custom' ? CUSTOM_SYNONYMS : STREAM_PRESET_SYNONYMS[preset];
  const known = new Set([...STREAM_FIELDS.flatMap(knownNames), ...STREAM_KNOWN_OTHER_COLUMNS].map(fold));
  return {
    knows: (header) => known.has(fold(header)),
    guess(headers) {
      // by the preset's preference, not by the file's column order (种草成交金额 before 成交金额)
      const mapping: ColumnMapping<StreamField> = {};
      const used = new Set<string>();
      for (const field of STREAM_FIELDS) {
        for (const word of synonyms[field] ?? []) {
          const header = headers.find((h) => !used.has(h) && fold(h) === fold(word));
          if (header) {
            mapping[field] = header;
            used.add(header);
            break;
          }
        }
      }
      // a header identical to a field's name (a label, or an alias of any preset) is that field's
      // whatever the preset: a Douyin file with a 主推商品 column keeps it
      for (const field of STREAM_FIELDS) {
        if (mapping[field]) continue;
        const names = new Set(knownNames(field).map(fold));
        const header = headers.find((h) => !used.has(h) && names.has(fold(h)));
        if (header) {
          mapping[field] = header;
          used.add(header);
        }
      }
      return mapping;
    },
  };
}

const PLATFORM_LABEL: Record<Lang, Record<LivestreamPlatform, string>> = {
  'zh-CN': { taobao: '淘宝直播', douyin: '抖音', kuaishou: '快手', wechat_channels: '视频号', pinduoduo: '拼多多', other: '其他平台' },
  en: { taobao: 'Taobao Live', douyin: 'Douyin', kuaishou: 'Kuaishou', wechat_channels: 'WeChat Channels', pinduoduo: 'Pinduoduo', other: 'other platform' },
};

interface Host {
  id: number;
  name: string;
  baseId: number;
}

/** A session row read: whose it is and what would be stored. */
interface StreamRow {
  host: Host | null;
  accountId: string | null;
  startedAt: Date | null;
  durationSeconds: number | null;
  viewers: number | null;
  peakViewers: number | null;
  newFollowers: number | null;
  orders: number | null;
  buyers: number | null;
  gmvFen: number | null;
  mainProducts: string | null;
  rates: Record<StreamRateField, number | null>;
}
type Row = ImportRow<StreamField, StreamRow>;

type CountField = 'viewers' | 'peakViewers' | 'newFollowers' | 'orders' | 'buyers';
const COUNT_FIELDS: readonly CountField[] = ['viewers', 'peakViewers', 'newFollowers', 'orders', 'buyers'];

/**
 * A total row (合计, 整体 in its first filled cell) or a product's SKU child row ('-红薯 5斤装', with
 * no start time): not a session.
 */
function isSkippedRow(row: SheetRow, headers: readonly string[], startHeader: string | undefined): boolean {
  for (const header of headers) {
    const value = row.cells[header];
    if (isMissing(value)) continue;
    if (typeof value !== 'string') return false;
    const text = normaliseText(value);
    if (/^(合计|总计|汇总|整体|总体|全部|total|sum)[:：]?$/i.test(text)) return true;
    return /^-/.test(text) && !/^-[\d.]+$/.test(text) && (!startHeader || isMissing(row.cells[startHeader]));
  }
  return false;
}

const presetOf = (input: { preset?: StreamImportPreset; platform: LivestreamPlatform }): StreamImportPreset =>
  input.preset ?? (input.platform === 'taobao' || input.platform === 'douyin' || input.platform === 'wechat_channels' ? input.platform : 'custom');

/** Hosts the actor may import for: all for the bureau, a manager's own bases' hosts. */
function hostsInScope(db: Kysely<Database>, actor: Actor) {
  return db
    .selectFrom('livestream_hosts as h')
    .innerJoin('livestream_bases as b', 'b.id', 'h.base_id')
    .where(livestreamScope.where(actor, 'h.base_id'));
}

async function chosenHost(db: Kysely<Database>, actor: Actor, hostId: number | undefined): Promise<Host | null> {
  if (hostId === undefined) return null;
  const found = await db.selectFrom('livestream_hosts').select(['id', 'name', 'base_id']).where('id', '=', hostId).executeTakeFirst();
  const host = livestreamScope.host(actor, found, 'STREAM_IMPORT_HOST_NOT_FOUND');
  return { id: host.id, name: host.name, baseId: host.base_id };
}

/**
 * The hosts owning these accounts on this platform, by account id: only hosts of the actor's bases.
 * To a base manager an account of another base's host is an account nobody has (the same row
 * problem, STREAM_IMPORT_ACCOUNT_UNKNOWN): never that host's name or base.
 */
async function hostsByAccount(db: Kysely<Database>, actor: Actor, platform: LivestreamPlatform, accountIds: readonly string[]) {
  const found = new Map<string, Host>();
  for (let i = 0; i < accountIds.length; i += CHUNK) {
    const part = accountIds.slice(i, i + CHUNK);
    const rows = await db
      .selectFrom('livestream_accounts as a')
      .innerJoin('livestream_hosts as h', 'h.id', 'a.host_id')
      .select(['a.account_id', 'h.id', 'h.name', 'h.base_id'])
      .where('a.platform', '=', platform)
      .where('a.account_id', '=', (eb) => eb.fn.any(eb.val(part)))
      .where(livestreamScope.where(actor, 'h.base_id'))
      .execute();
    for (const r of rows) found.set(r.account_id, { id: r.id, name: r.name, baseId: r.base_id });
  }
  return found;
}

const mappingKind = (preset: StreamImportPreset) => `livestream.streams.${preset}`;

/** (host, start) of the streams already stored for these rows, in one read per host set. */
async function storedStreams(db: Kysely<Database>, platform: LivestreamPlatform, rows: readonly Row[]) {
  const found = new Set<string>();
  if (!rows.length) return found;
  const hostIds = [...new Set(rows.map((r) => r.data.host!.id))];
  let [first, last] = [Infinity, -Infinity];
  for (const r of rows) [first, last] = [Math.min(first, r.data.startedAt!.getTime()), Math.max(last, r.data.startedAt!.getTime())];
  const there = await db
    .selectFrom('livestream_streams')
    .select(['host_id', 'started_at'])
    .where('platform', '=', platform)
    .where('host_id', 'in', hostIds)
    .where('started_at', '>=', new Date(first))
    .where('started_at', '<=', new Date(last))
    .execute();
  for (const s of there) found.add(`${s.host_id}|${new Date(s.started_at).getTime()}`);
  return found;
}

const request = {
  ...importRequest(STREAM_FIELDS),
  /** .xlsx or .csv (UTF-8 with or without BOM, or GB18030); decides how the bytes are read. */
  fileName: z.string().min(1).max(200),
  platform: z.enum(LIVESTREAM_PLATFORMS),
  /** Which export's column names to expect; by default the platform's own, else `custom`. */
  preset: z.enum(STREAM_IMPORT_PRESETS).optional(),
  /** The host of every row whose account is not in the file (Taobao and WeChat exports are per account). */
  hostId: idSchema.optional(),
  /** The year of an export whose times have none (视频号 '03月28日 20:42'). */
  exportYear: yearSchema.optional(),
};

const noRates = (): Record<StreamRateField, number | null> => ({ conversionRate: null, clickRate: null, clickConversionRate: null, interactionRate: null, followRate: null });
const hostNeeded = (host: Host | null, mapping: ColumnMapping<StreamField>) => !mapping.accountId && !host;

export const streamImport = defineImport({
  name: 'livestream.streams',
  fields: STREAM_FIELDS,
  request: { preview: z.object({ ...request, ...previewQuery }), commit: z.object({ ...request, ...commitMode() }) },
  async prepare({ db, actor, lang }, input) {
    return { host: await chosenHost(db, actor, input.hostId), preset: presetOf(input), platform: input.platform, platformName: PLATFORM_LABEL[lang][input.platform], exportYear: input.exportYear, fileName: input.fileName };
  },
  columns: (input) => columnsOf(presetOf(input)),
  mappingKind: (input) => mappingKind(presetOf(input)),
  read: (input, knows) => readExportSheet(input.fileBase64, input.fileName, knows, input.sheet),
  required: () => ['startedAt'],
  label: (field) => CUSTOM_SYNONYMS[field]?.[0] ?? field,
  blocked: ({ host }, mapping) => (hostNeeded(host, mapping) ? 'STREAM_IMPORT_HOST_NEEDED' : null),
  async analyse(tools, { host, platform, platformName, exportYear }, sheet) {
    const { ctx, cell: value, mapping } = tools;
    const durationUnit = (mapping.duration && durationUnitOf(mapping.duration)) || 'minute';
    const moneyUnit = mapping.gmv ? moneyUnitOf(mapping.gmv) : 'yuan';
    // 视频号 成交金额 (payedGmv) is shown as ¥91.6, but its unit is not documented: said on every row
    const gmvUncertain = platform === 'wechat_channels' && !!mapping.gmv && !/\((元|分|万元)\)$/.test(mapping.gmv);
    const now = Date.now();
    let skipped = 0;

    const rows: Row[] = [];
    for (const [i, row] of sheet.rows.entries()) {
      await tools.progress.advance(i + 1);
      if (isSkippedRow(row, sheet.headers, mapping.startedAt)) {
        skipped++;
        continue;
      }
      const r = tools.row<StreamRow>(row, {
        host: null,
        accountId: null,
        startedAt: null,
        durationSeconds: null,
        viewers: null,
        peakViewers: null,
        newFollowers: null,
        orders: null,
        buyers: null,
        gmvFen: null,
        mainProducts: null,
        rates: noRates(),
      });
      const parsed = r.data;
      const invalidCell = (field: StreamField) => tools.problem(r, field, 'IMPORT_CELL_INVALID', { column: mapping[field]!, value: cellText(value(row, field)) });

      // the account: kept as text; a long id Excel turned into a number has lost digits
      const rawAccount = value(row, 'accountId');
      if (typeof rawAccount === 'number' && !Number.isSafeInteger(rawAccount)) tools.problem(r, 'accountId', 'STREAM_IMPORT_ACCOUNT_ID_DIGITS', { value: cellText(rawAccount) });
      else if (!isMissing(rawAccount)) parsed.accountId = cellText(rawAccount);

      const time = parseStreamTime(value(row, 'startedAt'), { exportYear });
      let end: Date | null = null;
      if (time === null) tools.problem(r, 'startedAt', 'STREAM_IMPORT_START_MISSING');
      else if (time === 'no_year') tools.problem(r, 'startedAt', 'STREAM_IMPORT_YEAR_NEEDED', { value: cellText(value(row, 'startedAt')) });
      else if (time === INVALID) tools.problem(r, 'startedAt', 'STREAM_IMPORT_TIME_INVALID', { column: mapping.startedAt!, value: cellText(value(row, 'startedAt')) });
      else {
        parsed.startedAt = time.start;
        end = time.end;
        const out = startOutOfRange(time.start, now);
        if (out === 'future') tools.problem(r, 'startedAt', 'STREAM_IMPORT_START_IN_FUTURE', { value: cellText(value(row, 'startedAt')) });
        if (out === 'too_early') tools.problem(r, 'startedAt', 'STREAM_IMPORT_START_TOO_EARLY', { value: cellText(value(row, 'startedAt')), earliest: EARLIEST_STREAM_DAY });
      }
      if (mapping.endedAt && !isMissing(value(row, 'endedAt'))) {
        const ended = parseStreamTime(value(row, 'endedAt'), { exportYear });
        if (ended === null || typeof ended === 'string') tools.problem(r, 'endedAt', 'STREAM_IMPORT_TIME_INVALID', { column: mapping.endedAt, value: cellText(value(row, 'endedAt')) });
        else end = ended.start;
      }
      if (end && parsed.startedAt && end < parsed.startedAt) tools.problem(r, 'endedAt', 'STREAM_IMPORT_END_BEFORE_START');

      const duration = parseDurationSeconds(value(row, 'duration'), durationUnit);
      if (duration === INVALID) invalidCell('duration');
      else if (duration !== null) parsed.durationSeconds = duration;
      else if (end && parsed.startedAt && end >= parsed.startedAt) parsed.durationSeconds = Math.round((end.getTime() - parsed.startedAt.getTime()) / 1000);
      else if (parsed.startedAt) tools.problem(r, 'duration', 'STREAM_IMPORT_DURATION_MISSING');
      if (parsed.durationSeconds !== null && parsed.durationSeconds > MAX_DURATION_SECONDS) {
        tools.problem(r, 'duration', 'STREAM_IMPORT_DURATION_TOO_LONG', { value: cellText(value(row, 'duration')) || `${parsed.durationSeconds}s` });
        parsed.durationSeconds = null;
      }

      for (const field of COUNT_FIELDS) {
        const raw = value(row, field);
        const count = parseCount(raw);
        if (count === INVALID) invalidCell(field);
        else {
          parsed[field] = count;
          if (count !== null && isRangeText(raw)) tools.note(r, field, 'STREAM_IMPORT_RANGE_ESTIMATED', { column: mapping[field]!, value: cellText(raw), estimate: count });
        }
      }
      const gmv = parseMoneyFen(value(row, 'gmv'), moneyUnit);
      if (gmv === INVALID) invalidCell('gmv');
      else {
        parsed.gmvFen = gmv;
        if (gmv !== null && gmvUncertain) tools.note(r, 'gmv', 'STREAM_IMPORT_GMV_UNIT_UNCERTAIN', { value: cellText(value(row, 'gmv')), yuan: (gmv / 100).toFixed(2) });
      }
      // '3.2%' or a fraction 0.032 (a 率 column without % is one); a rate above 100% is no rate. An
      // unreadable rate is left out with a note, never a reason to reject the session
      for (const field of STREAM_RATE_FIELDS) {
        const rate = parseRate(value(row, field));
        if (rate === INVALID || (rate !== null && rate > 1)) tools.note(r, field, 'STREAM_IMPORT_RATE_IGNORED', { column: mapping[field]!, value: cellText(value(row, field)) });
        else parsed.rates[field] = rate;
      }
      const products = cellText(value(row, 'mainProducts'));
      if (products) parsed.mainProducts = products.slice(0, 200);
      rows.push(r);
    }

    // whose rows: by account (in bulk), else the file's host; only hosts in the actor's bases
    const accountIds = [...new Set(rows.map((r) => r.data.accountId).filter((a): a is string => a !== null))];
    const byAccount = await hostsByAccount(ctx.db, ctx.actor, platform, accountIds);
    for (const r of rows) {
      if (r.data.accountId !== null) {
        const owner = byAccount.get(r.data.accountId);
        if (!owner) tools.problem(r, 'accountId', 'STREAM_IMPORT_ACCOUNT_UNKNOWN', { platform: platformName, value: r.data.accountId });
        else r.data.host = owner;
      } else if (host) r.data.host = host;
      else if (!r.problems.some((p) => p.field === 'accountId')) tools.problem(r, 'accountId', 'STREAM_IMPORT_HOST_NEEDED');
    }

    // repeats within the file, and streams stored before
    const firstRow = new Map<string, number>();
    const key = (r: Row) => `${r.data.host!.id}|${r.data.startedAt!.getTime()}`;
    for (const r of rows.filter((r) => r.status === 'ok')) {
      const first = firstRow.get(key(r));
      if (first !== undefined) tools.skip(r, 'duplicate', 'STREAM_IMPORT_DUPLICATE_ROW', { row: first });
      else firstRow.set(key(r), r.row.rowNumber);
    }
    const live = rows.filter((r) => r.status === 'ok');
    const stored = await storedStreams(ctx.db, platform, live);
    for (const r of live) if (stored.has(key(r))) tools.skip(r, 'already', 'STREAM_IMPORT_ALREADY');
    return { rows, skipped };
  },
  view: {
    shape: {
      hostId: z.number().nullable(),
      hostName: z.string().nullable(),
      accountId: z.string().nullable(),
      startedAt: z.string().nullable(),
      durationSeconds: z.number().nullable(),
      ...streamFigures,
      /** Rates as fractions (null: no such column, or blank). */
      conversionRate: z.number().nullable(),
      clickRate: z.number().nullable(),
      clickConversionRate: z.number().nullable(),
      interactionRate: z.number().nullable(),
      followRate: z.number().nullable(),
    },
    of: ({ data: { host, startedAt, rates, mainProducts, ...rest } }) => ({ ...rest, ...rates, hostId: host?.id ?? null, hostName: host?.name ?? null, startedAt: startedAt?.toISOString() ?? null }),
  },
  totals: noExtras,
  preview: {
    shape: {
      preset: z.enum(STREAM_IMPORT_PRESETS),
      /** No account column is mapped and no host was chosen: choose the host of the file. */
      hostNeeded: z.boolean(),
      /** Times without a year were found and no export year was given. */
      yearNeeded: z.boolean(),
    },
    of: ({ host, preset }, analysis, mapping) => ({
      preset,
      hostNeeded: hostNeeded(host, mapping),
      yearNeeded: !!analysis?.rows.some((r) => r.problems.some((p) => p.code === 'STREAM_IMPORT_YEAR_NEEDED')),
    }),
  },
  write: {
    shape: {
      inserted: z.number(),
      /** Stored before (by any means), or by a concurrent import. */
      alreadyPresent: z.number(),
    },
    async run(trx, tools, { platform, preset, fileName }, toWrite, all) {
      const { who } = tools.ctx;
      let inserted = 0;
      for (let i = 0; i < toWrite.length; i += CHUNK) {
        const part = toWrite.slice(i, i + CHUNK);
        const column = <T>(pick: (r: StreamRow) => T) => part.map((r) => pick(r.data));
        const { rows: added } = await sql<{ id: string }>`
          insert into livestream_streams (host_id, base_id, platform, started_at, duration_seconds, viewers, peak_viewers, new_followers, orders, buyers, gmv_fen, main_products,
            conversion_rate, click_rate, click_conversion_rate, interaction_rate, follow_rate, source, recorded_by)
          select h, b, ${platform}::text, s, d, v, pv, nf, o, bu, g, mp, cr, ctr, ccr, ir, fr, 'import', ${who.id}::int
          from unnest(
            ${column((r) => r.host!.id)}::int[], ${column((r) => r.host!.baseId)}::int[], ${column((r) => r.startedAt!.toISOString())}::timestamptz[],
            ${column((r) => r.durationSeconds)}::int[], ${column((r) => r.viewers)}::int[], ${column((r) => r.peakViewers)}::int[],
            ${column((r) => r.newFollowers)}::int[], ${column((r) => r.orders)}::int[], ${column((r) => r.buyers)}::int[],
            ${column((r) => (r.gmvFen === null ? null : String(r.gmvFen)))}::bigint[], ${column((r) => r.mainProducts)}::text[],
            ${column((r) => r.rates.conversionRate)}::float8[], ${column((r) => r.rates.clickRate)}::float8[], ${column((r) => r.rates.clickConversionRate)}::float8[],
            ${column((r) => r.rates.interactionRate)}::float8[], ${column((r) => r.rates.followRate)}::float8[]
          ) as u(h, b, s, d, v, pv, nf, o, bu, g, mp, cr, ctr, ccr, ir, fr)
          on conflict (host_id, platform, started_at) do nothing
          returning id`.execute(trx);
        inserted += added.length;
        await tools.progress.advance(i + part.length);
      }
      const count = (status: Row['status']) => all.filter((r) => r.status === status).length;
      const summary = { inserted, alreadyPresent: count('already') + (toWrite.length - inserted) };
      // one audit row per commit that wrote streams, summarising it; a commit that wrote none changed
      // nothing to audit (as a typed stream sent again does not)
      if (inserted > 0) {
        await recordAudit(trx, who, {
          entity: 'livestream_stream',
          entityId: null,
          action: 'streams.import',
          after: {
            mode: tools.mode,
            rows: all.length,
            ...summary,
            duplicates: count('duplicate'),
            rejected: count('problem'),
            platform,
            preset,
            fileName,
            hosts: [...new Set(toWrite.map((r) => r.data.host!.id))],
          },
        });
      }
      return summary;
    },
  },
  async after(ctx, _context, rows, { inserted }) {
    if (inserted > 0) await enqueueLivestreamRecompute(ctx, firstMonthOf(...rows.map((r) => r.data.startedAt!)));
  },
  rejects: { filenameStem: 'livestream-import-rejects' },
});

/** The hosts a file may be imported for (the wizard's host picker), with their accounts. */
export async function streamImportHosts({ db, actor }: Pick<ServiceContext, 'db' | 'actor'>, input: z.output<typeof streamImportHostsInput>): Promise<z.infer<typeof streamImportHostsOutput>> {
  const search = input.search?.trim();
  const hosts = await hostsInScope(db, actor)
    .select(['h.id', 'h.name', 'h.base_id', 'b.name as base_name'])
    .where('h.status', '!=', 'left')
    .$if(!!search, (q) =>
      q.where((eb) =>
        eb.or([
          eb('h.name', 'like', `%${search!.replace(/[\\%_]/g, (c) => `\\${c}`)}%`),
          eb.exists(eb.selectFrom('livestream_accounts as a').select('a.id').whereRef('a.host_id', '=', 'h.id').where('a.account_id', '=', search!)),
        ]),
      ),
    )
    .orderBy('b.name')
    .orderBy('h.name')
    .limit(200)
    .execute();
  const accounts = hosts.length
    ? await db.selectFrom('livestream_accounts').select(['host_id', 'platform', 'account_id', 'handle']).where('host_id', 'in', hosts.map((h) => h.id)).orderBy('id').execute()
    : [];
  return {
    items: hosts.map((h) => ({
      id: h.id,
      name: h.name,
      baseId: h.base_id,
      baseName: h.base_name,
      accounts: accounts.filter((a) => a.host_id === h.id).map((a) => ({ platform: a.platform, accountId: a.account_id, handle: a.handle })),
    })),
  };
}

