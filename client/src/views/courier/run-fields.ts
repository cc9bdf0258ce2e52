/**
 * The run form's fields and the one conversion between what a driver types (times, km, yuan) and
 * what `courier.runs.save` takes (HH:MM or null, km to one decimal, money in fen). No framework
 * imports, so the tests load it as it is.
 */
import type { RouterInputs, RouterOutputs } from '../../api/trpc';
import { fenToYuan, yuanToFen } from '../../utils/format';

export type RunDay = RouterOutputs['courier']['runs']['day'];
/** What `courier.runs.save` takes, less the idempotency key the outbox adds to every try. */
export type RunPayload = Omit<RouterInputs['courier']['runs']['save'], 'clientKey'>;
type StopPayload = RunPayload['stops'][number];
export type MissedReason = NonNullable<StopPayload['missedReason']>;

/** Why a stop was missed, in the order the picker shows them (the server's codes, checked against its types). */
export const MISSED_REASONS = ['road', 'weather', 'vehicle', 'closed', 'no_parcels', 'other'] as const satisfies readonly MissedReason[];

/** The API's limits (courier.schemas.ts): counts up to 100,000, money up to 1,000,000 yuan, km up to 5,000. */
export const MAX_COUNT = 100_000;
export const MAX_FEN = 100_000_000;
export const MAX_KM = 5_000;

export interface ParcelCount {
  delivered: number;
  collected: number;
}

export interface StopForm {
  stationId: number;
  name: string;
  plannedAt: string | null;
  /** "HH:MM" or empty. */
  arrivedAt: string;
  missed: boolean;
  missedReason: MissedReason | null;
  /** Parcels delivered and collected (上行 pick-ups) here, by carrier id. */
  parcels: Record<number, ParcelCount>;
}

/** What the form holds: the text in each box, and one card per stop in the route's order. */
export interface RunForm {
  departedAt: string;
  returnedAt: string;
  km: string;
  cost: string;
  subsidy: string;
  note: string;
  stops: StopForm[];
}

/** The fields outside the stops that can be wrong; a stop's problems are keyed `stop.<stationId>`. */
export type RunField = 'departedAt' | 'returnedAt' | 'km' | 'cost' | 'subsidy';
export type RunErrors = Partial<Record<RunField | `stop.${number}`, string>>;

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const KM = /^\s*(\d{1,4})(?:\.(\d))?\s*$/;

const counts = (carrierIds: readonly number[], entered: readonly { carrierId: number; delivered: number; collected: number }[]) => {
  const parcels: Record<number, ParcelCount> = {};
  for (const id of carrierIds) parcels[id] = { delivered: 0, collected: 0 };
  for (const p of entered) parcels[p.carrierId] = { delivered: p.delivered, collected: p.collected };
  return parcels;
};

/**
 * The carriers a day's form shows: those taking part at the hub that day, then any a stored run
 * still holds parcels for (a carrier that left the hub since): shown so they can be cleared.
 */
export function carrierIdsOf(day: RunDay, payload?: RunPayload): number[] {
  const ids = day.carriers.map((c) => c.id);
  const entered = [...day.stops.flatMap((s) => s.parcels), ...(payload?.stops.flatMap((s) => s.parcels ?? []) ?? [])];
  for (const p of entered) if (!ids.includes(p.carrierId)) ids.push(p.carrierId);
  return ids;
}

/** The day as stored: the run if one was entered, else a blank run over the route's stops. */
export function formFromDay(day: RunDay): RunForm {
  const carriers = carrierIdsOf(day);
  return {
    departedAt: day.run?.departedAt ?? '',
    returnedAt: day.run?.returnedAt ?? '',
    km: day.run?.km === null || day.run?.km === undefined ? '' : String(day.run.km),
    cost: day.run ? fenToYuan(day.run.costFen) : '',
    subsidy: day.run ? fenToYuan(day.run.subsidyFen) : '',
    note: day.run?.note ?? '',
    stops: day.stops.map((s) => ({
      stationId: s.stationId,
      name: s.name,
      plannedAt: s.plannedAt,
      arrivedAt: s.arrivedAt ?? '',
      missed: s.missed,
      missedReason: s.missedReason,
      parcels: counts(carriers, s.parcels),
    })),
  };
}

/** A save still waiting in the outbox (it is newer than what the server holds), over the day's stops. */
export function formFromPayload(day: RunDay, payload: RunPayload): RunForm {
  const carriers = carrierIdsOf(day, payload);
  const byStation = new Map(payload.stops.map((s) => [s.stationId, s]));
  return {
    departedAt: payload.departedAt ?? '',
    returnedAt: payload.returnedAt ?? '',
    km: payload.km === null || payload.km === undefined ? '' : String(payload.km),
    cost: fenToYuan(payload.costFen ?? 0),
    subsidy: fenToYuan(payload.subsidyFen ?? 0),
    note: payload.note ?? '',
    stops: day.stops.map((s) => {
      const queued = byStation.get(s.stationId);
      return {
        stationId: s.stationId,
        name: s.name,
        plannedAt: s.plannedAt,
        arrivedAt: queued?.arrivedAt ?? '',
        missed: queued?.missed ?? false,
        missedReason: queued?.missedReason ?? null,
        parcels: counts(carriers, queued?.parcels?.map((p) => ({ carrierId: p.carrierId, delivered: p.delivered ?? 0, collected: p.collected ?? 0 })) ?? []),
      };
    }),
  };
}

/** Parcels delivered and collected over the run's reached stops, and the stops missed: the line above the save button. */
export function runTotals(form: RunForm): { delivered: number; collected: number; missed: number } {
  let delivered = 0;
  let collected = 0;
  for (const stop of form.stops) {
    if (stop.missed) continue;
    for (const p of Object.values(stop.parcels)) {
      delivered += Number(p.delivered) || 0;
      collected += Number(p.collected) || 0;
    }
  }
  return { delivered, collected, missed: form.stops.filter((s) => s.missed).length };
}

const time = (text: string): { value: string | null } | { error: string } => {
  const trimmed = text.trim();
  if (trimmed === '') return { value: null };
  return TIME.test(trimmed) ? { value: trimmed } : { error: 'courierRuns.validation.time' };
};

const money = (text: string): { value: number } | { error: string } => {
  const fen = yuanToFen(text);
  if (fen === null) return { error: 'courierRuns.validation.amount' };
  return fen > MAX_FEN ? { error: 'courierRuns.validation.amountTooLarge' } : { value: fen };
};

function km(text: string): { value: number | null } | { error: string } {
  if (text.trim() === '') return { value: null };
  const match = KM.exec(text);
  if (!match) return { error: 'courierRuns.validation.km' };
  const value = Number(match[1]) + Number(match[2] ?? 0) / 10;
  return value > MAX_KM ? { error: 'courierRuns.validation.kmTooLarge' } : { value };
}

/**
 * The whole form: the payload, or every problem (message keys). A missed stop needs its reason and
 * carries no parcels (the server refuses both otherwise); a reached one sends only the carriers
 * with parcels, so a card left at zero adds no rows.
 */
export function toRunPayload(form: RunForm, target: { routeId: number; runDate: string }): { payload: RunPayload; errors: null } | { payload: null; errors: RunErrors } {
  const errors: RunErrors = {};
  const departed = time(form.departedAt);
  const returned = time(form.returnedAt);
  const distance = km(form.km);
  const cost = money(form.cost);
  const subsidy = money(form.subsidy);
  if ('error' in departed) errors.departedAt = departed.error;
  if ('error' in returned) errors.returnedAt = returned.error;
  if ('error' in distance) errors.km = distance.error;
  if ('error' in cost) errors.cost = cost.error;
  if ('error' in subsidy) errors.subsidy = subsidy.error;

  const stops: StopPayload[] = [];
  for (const stop of form.stops) {
    if (stop.missed) {
      if (stop.missedReason === null) errors[`stop.${stop.stationId}`] = 'courierRuns.validation.reason';
      stops.push({ stationId: stop.stationId, arrivedAt: null, missed: true, missedReason: stop.missedReason, parcels: [] });
      continue;
    }
    const arrived = time(stop.arrivedAt);
    if ('error' in arrived) errors[`stop.${stop.stationId}`] = arrived.error;
    const parcels = Object.entries(stop.parcels)
      // a stepper emptied by hand reads as 0
      .map(([carrierId, p]) => ({ carrierId: Number(carrierId), delivered: Number(p.delivered) || 0, collected: Number(p.collected) || 0 }))
      .filter((p) => p.delivered > 0 || p.collected > 0);
    if (parcels.some((p) => p.delivered > MAX_COUNT || p.collected > MAX_COUNT || !Number.isInteger(p.delivered) || !Number.isInteger(p.collected))) {
      errors[`stop.${stop.stationId}`] = 'courierRuns.validation.count';
    }
    stops.push({ stationId: stop.stationId, arrivedAt: 'value' in arrived ? arrived.value : null, missed: false, missedReason: null, parcels });
  }
  if (Object.keys(errors).length) return { payload: null, errors };
  const note = form.note.trim().slice(0, 300);
  return {
    payload: {
      routeId: target.routeId,
      runDate: target.runDate,
      departedAt: 'value' in departed ? departed.value : null,
      returnedAt: 'value' in returned ? returned.value : null,
      km: 'value' in distance ? distance.value : null,
      costFen: 'value' in cost ? cost.value : 0,
      subsidyFen: 'value' in subsidy ? subsidy.value : 0,
      note: note || null,
      stops,
    },
    errors: null,
  };
}
