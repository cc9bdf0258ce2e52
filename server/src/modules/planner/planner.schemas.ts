import { z } from 'zod';
import { daySchema, idSchema } from '../../lib/schema';
import { uploadBase64 } from '../../lib/upload-limits';

export const planStartInput = z.object({
  hubId: idSchema,
  /** Village points (station ids); absent: every active one on the hub's routes in force today. */
  stationIds: z.array(idSchema).min(1).max(500).optional(),
  /** Absent: the hub's active vehicles. */
  vehicleIds: z.array(idSchema).min(1).max(100).optional(),
  shiftMinutes: z.number().int().min(30).max(1440).default(480),
  /** Trips a vehicle makes in a shift (a morning and an afternoon loop is 2); each trip gets an equal share of the shift. */
  tripsPerVehicle: z.number().int().min(1).max(4).default(1),
  serviceMinutes: z.number().int().min(0).max(120).default(5),
  roadFactor: z.number().min(1).max(3).default(1.3),
  timeLimitSeconds: z.number().int().min(1).max(30).default(10),
  seed: z.number().int().min(0).max(2_147_483_647).default(1),
  pins: z.array(z.object({ stationId: idSchema, vehicleId: idSchema })).max(500).default([]),
  /** Village points that must ride one route in this order (others may come between), on a vehicle if named. */
  sequences: z.array(z.object({ stationIds: z.array(idSchema).min(2).max(500), vehicleId: idSchema.optional() })).max(100).default([]),
  /** The hub's measured distance table (planner.matrix.ts); absent: distances from coordinates. */
  matrix: z.object({ fileBase64: uploadBase64, fileName: z.string().max(200) }).optional(),
});
export type PlanStartInput = z.output<typeof planStartInput>;

export const planIdInput = z.object({ id: idSchema });
/** `leaveUnassigned`: the bureau has seen that the proposal leaves villages off every route, and accepts it anyway. */
export const planAcceptInput = z.object({ id: idSchema, effectiveFrom: daySchema.optional(), leaveUnassigned: z.boolean().default(false) });

/** What a plan row's `input` holds: the problem as built, with what the page and the comparison need. */
export const planInputShape = z.object({
  hubId: z.number(),
  /** The day the plan was made: expected parcels and today's routes are as of then. */
  asOf: z.string(),
  depot: z.object({ lng: z.number(), lat: z.number() }),
  stops: z.array(z.object({ stationId: z.number(), lng: z.number().nullable(), lat: z.number().nullable(), parcels: z.number() })),
  vehicles: z.array(z.object({ vehicleId: z.number(), capacity: z.number(), capacityKg: z.number().nullable(), speedKmh: z.number(), costPerKmFen: z.number(), costPerDayFen: z.number() })),
  shiftMinutes: z.number(),
  /** Plans made before trips were a setting had one trip a vehicle. */
  tripsPerVehicle: z.number().default(1),
  serviceMinutes: z.number(),
  roadFactor: z.number(),
  timeLimitSeconds: z.number(),
  seed: z.number(),
  pins: z.array(z.object({ stationId: z.number(), vehicleId: z.number() })),
  /** Plans made before sequences could be pinned have none. */
  sequences: z.array(z.object({ stationIds: z.array(z.number()), vehicleId: z.number().nullable() })).default([]),
  /** The uploaded distance table's pairs [from, to, km, minutes], station ids (the hub's station is the depot). */
  matrix: z
    .object({ fileName: z.string(), depotStationId: z.number(), pairCount: z.number(), pairs: z.array(z.tuple([z.number(), z.number(), z.number(), z.number().nullable()])) })
    .nullable()
    .default(null),
});
export type PlanInput = z.output<typeof planInputShape>;

/** What a finished plan's `result` holds. */
export const planResultShape = z.object({
  routes: z.array(z.object({ vehicleId: z.number(), stationIds: z.array(z.number()), km: z.number(), hours: z.number(), load: z.number() })),
  unassigned: z.array(z.object({ stationId: z.number(), reason: z.enum(['no_coordinates', 'over_capacity', 'beyond_shift', 'no_vehicle']) })),
  km: z.number(),
  elapsedMs: z.number(),
  cancelled: z.boolean(),
});
export type PlanResult = z.output<typeof planResultShape>;
