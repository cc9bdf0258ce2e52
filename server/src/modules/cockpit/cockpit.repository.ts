import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/types';
import { shanghaiInstant, addDays } from '../../lib/dates';
import type { Actor } from '../auth/actor';
import { baseScope, regionScope } from '../auth/scope';
import { stationReadable } from '../stations/stations.scope';

type Executor = Kysely<Database>;

/** A town's stations with their activity snapshot and this month's figures (station_activity, station_month_stats). */
export function townStations(db: Executor, actor: Actor, townCode: string, month: string) {
  return db
    .selectFrom('stations as s')
    .leftJoin('station_activity as a', 'a.station_id', 's.id')
    .leftJoin('station_month_stats as m', (j) => j.onRef('m.station_id', '=', 's.id').on('m.month', '=', `${month}-01`))
    .select([
      's.id',
      's.code',
      's.name',
      's.tier',
      's.status',
      'a.last_entry_date',
      'a.quiet',
      'a.quiet_days',
      'a.entry_days_window',
      sql<number>`coalesce(m.sales_amount_fen, 0)`.as('sales_amount_fen'),
      sql<number>`coalesce(m.days_with_entry, 0)`.as('days_with_entry'),
    ])
    .where('s.region_code', 'like', `${townCode.slice(0, 9)}%`)
    .where('s.tier', '!=', 'county_center')
    .where(stationReadable(actor, { id: 's.id', regionCode: 's.region_code' }))
    .orderBy('s.tier', 'desc')
    .orderBy('s.code')
    .execute();
}

/** A town's courses of the year with their person-times (course_completions, written by the training job). */
export function townCourses(db: Executor, townCode: string, year: number) {
  return db
    .selectFrom('courses as c')
    .leftJoin('course_completions as cc', (j) => j.onRef('cc.course_id', '=', 'c.id').on('cc.completed_on', '>=', `${year}-01-01`).on('cc.completed_on', '<=', `${year}-12-31`))
    .select(['c.id', 'c.title', 'c.status', 'c.planned_start', 'c.planned_end', (eb) => eb.fn.count<number>('cc.trainee_id').as('person_times')])
    .where('c.region_code', 'like', `${townCode.slice(0, 9)}%`)
    .where((eb) => eb.or([eb('c.planned_start', '<=', `${year}-12-31`), eb('c.planned_start', 'is', null)]))
    .where((eb) => eb.or([eb('c.planned_end', '>=', `${year}-01-01`), eb('c.planned_end', 'is', null)]))
    .groupBy('c.id')
    .orderBy('c.planned_start', 'desc')
    .limit(200)
    .execute();
}

/** Hosts living in the town or streaming at a base in it, with whether they were active at the month's end. */
export function townHosts(db: Executor, townCode: string, month: string) {
  const prefix = `${townCode.slice(0, 9)}%`;
  return db
    .selectFrom('livestream_hosts as h')
    .innerJoin('livestream_bases as b', 'b.id', 'h.base_id')
    .leftJoin('host_month_stats as m', (j) => j.onRef('m.host_id', '=', 'h.id').on('m.platform', '=', 'taobao').on('m.month', '=', `${month}-01`))
    .select(['h.id', 'h.name', 'b.name as base_name', 'h.status', sql<boolean>`coalesce(m.active_at_month_end, false)`.as('active'), sql<number>`coalesce(m.streams, 0)`.as('streams'), sql<number>`coalesce(m.gmv_fen, 0)`.as('gmv_fen')])
    .where((eb) => eb.or([eb('h.village_code', 'like', prefix), eb('b.region_code', 'like', prefix)]))
    .orderBy(sql`coalesce(m.active_at_month_end, false)`, 'desc')
    .orderBy('h.id')
    .limit(300)
    .execute();
}

/** An operator's stations and whether each has a ledger entry for `day` (an indexed point read per station). */
export function stationsFiling(db: Executor, stationIds: readonly number[], day: string) {
  return db
    .selectFrom('stations as s')
    .leftJoin('station_activity as a', 'a.station_id', 's.id')
    .leftJoin('station_month_stats as m', (j) => j.onRef('m.station_id', '=', 's.id').on('m.month', '=', `${day.slice(0, 7)}-01`))
    .select([
      's.id',
      's.code',
      's.name',
      's.tier',
      's.status',
      (eb) => eb.exists(eb.selectFrom('ledger_entries as le').select('le.station_id').whereRef('le.station_id', '=', 's.id').where('le.entry_date', '=', day)).as('filed_today'),
      (eb) => eb.selectFrom('ledger_entries as le').select((e) => e.fn.max('le.entry_date').as('d')).whereRef('le.station_id', '=', 's.id').as('last_entry_date'),
      'a.quiet',
      sql<number>`coalesce(m.days_with_entry, 0)`.as('days_with_entry'),
      sql<number>`coalesce(m.sales_amount_fen, 0)`.as('sales_amount_fen'),
      sql<number>`coalesce(m.purchase_amount_fen, 0)`.as('purchase_amount_fen'),
      sql<number>`coalesce(m.parcels_in + m.parcels_out, 0)`.as('parcels'),
    ])
    .where('s.id', 'in', stationIds.length ? [...stationIds] : [0])
    .orderBy('s.code')
    .execute();
}

/** Class sessions on `day` of courses in the actor's regions, with how many have checked in so far. */
export function sessionsOn(db: Executor, actor: Actor, day: string) {
  return db
    .selectFrom('course_sessions as cs')
    .innerJoin('courses as c', 'c.id', 'cs.course_id')
    .innerJoin('regions as r', 'r.code', 'c.region_code')
    .select([
      'cs.id',
      'cs.course_id',
      'c.title',
      'r.name as region_name',
      'cs.starts_at',
      'cs.ends_at',
      'cs.venue',
      (eb) => eb.selectFrom('attendance as at').select((e) => e.fn.countAll<number>().as('n')).whereRef('at.session_id', '=', 'cs.id').as('checked_in'),
    ])
    .where('cs.session_date', '=', day)
    .where('c.status', '!=', 'cancelled')
    .where(regionScope.where(actor, 'c.region_code'))
    .orderBy('cs.starts_at')
    .execute();
}

/**
 * Hosts of the actor's bases active on Taobao Live today under the rule, whose qualifying streams
 * in the window run out within `horizonDays` if they do not stream again: with `minStreams`
 * qualifying streams needed in `windowDays` days, the host stops being active on the day the
 * minStreams-th most recent one leaves the window — that stream's day + windowDays.
 */
export async function hostsAboutToDrop(
  db: Executor,
  actor: Actor,
  opts: { today: string; windowDays: number; minStreams: number; minMinutes: number; horizonDays: number },
) {
  const from = shanghaiInstant(addDays(opts.today, -(opts.windowDays - 1)), '00:00');
  const to = shanghaiInstant(addDays(opts.today, 1), '00:00');
  const rows = await db
    .with('qualifying', (q) =>
      q
        .selectFrom('livestream_streams as st')
        .innerJoin('livestream_hosts as h', 'h.id', 'st.host_id')
        .select([
          'st.host_id',
          'h.name',
          'h.base_id',
          sql<string>`to_char(st.started_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD')`.as('day'),
          sql<number>`row_number() over (partition by st.host_id order by st.started_at desc)`.as('rank'),
          sql<number>`count(*) over (partition by st.host_id)`.as('in_window'),
        ])
        .where('st.platform', '=', 'taobao')
        .where('st.duration_seconds', '>=', opts.minMinutes * 60)
        .where('st.started_at', '>=', from)
        .where('st.started_at', '<', to)
        .where(baseScope.where(actor, 'h.base_id')),
    )
    .selectFrom('qualifying as q')
    .innerJoin('livestream_bases as b', 'b.id', 'q.base_id')
    .select(['q.host_id', 'q.name', 'b.name as base_name', 'q.day', 'q.in_window'])
    .where('q.rank', '=', opts.minStreams)
    .execute();
  return rows
    .map((r) => ({ hostId: r.host_id, name: r.name, baseName: r.base_name, streamsInWindow: Number(r.in_window), dropsOn: addDays(r.day, opts.windowDays) }))
    .filter((r) => r.dropsOn <= addDays(opts.today, opts.horizonDays))
    .sort((a, b) => a.dropsOn.localeCompare(b.dropsOn) || a.hostId - b.hostId);
}
