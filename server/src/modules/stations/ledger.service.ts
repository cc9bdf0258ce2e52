import type { Kysely, Selectable } from 'kysely';
import type { z } from 'zod';
import type { Database, LedgerEntriesTable } from '../../db/types';
import { badRequest, conflict, forbidden } from '../../lib/app-error';
import { addDays, daysBetween, shanghaiToday } from '../../lib/dates';
import { onceByClientKey } from '../../lib/client-key';
import { toXlsx, yuanCell } from '../../lib/excel';
import { recordAudit, type AuditWho } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import type { ServiceContext } from '../service-context';
import { entriesBetween, entryBefore, entryOf, lockEntry } from './ledger.repository';
import { LEDGER_COLUMNS, type LedgerFigures, type ledgerEntry, type ledgerMonthExportInput, type ledgerUpsertInput } from './stations.schemas';
import { assertCanReadStation, assertMayWriteStation } from './stations.scope';
import { enqueueRecompute } from './stations.service';
import { stationById } from './stations.repository';

/** A read of one station's ledger: the database and who asks. */
type Reader = Pick<ServiceContext, 'db' | 'actor'>;

/** Operators may write and correct the last 7 days (today included); older days only bureau staff. */
export const OPERATOR_EDIT_DAYS = 7;

export type LedgerEntryView = z.infer<typeof ledgerEntry>;
type Row = Selectable<LedgerEntriesTable> & { updated_by_login?: string | null };
const FIGURE_KEYS = Object.keys(LEDGER_COLUMNS) as (keyof LedgerFigures)[];

function toView(row: Row): LedgerEntryView {
  const figures = Object.fromEntries(FIGURE_KEYS.map((k) => [k, Number(row[LEDGER_COLUMNS[k]])])) as LedgerFigures;
  return {
    ...figures,
    stationId: row.station_id,
    date: row.entry_date,
    note: row.note,
    version: row.version,
    updatedAt: new Date(row.updated_at).toISOString(),
    updatedBy: row.updated_by_login ?? null,
  };
}

const columnsOf = (figures: LedgerFigures) =>
  Object.fromEntries(FIGURE_KEYS.map((k) => [LEDGER_COLUMNS[k], figures[k]])) as { [K in (typeof LEDGER_COLUMNS)[keyof LedgerFigures]]: number };

async function readableStation(db: Kysely<Database>, actor: Actor, stationId: number) {
  const station = await stationById(db, stationId);
  assertCanReadStation(actor, station);
  return station;
}

/** One day's entry and the latest one before it, so the form can show "yesterday". */
export async function getLedgerDay({ db, actor }: Reader, stationId: number, date: string) {
  await readableStation(db, actor, stationId);
  const [entry, previous] = await Promise.all([entryOf(db, stationId, date), entryBefore(db, stationId, date)]);
  return {
    entry: entry ? toView(entry) : null,
    previous: previous ? toView(previous) : null,
    editableByOperatorFrom: addDays(shanghaiToday(), -(OPERATOR_EDIT_DAYS - 1)),
  };
}

export async function listLedgerMonth({ db, actor }: Reader, stationId: number, month: string) {
  await readableStation(db, actor, stationId);
  const rows = await entriesBetween(db, stationId, `${month}-01`, addDays(`${month}-28`, 7).slice(0, 7) + '-01');
  return rows.map(toView);
}

/** The month's ledger as a sheet, read with the same scope check; amounts in yuan, as people read them. */
export async function exportLedgerMonth(ctx: Reader, input: z.output<typeof ledgerMonthExportInput>) {
  const { stationId, month } = input.list;
  const rows = (await listLedgerMonth(ctx, stationId, month)).map((e) => ({
    ...e,
    purchaseAmountYuan: yuanCell(e.purchaseAmountFen),
    salesAmountYuan: yuanCell(e.salesAmountFen),
    incomeParcelYuan: yuanCell(e.incomeParcelFen),
    incomeCommissionYuan: yuanCell(e.incomeCommissionFen),
    incomeBillYuan: yuanCell(e.incomeBillFen),
    incomeOtherYuan: yuanCell(e.incomeOtherFen),
    incomeTotalYuan: yuanCell(e.incomeParcelFen + e.incomeCommissionFen + e.incomeBillFen + e.incomeOtherFen),
  }));
  const station = await stationById(ctx.db, stationId);
  return toXlsx(rows, input.columns, { sheetName: input.sheetName, filenameStem: `ledger-${station?.code ?? stationId}-${month}` });
}

/** Who may write which day: operators their own active station's last 7 days; staff and admin any past day. */
export function assertMayWriteDay(actor: Actor, station: { id: number; status: string }, date: string, today = shanghaiToday()): void {
  if (daysBetween(today, date) > 0) throw badRequest('LEDGER_DATE_IN_FUTURE', { date });
  assertMayWriteStation(actor, station);
  if (actor.role !== 'station_operator') return;
  if (station.status !== 'active') throw badRequest('LEDGER_STATION_NOT_ACTIVE', { status: station.status });
  if (daysBetween(date, today) >= OPERATOR_EDIT_DAYS) throw forbidden('LEDGER_LOCKED', { date, days: OPERATOR_EDIT_DAYS });
}

/** Is the stored entry what these figures and note say (an import of the same file again changes nothing)? */
export const sameFigures = (row: Selectable<LedgerEntriesTable>, figures: LedgerFigures, note: string | null) =>
  FIGURE_KEYS.every((k) => Number(row[LEDGER_COLUMNS[k]]) === figures[k]) && (row.note ?? null) === (note ?? null);

/**
 * Write one day's entry inside the caller's transaction. A concurrent edit (the version the user
 * saw is not the stored one) is refused, unless the stored entry already holds exactly these
 * figures — a resend after a dropped connection, which succeeds without writing again.
 */
export async function writeLedgerEntry(
  trx: Kysely<Database>,
  who: AuditWho,
  input: LedgerFigures & { stationId: number; date: string; note: string | null; version?: number },
): Promise<{ row: Row; changed: boolean }> {
  const figures = Object.fromEntries(FIGURE_KEYS.map((k) => [k, input[k]])) as LedgerFigures;
  const existing = await lockEntry(trx, input.stationId, input.date);
  if (existing && sameFigures(existing, figures, input.note)) return { row: existing, changed: false };
  if (existing && input.version !== existing.version) throw conflict('LEDGER_VERSION_CONFLICT', { current: existing.version });
  const row = existing
    ? await trx
        .updateTable('ledger_entries')
        .set({ ...columnsOf(figures), note: input.note, version: existing.version + 1, updated_by: who.id, updated_at: new Date() })
        .where('station_id', '=', input.stationId)
        .where('entry_date', '=', input.date)
        .returningAll()
        .executeTakeFirstOrThrow()
    : await trx
        .insertInto('ledger_entries')
        .values({ station_id: input.stationId, entry_date: input.date, ...columnsOf(figures), note: input.note, created_by: who.id, updated_by: who.id })
        .returningAll()
        .executeTakeFirstOrThrow();
  await recordAudit(trx, who, {
    entity: 'ledger_entry',
    entityId: `${input.stationId}:${input.date}`,
    action: existing ? 'update' : 'create',
    before: existing ? { ...columnsOf(toView(existing)), note: existing.note } : null,
    after: { ...columnsOf(figures), note: input.note },
  });
  return { row, changed: true };
}

export async function upsertLedger(ctx: ServiceContext, input: z.output<typeof ledgerUpsertInput>): Promise<LedgerEntryView> {
  const station = await readableStation(ctx.db, ctx.actor, input.stationId);
  assertMayWriteDay(ctx.actor, station, input.date);
  // With the outbox's key, a replay answers the entry as the first send saved it.
  const { value, replay } = await ctx.db.transaction().execute((trx) =>
    onceByClientKey(trx, ctx.actor, 'stations.ledger.upsert', input.clientKey, async () => {
      const { row, changed } = await writeLedgerEntry(trx, ctx.who, input);
      const withLogin = await entryOf(trx, row.station_id, row.entry_date);
      if (!withLogin) throw new Error(`ledger entry ${row.station_id}:${row.entry_date} vanished after its write`);
      return { entry: toView(withLogin), changed };
    }),
  );
  if (value.changed && !replay) await enqueueRecompute(ctx, station.region_code);
  return value.entry;
}
