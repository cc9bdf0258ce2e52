import { z } from 'zod';
import { exportList, exportOutput } from '../../lib/excel';
import { daySchema, idSchema, monthSchema } from '../../lib/schema';
import { problemCountsOutput, sheetChoiceOutput } from '../../lib/sheet-mapping';
import { roleProcedure, router } from '../../trpc/trpc';
import { exportLedgerMonth, getLedgerDay, listLedgerMonth, upsertLedger } from './ledger.service';
import { commitLedgerImport, IMPORT_FIELDS, ledgerImportInput, previewLedgerImport } from './ledger.import';
import { commitStationImport, previewStationImport, stationImportInput } from './stations.import';
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
const stationImportOutput = z.object({
  totalRows: z.number(),
  validRows: z.number(),
  /** The first 200 (lib/upload-limits.ts), in row order; the counts say how many in all. */
  problems: z.array(z.object({ row: z.number(), field: z.string().nullable(), message: z.string() })),
  ...problemCountsOutput,
  /** The first 200 stations created; validRows says how many. */
  created: z.array(z.object({ row: z.number(), code: z.string(), name: z.string() })),
  ...sheetChoiceOutput,
});

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
  import: router({
    preview: managers
      .input(stationImportInput)
      .output(stationImportOutput)
      .mutation(({ ctx, input }) => previewStationImport(ctx.db, ctx.actor, ctx.who, ctx.lang, input)),
    commit: managers
      .input(stationImportInput)
      .output(stationImportOutput)
      .mutation(({ ctx, input }) => commitStationImport(ctx, ctx.actor, ctx.who, ctx.lang, input)),
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
    import: router({
      /** Dry run: the mapping used, and every row's problems. Writes nothing. */
      preview: ledgerWriters
        .input(ledgerImportInput)
        .output(
          z.object({
            headers: z.array(z.string()),
            headerRow: z.number(),
            ...sheetChoiceOutput,
            mapping: z.partialRecord(z.enum(IMPORT_FIELDS), z.string()),
            missing: z.array(z.enum(IMPORT_FIELDS)),
            totalRows: z.number(),
            validRows: z.number(),
            /** The first 200 (lib/upload-limits.ts), in row order; the counts say how many in all. */
            problems: z.array(z.object({ row: z.number(), field: z.enum(IMPORT_FIELDS).nullable(), message: z.string() })),
            ...problemCountsOutput,
            sample: z.array(ledgerEntry.pick({ stationId: true, date: true, note: true }).extend({ rowNumber: z.number() }).passthrough()),
          }),
        )
        .mutation(({ ctx, input }) => previewLedgerImport(ctx.db, ctx.actor, ctx.lang, input)),
      /** All rows or none; the same file twice leaves the same rows. */
      commit: ledgerWriters
        .input(ledgerImportInput)
        .output(z.object({ rows: z.number(), written: z.number(), unchanged: z.number() }))
        .mutation(({ ctx, input }) => commitLedgerImport(ctx, ctx.actor, ctx.who, ctx.lang, input)),
    }),
  }),
});
