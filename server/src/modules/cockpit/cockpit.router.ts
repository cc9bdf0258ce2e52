import { z } from 'zod';
import { exportInput, exportOutput, toXlsx } from '../../lib/excel';
import { regionCodeSchema, yearSchema } from '../../lib/schema';
import { roleProcedure, router } from '../../trpc/trpc';
import { cockpitOverview, cockpitTown, coordinatorHome, managerHome, operatorHome, RANKING_FORMATS, rankingExportRows } from './cockpit.service';
import { withHomeCounty } from '../service-context';

const bureau = roleProcedure('admin', 'staff');

export const cockpitRouter = router({
  /** 驾驶舱: the county's indicators against their targets, with trends, and the town ranking. */
  overview: bureau.input(z.object({ year: yearSchema })).query(({ ctx, input }) => cockpitOverview(withHomeCounty(ctx), input)),
  ranking: router({
    export: bureau
      .input(exportInput(z.object({ year: yearSchema }), RANKING_FORMATS))
      .output(exportOutput)
      .mutation(async ({ ctx, input }) =>
        toXlsx(await rankingExportRows(withHomeCounty(ctx), input.list), input.columns, { sheetName: input.sheetName, filenameStem: 'town-ranking' }),
      ),
  }),
  /** One town drilled into: its cards, stations, courses and hosts. */
  town: roleProcedure('admin', 'staff', 'training_coordinator')
    .input(z.object({ year: yearSchema, regionCode: regionCodeSchema }))
    .query(({ ctx, input }) => cockpitTown(withHomeCounty(ctx), input)),
  home: router({
    operator: roleProcedure('admin', 'station_operator').query(({ ctx }) => operatorHome(withHomeCounty(ctx))),
    coordinator: roleProcedure('admin', 'training_coordinator').query(({ ctx }) => coordinatorHome(withHomeCounty(ctx))),
    manager: roleProcedure('admin', 'livestream_manager').query(({ ctx }) => managerHome(withHomeCounty(ctx))),
  }),
});
