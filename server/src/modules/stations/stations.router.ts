import { z } from 'zod';
import { exportList, exportOutput } from '../../lib/excel';
import { daySchema, idSchema, monthSchema } from '../../lib/schema';
import { roleProcedure, router } from '../../trpc/trpc';
import { exportLedgerMonth, getLedgerDay, listLedgerMonth, upsertLedger } from './ledger.service';
import { ledgerImport } from './ledger.import';
import { stationRegisterImport } from './stations.import';
import { importProgressProcedure } from '../../imports/progress';
import { exportQuietStations, exportTownRanking, listQuietStations, townRanking } from './stations.reports';
import {
  createStationInput,
  ledgerEntry,
  ledgerMonthExportInput,
  ledgerUpsertInput,
  monthStats,
  quietExportInput,
  quietFilter,
  quietStationView,
  rankingExportInput,
  rankingInput,
  setStatusInput,
  stationExportInput,
  stationListInput,
  stationListOutput,
  stationView,
  updateStationInput,
} from './stations.schemas';
import { createStation, getStation, listStations, setStationStatus, updateStation } from './stations.service';

/** Who sees stations at all: rows are then narrowed to the user's own scope in the service. */
const readers = roleProcedure('admin', 'staff', 'station_operator', 'training_coordinator');
/** Who manages the station register. */
const managers = roleProcedure('admin', 'staff');
/** Who writes ledgers: operators (their own station, last 7 days) and the bureau. */
const ledgerWriters = roleProcedure('admin', 'staff', 'station_operator');

export const stationsRouter = router({
  list: readers.input(stationListInput).output(stationListOutput).query(({ ctx, input }) => listStations(ctx, input)),
  export: readers
    .input(stationExportInput)
    .output(exportOutput)
    .mutation(({ ctx, input }) => exportList(input, 'stations', (list) => listStations(ctx, list))),
  get: readers
    .input(z.object({ id: idSchema }))
    .output(z.object({ station: stationView, months: z.array(monthStats) }))
    .query(({ ctx, input }) => getStation(ctx, input.id)),
  create: managers.input(createStationInput).output(stationView).mutation(({ ctx, input }) => createStation(ctx, input)),
  update: managers.input(updateStationInput).output(stationView).mutation(({ ctx, input }) => updateStation(ctx, input)),
  setStatus: managers.input(setStatusInput).output(stationView).mutation(({ ctx, input }) => setStationStatus(ctx, input)),
  /** The register from Excel (imports/sheet-import.ts): preview, commit, progress. */
  import: router({
    preview: managers.input(stationRegisterImport.schemas.previewInput).output(stationRegisterImport.schemas.previewOutput).mutation(({ ctx, input }) => stationRegisterImport.preview(ctx, input)),
    commit: managers.input(stationRegisterImport.schemas.commitInput).output(stationRegisterImport.schemas.commitOutput).mutation(({ ctx, input }) => stationRegisterImport.commit(ctx, input)),
    progress: importProgressProcedure(managers),
  }),
  quiet: router({
    list: managers.input(quietFilter).output(z.array(quietStationView)).query(({ ctx, input }) => listQuietStations(ctx.db, input)),
    export: managers.input(quietExportInput).output(exportOutput).mutation(({ ctx, input }) => exportQuietStations(ctx.db, input)),
  }),
  ranking: router({
    towns: managers
      .input(rankingInput)
      .output(
        z.object({
          period: z.string(),
          county: z.record(z.string(), z.union([z.string(), z.number()])),
          towns: z.array(z.record(z.string(), z.union([z.string(), z.number()]))),
        }),
      )
      .query(({ ctx, input }) => townRanking(ctx.db, { ...input, countyCode: input.countyCode ?? ctx.config.HOME_COUNTY_CODE })),
    export: managers
      .input(rankingExportInput)
      .output(exportOutput)
      .mutation(({ ctx, input }) =>
        exportTownRanking(ctx.db, { ...input, list: { ...input.list, countyCode: input.list.countyCode ?? ctx.config.HOME_COUNTY_CODE } }),
      ),
  }),
  ledger: router({
    day: readers
      .input(z.object({ stationId: idSchema, date: daySchema }))
      .output(z.object({ entry: ledgerEntry.nullable(), previous: ledgerEntry.nullable(), editableByOperatorFrom: z.string() }))
      .query(({ ctx, input }) => getLedgerDay(ctx, input.stationId, input.date)),
    month: readers
      .input(z.object({ stationId: idSchema, month: monthSchema }))
      .output(z.array(ledgerEntry))
      .query(({ ctx, input }) => listLedgerMonth(ctx, input.stationId, input.month)),
    export: readers
      .input(ledgerMonthExportInput)
      .output(exportOutput)
      .mutation(({ ctx, input }) => exportLedgerMonth(ctx, input)),
    upsert: ledgerWriters.input(ledgerUpsertInput).output(ledgerEntry).mutation(({ ctx, input }) => upsertLedger(ctx, input)),
    /** A month of ledger from the operator's own sheet; the same file twice changes nothing. */
    import: router({
      preview: ledgerWriters.input(ledgerImport.schemas.previewInput).output(ledgerImport.schemas.previewOutput).mutation(({ ctx, input }) => ledgerImport.preview(ctx, input)),
      commit: ledgerWriters.input(ledgerImport.schemas.commitInput).output(ledgerImport.schemas.commitOutput).mutation(({ ctx, input }) => ledgerImport.commit(ctx, input)),
      progress: importProgressProcedure(ledgerWriters),
    }),
  }),
});
