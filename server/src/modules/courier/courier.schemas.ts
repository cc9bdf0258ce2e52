import { z } from 'zod';
import { MISSED_REASONS, VEHICLE_KINDS } from '../../db/enums';
import { clientKeySchema } from '../../lib/client-key';
import { exportInput } from '../../lib/excel';
import { mobileSchema } from '../../lib/mobile';
import { daySchema, idSchema, monthSchema, timeSchema, versionSchema } from '../../lib/schema';

const fen = z.number().int().min(0).max(100_000_000);
const count = z.number().int().min(0).max(100_000);

export const carrierInput = z.object({ code: z.string().regex(/^[a-z][a-z0-9_]{1,31}$/), name: z.string().trim().min(1).max(30) });
export const carrierUpdate = z.object({ id: idSchema, name: z.string().trim().min(1).max(30), active: z.boolean() });

export const hubInput = z.object({ name: z.string().trim().min(1).max(60), stationId: idSchema });
export const hubUpdate = z.object({ id: idSchema, name: z.string().trim().min(1).max(60), active: z.boolean(), version: versionSchema });
export const hubCarrierInput = z.object({ hubId: idSchema, carrierId: idSchema, fromDate: daySchema, toDate: daySchema.nullable().default(null) });

export const vehicleFields = {
  hubId: idSchema,
  plate: z.string().trim().min(5).max(12),
  kind: z.enum(VEHICLE_KINDS).default('van'),
  capacityParcels: z.number().int().min(1).max(100_000),
  capacityKg: z.number().min(0.1).max(100_000).multipleOf(0.1).nullable().default(null),
  driverName: z.string().trim().max(30).nullable().default(null),
  driverMobile: mobileSchema.nullable().default(null),
  costPerKmFen: fen.default(0),
  costPerDayFen: fen.default(0),
  speedKmh: z.number().int().min(5).max(120).default(40),
};
export const vehicleInput = z.object(vehicleFields);
export const vehicleUpdate = z.object({ ...vehicleFields, id: idSchema, active: z.boolean(), version: versionSchema });

export const routeInput = z.object({ hubId: idSchema, name: z.string().trim().min(1).max(60) });
export const routeVersionInput = z.object({
  routeId: idSchema,
  effectiveFrom: daySchema,
  vehicleId: idSchema.nullable(),
  /** 1 = Monday … 7 = Sunday. */
  days: z.array(z.number().int().min(1).max(7)).max(7).transform((d) => [...new Set(d)].sort()),
  departAt: timeSchema,
  serviceMinutes: z.number().int().min(0).max(120).default(5),
  stops: z.array(z.object({ stationId: idSchema, plannedAt: timeSchema.nullable().default(null) })).min(1).max(200),
});

export const runStopInput = z.object({
  stationId: idSchema,
  arrivedAt: timeSchema.nullable().default(null),
  missed: z.boolean().default(false),
  missedReason: z.enum(MISSED_REASONS).nullable().default(null),
  parcels: z.array(z.object({ carrierId: idSchema, delivered: count.default(0), collected: count.default(0) })).max(30).default([]),
});
export const runInput = z.object({
  routeId: idSchema,
  runDate: daySchema,
  departedAt: timeSchema.nullable().default(null),
  returnedAt: timeSchema.nullable().default(null),
  km: z.number().min(0).max(5000).multipleOf(0.1).nullable().default(null),
  costFen: fen.default(0),
  subsidyFen: fen.default(0),
  note: z.string().max(300).nullable().default(null),
  stops: z.array(runStopInput).min(1).max(200),
  clientKey: clientKeySchema,
});
export type RunInput = z.output<typeof runInput>;

export const hubsExportInput = exportInput(z.object({}), { name: 'text', stationName: 'text', regionName: 'text', carriers: 'text', vehicles: 'count', routes: 'count', active: 'text' });
export const vehiclesExportInput = exportInput(z.object({ hubId: idSchema.optional() }), {
  hubName: 'text',
  plate: 'text',
  kind: 'text',
  capacityParcels: 'count',
  capacityKg: 'decimal',
  driverName: 'text',
  driverMobile: 'text',
  costPerKmYuan: 'money',
  costPerDayYuan: 'money',
  speedKmh: 'count',
  active: 'text',
});
export const routesExportInput = exportInput(z.object({ hubId: idSchema.optional() }), {
  hubName: 'text',
  name: 'text',
  plate: 'text',
  days: 'text',
  departAt: 'text',
  stops: 'count',
  version: 'plain',
  effectiveFrom: 'date',
  nextFrom: 'date',
  active: 'text',
});
export const runsFilter = z.object({ month: monthSchema, hubId: idSchema.optional() });
export const coverageFilter = z.object({ month: monthSchema });
export const unservedExportInput = exportInput(coverageFilter, { townName: 'text', villageCode: 'text', villageName: 'text', pointName: 'text', reason: 'text' });
export const runsExportInput = exportInput(runsFilter, {
  runDate: 'date',
  hubName: 'text',
  routeName: 'text',
  routeVersion: 'plain',
  plate: 'text',
  stops: 'count',
  missed: 'count',
  delivered: 'count',
  collected: 'count',
  km: 'decimal',
  costYuan: 'money',
  subsidyYuan: 'money',
});
export const statsExportInput = exportInput(z.object({ hubId: idSchema.optional() }), {
  month: 'text',
  hubName: 'text',
  carrierName: 'text',
  runs: 'count',
  delivered: 'count',
  collected: 'count',
  costYuan: 'money',
  subsidyYuan: 'money',
  costPerParcelYuan: 'money',
  subsidyPerParcelYuan: 'money',
  onTimeShare: 'percent',
  missed: 'count',
});
