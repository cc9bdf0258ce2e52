import { z } from 'zod';
import { LEDGER_COUNT_FIELDS, LEDGER_MONEY_FIELDS, STATION_SERVICES, STATION_STATUSES, STATION_TIERS } from '../../db/types';
import { clientKeySchema } from '../../lib/client-key';
import { exportInput } from '../../lib/excel';
import { listInput, listOutput } from '../../lib/list';
import { daySchema as day, idSchema, monthSchema, regionCodeSchema as code12, versionSchema } from '../../lib/schema';

export const stationFields = z.object({
  code: z.string().trim().regex(/^[A-Za-z0-9_-]{2,32}$/, '站点编码为 2–32 位字母、数字、下划线或短横 / 2–32 letters, digits, _ or -'),
  name: z.string().trim().min(1).max(100),
  tier: z.enum(STATION_TIERS),
  regionCode: code12,
  parentId: idSchema.nullable(),
  address: z.string().trim().max(200).nullable().default(null),
  /** As given (GCJ-02 from Chinese map apps); validated to China's bounds. */
  lat: z.number().min(-90).max(90).nullable().default(null),
  lng: z.number().min(-180).max(180).nullable().default(null),
  phone: z.string().trim().max(20).nullable().default(null),
  openedOn: day.nullable().default(null),
  services: z.array(z.enum(STATION_SERVICES)).max(STATION_SERVICES.length).default([]),
  /** Admin only: allow a second active village point in one village, saying why. */
  duplicateOverrideReason: z.string().trim().min(2).max(200).nullable().default(null),
});

export const createStationInput = stationFields.extend({
  status: z.enum(STATION_STATUSES).default('planned'),
  statusSince: day.optional(),
});
export const updateStationInput = stationFields.extend({ id: idSchema, version: versionSchema });
export const setStatusInput = z.object({
  id: idSchema,
  version: versionSchema,
  status: z.enum(STATION_STATUSES),
  since: day,
  reason: z.string().trim().max(200).nullable().default(null),
});

export const stationActivity = z.object({
  asOf: z.string(),
  lastEntryDate: z.string().nullable(),
  lastActiveDate: z.string().nullable(),
  activeDays30: z.number(),
  quiet: z.boolean(),
  quietDays: z.number().nullable(),
  ruleVersion: z.number(),
});

export const stationView = z.object({
  id: z.number(),
  code: z.string(),
  name: z.string(),
  tier: z.enum(STATION_TIERS),
  regionCode: z.string(),
  regionName: z.string(),
  townCode: z.string().nullable(),
  townName: z.string().nullable(),
  parentId: z.number().nullable(),
  parentName: z.string().nullable(),
  address: z.string().nullable(),
  lat: z.number().nullable(),
  lng: z.number().nullable(),
  /** Masked in lists; whole in the detail for staff, admin and the station's own operators. */
  phone: z.string().nullable(),
  openedOn: z.string().nullable(),
  services: z.array(z.enum(STATION_SERVICES)),
  status: z.enum(STATION_STATUSES),
  statusSince: z.string(),
  statusReason: z.string().nullable(),
  duplicateOverrideReason: z.string().nullable(),
  version: z.number(),
  operators: z.array(z.object({ id: z.number(), displayName: z.string() })),
  activity: stationActivity.nullable(),
});

export const stationListInput = listInput(
  z.object({
    tier: z.enum(STATION_TIERS).optional(),
    townCode: code12.optional(),
    status: z.enum(STATION_STATUSES).optional(),
    quiet: z.boolean().optional(),
    q: z.string().trim().max(50).optional(),
  }),
  ['code', 'name', 'tier', 'status', 'lastEntryDate'] as const,
);
export const stationListOutput = listOutput(stationView);
export const stationExportInput = exportInput(stationListInput, {
  code: 'text', name: 'text', tier: 'text', regionName: 'text', townName: 'text', parentName: 'text', status: 'text', statusSince: 'date',
  openedOn: 'date', phone: 'text', services: 'text', 'activity.lastEntryDate': 'date', 'activity.activeDays30': 'count',
  'activity.quiet': 'text', 'activity.quietDays': 'count',
});

export const monthStats = z.object({
  month: z.string(),
  daysWithEntry: z.number(),
  activeDays: z.number(),
  parcelsIn: z.number(),
  parcelsOut: z.number(),
  purchaseOrders: z.number(),
  purchaseAmountFen: z.number(),
  salesOrders: z.number(),
  salesAmountFen: z.number(),
  incomeTotalFen: z.number(),
  villagersServed: z.number(),
  incomePerOpenDayFen: z.number(),
});

// ---- ledger --------------------------------------------------------------------------------------

const count = z.number().int().min(0).max(100_000);
/** Money crosses the API as integer fen; the client turns the yuan people type into fen. */
const fen = z.number().int().min(0).max(100_000_000_000);
/** Service income of one day, by source: the ledger's CHECK allows a tenth of a trade amount. */
const incomeFen = z.number().int().min(0).max(10_000_000_000);

export const ledgerFigures = z.object({
  parcelsIn: count,
  parcelsOut: count,
  purchaseOrders: count,
  purchaseAmountFen: fen,
  salesOrders: count,
  salesAmountFen: fen,
  incomeParcelFen: incomeFen,
  incomeCommissionFen: incomeFen,
  incomeBillFen: incomeFen,
  incomeOtherFen: incomeFen,
  villagersServed: count,
});
export type LedgerFigures = z.infer<typeof ledgerFigures>;
/** A day with nothing to report: every figure 0. */
export const NO_LEDGER_FIGURES: LedgerFigures = {
  parcelsIn: 0,
  parcelsOut: 0,
  purchaseOrders: 0,
  purchaseAmountFen: 0,
  salesOrders: 0,
  salesAmountFen: 0,
  incomeParcelFen: 0,
  incomeCommissionFen: 0,
  incomeBillFen: 0,
  incomeOtherFen: 0,
  villagersServed: 0,
};

/** API field name ↔ column, one table for both directions. */
export const LEDGER_COLUMNS = {
  parcelsIn: 'parcels_in',
  parcelsOut: 'parcels_out',
  purchaseOrders: 'purchase_orders',
  purchaseAmountFen: 'purchase_amount_fen',
  salesOrders: 'sales_orders',
  salesAmountFen: 'sales_amount_fen',
  incomeParcelFen: 'income_parcel_fen',
  incomeCommissionFen: 'income_commission_fen',
  incomeBillFen: 'income_bill_fen',
  incomeOtherFen: 'income_other_fen',
  villagersServed: 'villagers_served',
} as const satisfies Record<keyof LedgerFigures, (typeof LEDGER_COUNT_FIELDS)[number] | (typeof LEDGER_MONEY_FIELDS)[number]>;

export const ledgerEntry = ledgerFigures.extend({
  stationId: z.number(),
  date: z.string(),
  note: z.string().nullable(),
  version: z.number(),
  updatedAt: z.string(),
  updatedBy: z.string().nullable(),
});

export const ledgerUpsertInput = ledgerFigures.extend({
  stationId: idSchema,
  date: day,
  note: z.string().trim().max(500).nullable().default(null),
  /** The version the user edited; absent for a new day. A mismatch is a concurrent edit. */
  version: versionSchema.optional(),
  /** The phone outbox's idempotency key (lib/client-key.ts). */
  clientKey: clientKeySchema,
});

/** One month of one station's ledger as a sheet: amounts in yuan, income by source and in total. */
export const ledgerMonthExportInput = exportInput(z.object({ stationId: idSchema, month: monthSchema }), {
  date: 'date', parcelsIn: 'count', parcelsOut: 'count', purchaseOrders: 'count', purchaseAmountYuan: 'money', salesOrders: 'count',
  salesAmountYuan: 'money', incomeParcelYuan: 'money', incomeCommissionYuan: 'money', incomeBillYuan: 'money', incomeOtherYuan: 'money',
  incomeTotalYuan: 'money', villagersServed: 'count', note: 'text', updatedBy: 'text', updatedAt: 'date',
});

// ---- reports: quiet stations and the town ranking --------------------------------------------------

export const quietFilter = z.object({ townCode: code12.optional() });
export const quietStationView = z.object({
  id: z.number(),
  code: z.string(),
  name: z.string(),
  tier: z.string(),
  regionName: z.string(),
  townCode: z.string().nullable(),
  townName: z.string().nullable(),
  stationPhone: z.string().nullable(),
  operators: z.array(z.object({ displayName: z.string(), mobile: z.string().nullable() })),
  lastEntryDate: z.string().nullable(),
  lastActiveDate: z.string().nullable(),
  quietDays: z.number().nullable(),
  asOf: z.string(),
  ruleVersion: z.number(),
  /** N of the quiet rule this row was judged by: no non-zero entry for N days. */
  ruleDays: z.number().nullable(),
});
/** Operators are written as "name mobile" joined, one cell. */
export const quietExportInput = exportInput(quietFilter, {
  townName: 'text', code: 'text', name: 'text', tier: 'text', regionName: 'text', lastActiveDate: 'date', lastEntryDate: 'date',
  quietDays: 'count', operators: 'text', stationPhone: 'text',
});

/** The figures a town ranking sorts by (monthly metric keys). */
export const RANKING_METRICS = [
  'stations.sales_amount_fen',
  'stations.purchase_amount_fen',
  'stations.parcels',
  'stations.income_fen',
] as const;
export type RankingMetric = (typeof RANKING_METRICS)[number];

export const rankingInput = z.object({ countyCode: code12.optional(), period: monthSchema, by: z.enum(RANKING_METRICS).default('stations.sales_amount_fen') });
/** Amounts in yuan and coverage in per cent, as a reader of the sheet expects; the county total last. */
export const rankingExportInput = exportInput(rankingInput, {
  rank: 'plain', name: 'text', salesAmountYuan: 'money', purchaseAmountYuan: 'money', parcels: 'count', incomeYuan: 'money',
  activePoints: 'count', villagesCovered: 'count', administrativeVillages: 'count', coveragePercent: 'percentPoints', quiet: 'count',
});

