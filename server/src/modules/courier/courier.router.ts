import { z } from 'zod';
import { exportOutput } from '../../lib/excel';
import { daySchema, idSchema } from '../../lib/schema';
import { importProgressProcedure } from '../../imports/progress';
import { adminProcedure, roleProcedure, router } from '../../trpc/trpc';
import { runsImport } from './courier.import';
import { withHomeCounty } from '../service-context';
import { coverageRule } from './courier.rules';
import {
  carrierInput,
  carrierUpdate,
  coverageFilter,
  hubCarrierInput,
  hubInput,
  hubUpdate,
  routeInput,
  routeVersionInput,
  runInput,
  hubsExportInput,
  routesExportInput,
  vehiclesExportInput,
  runsExportInput,
  runsFilter,
  statsExportInput,
  unservedExportInput,
  vehicleInput,
  vehicleUpdate,
} from './courier.schemas';
import {
  coverage,
  createCarrier,
  createCoverageRule,
  createHub,
  createRoute,
  createVehicle,
  dayStats,
  enqueueRecompute,
  exportHubs,
  exportRoutes,
  exportRuns,
  exportVehicles,
  exportStats,
  exportUnserved,
  getHub,
  getRoute,
  listCarriers,
  listCoverageRule,
  listHubs,
  listRoutes,
  listRuns,
  listVehicles,
  monthStats,
  runDay,
  saveRouteVersion,
  saveRun,
  setHubCarrier,
  stopOptions,
  updateCarrier,
  updateHub,
  updateVehicle,
} from './courier.service';

/** The bureau, and hub staff (the operators of a hub's station) for their hub (courier.scope.ts). */
const hubPeople = roleProcedure('admin', 'staff', 'station_operator');
/** Hubs, carriers, vehicles and routes are set up by the bureau. */
const bureau = roleProcedure('admin', 'staff');
const ok = z.object({ ok: z.literal(true) });

export const courierRouter = router({
  carriers: router({
    list: hubPeople.query(({ ctx }) => listCarriers(ctx.db)),
    create: bureau.input(carrierInput).output(z.object({ id: z.number() })).mutation(({ ctx, input }) => createCarrier(ctx, input)),
    update: bureau.input(carrierUpdate).output(ok).mutation(({ ctx, input }) => updateCarrier(ctx, input)),
  }),
  hubs: router({
    list: hubPeople.query(({ ctx }) => listHubs(ctx)),
    export: hubPeople.input(hubsExportInput).output(exportOutput).mutation(({ ctx, input }) => exportHubs(ctx, input)),
    get: hubPeople.input(z.object({ id: idSchema })).query(({ ctx, input }) => getHub(ctx, input.id)),
    create: bureau.input(hubInput).output(z.object({ id: z.number() })).mutation(({ ctx, input }) => createHub(ctx, input)),
    update: bureau.input(hubUpdate).output(ok).mutation(({ ctx, input }) => updateHub(ctx, input)),
    setCarrier: bureau.input(hubCarrierInput).output(ok).mutation(({ ctx, input }) => setHubCarrier(ctx, input)),
    stops: hubPeople.input(z.object({ hubId: idSchema })).query(({ ctx, input }) => stopOptions(ctx, input.hubId)),
  }),
  vehicles: router({
    list: hubPeople.input(z.object({ hubId: idSchema.optional() })).query(({ ctx, input }) => listVehicles(ctx, input.hubId)),
    export: hubPeople.input(vehiclesExportInput).output(exportOutput).mutation(({ ctx, input }) => exportVehicles(ctx, input)),
    create: bureau.input(vehicleInput).output(z.object({ id: z.number() })).mutation(({ ctx, input }) => createVehicle(ctx, input)),
    update: bureau.input(vehicleUpdate).output(ok).mutation(({ ctx, input }) => updateVehicle(ctx, input)),
  }),
  routes: router({
    list: hubPeople.input(z.object({ hubId: idSchema.optional() })).query(({ ctx, input }) => listRoutes(ctx, input.hubId)),
    export: hubPeople.input(routesExportInput).output(exportOutput).mutation(({ ctx, input }) => exportRoutes(ctx, input)),
    get: hubPeople.input(z.object({ id: idSchema })).query(({ ctx, input }) => getRoute(ctx, input.id)),
    create: bureau.input(routeInput).output(z.object({ id: z.number() })).mutation(({ ctx, input }) => createRoute(ctx, input)),
    saveVersion: bureau.input(routeVersionInput).output(z.object({ version: z.number() })).mutation(({ ctx, input }) => saveRouteVersion(ctx, input)),
  }),
  runs: router({
    day: hubPeople.input(z.object({ routeId: idSchema, day: daySchema })).query(({ ctx, input }) => runDay(ctx, input.routeId, input.day)),
    save: hubPeople.input(runInput).output(z.object({ id: z.number(), replay: z.boolean() })).mutation(({ ctx, input }) => saveRun(ctx, input)),
    list: hubPeople.input(runsFilter).query(({ ctx, input }) => listRuns(ctx, input)),
    export: hubPeople.input(runsExportInput).output(exportOutput).mutation(({ ctx, input }) => exportRuns(ctx, input)),
    /** The hub's daily sheet, on the shared import pipeline (courier.import.ts). */
    import: router({
      preview: hubPeople.input(runsImport.schemas.previewInput).output(runsImport.schemas.previewOutput).mutation(({ ctx, input }) => runsImport.preview(ctx, input)),
      commit: hubPeople.input(runsImport.schemas.commitInput).output(runsImport.schemas.commitOutput).mutation(({ ctx, input }) => runsImport.commit(ctx, input)),
      progress: importProgressProcedure(hubPeople),
    }),
  }),
  stats: router({
    months: hubPeople.input(z.object({ hubId: idSchema.optional() })).query(({ ctx, input }) => monthStats(ctx, input.hubId)),
    days: hubPeople.input(runsFilter).query(({ ctx, input }) => dayStats(ctx, input)),
    export: hubPeople.input(statsExportInput).output(exportOutput).mutation(({ ctx, input }) => exportStats(ctx, input)),
  }),
  coverage: router({
    get: bureau.input(coverageFilter).query(({ ctx, input }) => coverage(withHomeCounty(ctx), input.month)),
    unservedExport: bureau.input(unservedExportInput).output(exportOutput).mutation(({ ctx, input }) => exportUnserved(withHomeCounty(ctx), input)),
  }),
  rule: router({
    list: bureau.query(({ ctx }) => listCoverageRule(ctx.db)),
    create: adminProcedure.input(z.object({ params: coverageRule.params, effectiveFrom: daySchema })).output(z.object({ version: z.number() })).mutation(({ ctx, input }) => createCoverageRule(ctx, input)),
  }),
  recompute: bureau.output(ok).mutation(async ({ ctx }) => {
    await enqueueRecompute(ctx);
    return { ok: true as const };
  }),
});
