import type { Kysely } from 'kysely';
import type { Database } from '../../db/types';

type Executor = Kysely<Database>;

/** Ledger entries with the login of who last changed each. */
export function entriesQuery(db: Executor) {
  return db.selectFrom('ledger_entries as le').leftJoin('users as u', 'u.id', 'le.updated_by').selectAll('le').select('u.login_name as updated_by_login');
}

/** One station's entry for one day, with who last changed it. */
export function entryOf(db: Executor, stationId: number, date: string) {
  return entriesQuery(db).where('le.station_id', '=', stationId).where('le.entry_date', '=', date).executeTakeFirst();
}

/** The latest entry before `date`: the form's "yesterday". */
export function entryBefore(db: Executor, stationId: number, date: string) {
  return entriesQuery(db).where('le.station_id', '=', stationId).where('le.entry_date', '<', date).orderBy('le.entry_date', 'desc').limit(1).executeTakeFirst();
}

/** A station's entries from `from` (inclusive) to `to` (exclusive), by date. */
export function entriesBetween(db: Executor, stationId: number, from: string, to: string) {
  return entriesQuery(db).where('le.station_id', '=', stationId).where('le.entry_date', '>=', from).where('le.entry_date', '<', to).orderBy('le.entry_date').execute();
}

/** The stored entry, locked for the writer's transaction. */
export function lockEntry(db: Executor, stationId: number, date: string) {
  return db.selectFrom('ledger_entries').selectAll().where('station_id', '=', stationId).where('entry_date', '=', date).forUpdate().executeTakeFirst();
}
